"""django-oauth-toolkit's validator, with claims from the user and the misbehaviours of
``__init__``'s docstring, chosen by the provider user's name."""

import json

from jwcrypto import jwk, jwt
from oauth2_provider.oauth2_validators import OAuth2Validator

# A key the provider signs with for ``bad-signature`` but never publishes in its JWKS.
FOREIGN_KEY = jwk.JWK.generate(kty="RSA", size=2048)


def mode(user) -> str:
    return user.username.split(".", 1)[0]


class MisbehavingValidator(OAuth2Validator):
    def get_additional_claims(self, request):
        user = request.user
        return {
            "email": user.email,
            "email_verified": mode(user) != "unverified",
            "name": user.get_full_name() or user.username,
            "given_name": user.first_name,
            "family_name": user.last_name,
            "preferred_username": user.username,
        }

    def get_id_token_dictionary(self, token, token_handler, request):
        claims, expiration_time = super().get_id_token_dictionary(token, token_handler, request)
        claims["amr"] = ["pwd", "mfa"] if mode(request.user) == "mfa" else ["pwd"]
        return claims, expiration_time

    def get_oidc_issuer_endpoint(self, request):
        issuer = super().get_oidc_issuer_endpoint(request)
        if mode(request.user) == "wrong-issuer":
            return issuer + "/elsewhere"
        return issuer

    def finalize_id_token(self, id_token, token, token_handler, request):
        serialized = super().finalize_id_token(id_token, token, token_handler, request)
        if mode(request.user) != "bad-signature":
            return serialized
        # The same claims and the published key's id, signed with the foreign key.
        published = jwt.JWT(jwt=serialized, key=request.client.jwk_key)
        header = json.loads(published.header)
        forged = jwt.JWT(header=json.dumps(header), claims=published.claims)
        forged.make_signed_token(FOREIGN_KEY)
        return forged.serialize()

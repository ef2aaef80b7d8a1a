"""Single sign-on through an OpenID Connect provider (allauth's ``openid_connect``), configured from
settings alone (``SSO_*``, ``SOCIALACCOUNT_PROVIDERS``): what the provider's answer must say before
anyone is signed in, and the callback that checks the id_token's signature.

Which user an answer signs in is the staff's business (``teams.sign_in``); this module knows nothing
of staff: it reads the configuration and the claims.
"""

from __future__ import annotations

from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.utils.translation import gettext_noop

PROVIDER = "openid_connect"

# Why an answer of the provider signs nobody in. English text marked for translation: the page that
# shows one translates it in the reader's language.
NO_EMAIL = gettext_noop("The identity provider did not give an e-mail address.")
UNVERIFIED = gettext_noop(
    "The identity provider does not say that the e-mail address %(email)s is verified, so it cannot sign you in."
)
OTHER_DOMAIN = gettext_noop(
    "The e-mail address %(email)s is not one of the carrier's, so it cannot sign in here with single sign-on."
)


def sso_configured() -> bool:
    """Is an OpenID Connect provider configured (``SSO_OIDC_SERVER_URL``)?"""
    return bool(getattr(settings, "SOCIALACCOUNT_PROVIDERS", {}).get(PROVIDER, {}).get("APPS"))


def sso_name() -> str:
    """The provider as the sign-in button names it."""
    return settings.SSO_OIDC_NAME


def staff_password_sign_in_allowed() -> bool:
    """May carrier staff sign in with a password? Always, unless single sign-on is configured and
    ``SSO_STAFF_PASSWORD_LOGIN`` is off."""
    return settings.SSO_STAFF_PASSWORD_LOGIN or not sso_configured()


def claims_of(extra_data: dict) -> dict:
    """The claims allauth kept of a sign-in: the userinfo answer, else the id_token's."""
    return extra_data.get("userinfo") or extra_data.get("id_token") or {}


def is_true(value) -> bool:
    """A boolean claim: some providers send ``"true"`` as a string."""
    return value is True or (isinstance(value, str) and value.lower() == "true")


def email_refusal(claims: dict, domains: list[str]) -> tuple[str, dict] | None:
    """Why the e-mail address in ``claims`` signs nobody in (a message and its parameters), or None:
    there must be one, ``email_verified`` must be true, and its domain one of ``domains``."""
    email = (claims.get("email") or "").strip()
    if not email or "@" not in email:
        return NO_EMAIL, {}
    if not is_true(claims.get("email_verified")):
        return UNVERIFIED, {"email": email}
    if email.rpartition("@")[2].lower() not in {domain.lower() for domain in domains}:
        return OTHER_DOMAIN, {"email": email}
    return None


def provider_asserted_mfa(extra_data: dict) -> bool:
    """Does the id_token say the provider asked for more than a password (``amr`` has "mfa")?"""
    amr = (extra_data.get("id_token") or {}).get("amr") or []
    return isinstance(amr, list) and "mfa" in amr


class SignatureCheckingAdapter(OpenIDConnectOAuth2Adapter):
    """allauth's adapter, except that the id_token's signature is always checked against the
    provider's published keys. allauth skips that check for an id_token it fetched itself from the
    token endpoint (OpenID Connect Core 3.1.3.7 lets TLS stand in for it); the portal checks it as
    well, so a token endpoint reached through a proxy or a misissued certificate cannot sign anyone
    in with an unsigned or foreign-signed token. The issuer and audience are checked as before."""

    def _decode_id_token(self, app: SocialApp, id_token: str) -> dict:
        return jwtkit.verify_and_decode(
            credential=id_token,
            keys_url=self.openid_config["jwks_uri"],
            issuer=self.openid_config["issuer"],
            audience=app.client_id,
            lookup_kid=jwtkit.lookup_kid_jwk,
            verify_signature=True,
        )


@login_not_required
def callback(request, provider_id: str):
    """The provider's redirect back to the portal (allauth's ``openid_connect_callback``, routed
    first at the same path), with the signature-checking adapter."""
    try:
        view = OAuth2CallbackView.adapter_view(SignatureCheckingAdapter(request, provider_id))
        return view(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None

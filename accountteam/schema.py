"""What drf-spectacular needs to document the portal's own pieces (loaded in ``AccountteamConfig.ready``)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "accountteam.token_auth.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "`Token <secret>`: a token from POST /api/v1/auth/token/ or the API tokens page. Tokens "
                "expire (see `expires`), and changing the password revokes them all."
            ),
        }

from django.apps import AppConfig


class AccountteamConfig(AppConfig):
    name = "accountteam"
    verbose_name = "Portal"

    def ready(self):
        # A changed password revokes API tokens; the schema documents the token header; sign-in
        # keeps the user's language; sign-ins and two-factor changes go to the audit trail.
        from . import audit_receivers, languages, schema, signals  # noqa: F401

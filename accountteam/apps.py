from django.apps import AppConfig


class AccountteamConfig(AppConfig):
    name = "accountteam"
    verbose_name = "Portal"

    def ready(self):
        # A changed password revokes API tokens; the schema documents the token header.
        from . import schema, signals  # noqa: F401

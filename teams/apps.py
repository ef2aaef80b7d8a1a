from django.apps import AppConfig


class TeamsConfig(AppConfig):
    name = "teams"
    verbose_name = "Account teams"

    def ready(self):
        # Leaving the last company revokes the user's API tokens.
        from . import signals  # noqa: F401

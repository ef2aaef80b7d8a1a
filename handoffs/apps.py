from django.apps import AppConfig


class HandoffsConfig(AppConfig):
    name = "handoffs"
    verbose_name = "Reassignment handoffs"

    def ready(self):
        from teams.selectors import team_changes_register

        from .selectors import team_changes

        team_changes_register(team_changes)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HandoffsConfig(AppConfig):
    name = "handoffs"
    verbose_name = _("Reassignment handoffs")

    def ready(self):
        from teams.selectors import team_changes_register

        from .selectors import team_changes

        team_changes_register(team_changes)

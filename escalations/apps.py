from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EscalationsConfig(AppConfig):
    name = "escalations"
    verbose_name = _("Escalations")

    def ready(self):
        from accountteam.notifications import mutable_notices_register

        from .customer_notices import SETTINGS_GROUP

        # The customer's users choose which of these notices they get on their settings page.
        mutable_notices_register(SETTINGS_GROUP)

from django.apps import AppConfig


class EscalationsConfig(AppConfig):
    name = "escalations"
    verbose_name = "Escalations"

    def ready(self):
        from accountteam.notifications import mutable_notices_register

        from .customer_notices import SETTINGS_GROUP

        # The customer's users choose which of these notices they get on their settings page.
        mutable_notices_register(SETTINGS_GROUP)

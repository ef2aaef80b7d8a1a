from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MaintenanceConfig(AppConfig):
    name = "maintenance"
    verbose_name = _("Maintenance and outage notices")

    def ready(self):
        from dossiers.feeds import feed_source_register

        from .ical import feed_events

        feed_source_register(feed_events)

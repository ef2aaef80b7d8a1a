from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceReportsConfig(AppConfig):
    """The customer's service report for a period, its publication, and service credits."""

    name = "servicereports"
    verbose_name = _("Service reports")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The top floor: the root URLs and the pages that compose the apps below."""

    name = "portal"
    verbose_name = _("Portal")

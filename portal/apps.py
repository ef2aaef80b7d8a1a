from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The top floor: the root URLs and the pages that compose the apps below."""

    name = "portal"
    verbose_name = "Portal"

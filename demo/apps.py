from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The top floor: the demo data set (``manage.py seed_demo``) built from every app."""

    name = "demo"
    verbose_name = "Demo data"

from django.apps import AppConfig


class AccountteamConfig(AppConfig):
    name = "accountteam"
    verbose_name = "Portal"

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit trail"

    def ready(self):
        # The trail is written on the bottom floor, which knows nothing of companies: this app tells
        # it which company a customer user acts for, and how people are named.
        from accountteam import audit as trail

        from . import selectors

        trail.tenancy_register(
            company_of=selectors.actor_company, company_name=selectors.company_name,
            display_name=selectors.actor_name,
        )

from django.core.management.base import BaseCommand, CommandError

from demo import teams as demo
from demo.dossiers import seed_dossiers
from demo.escalations import seed_demo_escalations
from demo.handoffs import seed_demo_handoff
from demo.mail import seed_demo_mail
from demo.maintenance import seed_demo_maintenance
from demo.postmortems import seed_demo_postmortems
from demo.service import seed_demo_service
from demo.servicereports import seed_demo_service_reports
from demo.touchpoints import seed_demo_touchpoints
from escalations.models import ResponsePolicy, RoutingRule
from escalations.policies import seed_guidelines, seed_routing


class Command(BaseCommand):
    help = "Create the demo data set (idempotent). --scale N adds N generated companies for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=0, metavar="N",
                            help="also generate N companies with two accounts and full teams each")

    def handle(self, *args, scale, **options):
        if scale < 0:
            raise CommandError("--scale must be zero or more.")
        counts = demo.seed_demo()
        counts["response policies"] = seed_guidelines(ResponsePolicy)
        counts["routing rules"] = seed_routing(RoutingRule)
        counts["new demo escalations"] = seed_demo_escalations()
        counts["new dossier entries"] = seed_dossiers()
        counts["new demo handoffs"] = seed_demo_handoff()
        counts["new demo post-mortems"] = seed_demo_postmortems()
        counts["new demo e-mails"] = seed_demo_mail()
        counts["new demo time entries"] = seed_demo_service()
        counts["new demo review plan items"] = seed_demo_touchpoints()
        counts["new demo network notices"] = seed_demo_maintenance()
        counts["new demo service report entries"] = seed_demo_service_reports()
        self.stdout.write(self.style.SUCCESS(
            "Demo data ready: " + ", ".join(f"{v} {k}" for k, v in counts.items())))
        if scale:
            counts = demo.seed_scale(scale)
            self.stdout.write(self.style.SUCCESS(
                "Scale data added: " + ", ".join(f"{v} {k}" for k, v in counts.items())))

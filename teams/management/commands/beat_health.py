import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django_celery_beat.models import PeriodicTask


class Command(BaseCommand):
    help = "Exit non-zero unless beat has sent a periodic task within --minutes (container health check)."

    def add_arguments(self, parser):
        parser.add_argument("--minutes", type=int, default=5)

    def handle(self, *args, minutes, **options):
        since = timezone.now() - dt.timedelta(minutes=minutes)
        latest = PeriodicTask.objects.filter(enabled=True).order_by("-last_run_at").first()
        if latest is None or latest.last_run_at is None or latest.last_run_at < since:
            when = latest.last_run_at if latest and latest.last_run_at else "never"
            raise CommandError(f"Beat has sent no periodic task in {minutes} minutes (last: {when}).")
        self.stdout.write(f"Beat is alive: {latest.name} sent at {latest.last_run_at:%Y-%m-%d %H:%M:%S %Z}.")

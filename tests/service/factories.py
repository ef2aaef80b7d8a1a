"""Helpers for the service tests: packages and time entries are made through the services (the
real checks), the rows they point at by the other apps' factories."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from service import services
from service.models import Activity, ServicePackage, TimeEntry

DENVER = ZoneInfo("America/Denver")

# "Now" in the service tests: Thursday 10 December 2026, 15:00 in Denver. The week runs from
# Monday 7 to Sunday 13 December; the month is December 2026.
NOW = dt.datetime(2026, 12, 10, 15, 0, tzinfo=DENVER)
TODAY = NOW.date()
MONDAY = dt.date(2026, 12, 7)
MONTH = dt.date(2026, 12, 1)


def activity(code: str) -> Activity:
    return Activity.objects.get(code=code)


def make_package(company, *, actor, hours="20", codes=None, start=dt.date(2026, 1, 1), end=None,
                 name="Managed Service Gold") -> ServicePackage:
    """A package through the service; ``codes=None``: every active activity."""
    activities = Activity.objects.filter(is_active=True)
    if codes is not None:
        activities = activities.filter(code__in=codes)
    return services.package_create(actor=actor, company=company, name=name, hours_per_month=Decimal(hours),
                                   activities=list(activities), start_date=start, end_date=end)


def log(actor, company, *, hours="1", code="service-reviews", date=TODAY, note="", **links) -> TimeEntry:
    return services.time_entry_create(actor=actor, company=company, activity=activity(code), date=date,
                                      hours=Decimal(hours), note=note, **links)

"""Helpers for network notice tests: notices are published through the services (the real path,
which stores the accounts and the history and tells the customers)."""

import datetime as dt
from zoneinfo import ZoneInfo

from maintenance import services
from maintenance.models import Kind, NetworkNotice

DENVER = ZoneInfo("America/Denver")

# "Now" in these tests: Monday 2 March 2026, 10:00 in Denver (MST, UTC−7). The maintenance window
# is the night of Thursday 5 March, 01:00–05:00 Denver.
NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=DENVER)
STARTS = dt.datetime(2026, 3, 5, 1, 0, tzinfo=DENVER)
ENDS = dt.datetime(2026, 3, 5, 5, 0, tzinfo=DENVER)
GCR = "GCR-2026-1187"


def denver(year, month, day, hour=0, minute=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=DENVER)


def publish_maintenance(actor, accounts, **values) -> NetworkNotice:
    fields = {
        "reference": GCR, "title": "Core router upgrade, Denver POP", "starts_at": STARTS, "ends_at": ENDS,
        "impact": "Two interruptions of up to 10 minutes.", "description": "One chassis at a time.",
    } | values
    return services.notice_publish(actor=actor, kind=Kind.MAINTENANCE, accounts=accounts, **fields)


def publish_outage(actor, accounts, **values) -> NetworkNotice:
    fields = {
        "title": "Fiber cut, Golden – Boulder", "starts_at": NOW - dt.timedelta(hours=1),
        "impact": "Circuits through Golden are down.",
    } | values
    return services.notice_publish(actor=actor, kind=Kind.OUTAGE, accounts=accounts, **fields)

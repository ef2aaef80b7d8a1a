"""Factories and helpers for escalation tests.

Items that the tests act on are raised through ``services.escalation_create`` (the real path);
``EscalationFactory`` only builds rows for list, filter and query-budget tests.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import factory

from accountteam.calendar import CalendarSpec
from accountteam.models import Notification
from escalations import services
from escalations.models import Escalation, ResponsePolicy
from tests.teams.factories import PersonFactory

DENVER = ZoneInfo("America/Denver")
UTC = dt.UTC

# The conftest's "Denver office" calendar as a pure value: Mon–Fri 08:00–17:00, US holidays.
DENVER_OFFICE = CalendarSpec(
    time_zone="America/Denver",
    weekly_hours={d: [["08:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")},
    holiday_country="US",
)


def denver(year, month, day, hour=0, minute=0) -> dt.datetime:
    """A wall-clock instant in Denver (January dates are MST, UTC−7)."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=DENVER)


def utc(instant: dt.datetime) -> dt.datetime:
    """Compare instants in UTC: two datetimes sharing a tzinfo compare by wall clock."""
    return instant.astimezone(UTC)


def raise_item(tenant, *, at, channel="pager", category="repair", subject="Circuit down", actor=None, **kwargs):
    """Raise an item as the tenant's customer user (or ``actor``) at ``at``."""
    return services.escalation_create(
        actor=actor or tenant.user,
        account=kwargs.pop("account", tenant.account),
        channel=channel,
        category=category,
        subject=subject,
        now=at,
        **kwargs,
    )


# What the workflow's actions write on an item (its timeline and the notices aside).
WORKFLOW_FIELDS = (
    "status", "status_before_wait", "level", "assignee_id", "due_at", "first_response_at", "follow_up_on",
    "follow_up_due_at", "paused_at", "escalated_at", "escalation_reason", "resolved_at", "next_deadline_at",
)


def stored_state(item) -> dict:
    """The item as stored now: its workflow fields, its timeline and the number of notices. A refused
    action leaves all three as they were: ``assert stored_state(item) == before``."""
    stored = Escalation.objects.get(pk=item.pk)
    return {
        "fields": {name: getattr(stored, name) for name in WORKFLOW_FIELDS},
        "events": list(stored.events.order_by("pk").values_list("kind", "comment", "internal")),
        "notices": Notification.objects.count(),
    }


def director_of(person, name="Dana Director"):
    """Give ``person`` a director (reports_to) and return the director."""
    director = PersonFactory(name=name, title="Director")
    person.reports_to = director
    person.save(update_fields=["reports_to"])
    return director


class ResponsePolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResponsePolicy

    company = None
    channel = "pager"
    category = ""
    availability = "in_office"
    mode = ResponsePolicy.Mode.INTERVAL
    target_value = 5
    due_value = 10
    unit = ResponsePolicy.Unit.MINUTES
    description = "A contract's own pager interval."


class EscalationFactory(factory.django.DjangoModelFactory):
    """A stored item with given deadlines; no events, no notices."""

    class Meta:
        model = Escalation

    account = None  # required: pass the tenant's account
    company = factory.LazyAttribute(lambda o: o.account.company)
    channel = "pager"
    category = "repair"
    subject = factory.Sequence(lambda n: f"Item {n}")
    assignee = None  # required
    availability = "in_office"
    status = "new"
    policy_mode = "interval"
    policy_target = 15
    policy_due = 30
    policy_unit = "minutes"
    received_at = factory.LazyFunction(lambda: denver(2026, 1, 13, 10, 0))
    due_at = factory.LazyAttribute(lambda o: o.received_at + dt.timedelta(minutes=30))
    next_deadline_at = factory.LazyAttribute(lambda o: o.due_at)

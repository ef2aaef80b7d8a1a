"""Reads for escalations. Every selector starts from ``Escalation.objects.visible_to(user)``."""

from __future__ import annotations

from django.db.models import Case, CharField, Count, F, IntegerField, Q, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from teams.scoping import covered_people, staff_person
from teams.selectors import Absence, absences_backed_up

from . import routing, rules
from .event_words import event_line
from .models import Category, Escalation, Event, ResponsePolicy, RoutingRule, Status, Topic


def escalation_list(*, user, filters: dict | None = None):
    filters = filters or {}
    items = Escalation.objects.visible_to(user).select_related("company", "account", "assignee", "raised_by", "meeting")
    if filters.get("status"):
        items = items.filter(
            status__in=filters["status"] if isinstance(filters["status"], list) else [filters["status"]]
        )
    for field in ("channel", "category", "company", "assignee", "account", "level"):
        if filters.get(field):
            items = items.filter(**{field: filters[field]})
    if filters.get("overdue"):
        items = items.overdue()
    if filters.get("due_before"):
        items = items.filter(next_deadline_at__lt=filters["due_before"])
    if filters.get("q"):
        items = _search(items, filters["q"])
    return items


def _search(items, q: str):
    """Free text over the subject, the account number and the company name."""
    return items.filter(Q(subject__icontains=q) | Q(account__number__icontains=q) | Q(company__name__icontains=q))


# The escalation list's sortable columns (``?sort=name``, ``?sort=-name`` for descending).
LIST_SORTS = ("subject", "status", "received", "deadline")


def _status_rank():
    """A status's place in the life cycle (new first), to sort by status as people read it."""
    return Case(
        *(When(status=value, then=Value(rank)) for rank, (value, _label) in enumerate(Status.choices)),
        default=Value(len(Status.choices)),
        output_field=IntegerField(),
    )


def escalation_list_order(items, *, sort: str = "", now=None):
    """``items`` in the list's order: by the column ``sort`` names (see ``LIST_SORTS``), else by
    urgency: overdue first, then by next deadline (items without one last), then newest first.
    Every order ends with the newest, so a page never shuffles between two requests."""
    column = sort.removeprefix("-")
    descending = sort.startswith("-")
    if column in LIST_SORTS:
        key = {"subject": F("subject"), "status": _status_rank(), "received": F("received_at")}.get(
            column, F("next_deadline_at")
        )
        first = key.desc(nulls_last=True) if descending else key.asc(nulls_last=True)
        return items.order_by(first, "-received_at", "-pk")
    overdue = Case(
        When(
            ~Q(status__in=rules.CLOSED) & ~Q(status=rules.WAITING) & Q(next_deadline_at__lte=now or timezone.now()),
            then=Value(0),
        ),
        default=Value(1),
        output_field=IntegerField(),
    )
    return items.order_by(overdue.asc(), F("next_deadline_at").asc(nulls_last=True), "-received_at", "-pk")


def escalation_get(*, user, pk) -> Escalation:
    return get_object_or_404(
        Escalation.objects.visible_to(user).select_related(
            "company", "account", "assignee__calendar", "assignee__reports_to", "raised_by", "meeting"
        ),
        pk=pk,
    )


# What of an event's data a customer reads (the rest, e.g. who had the item before, is the staff's).
# A scheduled call or meeting: when, how long and where, and the time it was moved from.
# An undone resolution says so ("undone").
CUSTOMER_EVENT_DATA = (
    "to", "level", "follow_up_on", "starts_at", "minutes", "location", "rescheduled_from", "undone",
)


def timeline(*, user, escalation: Escalation) -> list[Event]:
    """The item's events, each with its ``line`` (who acted and what changed, ``event_words``).
    Customers do not see internal notes and sweep records, and read an escalation or reassignment
    as they were told it (``customer_text``), never the staff's reason nor who had the item."""
    events = Event.objects.filter(escalation=escalation).select_related("actor").order_by("at", "pk")
    if staff_person(user) is not None:
        shown = list(events)
        for event in shown:
            event.line = event_line(event, staff=True)
        return shown
    shown = []
    for event in events.filter(internal=False):
        if "customer_text" in event.data:
            event.comment = event.data["customer_text"]
            # A change of hands reads as the portal's: who moved it (the previous holder, often)
            # is the staff's to know.
            event.actor, event.actor_id, event.actor_name = None, None, ""
        event.data = {k: v for k, v in event.data.items() if k in CUSTOMER_EVENT_DATA}
        event.line = event_line(event, staff=False)
        shown.append(event)
    return shown


def guidelines_for(company) -> list[ResponsePolicy]:
    """The response guidelines a company's users see: the carrier's rows, with the company's own
    rows replacing those of the same scope."""
    rows = list(ResponsePolicy.objects.filter(Q(company__isnull=True) | Q(company=company)))
    own = {(r.channel, r.category, r.availability) for r in rows if r.company_id}
    return [r for r in rows if r.company_id or (r.channel, r.category, r.availability) not in own]


def routing_rows(company) -> list[rules.RouteRow]:
    """The carrier's routing rows and ``company``'s overrides, in one query."""
    return [
        rules.RouteRow(r.company_id, r.category, r.topic, r.role_codes)
        for r in RoutingRule.objects.filter(Q(company__isnull=True) | Q(company=company))
    ]


def _duty_label(category: str, topic: str) -> str:
    if category == Category.OTHER:
        return _("Anything else")
    if not topic:
        return str(Category(category).label)
    words = str(Topic(topic).label)
    # "A new Interconnection Agreement…" reads "a new …" after a colon; an acronym stays as it is.
    first = words.split()[0]
    if not (len(first) > 1 and first.isupper()):
        words = words[0].lower() + words[1:]
    # Translators: a category and one of its sub-topics: “ICA question: a new Interconnection Agreement…”.
    return _("%(category)s: %(topic)s") % {"category": Category(category).label, "topic": words}


def contact_reasons(rows: list[rules.RouteRow], *, company_id, held) -> dict[str, list[str]]:
    """Role code → what to contact that role for, on a team holding the roles ``held``: the
    routing a raise follows, read per role, in the table's order (then any category it leaves to
    the fallbacks). ``rows`` from ``routing_rows`` (no query here)."""
    categories = list(dict.fromkeys([r.category for r in rows] + list(Category.values)))
    duties = routing.answered_by(rows, company_id=company_id, held=held, categories=categories)
    return {role: [_duty_label(*pair) for pair in pairs] for role, pairs in duties.items()}


# --- The queue ----------------------------------------------------------------------------------

QUEUE_FILTERS = ("status", "channel", "category", "company", "level", "state", "q")


def queue_people(person, now=None) -> list[int]:
    """Whose items a person works: their own, and those of people they back up while those are
    out of the office (an out-of-office state whose until has not passed)."""
    return [person.pk, *covered_people(person, now).values_list("pk", flat=True)]


def queue_absences(*, user, now=None) -> list[Absence]:
    """The absences of the people the caller backs up, for the queue page: under way (their
    items are in the queue) or planned ahead (their items come when it begins)."""
    person = staff_person(user)
    return [] if person is None else absences_backed_up(person=person, now=now)


def _queue_state(now):
    """The item's state for the queue, computed in the database (filters and tab counts)."""
    return Case(
        When(status=rules.WAITING, then=Value(rules.PAUSED)),
        When(next_deadline_at__lte=now, then=Value(rules.OVERDUE_STATE)),
        When(first_response_at__isnull=True, target_at__lte=now, then=Value(rules.AT_RISK)),
        When(
            first_response_at__isnull=False,
            follow_up_target_at__lte=now,
            follow_up_done_at__isnull=True,
            then=Value(rules.AT_RISK),
        ),
        default=Value(rules.ON_TRACK),
        output_field=CharField(),
    )


def queue_base(*, user, now=None):
    """Open items of the caller's queue (own and backed-up people's), with their state."""
    person = staff_person(user)
    now = now or timezone.now()
    if person is None:
        return Escalation.objects.none().annotate(queue_state=_queue_state(now))
    return (
        Escalation.objects.visible_to(user, now=now)
        .open()
        # ... and after-hours repairs that went to the duty manager instead of the person.
        .filter(Q(assignee_id__in=queue_people(person, now)) | Q(after_hours_for=person))
        .annotate(queue_state=_queue_state(now))
    )


def queue_filter(items, filters: dict):
    """Apply the queue's filters (the same for the page and the API)."""
    if filters.get("status"):
        items = items.filter(status=filters["status"])
    for field in ("channel", "category", "company", "level"):
        if filters.get(field):
            items = items.filter(**{field: filters[field]})
    if filters.get("state"):
        items = items.filter(queue_state=filters["state"])
    if filters.get("q"):
        items = _search(items, filters["q"])
    return items


def queue_list(*, user, filters: dict | None = None, now=None):
    """The caller's queue: next deadline first (items without one last), then oldest first."""
    items = queue_filter(queue_base(user=user, now=now), filters or {})
    return items.select_related("company", "account", "assignee", "meeting").order_by(
        F("next_deadline_at").asc(nulls_last=True), "received_at", "pk"
    )


def queue_counts(*, user, filters: dict | None = None, now=None) -> dict[str, int]:
    """Items per state for the tabs, in one query (the tab's own state filter is ignored)."""
    filters = {k: v for k, v in (filters or {}).items() if k != "state"}
    items = queue_filter(queue_base(user=user, now=now), filters)
    counts = items.aggregate(
        all=Count("pk"), **{state: Count("pk", filter=Q(queue_state=state)) for state in rules.QUEUE_STATES}
    )
    return counts


def queue_due_counts(*, user, due_before, now=None) -> dict[str, int]:
    """For the home page, in one query: the caller's queue items due before ``due_before`` and not
    overdue yet (their clock runs: waiting on the customer is not due), and the queue's items at
    the director's level (``/queue/?level=2``)."""
    items = queue_base(user=user, now=now)
    return items.aggregate(
        due_today=Count(
            "pk",
            filter=Q(queue_state__in=[rules.ON_TRACK, rules.AT_RISK], next_deadline_at__lt=due_before),
        ),
        escalated=Count("pk", filter=Q(level=rules.MAX_LEVEL)),
    )

"""Reads for the director's review. Every read starts from ``Escalation.objects.visible_to(user)``
and narrows it to the reviewed group; the figures are computed by the database (aggregates with
conditional filters, one query per table whatever the number of items).

A director's **group** is the director, the people who report to them and those people's
reports. The director is part of it because escalating an item (level 2) hands it to the
director: without them, escalated items would drop out of the group's figures.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import (
    Aggregate,
    Case,
    Count,
    DateTimeField,
    Exists,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.functions import Cast, NullIf, TruncWeek
from django.http import Http404

from escalations import rules as escalation_rules
from escalations.models import Category, Channel, Escalation
from teams.models import Person
from teams.scoping import staff_person
from teams.time_zones import time_zone_for

from . import rules

OVERDUE = "overdue"
AT_RISK = "at_risk"
DIGEST_OVERDUE_LIMIT = 50

# --- Who reviews whom ---------------------------------------------------------------------------------


def group_members(director: Person):
    """The director's group as a subquery of person ids (people who left included: their open
    items still need someone)."""
    return Person.objects.filter(
        Q(pk=director.pk) | Q(reports_to=director) | Q(reports_to__reports_to=director)
    ).values("pk")


def director_choices(person: Person) -> list[Person]:
    """The directors (active people with at least one active report) whose group ``person`` may
    review: every one for a carrier admin, else ``person`` and the directors inside their group."""
    has_reports = Exists(Person.objects.filter(reports_to=OuterRef("pk"), is_active=True))
    directors = Person.objects.filter(has_reports, is_active=True)
    if not person.is_carrier_admin:
        directors = directors.filter(pk__in=group_members(person))
    return list(directors.select_related("calendar").order_by("name", "pk"))


class ReviewScope:
    """What a reviewer looks at: one director's group, or every group (carrier admins only)."""

    def __init__(self, *, user, reviewer: Person, director: Person | None, directors: list[Person]):
        self.user = user
        self.reviewer = reviewer
        self.director = director
        self.directors = directors  # the groups the reviewer may pick

    @cached_property
    def zone(self) -> ZoneInfo:
        """The reviewer's own time zone: periods are their local days."""
        return ZoneInfo(time_zone_for(self.user))

    @property
    def digest_zone(self) -> ZoneInfo:
        """The digest's week is the director's (their calendar's zone), whoever looks at it."""
        return ZoneInfo(self.director.calendar.time_zone) if self.director else self.zone

    def members(self):
        return group_members(self.director) if self.director else None

    def query(self) -> dict[str, str]:
        """The query parameter that selects this group again (for links)."""
        if self.director is None or (self.director.pk == self.reviewer.pk and not self.reviewer.is_carrier_admin):
            return {}  # a director's own group is the default
        return {"director": str(self.director.pk)}


def review_scope(*, user, director: str | int | None = None) -> ReviewScope:
    """The group ``user`` reviews. Directors review their own group (or a director's inside it);
    carrier admins every group, or one they pick. Anyone else: PermissionDenied. A picked
    director outside the reviewer's reach answers 404, like any object that is not yours."""
    person = staff_person(user)
    if person is None:
        raise PermissionDenied("The review is for directors and carrier admins.")
    directors = director_choices(person)
    by_id = {d.pk: d for d in directors}
    if not person.is_carrier_admin and person.pk not in by_id:
        raise PermissionDenied("The review is for directors (people with reports) and carrier admins.")
    picked = None
    if director not in (None, "", "all"):
        try:
            picked = by_id[int(director)]
        except (KeyError, TypeError, ValueError):
            raise Http404("No such director in your reach.") from None
    elif not person.is_carrier_admin:
        picked = by_id[person.pk]
    return ReviewScope(user=user, reviewer=person, director=picked, directors=directors)


def scope_for_director(director: Person) -> ReviewScope:
    """The director's own view of their group (the weekly digest): as seen by their user."""
    return ReviewScope(user=director.user, reviewer=director, director=director, directors=[director])


def group_items(scope: ReviewScope):
    items = Escalation.objects.visible_to(scope.user)
    if scope.director is not None:
        items = items.filter(assignee__in=scope.members())
    return items


def reassign_choices(scope: ReviewScope) -> list[Person]:
    """Who may take over an item from the dashboard: the group's active members. Every group at
    once (a carrier admin who has not picked one) offers nobody: pick a group to reassign."""
    if scope.director is None:
        return []
    return list(Person.objects.filter(pk__in=scope.members(), is_active=True).order_by("name", "pk"))


# --- Overdue and at risk (the dashboard) ------------------------------------------------------------------


def _overdue(now) -> Q:
    return Q(next_deadline_at__lte=now)


def _at_risk(now) -> Q:
    """Past its target (or the promised follow-up's day has begun), not yet due."""
    return Q(next_deadline_at__gt=now) & (
        Q(first_response_at__isnull=True, target_at__lte=now)
        | Q(first_response_at__isnull=False, follow_up_done_at__isnull=True, follow_up_target_at__lte=now)
    )


def attention_base(scope: ReviewScope, *, now: dt.datetime):
    """Open items whose clock runs (not waiting on the customer) that are overdue or at risk."""
    return group_items(scope).open().exclude(status=escalation_rules.WAITING).filter(_overdue(now) | _at_risk(now))


def attention_list(scope: ReviewScope, *, now: dt.datetime, person_id: int | None = None, channel: str = ""):
    items = attention_base(scope, now=now)
    if person_id:
        items = items.filter(assignee_id=person_id)
    if channel:
        items = items.filter(channel=channel)
    return (
        items.annotate(state=Case(When(_overdue(now), then=Value(OVERDUE)), default=Value(AT_RISK)))
        .select_related("company", "account", "assignee")
        .order_by("next_deadline_at", "pk")
    )


def attention_by_person(scope: ReviewScope, *, now: dt.datetime) -> list[dict]:
    rows = (
        attention_base(scope, now=now)
        .values("assignee_id", "assignee__name")
        .annotate(overdue=Count("pk", filter=_overdue(now)), at_risk=Count("pk", filter=_at_risk(now)))
        .order_by("-overdue", "-at_risk", "assignee__name", "assignee_id")
    )
    return [
        {"key": r["assignee_id"], "label": r["assignee__name"], "overdue": r["overdue"], "at_risk": r["at_risk"]}
        for r in rows
    ]


def attention_by_channel(scope: ReviewScope, *, now: dt.datetime) -> list[dict]:
    rows = (
        attention_base(scope, now=now)
        .values("channel")
        .annotate(overdue=Count("pk", filter=_overdue(now)), at_risk=Count("pk", filter=_at_risk(now)))
        .order_by("-overdue", "-at_risk", "channel")
    )
    labels = dict(Channel.choices)
    return [
        {"key": r["channel"], "label": labels.get(r["channel"], r["channel"]), **_pick(r, "overdue", "at_risk")}
        for r in rows
    ]


def _pick(row: dict, *names) -> dict:
    return {n: row[n] for n in names}


def overdue_list(scope: ReviewScope, *, now: dt.datetime):
    """The group's overdue items, longest overdue first (the API and the digest)."""
    return (
        group_items(scope)
        .overdue(now)
        .select_related("company", "account", "assignee")
        .order_by("next_deadline_at", "pk")
    )


# --- Compliance --------------------------------------------------------------------------------------

# group_by → (key field, label field or None when the label comes from the field's choices)
DIMENSIONS = {
    "person": ("assignee_id", "assignee__name"),
    "channel": ("channel", None),
    "category": ("category", None),
    "company": ("company_id", "company__name"),
}
CHOICE_LABELS = {"channel": dict(Channel.choices), "category": dict(Category.choices)}
COUNT_COLUMNS = ("items", "with_target", "met_target", "missed_target", "met_due", "missed_due", "escalated")
RATE_COLUMNS = ("met_target_rate", "met_due_rate")
TIME_COLUMNS = ("median_first_response_seconds", "p90_first_response_seconds")
COLUMNS = ("key", "label", *COUNT_COLUMNS, *RATE_COLUMNS, *TIME_COLUMNS)


class Percentile(Aggregate):
    """PostgreSQL's ordered-set aggregate ``percentile_cont`` (django.contrib.postgres has none):
    the continuous percentile, interpolating between the two nearest values. NULLs are ignored."""

    function = "percentile_cont"
    name = "Percentile"
    template = "%(function)s(%(percentile)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()
    arity = 1

    def __init__(self, expression, *, percentile: float, **extra):
        if not 0 <= percentile <= 1:
            raise ValueError("percentile must be between 0 and 1")
        super().__init__(expression, percentile=repr(float(percentile)), **extra)


class EpochSeconds(Func):
    """An interval in seconds (PostgreSQL)."""

    template = "EXTRACT(EPOCH FROM %(expressions)s)::double precision"
    output_field = FloatField()


# When the item was answered: its first response, else its resolution (resolved without one).
ANSWERED_AT = Case(
    When(first_response_at__isnull=False, then=F("first_response_at")),
    When(status=escalation_rules.RESOLVED, then=F("resolved_at")),
    output_field=DateTimeField(),
)
ANSWERED = Q(first_response_at__isnull=False) | Q(status=escalation_rules.RESOLVED)
CLOCK_RUNNING = tuple(sorted(escalation_rules.OPEN - {escalation_rules.WAITING}))


def _answered_by(deadline: str) -> Q:
    return Q(first_response_at__lte=F(deadline)) | Q(
        first_response_at__isnull=True, status=escalation_rules.RESOLVED, resolved_at__lte=F(deadline)
    )


def _answered_after(deadline: str) -> Q:
    return Q(first_response_at__gt=F(deadline)) | Q(
        first_response_at__isnull=True, status=escalation_rules.RESOLVED, resolved_at__gt=F(deadline)
    )


def _unanswered_past(deadline: str, now) -> Q:
    return Q(first_response_at__isnull=True, status__in=CLOCK_RUNNING, **{f"{deadline}__lte": now})


def _counts(now) -> dict:
    has_target, has_due = Q(target_at__isnull=False), Q(due_at__isnull=False)
    return {
        "items": Count("pk"),
        "with_target": Count("pk", filter=has_target),
        "met_target": Count("pk", filter=has_target & _answered_by("target_at")),
        "missed_target": Count(
            "pk", filter=has_target & (_answered_after("target_at") | _unanswered_past("target_at", now))
        ),
        "met_due": Count("pk", filter=has_due & _answered_by("due_at")),
        "missed_due": Count("pk", filter=has_due & (_answered_after("due_at") | _unanswered_past("due_at", now))),
        "escalated": Count("pk", filter=Q(level__gte=2)),
    }


def _rate(met: str, missed: str):
    return Cast(F(met), FloatField()) / NullIf(F(met) + F(missed), Value(0))


def _rates() -> dict:
    return {"met_target_rate": _rate("met_target", "missed_target"), "met_due_rate": _rate("met_due", "missed_due")}


def _percentiles() -> dict:
    if connection.vendor != "postgresql":
        return {}
    seconds = EpochSeconds(ANSWERED_AT - F("received_at"))
    return {
        "median_first_response_seconds": Percentile(seconds, percentile=0.5),
        "p90_first_response_seconds": Percentile(seconds, percentile=0.9),
    }


@dataclass
class Figures:
    key: object
    label: str
    items: int = 0
    with_target: int = 0
    met_target: int = 0
    missed_target: int = 0
    met_due: int = 0
    missed_due: int = 0
    escalated: int = 0
    met_target_rate: float | None = None
    met_due_rate: float | None = None
    median_first_response_seconds: float | None = None
    p90_first_response_seconds: float | None = None

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in COLUMNS}

    @property
    def median_words(self) -> str:
        return rules.duration_words(self.median_first_response_seconds)

    @property
    def p90_words(self) -> str:
        return rules.duration_words(self.p90_first_response_seconds)


@dataclass
class WeekPoint:
    monday: dt.date
    label: str
    met_due: int = 0
    missed_due: int = 0
    met_due_rate: float | None = None


@dataclass
class ComplianceReport:
    period: rules.Period
    zone: ZoneInfo
    total: Figures
    by: dict[str, list[Figures]] = field(default_factory=dict)
    trend: list[WeekPoint] = field(default_factory=list)


def received_in(scope: ReviewScope, period: rules.Period, zone: ZoneInfo | None = None):
    start, end = period.bounds(zone or scope.zone)
    return group_items(scope).filter(received_at__gte=start, received_at__lt=end)


def _figures(row: dict, key, label) -> Figures:
    return Figures(
        key=key,
        label=label,
        **{name: row.get(name) for name in (*COUNT_COLUMNS, *RATE_COLUMNS, *TIME_COLUMNS) if name in row},
    )


def _grouped(items, group_by: str, *, now) -> list[Figures]:
    key_field, label_field = DIMENSIONS[group_by]
    fields = [key_field] + ([label_field] if label_field else [])
    rows = (
        items.values(*fields)
        .annotate(**_counts(now))
        .annotate(**_rates(), **_percentiles())
        .order_by(label_field or key_field, key_field)
    )
    labels = CHOICE_LABELS.get(group_by)
    result = [
        _figures(r, r[key_field], r[label_field] if label_field else labels.get(r[key_field], r[key_field]))
        for r in rows
    ]
    if labels:  # channels and categories in the order the portal lists them
        order = {value: i for i, value in enumerate(labels)}
        result.sort(key=lambda f: order.get(f.key, len(order)))
    return result


def _total(items, *, now) -> Figures:
    return _figures(items.aggregate(**_counts(now), **_rates(), **_percentiles()), None, "All")


def _trend(items, period: rules.Period, zone: ZoneInfo, *, now) -> list[WeekPoint]:
    counts = _counts(now)
    rows = (
        items.annotate(week=TruncWeek("received_at", tzinfo=zone))
        .values("week")
        .annotate(met_due=counts["met_due"], missed_due=counts["missed_due"])
        .annotate(met_due_rate=_rate("met_due", "missed_due"))
        .order_by("week")
    )
    by_week = {_local_date(r["week"], zone): r for r in rows}
    points = []
    for monday in rules.iso_weeks(period):
        row = by_week.get(monday, {})
        points.append(
            WeekPoint(
                monday=monday,
                label=rules.week_label(monday),
                met_due=row.get("met_due", 0),
                missed_due=row.get("missed_due", 0),
                met_due_rate=row.get("met_due_rate"),
            )
        )
    return points


def _local_date(value, zone: ZoneInfo) -> dt.date:
    """TruncWeek gives an aware datetime (PostgreSQL, SQLite) or a date; its local date."""
    if isinstance(value, dt.datetime):
        return value.astimezone(zone).date() if value.tzinfo else value.date()
    return value


def _response_times_in_python(items, group_bys, figures_by: dict[str, list[Figures]], total: Figures) -> None:
    """SQLite (development only) has no percentile_cont: fetch the answered items' times once, sort
    them per group and interpolate exactly as percentile_cont does (rules.percentile). PostgreSQL,
    where the tests also run in CI, computes them in the aggregate queries instead."""
    key_fields = [DIMENSIONS[g][0] for g in group_bys]
    rows = items.filter(ANSWERED).values_list("received_at", "first_response_at", "resolved_at", *key_fields)
    everything: list[float] = []
    by_group: dict[str, dict] = {g: defaultdict(list) for g in group_bys}
    for received, responded, resolved, *keys in rows:
        seconds = ((responded or resolved) - received).total_seconds()
        everything.append(seconds)
        for group_by, key in zip(group_bys, keys, strict=True):
            by_group[group_by][key].append(seconds)

    def fill(figures: Figures, values: list[float]) -> None:
        figures.median_first_response_seconds = rules.percentile(values, 0.5)
        figures.p90_first_response_seconds = rules.percentile(values, 0.9)

    for group_by, rows_of_group in figures_by.items():
        for figures in rows_of_group:
            fill(figures, by_group[group_by].get(figures.key, []))
    fill(total, everything)


def compliance(
    scope: ReviewScope,
    *,
    period: rules.Period,
    now: dt.datetime,
    group_bys: tuple[str, ...] = rules.GROUP_BY,
    trend: bool = True,
    zone: ZoneInfo | None = None,
) -> ComplianceReport:
    """Compliance of the items received in ``period`` (the reviewer's local days, or ``zone``'s):
    the whole, one table per ``group_bys`` and the weekly trend. One query per table (plus, on
    SQLite only, one for the response-time percentiles)."""
    zone = zone or scope.zone
    items = received_in(scope, period, zone)
    report = ComplianceReport(period=period, zone=zone, total=_total(items, now=now))
    report.by = {g: _grouped(items, g, now=now) for g in group_bys}
    if trend:
        report.trend = _trend(items, period, zone, now=now)
    if connection.vendor != "postgresql":
        _response_times_in_python(items, group_bys, report.by, report.total)
    return report


# --- The weekly digest ----------------------------------------------------------------------------------


def digest_recipients():
    """Directors who get the weekly digest: active, signing in (their user opens the links and
    scopes what they see), with an email address and at least one active report."""
    has_reports = Exists(Person.objects.filter(reports_to=OuterRef("pk"), is_active=True))
    return (
        Person.objects.filter(has_reports, is_active=True, user__isnull=False, user__is_active=True)
        .exclude(email="")
        .select_related("calendar", "user")
        .order_by("pk")
    )


@dataclass
class Digest:
    scope: ReviewScope
    zone: ZoneInfo
    now: dt.datetime
    overdue: list
    overdue_count: int
    last_week: ComplianceReport

    @property
    def more_overdue(self) -> int:
        return self.overdue_count - len(self.overdue)


def digest(scope: ReviewScope, *, now: dt.datetime) -> Digest:
    """What the Monday digest says: the group's overdue items now and last week's compliance
    (the ISO week before this one on the director's clock)."""
    zone = scope.digest_zone
    overdue = overdue_list(scope, now=now)
    listed = list(overdue[:DIGEST_OVERDUE_LIMIT])
    count = len(listed) if len(listed) < DIGEST_OVERDUE_LIMIT else overdue.count()
    week = rules.previous_week(now.astimezone(zone).date())
    report = compliance(scope, period=week, now=now, group_bys=("person",), trend=False, zone=zone)
    return Digest(scope=scope, zone=zone, now=now, overdue=listed, overdue_count=count, last_week=report)

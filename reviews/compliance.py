"""The compliance report: how a director's group met the response intervals over a period, by
person, channel or category, and week by week. Computed by the database (aggregates with
conditional filters, one query per table whatever the number of items)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import (
    Aggregate,
    Case,
    Count,
    DateTimeField,
    F,
    FloatField,
    Func,
    Q,
    Value,
    When,
)
from django.db.models.functions import Cast, NullIf, TruncWeek
from django.utils.translation import pgettext

from escalations import rules as escalation_rules
from escalations.models import Category, Channel

from . import exports, rules
from .selectors import ReviewScope, group_items

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
# The CSV's columns (pages and API): rates as percentages to one decimal, times in whole seconds;
# an empty cell where there is no figure (nothing decided, nothing answered).
CSV_RATE_COLUMNS = {"met_target_rate": "met_target_percent", "met_due_rate": "met_due_percent"}
CSV_COLUMNS = ("key", "label", *COUNT_COLUMNS, *CSV_RATE_COLUMNS.values(), *TIME_COLUMNS)


def csv_row(row: dict) -> dict:
    """One row of figures (``Figures.as_dict()``, or the API's row) as the CSV writes it."""
    out = {name: row.get(name) for name in ("key", "label", *COUNT_COLUMNS)}
    out |= {csv_name: exports.percent(row.get(name)) for name, csv_name in CSV_RATE_COLUMNS.items()}
    out |= {name: exports.whole_seconds(row.get(name)) for name in TIME_COLUMNS}
    return out


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
    # A target is the guideline's lower bound (pager 15 of 30 min); a warning point on a single
    # number (voicemail, e-mail) is a reminder, not a target to report on.
    has_target, has_due = Q(target_at__isnull=False, policy_target__isnull=False), Q(due_at__isnull=False)
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
    # Translators: the compliance report's total row: all the items of the group.
    label = pgettext("compliance total", "All")
    return _figures(items.aggregate(**_counts(now), **_rates(), **_percentiles()), None, label)


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


def compliance_report(
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
    return items_compliance(received_in(scope, period, zone), period=period, zone=zone, now=now,
                            group_bys=group_bys, trend=trend)


def items_compliance(
    items, *, period: rules.Period, zone: ZoneInfo, now: dt.datetime,
    group_bys: tuple[str, ...] = rules.GROUP_BY, trend: bool = True,
) -> ComplianceReport:
    """The compliance figures of ``items`` (a scoped queryset of the items received in
    ``period``): a company's service report uses it with the company's items."""
    report = ComplianceReport(period=period, zone=zone, total=_total(items, now=now))
    report.by = {g: _grouped(items, g, now=now) for g in group_bys}
    if trend:
        report.trend = _trend(items, period, zone, now=now)
    if connection.vendor != "postgresql":
        _response_times_in_python(items, group_bys, report.by, report.total)
    return report



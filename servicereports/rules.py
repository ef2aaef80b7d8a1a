"""Pure rules of the service report: which period the reader asked for (a month, a quarter or
chosen dates) and the figures that are plain arithmetic."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Mapping

from django.utils.translation import gettext as _

from accountteam import bounds
from reviews.rules import ParamError, Period

MAX_DAYS = 366
MONTH = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{2})$")
QUARTER = re.compile(r"^(?P<year>\d{4})-Q(?P<quarter>[1-4])$", re.IGNORECASE)


def month_period(year: int, month: int) -> Period:
    return Period(dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1]))


def quarter_period(year: int, quarter: int) -> Period:
    first = dt.date(year, 3 * quarter - 2, 1)
    last_month = 3 * quarter
    return Period(first, dt.date(year, last_month, calendar.monthrange(year, last_month)[1]))


def parse_report_period(params: Mapping[str, str], *, today: dt.date) -> Period:
    """``month=2026-11``, ``quarter=2026-Q4``, or ``from``/``to`` (dates, inclusive, at most a
    year); this month so far when nothing is given. ParamError names what is wrong."""
    month = (params.get("month") or "").strip()
    quarter = (params.get("quarter") or "").strip()
    raw_from, raw_to = (params.get("from") or "").strip(), (params.get("to") or "").strip()
    if month:
        match = MONTH.match(month)
        if not match or not 1 <= int(match["month"]) <= 12:
            raise ParamError({"month": _("Give the month as YYYY-MM, e.g. 2026-11.")})
        period = month_period(int(match["year"]), int(match["month"]))
    elif quarter:
        match = QUARTER.match(quarter)
        if not match:
            raise ParamError({"quarter": _("Give the quarter as YYYY-Qn, e.g. 2026-Q4.")})
        period = quarter_period(int(match["year"]), int(match["quarter"]))
    elif raw_from or raw_to:
        errors = {}
        first = _date(raw_from, "from", errors) if raw_from else None
        last = _date(raw_to, "to", errors) if raw_to else today
        if not raw_from:
            errors["from"] = _("Give the first day of the period as well.")
        if first and last and first > last:
            errors["to"] = _("The last day is before the first.")
        if errors:
            raise ParamError(errors)
        period = Period(first, last)
    else:
        period = Period(today.replace(day=1), today)
    if not (bounds.within(period.first) and bounds.within(period.last)):
        raise ParamError({"month" if month else "quarter" if quarter else "from": str(bounds.DATE_MESSAGE)})
    if (period.last - period.first).days + 1 > MAX_DAYS:
        raise ParamError({"from": _("A report covers at most %(days)s days.") % {"days": MAX_DAYS}})
    return period


def _date(value: str, name: str, errors: dict) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else _bad(name, value, errors)
    except ValueError:
        return _bad(name, value, errors)


def _bad(name: str, value: str, errors: dict) -> None:
    errors[name] = _("“%(value)s” is not a date in the form YYYY-MM-DD.") % {"value": value[:20]}
    return None


def period_query(period: Period) -> dict[str, str]:
    """The query parameters that select ``period`` again."""
    return {"from": period.first.isoformat(), "to": period.last.isoformat()}

"""Writes for the service package and its hours: one function per use case, each in one transaction.

Who may call what:
- set up a company's package (create, change): carrier admins and the company's Service Director
  (``selectors.can_manage_packages``);
- log time (one entry, or a week's sheet at once): carrier staff, for the companies they serve;
- change or delete an entry: the person who logged it.

Saving time checks the month's hours against the company's package: at 80% and at 100% the
account's service people and their directors are warned, once each per month and threshold (the
notice's key). Overrun is allowed and shown, never refused.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accountteam import bounds, notifications
from accountteam.clock import carrier_today
from accountteam.dates import local_format
from accountteam.notifications import Notice
from dossiers.models import Meeting
from escalations.models import Escalation
from postmortems.models import PostMortem
from teams.models import Company, Person
from teams.scoping import staff_person

from . import rules, selectors
from .models import Activity, ServicePackage, TimeEntry
from .rules import SheetRefused

NAME_LIMIT = 100  # ServicePackage.name


def _require_staff(actor) -> Person:
    person = staff_person(actor)
    if person is None:
        raise PermissionDenied(_("Only the carrier's staff log time."))
    return person


def _require_package_manager(actor, company: Company) -> None:
    if not selectors.can_manage_packages(actor, company):
        raise PermissionDenied(_("Only a carrier admin or the company's Service Director can set up its package."))


def _day(value: dt.date) -> str:
    return local_format(value, "j M Y")


# --- Packages ------------------------------------------------------------------------------------------


def package_errors(
    *, company: Company, name: str, hours_per_month, activities, start_date: dt.date | None,
    end_date: dt.date | None, package: ServicePackage | None = None,
) -> dict[str, str]:
    """What is wrong with a package's values (empty: nothing): also the back office's check."""
    errors = {**bounds.date_errors(start_date=start_date, end_date=end_date)}
    name = (name or "").strip()
    if not name:
        errors["name"] = _("Give the package a name.")
    elif len(name) > NAME_LIMIT:
        errors["name"] = bounds.too_long(NAME_LIMIT, len(name))
    if problem := rules.package_hours_problem(hours_per_month):
        errors["hours_per_month"] = problem
    activities = list(activities or [])
    before = {a.pk for a in package.activities.all()} if package is not None and package.pk else set()
    if not activities:
        errors["activities"] = _("Choose at least one activity the package covers.")
    elif inactive := [a.name for a in activities if not a.is_active and a.pk not in before]:
        errors["activities"] = _("No longer offered: %(activities)s.") % {"activities": ", ".join(inactive)}
    if start_date is None:
        errors.setdefault("start_date", _("Give the date the package starts."))
    if "start_date" in errors or "end_date" in errors:
        return errors
    if end_date is not None and end_date < start_date:
        errors["end_date"] = _("The package cannot end before it starts.")
        return errors
    others = ServicePackage.objects.filter(company=company).exclude(pk=getattr(package, "pk", None))
    for other in others.order_by("start_date"):
        if rules.overlaps(start_date, end_date, other.start_date, other.end_date):
            if other.end_date is None:
                message = _("%(company)s has the package “%(name)s” from %(start)s: give it an end date before "
                            "this one starts.")
            else:
                message = _("%(company)s has the package “%(name)s” from %(start)s to %(end)s: a company has one "
                            "package at a time.")
            errors["start_date"] = message % {
                "company": company.name, "name": other.name, "start": _day(other.start_date),
                "end": _day(other.end_date) if other.end_date else "",
            }
            break
    return errors


@transaction.atomic
def package_create(
    *, actor, company: Company, name: str, hours_per_month, activities, start_date: dt.date,
    end_date: dt.date | None = None,
) -> ServicePackage:
    """Set up ``company``'s package (carrier admins, the company's Service Director). It may not
    overlap another of the company's packages."""
    _require_package_manager(actor, company)
    Company.objects.select_for_update().filter(pk=company.pk).exists()  # one package at a time
    bounds.ensure(package_errors(company=company, name=name, hours_per_month=hours_per_month,
                                 activities=activities, start_date=start_date, end_date=end_date))
    package = ServicePackage.objects.create(
        company=company, name=name.strip(), hours_per_month=rules.as_hours(hours_per_month), start_date=start_date,
        end_date=end_date, created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    package.activities.set(activities)
    return package


@transaction.atomic
def package_update(*, actor, package: ServicePackage, **values) -> ServicePackage:
    """Change a package (the same people as ``package_create``): any of ``name``,
    ``hours_per_month``, ``activities``, ``start_date``, ``end_date``. A month's hours are counted
    against the package as it is now, also for past months."""
    _require_package_manager(actor, package.company)
    Company.objects.select_for_update().filter(pk=package.company_id).exists()
    current = {
        "name": package.name, "hours_per_month": package.hours_per_month,
        "activities": list(package.activities.all()), "start_date": package.start_date, "end_date": package.end_date,
    }
    unknown = set(values) - set(current)
    if unknown:
        raise TypeError(f"package_update() got unexpected fields {sorted(unknown)}")
    merged = current | values
    bounds.ensure(package_errors(company=package.company, package=package, **merged))
    package.name, package.hours_per_month = merged["name"].strip(), rules.as_hours(merged["hours_per_month"])
    package.start_date, package.end_date = merged["start_date"], merged["end_date"]
    package.save(update_fields=["name", "hours_per_month", "start_date", "end_date"])
    if "activities" in values:
        package.activities.set(merged["activities"])
    return package


# --- Time entries -----------------------------------------------------------------------------------------


@dataclass
class Row:
    """One time entry to check and save (``entry``: the one it changes; None for a new one)."""

    company: Company | None
    activity: Activity | None
    date: dt.date | None
    hours: Decimal | None
    note: str = ""
    escalation: Escalation | None = None
    meeting: Meeting | None = None
    postmortem: PostMortem | None = None
    entry: TimeEntry | None = None

    @classmethod
    def of(cls, values: dict, entry: TimeEntry | None = None) -> Row:
        fields = ("company", "activity", "date", "hours", "note", "escalation", "meeting", "postmortem")
        unknown = set(values) - set(fields)
        if unknown:
            raise TypeError(f"unexpected time entry fields {sorted(unknown)}")
        row = cls(**{name: values.get(name) for name in fields}, entry=entry)
        row.note = (row.note or "").strip()
        return row

    def link_company_id(self, kind: str) -> int | None:
        link = getattr(self, kind)
        if link is None:
            return None
        return link.account.company_id if kind == "meeting" else link.company_id


def _row_errors(row: Row, *, served: set[int], packages: dict[int, list[ServicePackage]], today: dt.date,
                day_hours: dict[dt.date, Decimal]) -> dict[str, list[str]]:
    """What is wrong with one row; ``day_hours`` holds the person's other hours per day (this row's
    are added when it is fine, for the next row of the same sheet)."""
    errors: dict[str, str] = {}
    changed = row.entry is None or any(
        getattr(row, name) != getattr(row.entry, name) for name in ("company", "activity", "date")
    )
    if row.company is None:
        errors["company"] = _("Choose the company.")
    elif row.company.pk not in served:
        errors["company"] = _("Choose a company you serve.")
    if row.activity is None:
        errors["activity"] = _("Choose the activity.")
    elif not row.activity.is_active and (row.entry is None or row.entry.activity_id != row.activity.pk):
        errors["activity"] = _("“%(activity)s” is no longer offered.") % {"activity": row.activity.name}
    if row.date is None:
        errors["date"] = _("Give the day.")
    else:
        errors |= bounds.date_errors(date=row.date)
        if "date" not in errors and row.date > today:
            errors["date"] = _("Time is logged once it is spent: the day cannot be after today.")
    if problem := rules.entry_hours_problem(row.hours):
        errors["hours"] = problem
    errors |= bounds.text_errors(bounds.NOTE, note=row.note)
    links = [kind for kind in ("escalation", "meeting", "postmortem") if getattr(row, kind) is not None]
    if len(links) > 1:
        errors[links[1]] = _("Link the entry to one item at most: an escalation, a meeting or a post-mortem.")
    elif links and row.company is not None and row.link_company_id(links[0]) != row.company.pk:
        errors[links[0]] = {
            "escalation": _("This escalation is another company's."),
            "meeting": _("This meeting is another company's."),
            "postmortem": _("This post-mortem is another company's."),
        }[links[0]]
    if changed and not ({"company", "activity", "date"} & set(errors)):
        package = rules.package_on(packages.get(row.company.pk, []), row.date)
        if package is None:
            errors["company"] = _("%(company)s has no service package on %(date)s.") % {
                "company": row.company.name, "date": _day(row.date),
            }
        elif row.activity.pk not in {a.pk for a in package.activities.all()}:
            errors["activity"] = _("The package “%(package)s” does not cover “%(activity)s”.") % {
                "package": package.name, "activity": row.activity.name,
            }
    if "date" not in errors and "hours" not in errors:
        total = day_hours.get(row.date, rules.ZERO) + rules.as_hours(row.hours)
        if total > rules.MAX_ENTRY_HOURS:
            # Translators: %(hours)s is a decimal number of hours ("24.25"), so the sentence has no plural forms.
            errors["hours"] = _("Your time on %(date)s would add up to %(hours)s hours; a day has 24.") % {
                "date": _day(row.date), "hours": rules.hours_text(total),
            }
        elif not errors:
            day_hours[row.date] = total
    return {name: [message] for name, message in errors.items()}


def _check(*, actor, person: Person, rows: list[Row], today: dt.date) -> list[dict[str, list[str]]]:
    """Every row's errors, in four queries whatever the number of rows: the companies served, their
    packages (with activities) and the person's hours on the days concerned."""
    company_ids = {r.company.pk for r in rows if r.company is not None}
    served = set(selectors.loggable_companies(actor).filter(pk__in=company_ids).values_list("pk", flat=True))
    packages: dict[int, list[ServicePackage]] = {}
    for package in ServicePackage.objects.filter(company_id__in=served).prefetch_related("activities"):
        packages.setdefault(package.company_id, []).append(package)
    days = {r.date for r in rows if isinstance(r.date, dt.date)}
    editing = [r.entry.pk for r in rows if r.entry is not None]
    day_hours = dict(
        TimeEntry.objects.filter(person=person, date__in=days)
        .exclude(pk__in=editing)
        .values_list("date")
        .annotate(hours=Sum("hours"))
        .values_list("date", "hours")
    )
    return [_row_errors(r, served=served, packages=packages, today=today, day_hours=day_hours) for r in rows]


def _months_of(entries) -> set[tuple[int, dt.date]]:
    return {(e.company_id, rules.month_start(e.date)) for e in entries}


def _warn_thresholds(company_months: set[tuple[int, dt.date]], *, today: dt.date) -> None:
    """Warn the service people of each company whose month reached 80% or 100% of its package's
    hours; ``notifications.record`` stores each notice once by key, so a threshold warns once a
    month, and a month that drops below and rises again warns no more."""
    if not company_months:
        return
    companies = Company.objects.in_bulk({c for c, _m in company_months})
    notices = []
    for company_id, month in sorted(company_months, key=lambda cm: (cm[0], cm[1])):
        company = companies[company_id]
        package = rules.package_for_month(selectors.company_packages(company), month)
        if package is None:
            continue
        used = selectors.hours_used(company=company, month=month)
        reached = rules.thresholds_reached(used, package.hours_per_month)
        if not reached:
            continue
        people = selectors.service_people(company=company, on=min(rules.month_end(month), today))
        for threshold in reached:
            notices += [
                _usage_notice(person, company=company, package=package, month=month, used=used, threshold=threshold)
                for person in people
            ]
    notifications.record(notices)


def _usage_notice(person: Person, *, company: Company, package: ServicePackage, month: dt.date, used: Decimal,
                  threshold: int) -> Notice:
    """A warning that ``company``'s ``month`` reached ``threshold`` percent, in the person's language."""

    def subject() -> str:
        if threshold >= 100:
            return _("%(company)s has used all its service hours for %(month)s") % {
                "company": company.name, "month": local_format(month, "F Y"),
            }
        # Translators: %(percent)s is a whole number; "%%" is the percent sign.
        return _("%(company)s has used %(percent)s%% of its service hours for %(month)s") % {
            "company": company.name, "percent": threshold, "month": local_format(month, "F Y"),
        }

    def body(zone) -> str:
        # Translators: %(used)s and %(included)s are decimal numbers of hours ("16.5", "20").
        return _(
            "%(used)s of the %(included)s hours of the package “%(package)s” are used in %(month)s.\n"
            "Overrun is allowed and shown on the usage page; the work goes on."
        ) % {
            "used": rules.hours_text(used), "included": rules.hours_text(package.hours_per_month),
            "package": package.name, "month": local_format(month, "F Y"),
        }

    return Notice.to_person(
        person,
        key=f"service:{company.pk}:{rules.month_key(month)}:{threshold}:{person.pk}",
        kind="service_hours",
        subject=subject,
        body=body,
        url=reverse("service_company_usage", args=[company.pk]) + f"?month={rules.month_key(month)}",
    )


def _new_entry(row: Row, *, person: Person, actor, now: dt.datetime) -> TimeEntry:
    return TimeEntry(
        person=person, company=row.company, activity=row.activity, date=row.date, hours=rules.as_hours(row.hours),
        note=row.note, escalation=row.escalation, meeting=row.meeting, postmortem=row.postmortem,
        created_by=actor, created_at=now, updated_at=now,
    )


@transaction.atomic
def time_entry_create(*, actor, now: dt.datetime | None = None, **values) -> TimeEntry:
    """Log one entry (carrier staff, for a company they serve): ``company``, ``activity``,
    ``date`` (not after today), ``hours`` (quarter hours, at most 24, and at most 24 on one day
    with the person's other entries), ``note`` and at most one of ``escalation``, ``meeting``,
    ``postmortem`` (of that company). The company's package on that day must cover the activity."""
    now = now or timezone.now()
    today = carrier_today(now)
    person = _require_staff(actor)
    row = Row.of(values)
    (errors,) = _check(actor=actor, person=person, rows=[row], today=today)
    if errors:
        raise ValidationError(errors)
    entry = _new_entry(row, person=person, actor=actor, now=now)
    entry.save()
    _warn_thresholds(_months_of([entry]), today=today)
    return entry


@transaction.atomic
def time_entries_create_week(*, actor, week: dt.date, rows: list[dict], now: dt.datetime | None = None
                             ) -> list[TimeEntry]:
    """Log a week's time sheet at once (carrier staff): every row checked as ``time_entry_create``
    checks one, each day in the week of ``week`` (any of its days). All or nothing: one bad row
    refuses the sheet with ``SheetRefused``, each row's messages by field."""
    now = now or timezone.now()
    today = carrier_today(now)
    person = _require_staff(actor)
    if not rows:
        raise ValidationError({"entries": _("Fill in at least one row.")})
    if len(rows) > rules.MAX_SHEET_ROWS:
        raise ValidationError({"entries": ngettext(
            "At most %(count)s row at once.", "At most %(count)s rows at once.", rules.MAX_SHEET_ROWS,
        ) % {"count": rules.MAX_SHEET_ROWS}})
    monday = rules.week_start(week)
    days = set(rules.week_days(monday))
    parsed = [Row.of(values) for values in rows]
    errors = _check(actor=actor, person=person, rows=parsed, today=today)
    for row, row_errors in zip(parsed, errors, strict=True):
        if isinstance(row.date, dt.date) and row.date not in days and "date" not in row_errors:
            row_errors["date"] = [_("Pick a day of the week of %(monday)s.") % {"monday": _day(monday)}]
    if any(errors):
        raise SheetRefused(errors)
    entries = TimeEntry.objects.bulk_create([_new_entry(r, person=person, actor=actor, now=now) for r in parsed])
    _warn_thresholds(_months_of(entries), today=today)
    return entries


def _require_own(actor, entry: TimeEntry) -> Person:
    person = _require_staff(actor)
    if entry.person_id != person.pk:
        raise PermissionDenied(_("Only the person who logged the time can change it."))
    return person


@transaction.atomic
def time_entry_update(*, actor, entry: TimeEntry, now: dt.datetime | None = None, **values) -> TimeEntry:
    """Change one's own entry: any of the fields ``time_entry_create`` takes, checked the same way
    (a change of company, activity or day against the package on the new day)."""
    now = now or timezone.now()
    today = carrier_today(now)
    person = _require_own(actor, entry)
    entry = TimeEntry.objects.select_for_update(of=("self",)).select_related(
        "company", "activity", "escalation", "meeting__account", "postmortem"
    ).get(pk=entry.pk)
    current = {name: getattr(entry, name) for name in
               ("company", "activity", "date", "hours", "note", "escalation", "meeting", "postmortem")}
    row = Row.of(current | values, entry=entry)
    (errors,) = _check(actor=actor, person=person, rows=[row], today=today)
    if errors:
        raise ValidationError(errors)
    before = _months_of([entry])
    for name in current:
        setattr(entry, name, getattr(row, name))
    entry.hours, entry.updated_at = rules.as_hours(row.hours), now
    entry.save()
    _warn_thresholds(before | _months_of([entry]), today=today)
    return entry


@transaction.atomic
def time_entry_delete(*, actor, entry: TimeEntry) -> None:
    """Delete one's own entry (the month's warnings already sent stay sent)."""
    _require_own(actor, entry)
    TimeEntry.objects.filter(pk=entry.pk).delete()

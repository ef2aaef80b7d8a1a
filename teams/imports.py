"""Assignments from a spreadsheet export (CSV): validate every row, then write all or nothing."""

from __future__ import annotations

import csv
import datetime as dt
import functools
from dataclasses import dataclass, field

from django.db.models.functions import Lower
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accountteam import bounds

from . import services
from .models import Account, Assignment, Person, Role

REQUIRED_COLUMNS = ("account", "role", "person_email", "start_date")
OPTIONAL_COLUMNS = ("end_date", "note", "product_area")


@functools.cache
def product_areas() -> dict[str, str]:
    """A sales engineer's product area, by code or English name (whatever the language of the page);
    the Spanish handbook's "Datos, Data Center, y Voz" too, as exports from that region write them.
    Built on first use rather than at import: switching the language needs the apps loaded."""
    with translation.override(None):  # the labels untranslated
        return {
            **{code: code for code in Assignment.ProductArea.values},
            **{str(label).lower(): code for code, label in Assignment.ProductArea.choices},
            "datos": Assignment.ProductArea.DATA,
            "voz": Assignment.ProductArea.VOICE,
        }


@dataclass
class ImportReport:
    rows: list[dict] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line number, reason)

    @property
    def ok(self) -> bool:
        return not self.errors


def _date(value: str, column: str, problems: list[str]) -> dt.date | None:
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        problems.append(_("%(column)s %(value)s is not a date (YYYY-MM-DD)") % {"column": column, "value": repr(value)})
        return None
    if not bounds.within(day):
        problems.append(
            _("%(column)s %(value)s is not between %(earliest)s and %(latest)s")
            % {"column": column, "value": repr(value), "earliest": bounds.EARLIEST, "latest": bounds.LATEST}
        )
        return None
    return day


def validate_assignment_csv(lines) -> ImportReport:
    """Read CSV ``lines`` (an iterable of text lines) and check every row.

    Columns: account (number), role (code or name), person_email, start_date, and optionally
    end_date, note and product_area (a sales engineer's: data, data_center or voice, or their
    names). Line numbers count the header as line 1.
    """
    report = ImportReport()
    reader = csv.DictReader(lines)
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        # Translators: %(columns)s are the CSV header's own column names (account, role, ...), not translated.
        message = ngettext("missing column(s): %(columns)s", "missing column(s): %(columns)s", len(missing))
        report.errors.append((1, message % {"columns": ", ".join(missing)}))
        return report
    reader.fieldnames = header

    raw = []
    for row in reader:
        row["__line__"] = reader.line_num  # the physical line, blank lines included
        raw.append(row)
    numbers = [r["account"].strip() for r in raw if r.get("account")]
    accounts = Account.objects.in_bulk(numbers, field_name="number")
    emails = sorted({(r.get("person_email") or "").strip().lower() for r in raw} - {""})
    people = {}
    for start in range(0, len(emails), 1000):
        chunk = Person.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=emails[start:start + 1000])
        people.update({p.email.lower(): p for p in chunk})
    roles = {}
    for role in Role.objects.all():
        roles[role.code.lower()] = role
        roles[role.name.lower()] = role

    # Every check against sets read once: the time grows with the rows, not their square.
    slots = services.assignment_slots(a.pk for a in accounts.values())
    for row in raw:
        line_number = row.pop("__line__")
        problems: list[str] = []
        values = {k: (row.get(k) or "").strip() for k in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)}
        if None in row:
            problems.append(_("more cells than columns"))
        for column in REQUIRED_COLUMNS:
            if not values[column]:
                problems.append(_("%(column)s is empty") % {"column": column})
        account = accounts.get(values["account"]) if values["account"] else None
        if values["account"] and account is None:
            problems.append(_("no account %(number)s") % {"number": repr(values["account"])})
        role = roles.get(values["role"].lower()) if values["role"] else None
        if values["role"] and role is None:
            problems.append(_("no role %(role)s") % {"role": repr(values["role"])})
        person = people.get(values["person_email"].lower()) if values["person_email"] else None
        if values["person_email"] and person is None:
            problems.append(_("no person with email %(email)s") % {"email": repr(values["person_email"])})
        start = _date(values["start_date"], "start_date", problems) if values["start_date"] else None
        end = _date(values["end_date"], "end_date", problems) if values["end_date"] else None
        if len(values["note"]) > bounds.LINE:
            problems.append(
                ngettext(
                    "note is longer than %(count)s character", "note is longer than %(count)s characters", bounds.LINE
                )
                % {"count": bounds.LINE}
            )
        product_area = product_areas().get(values["product_area"].lower()) if values["product_area"] else ""
        if product_area is None:
            areas = ", ".join(f"{code} ({label})" for code, label in Assignment.ProductArea.choices)
            # Translators: %(areas)s lists the product areas as "code (name)", e.g. "data (Data), voice (Voice)".
            message = _("product_area %(value)s is not one of %(areas)s")
            problems.append(message % {"value": repr(values["product_area"]), "areas": areas})
        if not problems and account and role and person and start:
            problems += services.assignment_conflicts(
                account=account, role=role, person=person, start_date=start, end_date=end,
                slot=slots[(account.pk, role.pk)],
            )
        if problems:
            report.errors.append((line_number, "; ".join(problems)))
            continue
        slots[(account.pk, role.pk)].append(
            Assignment(account=account, role=role, person=person, start_date=start, end_date=end)
        )
        report.rows.append(dict(account=account, role=role, person=person, start_date=start,
                                end_date=end, note=values["note"], product_area=product_area))
    if not raw:
        report.errors.append((1, _("the file has no rows")))
    return report

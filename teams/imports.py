"""Assignments from a spreadsheet export (CSV): validate every row, then write all or nothing."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field

from django.db.models.functions import Lower

from accountteam import bounds

from . import services
from .models import Account, Assignment, Person, Role

REQUIRED_COLUMNS = ("account", "role", "person_email", "start_date")
OPTIONAL_COLUMNS = ("end_date", "note", "product_area")

# A sales engineer's product area, by code or name; the Spanish handbook's "Datos, Data Center, y
# Voz" too, as exports from that region write them.
PRODUCT_AREAS = {
    **{code: code for code in Assignment.ProductArea.values},
    **{label.lower(): code for code, label in Assignment.ProductArea.choices},
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
        problems.append(f"{column} {value!r} is not a date (YYYY-MM-DD)")
        return None
    if not bounds.within(day):
        problems.append(f"{column} {value!r} is not between {bounds.EARLIEST} and {bounds.LATEST}")
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
        report.errors.append((1, f"missing column(s): {', '.join(missing)}"))
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
            problems.append("more cells than columns")
        for column in REQUIRED_COLUMNS:
            if not values[column]:
                problems.append(f"{column} is empty")
        account = accounts.get(values["account"]) if values["account"] else None
        if values["account"] and account is None:
            problems.append(f"no account {values['account']!r}")
        role = roles.get(values["role"].lower()) if values["role"] else None
        if values["role"] and role is None:
            problems.append(f"no role {values['role']!r}")
        person = people.get(values["person_email"].lower()) if values["person_email"] else None
        if values["person_email"] and person is None:
            problems.append(f"no person with email {values['person_email']!r}")
        start = _date(values["start_date"], "start_date", problems) if values["start_date"] else None
        end = _date(values["end_date"], "end_date", problems) if values["end_date"] else None
        if len(values["note"]) > bounds.LINE:
            problems.append(f"note is longer than {bounds.LINE} characters")
        product_area = PRODUCT_AREAS.get(values["product_area"].lower()) if values["product_area"] else ""
        if product_area is None:
            problems.append(
                f"product_area {values['product_area']!r} is not one of "
                + ", ".join(f"{code} ({label})" for code, label in Assignment.ProductArea.choices)
            )
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
        report.errors.append((1, "the file has no rows"))
    return report

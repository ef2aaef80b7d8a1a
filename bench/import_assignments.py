"""Benchmark ``manage.py import_assignments``: checking and importing N rows (default 100,000).

Every check runs against sets read once (accounts, people, roles and the accounts' existing
assignments), so the time grows with the rows, not with their square. From the project root:

    .venv/bin/python bench/import_assignments.py                  # 100,000 rows, var/bench-import.sqlite3
    .venv/bin/python bench/import_assignments.py --rows 20000 --json
    DATABASE_URL=postgres://accountteam:accountteam@127.0.0.1:5432/accountteam_bench \\
        .venv/bin/python bench/import_assignments.py --any-database

Without DATABASE_URL it uses a SQLite file of its own under var/ (migrated on first use). With
DATABASE_URL the database's name must end in "bench" (or pass --any-database). The rows it adds
(accounts "BENCH-IMP-…", people bench-imp-…@carrier.example) are deleted at the end.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, this folder would come first on the path, and bench/queue.py would hide the
# standard library's queue module: the project root takes its place.
if sys.path and Path(sys.path[0]).resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)


def parse(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows in the file (default 100,000)")
    parser.add_argument("--people", type=int, default=500, help="distinct people named in the file (500)")
    parser.add_argument("--any-database", action="store_true", help="allow a database not named *bench")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if args.rows < 1 or args.people < 1:
        parser.error("--rows and --people must be positive")
    return args


def setup(args) -> None:
    if "DATABASE_URL" not in os.environ:
        (ROOT / "var").mkdir(exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{ROOT / 'var' / 'bench-import.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accountteam.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    name = str(settings.DATABASES["default"]["NAME"])
    if not name.endswith(("bench", "bench-import.sqlite3")) and not args.any_database:
        sys.exit(f"Refusing to load bench rows into {name!r}: use a database named *bench or pass --any-database.")
    call_command("migrate", verbosity=0, interactive=False)


def load(rows: int, people: int):
    from teams.models import Account, BusinessCalendar, Company, Person, Role

    company, _ = Company.objects.get_or_create(name="BENCH Import Telecom")
    calendar, _ = BusinessCalendar.objects.get_or_create(name="BENCH import calendar")
    Role.objects.get_or_create(code="sales-executive", defaults={"name": "Sales Executive", "team": "sales"})
    Account.objects.bulk_create(
        [Account(company=company, number=f"BENCH-IMP-{i:07d}", name=f"Bench {i}") for i in range(rows)],
        batch_size=2000,
    )
    Person.objects.bulk_create(
        [Person(name=f"Bench Person {i}", email=f"bench-imp-{i}@carrier.example", calendar=calendar)
         for i in range(people)],
        batch_size=2000,
    )
    lines = ["account,role,person_email,start_date,end_date,note"]
    lines += [
        f"BENCH-IMP-{i:07d},sales-executive,bench-imp-{i % people}@carrier.example,2026-02-01,,bench"
        for i in range(rows)
    ]
    return "\n".join(lines) + "\n"


def clean() -> None:
    from teams.models import Account, Assignment, Company, Person

    Assignment.objects.filter(account__number__startswith="BENCH-IMP-").delete()
    Account.objects.filter(number__startswith="BENCH-IMP-").delete()
    Person.objects.filter(email__startswith="bench-imp-").delete()
    Company.objects.filter(name="BENCH Import Telecom").delete()


def main(argv=None) -> dict:
    args = parse(argv)
    setup(args)
    from django.db import connection

    from teams import imports, services

    clean()
    started = time.perf_counter()
    text = load(args.rows, args.people)
    loaded = round(time.perf_counter() - started, 2)
    figures = {"rows": args.rows, "database": connection.vendor, "load_seconds": loaded}
    try:
        started = time.perf_counter()
        report = imports.validate_assignment_csv(io.StringIO(text))
        figures["check_seconds"] = round(time.perf_counter() - started, 2)
        assert report.ok, report.errors[:5]
        started = time.perf_counter()
        created = services.assignments_import(rows=report.rows)
        figures["import_seconds"] = round(time.perf_counter() - started, 2)
        figures["imported"] = len(created)
    finally:
        clean()
    if args.json:
        print(json.dumps(figures))
    else:
        for key, value in figures.items():
            print(f"{key:>15}: {value}")
    return figures


if __name__ == "__main__":
    main()

"""Benchmark ``manage.py import_assignments``: checking and importing N rows (default 100,000).

Every check runs against sets read once (accounts, people, roles and the accounts' existing
assignments), so the time grows with the rows, not with their square. Each of the two steps,
the check (``teams.imports.validate_assignment_csv``) and the import
(``teams.services.assignments_import``), is timed ``--repeat`` times (the imported assignments
are deleted between runs, untimed): p50 and p95 of a run's wall time, this process's CPU time
per row and the SQL statements per run; ``--json`` prints them as JSON, under ``measurements``
as the other benches do (bench/summary.py). From the project root:

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
sys.path.insert(0, str(ROOT))


def parse(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows in the file (default 100,000)")
    parser.add_argument("--people", type=int, default=500, help="distinct people named in the file (500)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of the check and of the import (1)")
    parser.add_argument("--any-database", action="store_true", help="allow a database not named *bench")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if args.rows < 1 or args.people < 1 or args.repeat < 1:
        parser.error("--rows, --people and --repeat must be positive")
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


def clean_assignments() -> None:
    from teams.models import Assignment

    Assignment.objects.filter(account__number__startswith="BENCH-IMP-").delete()


def clean() -> None:
    from teams.models import Account, Company, Person

    clean_assignments()
    Account.objects.filter(number__startswith="BENCH-IMP-").delete()
    Person.objects.filter(email__startswith="bench-imp-").delete()
    Company.objects.filter(name="BENCH Import Telecom").delete()


class Run:
    """Wall time, this process's CPU time and the SQL statements of one block."""

    def __init__(self):
        self.ms = self.cpu_ms = 0.0
        self.statements = 0

    def __call__(self, execute, sql, params, many, context):
        self.statements += 1
        return execute(sql, params, many, context)

    def __enter__(self):
        from django.db import connection

        self._wrapper = connection.execute_wrapper(self)
        self._wrapper.__enter__()
        self._started, self._cpu_started = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.ms = (time.perf_counter() - self._started) * 1000
        self.cpu_ms = (time.process_time() - self._cpu_started) * 1000
        self._wrapper.__exit__(*exc)


def main(argv=None) -> dict:
    args = parse(argv)
    setup(args)
    from django.conf import settings
    from django.db import connection

    from bench.summary import measurement
    from teams import imports, services

    clean()
    started = time.perf_counter()
    text = load(args.rows, args.people)
    loaded = round(time.perf_counter() - started, 2)
    figures = {
        "bench": "import_assignments",
        "database": str(settings.DATABASES["default"]["NAME"]),
        "vendor": connection.vendor,
        "rows": args.rows,
        "load_seconds": loaded,
    }
    checks, imported = [], []
    try:
        for _ in range(args.repeat):
            clean_assignments()
            with Run() as check:
                report = imports.validate_assignment_csv(io.StringIO(text))
            assert report.ok, report.errors[:5]
            checks.append(check)
            with Run() as run:
                created = services.assignments_import(rows=report.rows)
            assert len(created) == args.rows, (len(created), args.rows)
            imported.append(run)
        figures["imported"] = len(created)
    finally:
        clean()

    def summary(runs):
        return measurement(
            [r.ms for r in runs], unit="run", cpu_ms=sum(r.cpu_ms for r in runs), cpu_per="row",
            cpu_count=args.rows * len(runs), statements=[r.statements for r in runs], rows_per_run=args.rows,
        )  # fmt: skip

    figures["measurements"] = {"check": summary(checks), "import": summary(imported)}
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print(f"{args.rows:,} rows on {figures['vendor']} ({figures['database']}), {args.repeat} run(s) each; "
              f"loading the accounts and people took {loaded} s")  # fmt: skip
        for label, m in figures["measurements"].items():
            print(f"  {label:<7} p50 {m['p50_ms']:>9.1f} ms  p95 {m['p95_ms']:>9.1f} ms  "
                  f"CPU {m['cpu_ms_per_row']:.4f} ms per row  {m['statements']} SQL statements per run")  # fmt: skip
    return figures


if __name__ == "__main__":
    main()

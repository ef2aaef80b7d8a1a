"""Benchmark the service manager's queue and the director's pages over a large table: server time
of GET /queue/, GET /api/v1/queue/, GET /review/ and GET /api/v1/reports/compliance/.

PostgreSQL only (the rows are loaded with COPY, as in bench/sweep.py, whose loading this
reuses). From the project root:

    su postgres -c "createdb -O accountteam accountteam_bench"        # once
    export DATABASE_URL=postgres://accountteam:accountteam@127.0.0.1:5432/accountteam_bench
    .venv/bin/python manage.py migrate --no-input                      # once, and after new migrations
    .venv/bin/python bench/queue_pages.py                              # or: python -m bench.queue_pages
    .venv/bin/python bench/queue_pages.py --requests 50 --json

The data set (bench rows: subject "BENCH …"), brought about with as little work as possible:

* 1,000,000 CLOSED escalations (resolved or cancelled, over two years). The closed rows that
  bench/sweep.py loaded ("BENCH closed …") are kept; the rest are topped up with COPY
  ("BENCH Q closed …"), with a history for the demo people: ``--manager-closed`` for Dana
  Whitfield (service.manager) and Luis Ortega, fewer for the others of the director's group.
* 100,000 OPEN escalations ("BENCH Q open …"), reloaded on every run (like the sweep's due rows)
  so that their states are fresh: ~8% overdue, ~8% at risk, ~10% waiting on the customer, the
  rest on track or answered. ``--manager-items`` (300) are service.manager's — her queue —,
  200 Luis Ortega's, a few of the duty manager, the client support manager and 40 at level 2
  with the director (service.director, Marcus Oyelaran); the rest spread evenly over the scale
  companies' service managers and sales executives (a few hundred each).
* The director's group: service.director's reports (Dana, Luis, Tom, Ana) and ``--group`` (8)
  scale service managers moved under him, so the dashboard and the compliance report cover
  ~12 people, ~5,000 open items and ~100,000 closed ones.
* Every other open bench row (the sweep benchmark's answered, waiting, new and due rows) is
  deleted with its events and notifications. bench/sweep.py reloads its own data when it runs
  next (it finds a different number of rows); this script then reshapes it again.
* Then VACUUM ANALYZE of the escalations and ANALYZE of every other table: with autovacuum off,
  the teams tables had no statistics and the dashboard's page query ran as a nested loop.

Then, in-process with ``django.test.Client`` (``force_login``), DEBUG off and persistent
connections (CONN_MAX_AGE=60, as in production): ``--warmup`` requests, then ``--requests``
timed requests per endpoint; p50 and p95 of the server time (the handler, middleware and
templates; no network), SQL statements and SQL time per request, this process's CPU time per
request (the Python part, hardly affected by other load on the machine, unlike wall-clock
time), and the slowest statements of one request. ``--json`` prints the report as JSON: its
``measurements`` (bench/summary.py, as in the other benches) hold per endpoint p50_ms, p95_ms,
cpu_ms_per_request and statements (per request); an endpoint that did not answer 200 is under
``failed`` and the script exits 1. An endpoint that misses the 150 ms target
gets EXPLAIN (ANALYZE, BUFFERS) of its two slowest statements and a cProfile of ten requests
(``--profile``: every endpoint). EXPLAIN (ANALYZE, BUFFERS) of the queue's main query (the page of rows), its count
and its tab counts shows the indexes used. The director's pages are measured when their URLs
exist (the reviews app), else reported as missing.

DATABASE_URL defaults to the accountteam_bench database; a database whose name does not end in
"bench" is refused unless ``--any-database``. ``--clean`` deletes this script's rows
("BENCH Q …") and stops (TRUNCATE when they are all the table holds and nothing refers to them,
as bench/sweep.py's ``--clean``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import sweep  # noqa: E402
from bench.summary import measurement, percentile  # noqa: E402

PREFIX = sweep.PREFIX  # "BENCH "
Q_PREFIX = "BENCH Q "
OPEN_PREFIX = "BENCH Q open "
CLOSED_PREFIX = "BENCH Q closed "
CLOSED_STATUSES = ("resolved", "cancelled")
TARGET_MS = 150.0

SERVICE_CATEGORIES = sweep.SERVICE_CATEGORIES
SALES_CATEGORIES = ["ica_question", "bfr_sr", "project_coordination"]
WORDS = ["T1 to Golden down", "DS3 bouncing", "order 4471 late", "loop expedite", "billing credit", "CFA needed"]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--open", type=int, default=100_000, help="open bench escalations (default 100,000)")
    parser.add_argument("--closed", type=int, default=1_000_000, help="closed bench escalations (default 1,000,000)")
    parser.add_argument("--manager-items", type=int, default=300, help="open items of service.manager (300)")
    parser.add_argument("--manager-closed", type=int, default=5_000, help="closed items of service.manager (5,000)")
    parser.add_argument("--group", type=int, default=8, help="scale service managers under service.director (8)")
    parser.add_argument("--companies", type=int, default=2_000, help="scale companies (as bench/sweep.py, 2,000)")
    parser.add_argument("--requests", type=int, default=50, help="timed requests per endpoint (50)")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests per endpoint first (5)")
    parser.add_argument("--period-days", type=int, default=30, help="the compliance report's period (30 days)")
    parser.add_argument("--seed", type=int, default=20260113, help="random seed for the generated rows")
    parser.add_argument("--no-load", action="store_true", help="measure the database as it is")
    parser.add_argument("--clean", action="store_true", help="delete this script's rows (BENCH Q …) and stop")
    parser.add_argument("--any-database", action="store_true", help="allow a database not named *bench")
    parser.add_argument("--only", default="", help="measure only the endpoints whose label contains this")
    parser.add_argument("--profile", action="store_true", help="cProfile every endpoint (default: those missing)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    if min(args.open, args.closed, args.manager_items, args.manager_closed, args.group) < 0 or args.requests < 1:
        parser.error("counts must be positive")
    return args


def setup_django():
    # Measure what production runs: no DEBUG (no query log, no debug templates), persistent
    # connections (a new PostgreSQL connection per request would add ~5-10 ms to each).
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("CONN_MAX_AGE", "60")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    sweep.setup_django()


log = sweep.log


# --- Who holds what ------------------------------------------------------------------------------


class Holder:
    """A person who holds items, with the (account, company, role) rows they may hold them on."""

    def __init__(self, person, accounts, *, sales=False, level=1):
        self.person = person
        self.accounts = accounts  # [(account_id, company_id, role_id)]
        self.sales = sales
        self.level = level

    def __repr__(self):
        return f"Holder({self.person.name}, {len(self.accounts)} accounts)"


def demo_people():
    from teams.models import Person

    emails = {
        "manager": "dana.whitfield@carrier.example",
        "director": "marcus.oyelaran@carrier.example",
        "backup": "luis.ortega@carrier.example",
        "duty": "tom.becker@carrier.example",
        "support": "ana.gomez@carrier.example",
    }
    by_email = {p.email: p for p in Person.objects.filter(email__in=emails.values()).select_related("user")}
    return {key: by_email[email] for key, email in emails.items()}


def _accounts_of(person) -> list[tuple[int, int, int]]:
    from teams.models import Assignment

    rows = (
        Assignment.objects.filter(person=person)
        .order_by("account__number", "role_id")
        .values_list("account_id", "account__company_id", "role_id")
    )
    seen, result = set(), []
    for account_id, company_id, role_id in rows:
        if account_id not in seen:
            seen.add(account_id)
            result.append((account_id, company_id, role_id))
    return result


def ensure_group(director, size: int) -> list:
    """Move the first ``size`` scale service managers under the director (idempotent)."""
    from teams.models import Person

    managers = list(
        Person.objects.filter(name__startswith=f"{sweep.SCALE_PREFIX} Service Manager ").order_by("name")[:size]
    )
    Person.objects.filter(pk__in=[p.pk for p in managers]).exclude(reports_to=director).update(reports_to=director)
    return managers


def holders(people, group_managers) -> tuple[dict[str, Holder], list[Holder]]:
    """The demo holders by key, and the scale holders (service managers and sales executives)."""
    from teams.models import Assignment, Person

    demo = {key: Holder(p, _accounts_of(p), level=2 if key == "director" else 1) for key, p in people.items()}
    rows = (
        Assignment.objects.filter(
            role__code__in=["service-manager", "sales-executive"],
            person__name__startswith=f"{sweep.SCALE_PREFIX} ",
        )
        .order_by("person__name", "account__number")
        .values_list("person_id", "role__code", "account_id", "account__company_id", "role_id")
    )
    by_person: dict[int, Holder] = {}
    people_by_id = Person.objects.in_bulk({r[0] for r in rows})
    for person_id, code, account_id, company_id, role_id in rows:
        holder = by_person.setdefault(person_id, Holder(people_by_id[person_id], [], sales=code == "sales-executive"))
        holder.accounts.append((account_id, company_id, role_id))
    scale = sorted(by_person.values(), key=lambda h: h.person.name)
    if not scale:
        sys.exit("No scale people with accounts found; did seed_scale run?")
    return demo, scale


# --- Rows -----------------------------------------------------------------------------------------


def _line(values: dict) -> str:
    return "\t".join(values[c] for c in sweep.COLUMNS) + "\n"


class QueueRows:
    """COPY lines for the queue benchmark, anchored at ``now``."""

    def __init__(self, *, now, policies, seed):
        self.now = now
        self.policies = policies
        self.rng = random.Random(seed)

    def _base(self, holder: Holder, i: int, *, subject, channel, category, received) -> dict:
        account_id, company_id, role_id = holder.accounts[i % len(holder.accounts)]
        ts, v = sweep._ts, sweep._v
        return {
            "channel": channel, "category": category, "topic": "", "subject": subject, "description": "",
            "received_at": ts(received), "created_at": ts(received), "level": str(holder.level),
            "availability": "in_office", "status": "new", "status_before_wait": "", "policy_mode": "interval",
            "policy_target": sweep.NULL, "policy_due": sweep.NULL, "policy_unit": "hours",
            "target_at": sweep.NULL, "due_at": sweep.NULL, "auto_escalate_at": sweep.NULL,
            "first_response_at": sweep.NULL, "follow_up_on": sweep.NULL, "follow_up_target_at": sweep.NULL,
            "follow_up_due_at": sweep.NULL, "follow_up_done_at": sweep.NULL, "paused_at": sweep.NULL,
            "paused_business_seconds": "0", "escalated_at": sweep.NULL, "escalation_reason": "",
            "resolved_at": sweep.NULL, "updated_at": ts(received), "next_action_at": sweep.NULL,
            "next_deadline_at": sweep.NULL, "account_id": str(account_id), "assignee_id": str(holder.person.pk),
            "assignee_role_id": str(role_id), "company_id": str(company_id), "raised_by_id": sweep.NULL,
            "policy_id": v(self.policies.get(channel)),
        }  # fmt: skip

    def _category(self, holder: Holder, i: int) -> str:
        pool = SALES_CATEGORIES if holder.sales else SERVICE_CATEGORIES
        return pool[i % len(pool)]

    def closed(self, holder: Holder, i: int) -> str:
        rng, now, ts = self.rng, self.now, sweep._ts
        received = now - dt.timedelta(days=rng.uniform(1, 730))
        answered = received + dt.timedelta(minutes=rng.uniform(5, 300))
        due_at = received + dt.timedelta(hours=4)
        row = self._base(
            holder, i, subject=f"{CLOSED_PREFIX}{i:07d} circuit trouble",
            channel=("voicemail", "pager", "email")[i % 3], category=self._category(holder, i), received=received,
        )  # fmt: skip
        row.update(
            status="cancelled" if i % 10 == 0 else "resolved", policy_due="4", due_at=ts(due_at),
            auto_escalate_at=ts(due_at + dt.timedelta(hours=4)), first_response_at=ts(answered),
            resolved_at=ts(answered + dt.timedelta(hours=rng.uniform(1, 72))),
        )  # fmt: skip
        row["updated_at"] = row["resolved_at"]
        return _line(row)

    def open(self, holder: Holder, i: int) -> str:
        """An open item: overdue, at risk, waiting, on track or answered, by a fixed mix."""
        rng, now, ts = self.rng, self.now, sweep._ts
        category = self._category(holder, i)
        words = WORDS[i % len(WORDS)]
        draw = rng.random()
        if draw < 0.08:  # overdue: a voicemail past its due time, notices already sent
            due_at = now - dt.timedelta(minutes=rng.uniform(5, 3 * 24 * 60))
            row = self._base(holder, i, subject=f"{OPEN_PREFIX}{i:07d} {words}", channel="voicemail",
                             category=category, received=due_at - dt.timedelta(hours=4))  # fmt: skip
            row.update(policy_due="4", due_at=ts(due_at), auto_escalate_at=ts(due_at + dt.timedelta(hours=4)),
                       next_deadline_at=ts(due_at))  # fmt: skip
        elif draw < 0.14:  # at risk: a pager past its target, not yet due
            target_at = now - dt.timedelta(minutes=rng.uniform(0.5, 14))
            row = self._base(holder, i, subject=f"{OPEN_PREFIX}{i:07d} {words}", channel="pager",
                             category=category, received=target_at - dt.timedelta(minutes=15))  # fmt: skip
            due_at = target_at + dt.timedelta(minutes=15)
            row.update(policy_target="15", policy_due="30", policy_unit="minutes", target_at=ts(target_at),
                       due_at=ts(due_at), auto_escalate_at=ts(due_at + dt.timedelta(minutes=30)),
                       next_action_at=ts(due_at), next_deadline_at=ts(due_at))  # fmt: skip
        elif draw < 0.16:  # at risk: a promised follow-up whose day has begun
            received = now - dt.timedelta(days=rng.uniform(2, 6))
            fu_target = now - dt.timedelta(hours=rng.uniform(0.1, 3))
            fu_due = now + dt.timedelta(hours=rng.uniform(1, 6))
            row = self._base(holder, i, subject=f"{OPEN_PREFIX}{i:07d} {words}", channel="email",
                             category=category, received=received)  # fmt: skip
            row.update(status="acknowledged", policy_due="1", policy_unit="days",
                       due_at=ts(received + dt.timedelta(days=1)),
                       first_response_at=ts(received + dt.timedelta(hours=3)),
                       follow_up_on=str(fu_due.date()), follow_up_target_at=ts(fu_target), follow_up_due_at=ts(fu_due),
                       next_action_at=ts(fu_due), next_deadline_at=ts(fu_due))  # fmt: skip
        elif draw < 0.26:  # waiting on the customer: the clock is stopped
            received = now - dt.timedelta(days=rng.uniform(1, 20))
            due_at = received + dt.timedelta(hours=4)
            row = self._base(holder, i, subject=f"{OPEN_PREFIX}{i:07d} {words}", channel="voicemail",
                             category=category, received=received)  # fmt: skip
            row.update(status="waiting_on_customer", status_before_wait="new", policy_due="4", due_at=ts(due_at),
                       paused_at=ts(received + dt.timedelta(hours=1)), next_deadline_at=ts(due_at))  # fmt: skip
        elif draw < 0.46:  # answered, nothing promised: no deadline
            received = now - dt.timedelta(days=rng.uniform(0.5, 30))
            row = self._base(holder, i, subject=f"{OPEN_PREFIX}{i:07d} {words}", channel="pager",
                             category=category, received=received)  # fmt: skip
            row.update(status="in_progress" if i % 2 else "acknowledged", policy_target="15", policy_due="30",
                       policy_unit="minutes", target_at=ts(received + dt.timedelta(minutes=15)),
                       due_at=ts(received + dt.timedelta(minutes=30)),
                       first_response_at=ts(received + dt.timedelta(minutes=rng.uniform(2, 25))))  # fmt: skip
        elif draw < 0.56:  # acknowledged, a follow-up promised for a later day
            received = now - dt.timedelta(days=rng.uniform(1, 10))
            fu_due = now + dt.timedelta(days=rng.uniform(1, 10))
            row = self._base(holder, i, subject=f"{OPEN_PREFIX}{i:07d} {words}", channel="email",
                             category=category, received=received)  # fmt: skip
            row.update(status="acknowledged", policy_due="1", policy_unit="days",
                       due_at=ts(received + dt.timedelta(days=1)),
                       first_response_at=ts(received + dt.timedelta(hours=2)),
                       follow_up_on=str(fu_due.date()), follow_up_target_at=ts(fu_due - dt.timedelta(hours=9)),
                       follow_up_due_at=ts(fu_due), next_action_at=ts(fu_due - dt.timedelta(hours=9)),
                       next_deadline_at=ts(fu_due))  # fmt: skip
        elif draw < 0.60:  # a call or meeting scheduled as asked: no deadline
            row = self._base(holder, i, subject=f"{OPEN_PREFIX}{i:07d} {words}",
                             channel="conference_call" if i % 2 else "meeting", category=category,
                             received=now - dt.timedelta(days=rng.uniform(0, 5)))  # fmt: skip
            row.update(policy_mode="scheduled")
        else:  # new, its first deadline ahead (1 hour to 5 days)
            due_at = now + dt.timedelta(hours=rng.uniform(1, 120))
            channel = "email" if i % 3 == 0 else "voicemail"
            row = self._base(holder, i, subject=f"{OPEN_PREFIX}{i:07d} {words}", channel=channel,
                             category=category, received=now - dt.timedelta(minutes=rng.uniform(1, 600)))  # fmt: skip
            row.update(policy_due="4", due_at=ts(due_at), auto_escalate_at=ts(due_at + dt.timedelta(hours=4)),
                       next_action_at=ts(due_at), next_deadline_at=ts(due_at))  # fmt: skip
        return _line(row)


# --- Loading ----------------------------------------------------------------------------------------


def _delete_where(where: str, params: list) -> dict[str, int]:
    """Delete the escalations matching ``where`` with their events and notifications (and what
    else refers to them), in the order the foreign keys need."""
    return sweep.delete_escalations(where, params)


def _counts() -> dict[str, int]:
    from django.db import connection

    from escalations.models import Escalation

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FILTER (WHERE status IN %s), count(*) FILTER (WHERE status NOT IN %s), "
            "count(*) FILTER (WHERE subject LIKE %s), "
            "count(*) FILTER (WHERE status NOT IN %s AND subject NOT LIKE %s), "
            f"count(*) FILTER (WHERE subject NOT LIKE %s) FROM {Escalation._meta.db_table}",
            [CLOSED_STATUSES, CLOSED_STATUSES, f"{OPEN_PREFIX}%", CLOSED_STATUSES, f"{OPEN_PREFIX}%", f"{PREFIX}%"],
        )
        closed, open_, queue_open, other_open, not_bench = cursor.fetchone()
    return {"closed": closed, "open": open_, "queue_open": queue_open, "other_open": other_open, "not_bench": not_bench}


def _closed_of(person) -> int:
    from escalations.models import Escalation

    return Escalation.objects.filter(assignee=person, status__in=CLOSED_STATUSES, subject__startswith=PREFIX).count()


def load(args, demo: dict[str, Holder], scale: list[Holder], *, quiet) -> dict:
    """Bring the bench rows to ``--closed`` closed and ``--open`` fresh open ones."""
    from django.utils import timezone

    report: dict = {}
    started = time.perf_counter()
    before = _counts()
    report["before"] = before
    if before["not_bench"]:
        log(f"Note: {before['not_bench']:,} escalations that are not bench rows are in the table too.", quiet=quiet)

    # 1. Open rows that are not this run's: the sweep benchmark's, and our previous run's.
    log("Deleting the open bench rows (the sweep's and the previous run's)…", quiet=quiet)
    report["deleted_open"] = _delete_where("subject LIKE %s AND status NOT IN %s", [f"{PREFIX}%", CLOSED_STATUSES])

    # 2. Closed rows: the demo people's history first, then top up (or trim) to --closed.
    now = timezone.now()
    rows = QueueRows(now=now, policies=sweep.policy_ids(), seed=args.seed)
    history = {
        "manager": args.manager_closed,
        "backup": args.manager_closed,
        "director": args.manager_closed // 10,
        "duty": args.manager_closed // 10,
        "support": args.manager_closed // 10,
    }
    wanted = []
    for key, count in history.items():
        missing = max(0, count - _closed_of(demo[key].person))
        wanted += [demo[key]] * missing
    closed_now = _counts()["closed"]
    extra = closed_now + len(wanted) - args.closed
    if extra > 0:  # trim scale history (this script's rows first, then the sweep's)
        log(f"Trimming {extra:,} closed rows…", quiet=quiet)
        report["trimmed_closed"] = _delete_where(
            f"id IN (SELECT id FROM escalations_escalation WHERE subject LIKE %s AND status IN %s "
            f"AND assignee_id NOT IN ({','.join(str(h.person.pk) for h in demo.values())}) "
            "ORDER BY (subject LIKE %s) DESC, id DESC LIMIT %s)",
            [f"{PREFIX}%", CLOSED_STATUSES, f"{Q_PREFIX}%", extra],
        )["escalations"]
    else:
        wanted += [scale[i % len(scale)] for i in range(-extra)]
    if wanted:
        log(f"Loading {len(wanted):,} closed escalations with COPY…", quiet=quiet)
        lines = (rows.closed(holder, i) for i, holder in enumerate(wanted))
        report["closed_load_seconds"] = sweep.copy_rows(lines, len(wanted), quiet=quiet)
    report["closed_loaded"] = len(wanted)

    # 3. Fresh open rows, anchored at a fresh now.
    rows.now = timezone.now()
    plan = [
        (demo["manager"], args.manager_items),
        (demo["backup"], 200),
        (demo["duty"], 30),
        (demo["support"], 20),
        (demo["director"], 40),
    ]
    holders_in_order = [h for h, n in plan for _ in range(n)]
    rest = max(0, args.open - len(holders_in_order))
    holders_in_order += [scale[i % len(scale)] for i in range(rest)]
    holders_in_order = holders_in_order[: args.open]
    log(f"Loading {len(holders_in_order):,} open escalations with COPY…", quiet=quiet)
    lines = (rows.open(holder, i) for i, holder in enumerate(holders_in_order))
    report["open_load_seconds"] = sweep.copy_rows(lines, len(holders_in_order), quiet=quiet)
    report["anchored_at"] = rows.now.isoformat()

    vacuum = time.perf_counter()
    sweep.vacuum_analyze()
    report["vacuum_seconds"] = time.perf_counter() - vacuum
    report["after"] = _counts()
    report["seconds"] = time.perf_counter() - started
    log(f"Data ready ({report['seconds']:.1f}s): {report['after']}", quiet=quiet)
    return report


# --- Measuring --------------------------------------------------------------------------------------


class SQLMeter:
    """Counts and times the SQL statements of a block (connection.execute_wrapper)."""

    def __init__(self, keep=False):
        self.count, self.seconds, self.keep, self.statements = 0, 0.0, keep, []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = time.perf_counter() - started
            self.count += 1
            self.seconds += elapsed
            if self.keep:
                self.statements.append((elapsed, sql, params))


def measure(client, url: str, *, requests: int, warmup: int, headers: dict, profile_all: bool = False) -> dict:
    from django.db import connection

    for _ in range(warmup):
        response = client.get(url, headers=headers)
        if response.status_code != 200:
            error = response.content[:300].decode(errors="replace")
            return {"url": url, "status": response.status_code, "error": error}
    times, sql_times, counts, cpu_times = [], [], [], []
    for _ in range(requests):
        meter = SQLMeter()
        with connection.execute_wrapper(meter):
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(url, headers=headers)
            elapsed = time.perf_counter() - started
            cpu_times.append((time.process_time() - cpu_started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        times.append(elapsed * 1000)
        sql_times.append(meter.seconds * 1000)
        counts.append(meter.count)
    slow = SQLMeter(keep=True)
    with connection.execute_wrapper(slow):
        response = client.get(url, headers=headers)
    top = sorted(slow.statements, key=lambda s: s[0], reverse=True)[:3]
    within = percentile(times, 0.95) < TARGET_MS
    plans = [] if within else [_explain_statement(sql, params) for _s, sql, params in top[:2]]
    profile = _profile(client, url, headers) if (profile_all or not within) else None
    return {
        **measurement(times, unit="request", cpu_ms=sum(cpu_times), cpu_per="request", cpu_count=requests,
                      statements=counts),  # fmt: skip
        "url": url,
        "status": 200,
        "bytes": len(response.content),
        "sql_p50_ms": statistics.median(sql_times),
        # This process's CPU time (Python: view, ORM, templates), hardly affected by other load
        # on the machine, unlike the wall-clock figures.
        "python_cpu_p50_ms": statistics.median(cpu_times),
        "queries": sorted(set(counts)),
        "slowest_sql": [{"ms": round(s * 1000, 2), "sql": _short(sql)} for s, sql, _p in top],
        "within_target": within,
        "explain_slowest": plans,
        "profile": profile,
    }


def _explain_statement(sql: str, params) -> dict:
    """EXPLAIN (ANALYZE, BUFFERS) of one statement as it ran (psycopg2 fills in the parameters)."""
    from django.db import connection

    with connection.cursor() as cursor:
        text = cursor.cursor.mogrify(sql, params).decode() if params else sql
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + text)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    execution = re.search(r"Execution Time: ([\d.]+) ms", plan)
    return {
        "sql": text,
        "indexes": sorted(set(INDEX_NODE.findall(plan))),
        "seq_scan_on_escalations": bool(re.search(r"Seq Scan on escalations_escalation\b", plan)),
        "execution_ms": float(execution.group(1)) if execution else None,
        "plan": plan,
    }


def _profile(client, url: str, headers: dict, requests: int = 10) -> list[dict]:
    """cProfile over a few requests: the project's functions (and Django's template rendering and
    SQL execution) with the most cumulative time per request."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        client.get(url, headers=headers)
    profiler.disable()
    stats = pstats.Stats(profiler)
    rows = []
    for (filename, line, name), (_cc, calls, _tt, cumulative, _callers) in stats.stats.items():
        interesting = str(ROOT) in filename and ".venv" not in filename
        interesting |= name in {"render", "execute"} and (
            "django/template/base.py" in filename or "utils.py" in filename
        )
        if interesting:
            where = filename.replace(str(ROOT) + "/", "").replace(str(ROOT / ".venv") + "/", "")
            rows.append({"ms_per_request": cumulative * 1000 / requests, "calls": calls // requests,
                         "function": f"{where}:{line} {name}"})  # fmt: skip
    return sorted(rows, key=lambda r: r["ms_per_request"], reverse=True)[:12]


def _short(sql: str, width: int = 160) -> str:
    sql = re.sub(r"\s+", " ", sql)
    sql = re.sub(r'SELECT .*? FROM "', 'SELECT … FROM "', sql, count=1)
    return sql if len(sql) <= width else sql[: width - 1] + "…"


INDEX_NODE = re.compile(r"(?:Bitmap Index Scan on|Index (?:Only )?Scan(?: Backward)? using) (\S+)")


def explain(sql_source, label: str) -> list[dict]:
    """EXPLAIN (ANALYZE, BUFFERS) of the statements a callable runs (captured, then explained)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        sql_source()
    plans = []
    for query in ctx.captured_queries:
        sql = query["sql"]
        if "escalations_escalation" not in sql:
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        execution = re.search(r"Execution Time: ([\d.]+) ms", plan)
        plans.append(
            {
                "label": label,
                "sql": _short(sql, 300),
                "indexes": sorted(set(INDEX_NODE.findall(plan))),
                "seq_scan_on_escalations": bool(re.search(r"Seq Scan on escalations_escalation\b", plan)),
                "execution_ms": float(execution.group(1)) if execution else None,
                "plan": plan,
            }
        )
    return plans


HTMX_BODY = {"HX-Request": "true", "HX-Target": "queue-body"}


def endpoints(args, people, now) -> list[tuple[str, str | None, object, dict]]:
    """(label, url, user, headers) of what to measure; the director's pages only where their URLs exist."""
    from django.urls import NoReverseMatch, reverse
    from django.utils import timezone

    manager, director = people["manager"].user, people["director"].user
    today = timezone.localdate(now)
    first = today - dt.timedelta(days=args.period_days - 1)
    wanted = [
        ("queue page", "queue", "", manager, {}),
        ("queue body, overdue tab (htmx poll)", "queue", "?state=overdue", manager, HTMX_BODY),
        ("queue API", "api_queue", "", manager, {}),
        ("queue API, search q=T1", "api_queue", "?q=T1", manager, {}),
        ("director dashboard", "review_dashboard", "", director, {}),
        (
            "compliance report API",
            "report_compliance",
            f"?group_by=person&from={first.isoformat()}&to={today.isoformat()}",
            director,
            {},
        ),
    ]
    result = []
    for label, name, query, user, headers in wanted:
        try:
            result.append((label, reverse(name) + query, user, headers))
        except NoReverseMatch:
            result.append((label, None, user, headers))
    return result


def main(argv=None) -> int:
    args = parse_args(argv)
    setup_django()
    from django.conf import settings
    from django.db import connection
    from django.db.models import Q
    from django.test import Client
    from django.utils import timezone

    from escalations import selectors
    from teams.models import Person

    try:
        from reviews.selectors import group_members
    except ImportError:  # the reviews app is not there yet

        def group_members(director):
            return Person.objects.filter(Q(pk=director.pk) | Q(reports_to=director)).values("pk")

    quiet = args.json
    database = sweep.check_database(args)
    report: dict = {
        "bench": "queue_pages",
        "database": database,
        "vendor": connection.vendor,
        "args": vars(args),
        "debug": settings.DEBUG,
    }
    if args.clean:
        report["deleted"] = sweep.clear_bench(Q_PREFIX)
        print(json.dumps(report, indent=2, default=str) if args.json else f"Deleted {report['deleted']}.")
        return 0

    started = time.perf_counter()
    report["scale"] = sweep.ensure_base_data(args.companies)
    people = demo_people()
    group = ensure_group(people["director"], args.group)
    demo, scale = holders(people, group)
    log(f"Base data ready ({time.perf_counter() - started:.1f}s): {len(scale)} scale holders.", quiet=quiet)
    if not args.no_load:
        report["load"] = load(args, demo, scale, quiet=quiet)
    report["rows"] = _counts()
    now = timezone.now()
    manager_user = people["manager"].user
    report["queue_sizes"] = {
        "service.manager": selectors.queue_counts(user=manager_user, now=now),
        "service.director (own queue)": selectors.queue_counts(user=people["director"].user, now=now),
        "director's group (people)": len(set(Person.objects.filter(pk__in=group_members(people["director"])))),
    }

    log("EXPLAIN ANALYZE of the queue's queries…", quiet=quiet)
    filters: dict = {}
    report["explain"] = (
        explain(lambda: list(selectors.queue_list(user=manager_user, filters=filters, now=now)[:50]), "page of rows")
        + explain(lambda: selectors.queue_list(user=manager_user, filters=filters, now=now).count(), "count")
        + explain(lambda: selectors.queue_counts(user=manager_user, filters=filters, now=now), "tab counts")
    )

    report["measurements"], report["missing"], report["failed"] = {}, [], {}
    for label, url, user, headers in endpoints(args, people, now):
        if args.only and args.only not in label:
            continue
        if url is None:
            report["missing"].append(label)
            log(f"{label}: no such URL (not built yet)", quiet=quiet)
            continue
        client = Client()
        client.force_login(user)
        log(f"Measuring {label}: {url}", quiet=quiet)
        result = measure(
            client, url, requests=args.requests, warmup=args.warmup, headers=headers, profile_all=args.profile
        )
        if result["status"] == 200:
            report["measurements"][label] = result
        else:
            report["failed"][label] = result
    connection.close()

    if args.json:
        print(json.dumps(report, indent=2, default=str))
    else:
        print_report(report)
    return 1 if report["failed"] else 0


def print_report(r: dict) -> None:
    rows, sizes = r["rows"], r["queue_sizes"]
    print(f"\nQueue benchmark on {r['database']} (DEBUG {r['debug']}, {r['args']['requests']} requests per endpoint "
          f"after {r['args']['warmup']} warm-up)")  # fmt: skip
    print(f"  escalations   {rows['closed']:>10,} closed   {rows['open']:>8,} open ({rows['queue_open']:,} loaded now)")
    if "load" in r:
        load_ = r["load"]
        print(f"  load          {load_['seconds']:>10.1f} s   (deleted open {load_['deleted_open']['escalations']:,}, "
              f"closed loaded {load_['closed_loaded']:,}, VACUUM ANALYZE {load_['vacuum_seconds']:.1f} s)")  # fmt: skip
    for who, counts in sizes.items():
        print(f"  {who:<30} {counts}")
    print(f"\n  {'endpoint':<38} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'SQL p50':>8} {'CPU/req':>8} {'queries':>8}"
          "  target")  # fmt: skip
    for label in r["missing"]:
        print(f"  {label:<38} {'— not built yet —':>35}")
    for label, e in r["failed"].items():
        print(f"  {label:<38} HTTP {e['status']}: {e.get('error', '')[:80]}")
    for label, e in r["measurements"].items():
        queries = "/".join(str(q) for q in e["queries"])
        verdict = "ok" if e["within_target"] else f"MISSED (p95 ≥ {TARGET_MS:.0f} ms)"
        print(f"  {label:<38} {e['p50_ms']:>8.1f} {e['p95_ms']:>8.1f} {e['max_ms']:>8.1f} "
              f"{e['sql_p50_ms']:>8.1f} {e['cpu_ms_per_request']:>8.1f} {queries:>8}  {verdict}")  # fmt: skip
    for label, e in r["measurements"].items():
        print(f"\n  {label} — {e['url']} — slowest statements of one request:")
        for s in e["slowest_sql"]:
            print(f"    {s['ms']:>8.2f} ms  {s['sql']}")
        for x in e["explain_slowest"]:
            print(f"    EXPLAIN: execution {x['execution_ms']} ms; indexes: {', '.join(x['indexes']) or 'none'}; "
                  f"seq scan on escalations: {'YES' if x['seq_scan_on_escalations'] else 'no'}")  # fmt: skip
            print("\n".join("      " + line for line in x["plan"].splitlines()[:40]))
        if e["profile"]:
            print("    cProfile (cumulative ms per request):")
            for p in e["profile"]:
                print(f"      {p['ms_per_request']:>8.1f} ms {p['calls']:>6} calls  {p['function']}")
    print("\nEXPLAIN (ANALYZE, BUFFERS) of the queue's queries for service.manager:")
    for x in r["explain"]:
        print(f"\n  [{x['label']}] execution {x['execution_ms']} ms; indexes: {', '.join(x['indexes']) or 'none'}; "
              f"seq scan on escalations: {'YES' if x['seq_scan_on_escalations'] else 'no'}")  # fmt: skip
        print("\n".join("    " + line for line in x["plan"].splitlines()[:30]))


if __name__ == "__main__":
    sys.exit(main())

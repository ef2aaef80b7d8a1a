"""Benchmark one escalation sweep (``escalations.sweep.escalations_sweep``) over a large table.

PostgreSQL only (the rows are loaded with COPY). From the project root:

    su postgres -c "createdb -O accountteam accountteam_bench"        # once
    export DATABASE_URL=postgres://accountteam:accountteam@127.0.0.1:5432/accountteam_bench
    .venv/bin/python manage.py migrate --no-input                      # once, and after new migrations
    .venv/bin/python bench/sweep.py --escalations 1000000 --due 10000
    .venv/bin/python bench/sweep.py --escalations 1000000 --due 10000 --auto-escalate 500 --json

What it does:

1. Base data: ``demo.teams.seed_demo()`` (when its people, companies or users are missing), the
   carrier's response guidelines and ``demo.teams.seed_scale(--companies)`` (two accounts and a
   full team per company); all idempotent.
2. Loads ``--escalations - --due`` "background" escalations with COPY, spread over the scale
   accounts: mostly resolved or cancelled, some answered or waiting (next_action_at NULL) and
   some new with next_action_at in the future. Skipped when exactly that many are there already.
   After a load, VACUUM ANALYZE of the escalations and ANALYZE of every other table (with
   autovacuum off, a table without statistics makes the planner guess).
3. Arms ``--due`` escalations whose next_action_at is in the past: half at their target (a
   reminder to the assignee), 30% past due (overdue notices to the assignee and the director),
   20% at a promised follow-up's opening (a follow-up reminder). ``--auto-escalate K`` makes K of
   them also past their automatic-escalation time (the per-item path). Every run deletes the
   previous run's due rows, and the events and notifications of all bench rows, then arms
   fresh ones, so reruns measure the same work without reloading a million rows; then ANALYZE.
4. EXPLAIN (ANALYZE, BUFFERS) of the sweep's claim query (in a transaction rolled back: the
   locks it takes are released), then ONE ``sweep()`` timed with ``time.perf_counter`` (each
   batch, from its claim query to the next) and ``time.process_time`` (this process's CPU), its
   queries counted with ``CaptureQueriesContext``; then five idle sweeps (nothing due).
5. Prints a report, with what the sweep should have done next to what it did (items, notices,
   notification rows, timeline events, escalations); ``--json`` prints it as JSON instead, whose
   ``measurements`` (bench/summary.py) hold, as in the other benches: for "sweep", p50_ms and
   p95_ms of its batches that handled items, cpu_ms_per_item and statements per batch; for
   "idle sweep", the same per sweep (cpu_ms_per_sweep).

Bench rows are marked by a subject starting with "BENCH " ("BENCH DUE " for the armed ones).
``--reset`` deletes all of them (with their events and notifications) and reloads; ``--clean``
deletes them and stops; a run that finds a different number of background rows reloads the same
way. They TRUNCATE when the escalation table holds nothing else and the tables that refer to
escalations or their events (post-mortems, mail, time entries…) are empty, naming those in the
TRUNCATE too; else they DELETE just the bench rows, in the order the foreign keys need. So they
work whatever ran before (bench/queue_pages.py, bench/mail_intake.py). Scale companies and people
are left in place. A million rows take about two minutes to load on two cores (PostgreSQL
maintains eleven indexes and five foreign keys per row); a rerun only re-arms the due rows.

Notification emails are enqueued on commit for real: CELERY_BROKER_URL defaults to the local
Redis, database 15 (redis://127.0.0.1:6379/15), where nothing consumes them; the report counts
the tasks enqueued and the script empties that queue afterwards unless ``--keep-queue``.
DATABASE_URL defaults to the accountteam_bench database above; a database whose name does not
end in "bench" is refused unless ``--any-database``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import queue
import random
import re
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgres://accountteam:accountteam@127.0.0.1:5432/accountteam_bench"
DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/15"
PREFIX = "BENCH "
DUE_PREFIX = "BENCH DUE "
SCALE_PREFIX = "Scale"
COPY_CHUNK = 100_000
IDLE_SWEEPS = 5  # idle sweeps timed after the real one (nothing due: one claim query each)
NULL = r"\N"

COLUMNS = [
    "channel", "category", "topic", "subject", "description", "received_at", "created_at", "level", "availability",
    "status", "status_before_wait", "policy_mode", "policy_target", "policy_due", "policy_unit", "target_at",
    "due_at", "auto_escalate_at", "first_response_at", "follow_up_on", "follow_up_target_at", "follow_up_due_at",
    "follow_up_done_at", "paused_at", "paused_business_seconds", "escalated_at", "escalation_reason",
    "resolved_at", "updated_at", "next_action_at", "next_deadline_at", "account_id", "assignee_id",
    "assignee_role_id", "company_id", "raised_by_id", "policy_id",
]  # fmt: skip
SERVICE_CATEGORIES = ["repair", "order_escalation", "expedite", "delayed_order", "outage", "testing", "billing"]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--escalations", type=int, default=1_000_000, help="bench escalations in all (default 1M)")
    parser.add_argument("--due", type=int, default=10_000, help="of which due now (default 10,000)")
    parser.add_argument(
        "--auto-escalate",
        type=int,
        default=0,
        metavar="K",
        help="of the due ones, K also past their automatic escalation (default 0)",
    )
    parser.add_argument("--companies", type=int, default=2_000, help="scale companies to spread over (default 2,000)")
    parser.add_argument("--batch-size", type=int, default=500, help="sweep batch size (the task's default: 500)")
    parser.add_argument("--seed", type=int, default=20240601, help="random seed for the generated rows")
    parser.add_argument("--reset", action="store_true", help="delete all bench escalations first and reload")
    parser.add_argument("--clean", action="store_true", help="delete all bench escalations and stop")
    parser.add_argument("--no-vacuum", action="store_true", help="skip VACUUM ANALYZE after a load")
    parser.add_argument("--keep-queue", action="store_true", help="leave the enqueued email tasks in the broker")
    parser.add_argument("--any-database", action="store_true", help="allow a database not named *bench")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    if args.escalations < 0 or args.due < 0 or args.auto_escalate < 0 or args.companies < 1:
        parser.error("counts must be positive")
    if args.due > args.escalations:
        parser.error("--due cannot exceed --escalations")
    if args.auto_escalate > args.due:
        parser.error("--auto-escalate cannot exceed --due")
    return args


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accountteam.settings")
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("CELERY_BROKER_URL", DEFAULT_BROKER_URL)
    import django

    django.setup()


def log(message, *, quiet=False):
    if not quiet:
        print(message, file=sys.stderr, flush=True)


# --- Checks ---------------------------------------------------------------------------------------


def check_database(args):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    if connection.vendor != "postgresql":
        sys.exit(f"bench/sweep.py needs PostgreSQL (COPY); DATABASE_URL points at {connection.vendor}.")
    name = connection.settings_dict["NAME"]
    if not name.endswith("bench") and not args.any_database:
        sys.exit(f"Refusing to load bench data into {name!r}: use a *bench database or --any-database.")
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        sys.exit(f"Database {name!r} has unapplied migrations: run `.venv/bin/python manage.py migrate` first.")
    from escalations.models import Escalation

    unfilled = [
        f.column
        for f in Escalation._meta.concrete_fields
        if not (f.primary_key or f.null or f.column in COLUMNS or f.has_db_default())
    ]
    if unfilled:  # a new column the COPY lines must fill
        sys.exit(f"bench/sweep.py's COLUMNS (and the rows of bench/queue_pages.py) lack {', '.join(unfilled)}.")
    return name


# --- Base data ------------------------------------------------------------------------------------


def ensure_demo_data() -> bool:
    """``demo.teams.seed_demo()`` unless its staff, companies, accounts and users are all there
    already (it sets every demo user's password again, a few seconds of hashing, on every run).
    True when it seeded."""
    from django.contrib.auth import get_user_model

    from demo import teams as demo
    from teams.models import Account, Company, Person

    emails = {email for _key, _name, _title, email, *_rest in demo.STAFF}
    names = {name for name, *_rest in demo.COMPANIES}
    numbers = {number for _name, _kind, accounts, *_rest in demo.COMPANIES for number, *_ in accounts}
    usernames = {username for username, *_rest in demo.CUSTOMER_USERS} | set(demo.STAFF_WITH_SIGN_IN)
    there = (
        Person.objects.filter(email__in=emails).count() == len(emails)
        and Company.objects.filter(name__in=names).count() == len(names)
        and Account.objects.filter(number__in=numbers).count() == len(numbers)
        and get_user_model().objects.filter(username__in=usernames).count() == len(usernames)
    )
    if not there:
        demo.seed_demo()
    return not there


def ensure_base_data(companies: int) -> dict:
    from demo import teams as demo
    from escalations.models import ResponsePolicy
    from escalations.policies import seed_guidelines

    ensure_demo_data()
    seed_guidelines(ResponsePolicy)
    return demo.seed_scale(companies, prefix=SCALE_PREFIX)


def scale_accounts(companies: int) -> list[tuple[int, int, int, int]]:
    """(account id, company id, service manager id, role id) of the first ``companies`` scale companies."""
    from teams.models import Assignment

    names = [f"{SCALE_PREFIX} {i:06d}" for i in range(1, companies + 1)]
    rows = (
        Assignment.objects.filter(role__code="service-manager", account__company__name__in=names)
        .order_by("account__number")
        .values_list("account_id", "account__company_id", "person_id", "role_id")
    )
    rows = list(rows)
    if not rows:
        sys.exit("No scale accounts with a service manager found; did seed_scale run?")
    return rows


def policy_ids() -> dict[str, int | None]:
    from escalations.models import ResponsePolicy

    def one(channel, availability):
        row = ResponsePolicy.objects.filter(
            company=None, channel=channel, category="", availability=availability
        ).first()
        return row.pk if row else None

    return {"pager": one("pager", "in_office"), "voicemail": one("voicemail", "in_office"), "email": one("email", "")}


# --- Row generation -------------------------------------------------------------------------------


def _ts(value: dt.datetime | None) -> str:
    return NULL if value is None else value.isoformat()


def _v(value) -> str:
    return NULL if value is None else str(value)


class Rows:
    """Escalation rows as COPY text lines. ``now`` anchors every timestamp."""

    def __init__(self, *, now, accounts, policies, seed):
        self.now = now
        self.accounts = accounts
        self.policies = policies
        self.rng = random.Random(seed)
        # What one sweep should do with the due rows armed so far.
        self.expected = {"items": 0, "notices": 0, "notification_rows": 0, "events": 0, "escalated": 0}

    def _expect(self, *, notices, escalated=0):
        e = self.expected
        e["items"] += 1
        e["notices"] += notices
        e["notification_rows"] += notices + escalated  # the director's "escalated to you"
        e["events"] += 1 + escalated  # one reminder or overdue event (+ the escalation)
        e["escalated"] += escalated

    def _line(
        self,
        i,
        *,
        subject,
        channel,
        category,
        received,
        status="new",
        level=1,
        before_wait="",
        mode="interval",
        target=None,
        due=None,
        unit="hours",
        target_at=None,
        due_at=None,
        escalate_at=None,
        first_response=None,
        follow_up_on=None,
        fu_target=None,
        fu_due=None,
        fu_done=None,
        paused=None,
        paused_seconds=0,
        resolved=None,
        next_action=None,
        next_deadline=None,
        policy=None,
    ) -> str:
        account_id, company_id, person_id, role_id = self.accounts[i % len(self.accounts)]
        values = [
            channel, category, "", subject, "", _ts(received), _ts(received), str(level), "in_office", status,
            before_wait, mode, _v(target), _v(due), unit, _ts(target_at), _ts(due_at), _ts(escalate_at),
            _ts(first_response), _v(follow_up_on), _ts(fu_target), _ts(fu_due), _ts(fu_done), _ts(paused),
            str(paused_seconds), NULL, "", _ts(resolved), _ts(resolved or first_response or received),
            _ts(next_action), _ts(next_deadline), str(account_id), str(person_id), str(role_id), str(company_id),
            NULL, _v(policy),
        ]  # fmt: skip
        return "\t".join(values) + "\n"

    def background(self, i: int) -> str:
        """A row the sweep must not touch: closed, answered, waiting, or due later."""
        rng, now = self.rng, self.now
        category = SERVICE_CATEGORIES[i % len(SERVICE_CATEGORIES)]
        draw = rng.random()
        if draw < 0.70:  # resolved or cancelled, any time in the last two years
            received = now - dt.timedelta(days=rng.uniform(1, 730))
            answered = received + dt.timedelta(minutes=rng.uniform(5, 240))
            return self._line(
                i, subject=f"{PREFIX}closed {i:07d} circuit trouble", channel="voicemail", category=category,
                received=received, status="cancelled" if i % 10 == 0 else "resolved", due=4,
                due_at=received + dt.timedelta(hours=4), escalate_at=received + dt.timedelta(hours=8),
                first_response=answered, resolved=answered + dt.timedelta(hours=rng.uniform(1, 72)),
                policy=self.policies["voicemail"],
            )  # fmt: skip
        if draw < 0.85:  # answered, still open, nothing scheduled
            received = now - dt.timedelta(days=rng.uniform(0.5, 30))
            return self._line(
                i, subject=f"{PREFIX}answered {i:07d} order delayed", channel="pager", category=category,
                received=received, status="in_progress" if i % 2 else "acknowledged", target=15, due=30,
                unit="minutes", target_at=received + dt.timedelta(minutes=15),
                due_at=received + dt.timedelta(minutes=30), escalate_at=received + dt.timedelta(minutes=60),
                first_response=received + dt.timedelta(minutes=rng.uniform(2, 25)), policy=self.policies["pager"],
            )  # fmt: skip
        if draw < 0.90:  # waiting on the customer: the clock is stopped
            received = now - dt.timedelta(days=rng.uniform(1, 20))
            due_at = received + dt.timedelta(hours=4)
            return self._line(
                i, subject=f"{PREFIX}waiting {i:07d} need CFA", channel="voicemail", category=category,
                received=received, status="waiting_on_customer", before_wait="new", due=4, due_at=due_at,
                escalate_at=due_at + dt.timedelta(hours=4), paused=received + dt.timedelta(hours=1),
                next_deadline=due_at, policy=self.policies["voicemail"],
            )  # fmt: skip
        # New and unanswered, its first deadline still ahead (1 hour to 10 days).
        due_at = now + dt.timedelta(hours=rng.uniform(1, 240))
        return self._line(
            i, subject=f"{PREFIX}new {i:07d} T1 bouncing", channel="voicemail", category=category,
            received=now - dt.timedelta(minutes=rng.uniform(1, 120)), due=4, due_at=due_at,
            escalate_at=due_at + dt.timedelta(hours=4), next_action=due_at, next_deadline=due_at,
            policy=self.policies["voicemail"],
        )  # fmt: skip

    def due(self, i: int, *, auto_escalate: bool) -> str:
        """A row whose next action is in the past."""
        rng, now = self.rng, self.now
        category = SERVICE_CATEGORIES[i % len(SERVICE_CATEGORIES)]
        # Well under the 15 minutes between a pager's target and due: each row has one point due,
        # and keeps just that one for the minutes until the sweep runs.
        ago = dt.timedelta(minutes=rng.uniform(1, 10))
        if auto_escalate:  # past due and past the grace: overdue notices, then escalated to the director
            escalate_at = now - ago
            due_at = escalate_at - dt.timedelta(hours=4)
            self._expect(notices=2, escalated=1)
            return self._line(
                i, subject=f"{DUE_PREFIX}escalate {i:07d} outage unanswered", channel="voicemail",
                category=category, received=due_at - dt.timedelta(hours=4), due=4, due_at=due_at,
                escalate_at=escalate_at, next_action=due_at, next_deadline=due_at, policy=self.policies["voicemail"],
            )  # fmt: skip
        kind = i % 10
        if kind < 5:  # pager past its target: a reminder to the assignee
            target_at = now - ago
            self._expect(notices=1)
            return self._line(
                i, subject=f"{DUE_PREFIX}reminder {i:07d} pager callback", channel="pager", category=category,
                received=target_at - dt.timedelta(minutes=15), target=15, due=30, unit="minutes",
                target_at=target_at, due_at=target_at + dt.timedelta(minutes=15),
                escalate_at=target_at + dt.timedelta(minutes=45), next_action=target_at,
                next_deadline=target_at + dt.timedelta(minutes=15), policy=self.policies["pager"],
            )  # fmt: skip
        if kind < 8:  # voicemail past due: overdue to the assignee and the director
            due_at = now - ago
            self._expect(notices=2)
            return self._line(
                i, subject=f"{DUE_PREFIX}overdue {i:07d} voicemail unanswered", channel="voicemail",
                category=category, received=due_at - dt.timedelta(hours=4), due=4, due_at=due_at,
                escalate_at=due_at + dt.timedelta(hours=4), next_action=due_at, next_deadline=due_at,
                policy=self.policies["voicemail"],
            )  # fmt: skip
        # Acknowledged with a follow-up promised for today: its opening has passed.
        fu_target = now - ago
        received = now - dt.timedelta(days=2)
        self._expect(notices=1)
        return self._line(
            i, subject=f"{DUE_PREFIX}follow-up {i:07d} letter answered", channel="email", category=category,
            received=received, status="acknowledged", due=1, unit="days", due_at=received + dt.timedelta(days=1),
            escalate_at=received + dt.timedelta(days=2), first_response=received + dt.timedelta(hours=3),
            follow_up_on=fu_target.date(), fu_target=fu_target, fu_due=fu_target + dt.timedelta(hours=8),
            next_action=fu_target, next_deadline=fu_target + dt.timedelta(hours=8), policy=self.policies["email"],
        )  # fmt: skip


def copy_rows(lines, total: int, *, quiet: bool) -> float:
    """COPY ``total`` lines into the escalation table, committing every COPY_CHUNK rows.

    A thread formats the next chunk while PostgreSQL takes the current one."""
    from django.db import connection, transaction

    from escalations.models import Escalation

    sql = f"COPY {Escalation._meta.db_table} ({', '.join(COLUMNS)}) FROM STDIN"
    chunks: queue.Queue = queue.Queue(maxsize=2)

    def produce():
        try:
            done = 0
            while done < total:
                size = min(COPY_CHUNK, total - done)
                chunks.put("".join(next(lines) for _ in range(size)))
                done += size
        except BaseException as exc:  # hand it to the main thread
            chunks.put(exc)
        else:
            chunks.put(None)

    started = time.perf_counter()
    producer = threading.Thread(target=produce, daemon=True)
    producer.start()
    loaded = 0
    while (chunk := chunks.get()) is not None:
        if isinstance(chunk, BaseException):
            raise chunk
        with transaction.atomic(), connection.cursor() as cursor:
            raw = cursor.cursor
            if hasattr(raw, "copy_expert"):  # psycopg2
                raw.copy_expert(sql, io.StringIO(chunk))
            else:  # psycopg 3
                with raw.copy(sql) as copy:
                    copy.write(chunk)
        loaded += chunk.count("\n")
        elapsed = time.perf_counter() - started
        log(f"  loaded {loaded:,}/{total:,} rows ({loaded / elapsed:,.0f} rows/s)", quiet=quiet)
    producer.join()
    return time.perf_counter() - started


# --- Cleaning ------------------------------------------------------------------------------------
#
# Other tables refer to escalations and their events (post-mortems, mail, time entries, service
# credits, follows…). The benches leave them empty, but a TRUNCATE must name them all (PostgreSQL
# refuses it otherwise, even when they are empty), and a DELETE must not leave a row of theirs
# pointing at nothing.


def _referrers() -> dict[str, list[tuple[str, str]]]:
    """For each table, the (table, column) of every foreign key that refers to it."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text FROM pg_constraint c "
            "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] WHERE c.contype = 'f'"
        )
        rows = cursor.fetchall()
    result: dict[str, list[tuple[str, str]]] = {}
    for table, column, referred in rows:
        result.setdefault(referred, []).append((table, column))
    return result


def _referring_closure(tables: list[str], referrers: dict[str, list[tuple[str, str]]]) -> list[str]:
    """The tables that refer to ``tables``, directly or through one another (what TRUNCATE … CASCADE
    would empty too), ``tables`` themselves left out."""
    seen, todo = set(tables), list(tables)
    while todo:
        for table, _column in referrers.get(todo.pop(), []):
            if table not in seen:
                seen.add(table)
                todo.append(table)
    return sorted(seen - set(tables))


def _delete_notifications(cursor, ids_sql: str, params: list) -> int:
    from accountteam.models import Notification

    cursor.execute(
        f"DELETE FROM {Notification._meta.db_table} WHERE key LIKE 'escalation:%%' "
        f"AND split_part(key, ':', 2)::bigint IN ({ids_sql})",
        params,
    )
    return cursor.rowcount


def delete_escalations(where: str, params: list, *, rows: bool = True) -> dict[str, int]:
    """Delete the escalations matching ``where`` (unless not ``rows``) with their events and
    notifications, in the order the foreign keys need.

    Most go with plain DELETEs. Rows of other tables that refer to them (a post-mortem tracking
    one, a mail answered on one of its events) are left to the ORM, which applies each foreign
    key's on_delete (CASCADE or SET NULL) to just those few escalations or events."""
    from django.db import connection, transaction

    from escalations.models import Escalation, Event

    esc, ev = Escalation._meta.db_table, Event._meta.db_table
    referrers = _referrers()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE doomed ON COMMIT DROP AS SELECT id FROM {esc} WHERE {where}", params)
        cursor.execute("SELECT count(*) FROM doomed")
        if not cursor.fetchone()[0]:
            return {"escalations": 0, "events": 0, "notifications": 0, "by_orm": 0, "truncated": False}
        cursor.execute("ANALYZE doomed")
        notifications = _delete_notifications(cursor, "SELECT id FROM doomed", [])
        # Escalations (or, keeping the rows, events) that another table refers to: the ORM's.
        tangled_escalations: set[int] = set()
        tangled_events: set[int] = set()
        if rows:
            for table, column in referrers.get(esc, []):
                if (table, column) != (ev, "escalation_id"):
                    cursor.execute(f"SELECT DISTINCT {column} FROM {table} WHERE {column} IN (SELECT id FROM doomed)")
                    tangled_escalations.update(r[0] for r in cursor.fetchall())
        for table, column in referrers.get(ev, []):
            cursor.execute(
                f"SELECT e.id, e.escalation_id FROM {ev} e JOIN {table} t ON t.{column} = e.id "
                "WHERE e.escalation_id IN (SELECT id FROM doomed)"
            )
            for event_id, escalation_id in cursor.fetchall():
                if rows:
                    tangled_escalations.add(escalation_id)
                else:
                    tangled_events.add(event_id)
        by_orm = 0
        if tangled_escalations:
            by_orm = len(tangled_escalations)
            cursor.execute("DELETE FROM doomed WHERE id = ANY(%s)", [sorted(tangled_escalations)])
            Escalation.objects.filter(pk__in=tangled_escalations).delete()
        if tangled_events:
            by_orm = len(tangled_events)
            Event.objects.filter(pk__in=tangled_events).delete()
        cursor.execute(f"DELETE FROM {ev} WHERE escalation_id IN (SELECT id FROM doomed)")
        events = cursor.rowcount
        escalations = 0
        if rows:
            cursor.execute(f"DELETE FROM {esc} WHERE id IN (SELECT id FROM doomed)")
            escalations = cursor.rowcount + len(tangled_escalations)
    counts = {"escalations": escalations, "events": events, "notifications": notifications, "by_orm": by_orm}
    return counts | {"truncated": False}


def delete_bench(*, like: str, rows: bool = True) -> dict[str, int]:
    """Delete the bench escalations whose subject is LIKE ``like`` (unless not ``rows``), their
    events and notifications."""
    return delete_escalations("subject LIKE %s", [like], rows=rows)


def clear_bench(prefix: str = PREFIX) -> dict[str, int]:
    """Delete every escalation whose subject starts with ``prefix``, with its events and notifications.

    TRUNCATE (fast, and it leaves no dead rows behind) when that is all the escalation table holds
    and every other table that refers to escalations or events, directly or not, is empty: they
    are named in the TRUNCATE too, so it empties nothing but bench rows. Else DELETE, which
    touches only the matching rows."""
    from django.db import connection, transaction

    from escalations.models import Escalation, Event

    esc, ev = Escalation._meta.db_table, Event._meta.db_table
    like = f"{prefix}%"
    if Escalation.objects.exclude(subject__startswith=prefix).exists():
        return delete_bench(like=like)
    others = _referring_closure([esc, ev], _referrers())
    with connection.cursor() as cursor:
        for table in others:
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table})")
            if cursor.fetchone()[0]:
                return delete_bench(like=like)
    with transaction.atomic(), connection.cursor() as cursor:
        counts = {"escalations": Escalation.objects.count(), "events": Event.objects.count()}
        counts["notifications"] = _delete_notifications(cursor, f"SELECT id FROM {esc}", [])
        counts |= {"by_orm": 0, "truncated": True}
        # Not CASCADE: should a referring table have been missed, PostgreSQL refuses rather than empties it.
        cursor.execute(f"TRUNCATE {', '.join([esc, ev, *others])}")
    return counts


def reset_bench() -> dict[str, int]:
    """Delete every bench escalation (see ``clear_bench``)."""
    return clear_bench(PREFIX)


def forget_sweeps(now: dt.datetime) -> dict[str, int]:
    """Undo earlier runs on the background rows: drop bench events and notifications and push
    any background row that has become due (time passed) a day out again."""
    from django.db import connection, transaction

    from escalations.models import Escalation

    cleared = delete_bench(like=f"{PREFIX}%", rows=False)
    del cleared["escalations"]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Escalation._meta.db_table} SET next_action_at = %s, next_deadline_at = %s, due_at = %s "
            "WHERE subject LIKE %s AND subject NOT LIKE %s AND next_action_at <= %s",
            [now + dt.timedelta(days=1)] * 3 + [f"{PREFIX}%", f"{DUE_PREFIX}%", now + dt.timedelta(minutes=10)],
        )
        cleared["rearmed_background"] = cursor.rowcount
    return cleared


def analyze(*, vacuum: bool = False) -> None:
    """Statistics for every table of the database, not only the escalations: with autovacuum off,
    a teams table without any makes the planner guess (the director's dashboard ran as a nested
    loop discarding 154,030 rows: 41.7 ms, 5.6 ms after ANALYZE). ``vacuum``: VACUUM the
    escalations and events too (their visibility map, for index-only scans)."""
    from django.db import connection

    from escalations.models import Escalation, Event

    big = [Escalation._meta.db_table, Event._meta.db_table]
    with connection.cursor() as cursor:  # autocommit: VACUUM cannot run in a transaction
        tables = connection.introspection.table_names(cursor)
        rest = [t for t in tables if not vacuum or t not in big]
        if vacuum:
            cursor.execute(f"VACUUM ANALYZE {', '.join(big)}")
        cursor.execute(f"ANALYZE {', '.join(connection.ops.quote_name(t) for t in rest)}")


def vacuum_analyze():
    analyze(vacuum=True)


# --- The measurements -----------------------------------------------------------------------------

_LITERAL = re.compile(r"'\d{4}-\d{2}-\d{2}[ T][^']*'(::timestamptz)?")


def _normalise(sql: str) -> str:
    return _LITERAL.sub("?", sql).strip()


def explain_claim(now: dt.datetime, batch_size: int) -> dict:
    """EXPLAIN (ANALYZE, BUFFERS) of the sweep's claim query at ``now``, in a transaction rolled
    back afterwards (the locks it takes are released). The query is the sweep's own: captured from
    a sweep at a time when nothing was due yet (it claims nothing and does nothing else)."""
    from django.db import connection, transaction

    from escalations.sweep import escalations_sweep

    claims = []

    def capture(execute, sql, params, many, context):
        if "SKIP LOCKED" in sql:
            claims.append((sql, params))
        return execute(sql, params, many, context)

    with transaction.atomic():
        with connection.execute_wrapper(capture):
            escalations_sweep(now=dt.datetime(2000, 1, 1, tzinfo=dt.UTC), batch_size=batch_size)
        if not claims:
            sys.exit("bench/sweep.py: the sweep ran no claim query (SELECT … FOR UPDATE SKIP LOCKED).")
        sql, params = claims[0]
        params = [now if isinstance(p, dt.datetime) else p for p in params]
        with connection.cursor() as cursor:
            sql = cursor.cursor.mogrify(sql, params).decode()
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        transaction.set_rollback(True)
    execution = re.search(r"Execution Time: ([\d.]+) ms", plan)
    index_nodes = re.findall(r"(?:Bitmap Index Scan on|Index (?:Only )?Scan(?: Backward)? using) (\S+)", plan)
    return {
        "sql": sql,
        "plan": plan,
        "uses_esc_sweep_due": "esc_sweep_due" in index_nodes,
        "indexes": sorted(set(index_nodes)),
        "seq_scan_on_escalations": bool(re.search(r"Seq Scan on escalations_escalation\b", plan)),
        "execution_ms": float(execution.group(1)) if execution else None,
    }


def timed_sweep(batch_size: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from escalations.sweep import escalations_sweep

    counted = {"n": 0}
    marks = []  # (wall, CPU, statements so far) as each batch starts: at its claim query
    claimed = []  # the items each claim query returned

    def count(execute, sql, params, many, context):
        counted["n"] += 1
        if "SKIP LOCKED" not in sql:
            return execute(sql, params, many, context)
        marks.append((time.perf_counter(), time.process_time(), counted["n"] - 1))
        result = execute(sql, params, many, context)
        claimed.append(context["cursor"].rowcount)  # the batch's items (one row each)
        return result

    with connection.execute_wrapper(count), CaptureQueriesContext(connection) as ctx:
        started, cpu_started = time.perf_counter(), time.process_time()
        totals = escalations_sweep(batch_size=batch_size)
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
        marks.append((time.perf_counter(), time.process_time(), counted["n"]))
    batches = [
        {"items": items, "ms": (end[0] - start[0]) * 1000, "cpu_ms": (end[1] - start[1]) * 1000,
         "statements": end[2] - start[2]}
        for start, end, items in zip(marks, marks[1:], claimed, strict=False)
    ]  # fmt: skip
    kinds: dict[str, int] = {}
    kind_seconds: dict[str, float] = {}
    for query in ctx.captured_queries:
        word = query["sql"].lstrip().split(None, 1)[0].upper()
        kinds[word] = kinds.get(word, 0) + 1
        kind_seconds[word] = kind_seconds.get(word, 0.0) + float(query["time"])
    claims = [q for q in ctx.captured_queries if "SKIP LOCKED" in q["sql"]]
    db_seconds = sum(float(q["time"]) for q in ctx.captured_queries)
    return {
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "batches": batches,
        "queries": counted["n"],
        "queries_captured": len(ctx.captured_queries),
        "query_kinds": kinds,
        "query_seconds_by_kind": {k: round(v, 3) for k, v in kind_seconds.items()},
        "db_seconds": db_seconds,
        "claim_queries": len(claims),
        "claim_seconds": sum(float(q["time"]) for q in claims),
        "claim_sql": claims[0]["sql"] if claims else None,
        "result": totals,
    }


def broker_queue_length() -> int | None:
    from django.conf import settings

    if not settings.CELERY_BROKER_URL.startswith("redis"):
        return None
    import redis

    try:
        return redis.Redis.from_url(settings.CELERY_BROKER_URL).llen("celery")
    except redis.RedisError:
        return None


def purge_queue() -> None:
    from django.conf import settings

    if settings.CELERY_BROKER_URL.startswith("redis"):
        import redis

        redis.Redis.from_url(settings.CELERY_BROKER_URL).delete("celery")


# --- Main ----------------------------------------------------------------------------------------


def main(argv=None) -> int:
    args = parse_args(argv)
    setup_django()
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from accountteam.models import Notification
    from bench.summary import measurement
    from escalations.models import Escalation, Event

    quiet = args.json
    database = check_database(args)
    report: dict = {
        "bench": "sweep",
        "database": database,
        "vendor": connection.vendor,
        "broker": settings.CELERY_BROKER_URL,
        "args": vars(args),
    }

    if args.clean or args.reset:
        started = time.perf_counter()
        report["deleted"] = reset_bench()
        log(f"Deleted bench data: {report['deleted']} ({time.perf_counter() - started:.1f}s)", quiet=quiet)
        if args.clean:
            print(json.dumps(report, indent=2, default=str) if args.json else "Clean.")
            return 0

    started = time.perf_counter()
    report["scale"] = ensure_base_data(args.companies)
    accounts = scale_accounts(args.companies)
    report["base_data_seconds"] = time.perf_counter() - started
    log(f"Base data ready: {len(accounts):,} scale accounts ({report['base_data_seconds']:.1f}s)", quiet=quiet)

    policies = policy_ids()
    background = Rows(now=timezone.now(), accounts=accounts, policies=policies, seed=args.seed)
    background_wanted = args.escalations - args.due
    bench = Escalation.objects.filter(subject__startswith=PREFIX)
    background_there = bench.exclude(subject__startswith=DUE_PREFIX).count()
    if background_there != background_wanted:
        if background_there:
            log(f"Found {background_there:,} background rows, want {background_wanted:,}: reloading.", quiet=quiet)
            report["deleted_before_load"] = reset_bench()
        log(f"Loading {background_wanted:,} background escalations with COPY…", quiet=quiet)
        lines = (background.background(i) for i in range(background_wanted))
        report["load_seconds"] = copy_rows(lines, background_wanted, quiet=quiet)
        if not args.no_vacuum:
            started = time.perf_counter()
            vacuum_analyze()
            report["vacuum_seconds"] = time.perf_counter() - started
            log(f"VACUUM ANALYZE ({report['vacuum_seconds']:.1f}s).", quiet=quiet)
    else:
        log(f"{background_there:,} background escalations already loaded.", quiet=quiet)
        report["load_seconds"] = 0.0

    # The due rows are anchored at a fresh "now": a long load must not push more points past due.
    started = time.perf_counter()
    now = timezone.now()
    due = Rows(now=now, accounts=accounts, policies=policies, seed=args.seed + 1)
    report["previous_run_cleared"] = forget_sweeps(now)
    report["previous_run_cleared"]["due_rows"] = delete_bench(like=f"{DUE_PREFIX}%")["escalations"]
    lines = (due.due(background_wanted + i, auto_escalate=i < args.auto_escalate) for i in range(args.due))
    copy_rows(lines, args.due, quiet=True)
    analyze()  # every table: the escalations changed, and the base data may be new
    report["arm_seconds"] = time.perf_counter() - started
    report["expected"] = due.expected
    log(f"Armed {args.due:,} due escalations ({report['arm_seconds']:.1f}s).", quiet=quiet)

    check_now = timezone.now()
    report["rows"] = {
        "escalations_total": Escalation.objects.count(),
        "bench": bench.count(),
        "with_next_action": Escalation.objects.filter(next_action_at__isnull=False).count(),
        "due_now": Escalation.objects.filter(next_action_at__lte=check_now).count(),
    }
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_size_pretty(pg_relation_size('esc_sweep_due')), pg_size_pretty(pg_total_relation_size(%s))",
            [Escalation._meta.db_table],
        )
        report["sizes"] = dict(zip(("esc_sweep_due", "escalations_total"), cursor.fetchone(), strict=True))

    log("EXPLAIN ANALYZE of the claim query…", quiet=quiet)
    report["explain"] = explain_claim(check_now, args.batch_size)

    notifications_before = Notification.objects.count()
    events_before = Event.objects.count()
    queue_before = broker_queue_length()
    log("Sweeping…", quiet=quiet)
    report["sweep"] = timed_sweep(args.batch_size)
    report["sweep"]["notifications_created"] = Notification.objects.count() - notifications_before
    report["sweep"]["events_created"] = Event.objects.count() - events_before
    queue_after = broker_queue_length()
    report["sweep"]["email_tasks_enqueued"] = (
        None if queue_before is None or queue_after is None else queue_after - queue_before
    )
    claim = report["sweep"].pop("claim_sql")
    report["explain"]["matches_sweep_sql"] = claim is not None and _normalise(claim) == _normalise(
        report["explain"]["sql"]
    )
    report["explain"]["sql"] = _normalise(report["explain"]["sql"])
    idle = [timed_sweep(args.batch_size) for _ in range(IDLE_SWEEPS)]
    report["idle_sweep"] = idle[0]
    report["idle_sweep"].pop("claim_sql")
    report["still_due_after"] = Escalation.objects.filter(next_action_at__lte=timezone.now()).count()
    if not args.keep_queue:
        purge_queue()
    # The batches that handled items (not the last, empty claim that ends a sweep), unless none did.
    sweep = report["sweep"]
    batches = [b for b in sweep["batches"] if b["items"]] or sweep["batches"]
    report["measurements"] = {
        "sweep": measurement(
            [b["ms"] for b in batches], unit="batch", cpu_ms=sweep["cpu_seconds"] * 1000, cpu_per="item",
            cpu_count=sweep["result"]["items"], statements=[b["statements"] for b in batches],
            items=sweep["result"]["items"], seconds=round(sweep["seconds"], 3), statements_in_all=sweep["queries"],
        ),
        "idle sweep": measurement(
            [r["seconds"] * 1000 for r in idle], unit="sweep", cpu_ms=sum(r["cpu_seconds"] for r in idle) * 1000,
            cpu_per="sweep", cpu_count=len(idle), statements=[r["queries"] for r in idle],
        ),
    }  # fmt: skip

    if args.json:
        print(json.dumps(report, indent=2, default=str))
    else:
        print_report(report)
    return 0


def print_report(r: dict) -> None:
    s, idle, e, rows, x = r["sweep"], r["idle_sweep"], r["explain"], r["rows"], r["expected"]
    m, mi = r["measurements"]["sweep"], r["measurements"]["idle sweep"]
    result = s["result"]
    kinds = ", ".join(f"{k} {v}" for k, v in sorted(s["query_kinds"].items()))
    sql_by_kind = ", ".join(f"{k} {v:.2f}" for k, v in sorted(s["query_seconds_by_kind"].items()))
    plan_head = "\n".join("    " + line for line in e["plan"].splitlines()[:16])
    vacuum = f"; VACUUM ANALYZE after the load {r['vacuum_seconds']:.1f} s" if "vacuum_seconds" in r else ""

    def vs(actual, wanted):
        return f"{actual:>12,}   ({'as expected' if actual == wanted else f'EXPECTED {wanted:,}'})"

    print(f"""
Sweep benchmark on {r["database"]} (broker {r["broker"]})
  rows                {rows["escalations_total"]:>12,} escalations ({rows["bench"]:,} bench)
  next_action_at set  {rows["with_next_action"]:>12,}   (esc_sweep_due {r["sizes"]["esc_sweep_due"]}, \
table with indexes {r["sizes"]["escalations_total"]})
  due now             {rows["due_now"]:>12,}
  load                {r["load_seconds"]:>12.1f} s   (COPY of the background rows; 0 = already loaded)
  arm due rows        {r["arm_seconds"]:>12.1f} s   (clear the previous run, COPY the due rows, ANALYZE{vacuum})

One sweep()
  seconds             {s["seconds"]:>12.3f}   (SQL {s["db_seconds"]:.3f} s, of which {s["claim_queries"]} claim \
queries {s["claim_seconds"]:.3f} s)
  CPU per item        {m["cpu_ms_per_item"]:>12.3f} ms   (this process: {s["cpu_seconds"]:.3f} s)
  batches with items  {m["count"]:>12,}   (p50 {m["p50_ms"]:.1f} ms, p95 {m["p95_ms"]:.1f} ms, \
{m["statements"]} SQL statements each)
  SQL statements      {s["queries"]:>12,}   (captured: {kinds})
  SQL seconds by kind {sql_by_kind:>12}
  items handled       {vs(result["items"], x["items"])}
  notices (sweep's)   {vs(result["notices"], x["notices"])}
  notification rows   {vs(s["notifications_created"], x["notification_rows"])}
  timeline events     {vs(s["events_created"], x["events"])}
  auto-escalated      {vs(result["escalated"], x["escalated"])}
  email tasks queued  {s["email_tasks_enqueued"]!s:>12}
  still due after     {r["still_due_after"]:>12,}
Idle sweep (nothing due), {mi["count"]} of them
  p50 / p95 ms        {mi["p50_ms"]:>12.3f} / {mi["p95_ms"]:.3f}   ({idle["queries"]} SQL statements, \
CPU {mi["cpu_ms_per_sweep"]:.2f} ms each)

Claim query: EXPLAIN (ANALYZE, BUFFERS), batch of {r["args"]["batch_size"]}, rolled back
  uses esc_sweep_due  {"yes" if e["uses_esc_sweep_due"] else "NO":>12}   (execution {e["execution_ms"]} ms; \
seq scan on escalations: {"yes" if e["seq_scan_on_escalations"] else "no"}; same SQL as the sweep's: \
{"yes" if e["matches_sweep_sql"] else "NO"})
  indexes             {", ".join(e["indexes"]) or "none"}
{plan_head}
""")


if __name__ == "__main__":
    sys.exit(main())

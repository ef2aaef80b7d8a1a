"""Benchmark e-mail intake: ``mailin.services.message_deliver`` over N messages (default 1,000).

The mix is what a carrier's inbound address sees: 70% new mail from customers (plain text, some
HTML with an attachment, some in ISO-8859-1), 15% replies to items by their reply address, 5% the
same message a second time (piped and polled), 5% auto-replies and 5% unknown senders. Each
delivery is timed: p50 and p95 of its wall time, this process's CPU time per message
(``time.process_time``, so the database server's share is not counted on PostgreSQL) and the SQL
statements per message. ``--json`` prints them as JSON, under ``measurements`` as the other
benches do (bench/summary.py). From the project root:

    .venv/bin/python bench/mail_intake.py                      # 1,000 messages, var/bench-mail.sqlite3
    .venv/bin/python bench/mail_intake.py --messages 5000 --json
    DATABASE_URL=postgres://accountteam:accountteam@127.0.0.1:5432/accountteam_bench \\
        .venv/bin/python bench/mail_intake.py --any-database

Without DATABASE_URL it uses a SQLite file of its own under var/ (migrated on first use), with
the demo data. With DATABASE_URL the database's name must end in "bench" (or pass
--any-database). Notices are recorded and their e-mail task enqueued to an in-memory broker that
nothing reads (sending is the worker's cost, not the intake's). The messages it delivers, their items and
their originals are deleted at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

INBOUND = "support@portal.localhost"


def parse(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=1_000, help="messages to deliver (default 1,000)")
    parser.add_argument("--any-database", action="store_true", help="allow a database not named *bench")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if not 1 <= args.messages <= 100_000:
        parser.error("--messages must be between 1 and 100,000")
    return args


def setup(args) -> None:
    if "DATABASE_URL" not in os.environ:
        (ROOT / "var").mkdir(exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{ROOT / 'var' / 'bench-mail.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accountteam.settings")
    os.environ["INBOUND_EMAIL_ADDRESS"] = INBOUND
    # Measure what production runs: no DEBUG (no query log).
    os.environ["DEBUG"] = "false"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    name = str(settings.DATABASES["default"]["NAME"])
    if not name.endswith(("bench", "bench-mail.sqlite3")) and not args.any_database:
        sys.exit(f"Refusing to load bench rows into {name!r}: use a database named *bench or pass --any-database.")
    # Tasks the deliveries enqueue (their notices' e-mail) go to an in-memory broker nobody reads:
    # mailing is the worker's cost, not the intake's.
    from accountteam.celery import app

    app.conf.broker_url = "memory://"
    call_command("migrate", verbosity=0, interactive=False)
    from bench.sweep import ensure_demo_data
    from escalations.models import ResponsePolicy, RoutingRule
    from escalations.policies import seed_guidelines, seed_routing

    ensure_demo_data()  # demo.teams.seed_demo() unless it ran already
    seed_guidelines(ResponsePolicy)
    seed_routing(RoutingRule)
    # A worker has its URLconf loaded before the first message: do it outside the timing.
    from django.urls import reverse

    reverse("escalation_detail", args=[1])


def business_morning():
    """The last weekday 09:00 in Denver (the demo's teams' calendars) before now: the mail arrives
    in business hours from then on, a message a second, so every run measures the same work
    (an after-hours repair would also look for the duty manager)."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    denver = ZoneInfo("America/Denver")
    day = timezone.now().astimezone(denver).date() - dt.timedelta(days=1)
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(9, 0), tzinfo=denver)


def messages(count: int, start) -> list[bytes]:
    """``count`` messages in the bench's mix, received a second apart from ``start``; replies name
    items raised earlier in the run."""
    import datetime as dt
    from email.message import EmailMessage
    from email.utils import format_datetime

    now = start
    senders = [("noc@frontrangefiber.example", "7001-0001"), ("ops@prairievoice.example", "7003-0001"),
               ("noc@pampaconecta.example", "7004-0001")]
    out = []
    for n in range(count):
        message = EmailMessage()
        sender, account = senders[n % len(senders)]
        received = format_datetime(now + dt.timedelta(seconds=n))
        message["Received"] = f"from mail.customer.example by mx.portal.localhost; {received}"
        message["Message-ID"] = f"<bench-{n}-{now.timestamp():.0f}@customer.example>"
        message["Date"] = format_datetime(now)
        kind = n % 20
        to = f"support+{account}@portal.localhost" if account else INBOUND
        if kind == 14:  # an auto-reply
            message["Auto-Submitted"] = "auto-replied"
        if kind == 15:
            sender = f"stranger{n}@elsewhere.example"
        message["From"], message["To"] = sender, to
        message["Subject"] = f"BENCH MAIL {n}: circuit down on span {n % 97}"
        text = f"Span {n % 97} dropped at 08:{n % 60:02d}.\n\nThanks,\nNOC\n\n-- \nSignature"
        if kind in (3, 9):
            message.set_content(text.replace("dropped", "se cayó"), charset="iso-8859-1")
        elif kind in (5, 11):
            message.set_content(text)
            message.add_alternative(f"<html><body><p>{text}</p><script>x()</script></body></html>", subtype="html")
            message.add_attachment(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\ntrailer<<>>\n%%EOF\n", maintype="application",
                                   subtype="pdf", filename=f"trace-{n}.pdf")
        else:
            message.set_content(text)
        out.append(message.as_bytes())
    return out


def clean() -> None:
    from escalations.models import Escalation
    from mailin.models import InboundMessage

    for message in InboundMessage.objects.filter(subject__startswith="BENCH MAIL "):
        message.raw.delete(save=False)
        for attachment in message.attachments.all():
            attachment.file.delete(save=False)
    InboundMessage.objects.filter(subject__startswith="BENCH MAIL ").delete()
    Escalation.objects.filter(subject__startswith="BENCH MAIL ").delete()


def main(argv=None) -> dict:
    args = parse(argv)
    setup(args)
    from django.conf import settings
    from django.db import connection

    from accountteam import mail_threads
    from bench.summary import measurement
    from escalations.models import Escalation
    from mailin.services import message_deliver

    clean()
    import datetime as dt

    start = business_morning()
    raws = messages(args.messages, start)
    statuses: dict[str, int] = {}
    cpu = 0.0
    times_ms: list[float] = []
    statements: list[int] = []
    executed = [0]

    def counter(execute, sql, params, many, context):
        executed[0] += 1
        return execute(sql, params, many, context)

    delivered_items: list[int] = []
    try:
        for n, raw in enumerate(raws):
            kind = n % 20
            if kind in (16, 17, 18) and delivered_items:  # a reply by the reply address
                item = delivered_items[-1]
                for account in (b"7001-0001", b"7003-0001", b"7004-0001"):
                    raw = raw.replace(b"To: support+" + account + b"@portal.localhost",
                                      f"To: {mail_threads.reply_address(item)}".encode())
            if kind == 19 and n > 0:  # the same message again
                raw = raws[n - 1]
            executed[0] = 0
            with connection.execute_wrapper(counter):
                started_cpu, started_wall = time.process_time(), time.perf_counter()
                outcome = message_deliver(raw=raw, source="pipe", now=start + dt.timedelta(seconds=n + 1))
                cpu += time.process_time() - started_cpu
                times_ms.append((time.perf_counter() - started_wall) * 1000)
            statements.append(executed[0])
            label = "duplicate" if outcome.duplicate else str(outcome.status)
            statuses[label] = statuses.get(label, 0) + 1
            if outcome.message.escalation_id and not outcome.duplicate and outcome.message.event_id is None:
                delivered_items.append(outcome.message.escalation_id)
        figures = {
            "bench": "mail_intake",
            "database": str(settings.DATABASES["default"]["NAME"]),
            "vendor": connection.vendor,
            "messages": args.messages,
            "measurements": {
                "message_deliver": measurement(
                    times_ms, unit="message", cpu_ms=cpu * 1000, cpu_per="message", cpu_count=args.messages,
                    statements=statements, cpu_seconds=round(cpu, 3), wall_seconds=round(sum(times_ms) / 1000, 3),
                ),
            },
            "items_raised": Escalation.objects.filter(subject__startswith="BENCH MAIL ").count(),
            "outcomes": statuses,
        }  # fmt: skip
    finally:
        clean()
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        m = figures["measurements"]["message_deliver"]
        print(f"{figures['messages']:,} messages on {figures['vendor']} ({figures['database']})")
        print(f"  per message  p50 {m['p50_ms']:.2f} ms, p95 {m['p95_ms']:.2f} ms, max {m['max_ms']:.2f} ms")
        print(f"  CPU          {m['cpu_ms_per_message']:.3f} ms per message ({m['cpu_seconds']} s in all)")
        print(f"  SQL          {m['statements']} statements per message (median; mean {m['statements_mean']})")
        print(f"  items raised {figures['items_raised']:,}; outcomes {figures['outcomes']}")
    return figures


if __name__ == "__main__":
    main()

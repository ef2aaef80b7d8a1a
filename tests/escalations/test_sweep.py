"""The reminder sweep (Celery beat, every minute): remind at target, tell the assignee and their
director at due, escalate to the director after the grace — each notice exactly once, also when
the sweep runs twice or in two workers at once.

Items are raised through the service as the customer on the conftest's Denver Mon–Fri 08–17
calendar; every instant is passed in (``now=``), so no test depends on the wall clock.
"""

import datetime as dt
import random
import threading
import time
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as conf
from django.core import mail
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accountteam import emailing, notifications
from accountteam.models import Notification, UserSettings
from escalations import services, tasks
from escalations.models import Escalation, Event
from escalations.sweep import escalations_sweep
from tests.teams.factories import PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clean_slate")]

DENVER = ZoneInfo("America/Denver")
MINUTE = dt.timedelta(minutes=1)
# A Wednesday in business hours (MDT, UTC−6). The carrier's pager guideline, manager in office:
# target 15, due 30 business minutes; without ESCALATION_GRACE_MINUTES the item escalates
# itself after as long again as its due interval.
RAISED = dt.datetime(2025, 6, 11, 10, 0, tzinfo=DENVER)
TARGET = RAISED + 15 * MINUTE
DUE = RAISED + 30 * MINUTE
ESCALATE = RAISED + 60 * MINUTE


def raise_pager(tenant, *, at=RAISED, subject="Circuit 12345 down"):
    return services.escalation_create(
        actor=tenant.user, account=tenant.account, channel="pager", category="repair", subject=subject, now=at
    )


def notices_of(item, kind=None):
    """The item's staff notices (the customer's, of its changes, are tested in test_customer_notices)."""
    rows = Notification.objects.filter(key__startswith=f"escalation:{item.pk}:").exclude(kind__startswith="customer_")
    return rows.filter(kind=kind) if kind else rows


def emails_of(item, kind) -> list[str]:
    return sorted(notices_of(item, kind).values_list("email", flat=True))


def events_of(item, kind):
    return Event.objects.filter(escalation=item, kind=kind)


def sweep_through(*instants):
    return [escalations_sweep(now=at) for at in instants]


# --- The schedule ---------------------------------------------------------------------------------


def test_pager_item_is_scheduled_for_target_due_and_automatic_escalation(tenant, director):
    item = raise_pager(tenant)

    assert (item.target_at, item.due_at, item.auto_escalate_at) == (TARGET, DUE, ESCALATE)
    assert item.next_action_at == TARGET
    assert list(notices_of(item).values_list("kind", "email")) == [("assigned", tenant.manager.email)]


def test_sweep_before_the_target_time_does_nothing(tenant, director):
    item = raise_pager(tenant)

    assert escalations_sweep(now=TARGET - MINUTE) == {"items": 0, "notices": 0, "escalated": 0}

    assert not notices_of(item).exclude(kind="assigned").exists()
    assert list(Event.objects.filter(escalation=item).values_list("kind", flat=True)) == ["raised"]


def test_sweep_at_the_target_time_reminds_the_assignee(tenant, director):
    item = raise_pager(tenant)

    assert escalations_sweep(now=TARGET) == {"items": 1, "notices": 1, "escalated": 0}

    reminder = notices_of(item, "reminder").get()
    assert reminder.recipient == tenant.manager_user
    assert reminder.email == tenant.manager.email
    assert reminder.in_app and reminder.email_due and reminder.emailed_at is None
    assert reminder.subject == "Reminder: Circuit 12345 down"
    assert reminder.url == f"/escalations/{item.pk}/"
    assert "The target response time was Wed 11 Jun 10:15 MDT; it is still unanswered." in reminder.body
    event = events_of(item, "reminder").get()
    assert event.internal and event.actor is None and event.actor_name == "Portal"
    assert event.at == TARGET
    assert event.data["kind"] == "reminder"
    assert dt.datetime.fromisoformat(event.data["deadline"]) == TARGET
    assert not Notification.objects.filter(email=director.email).exists()
    item.refresh_from_db()
    assert item.next_action_at == DUE


def test_sweep_at_the_due_time_tells_assignee_and_director_it_is_overdue(tenant, director):
    item = raise_pager(tenant)
    escalations_sweep(now=TARGET)

    assert escalations_sweep(now=DUE) == {"items": 1, "notices": 2, "escalated": 0}

    assert emails_of(item, "overdue") == sorted([tenant.manager.email, director.email])
    assert set(notices_of(item, "overdue").values_list("recipient", flat=True)) == {
        tenant.manager_user.pk,
        director.user_id,
    }
    for notice in notices_of(item, "overdue"):
        assert notice.subject == "Overdue: Circuit 12345 down"
        assert "Overdue since Wed 11 Jun 10:30 MDT; assigned to Home Manager." in notice.body
    overdue = events_of(item, "overdue").get()
    assert overdue.internal and dt.datetime.fromisoformat(overdue.data["deadline"]) == DUE
    item.refresh_from_db()
    assert (item.level, item.assignee) == (1, tenant.manager)
    assert item.next_action_at == ESCALATE


def test_unanswered_item_escalates_itself_to_the_director_after_the_grace(tenant, director):
    item = raise_pager(tenant)
    sweep_through(TARGET, DUE)

    assert escalations_sweep(now=ESCALATE - MINUTE)["escalated"] == 0
    assert escalations_sweep(now=ESCALATE) == {"items": 1, "notices": 0, "escalated": 1}

    item.refresh_from_db()
    assert item.level == 2
    assert item.assignee == director
    assert item.escalated_at == ESCALATE
    assert item.status == "new"  # escalation does not answer the customer
    event = events_of(item, "escalated").get()
    assert event.actor is None and event.actor_name == "Portal"
    assert event.data == {
        "level": 2, "from": "Home Manager", "to": "Home Director", "automatic": True,
        "customer_text": "Your item is now with Home Director, Director.",
    }
    notice = notices_of(item, "escalated").get()
    assert notice.recipient == director.user
    assert notice.email == director.email
    assert notice.subject == "Escalated to you: Circuit 12345 down"
    assert "Escalated automatically: Unanswered past its due time and the grace period." in notice.body
    assert "It was with Home Manager." in notice.body
    assert item.next_action_at is None


def test_item_escalates_itself_only_once(tenant, director):
    item = raise_pager(tenant)
    sweep_through(TARGET, DUE, ESCALATE)

    later = sweep_through(ESCALATE + MINUTE, ESCALATE + dt.timedelta(days=1), ESCALATE + dt.timedelta(days=30))

    assert later == [{"items": 0, "notices": 0, "escalated": 0}] * 3
    item.refresh_from_db()
    assert (item.level, item.assignee) == (2, director)
    assert events_of(item, "escalated").count() == 1
    assert notices_of(item, "escalated").count() == 1


def test_configured_grace_minutes_decide_when_the_item_escalates_itself(tenant, director, settings):
    settings.ESCALATION_GRACE_MINUTES = 45
    item = raise_pager(tenant)
    assert item.auto_escalate_at == DUE + 45 * MINUTE

    sweep_through(TARGET, DUE)
    assert escalations_sweep(now=DUE + 44 * MINUTE)["escalated"] == 0
    assert escalations_sweep(now=DUE + 45 * MINUTE)["escalated"] == 1

    item.refresh_from_db()
    assert item.assignee == director


def test_item_raised_late_in_the_day_is_not_overdue_before_the_next_morning(tenant, director):
    item = raise_pager(tenant, at=dt.datetime(2025, 6, 11, 16, 40, tzinfo=DENVER))
    thursday_8_10 = dt.datetime(2025, 6, 12, 8, 10, tzinfo=DENVER)
    assert item.target_at == dt.datetime(2025, 6, 11, 16, 55, tzinfo=DENVER)
    assert item.due_at == thursday_8_10

    sweep_through(item.target_at, dt.datetime(2025, 6, 11, 23, 59, tzinfo=DENVER), thursday_8_10 - MINUTE)
    assert notices_of(item, "reminder").count() == 1
    assert not notices_of(item, "overdue").exists()

    escalations_sweep(now=thursday_8_10)
    assert notices_of(item, "overdue").count() == 2


def test_item_whose_assignee_has_no_director_stays_with_the_assignee(tenant):
    item = raise_pager(tenant)

    results = sweep_through(TARGET, DUE, ESCALATE, ESCALATE + MINUTE)

    assert [r["escalated"] for r in results] == [0, 0, 0, 0]
    assert emails_of(item, "overdue") == [tenant.manager.email]
    item.refresh_from_db()
    assert (item.level, item.assignee) == (1, tenant.manager)
    assert item.next_action_at is None
    assert not events_of(item, "escalated").exists()


def test_item_is_not_escalated_to_a_director_who_has_left(tenant, director):
    director.is_active = False
    director.save(update_fields=["is_active"])
    item = raise_pager(tenant)

    sweep_through(TARGET, DUE, ESCALATE)

    item.refresh_from_db()
    assert (item.level, item.assignee) == (1, tenant.manager)
    assert not notices_of(item, "escalated").exists()


def test_first_sweep_after_an_outage_sends_every_missed_point_once(tenant, director):
    item = raise_pager(tenant)

    assert escalations_sweep(now=ESCALATE + 5 * MINUTE) == {"items": 1, "notices": 3, "escalated": 1}

    assert emails_of(item, "reminder") == [tenant.manager.email]
    assert emails_of(item, "overdue") == sorted([tenant.manager.email, director.email])
    assert emails_of(item, "escalated") == [director.email]
    # The overdue notice went out before the item moved: it names the manager.
    assert all("assigned to Home Manager" in n.body for n in notices_of(item, "overdue"))
    kinds = Counter(Event.objects.filter(escalation=item).values_list("kind", flat=True))
    assert kinds == {"raised": 1, "reminder": 1, "overdue": 1, "escalated": 1}
    item.refresh_from_db()
    assert (item.level, item.next_action_at) == (2, None)


# --- Exactly once ---------------------------------------------------------------------------------


def test_sweeping_twice_at_each_instant_stores_every_notice_and_event_once(tenant, director):
    item = raise_pager(tenant)

    for at in (TARGET, DUE, ESCALATE):
        first, second = sweep_through(at, at)
        assert first["items"] == 1
        assert second == {"items": 0, "notices": 0, "escalated": 0}
    sweep_through(ESCALATE + MINUTE, ESCALATE + dt.timedelta(days=2))

    assert Counter(notices_of(item).values_list("kind", flat=True)) == {
        "assigned": 1,
        "reminder": 1,
        "overdue": 2,
        "escalated": 1,
    }
    assert Counter(Event.objects.filter(escalation=item).values_list("kind", flat=True)) == {
        "raised": 1,
        "reminder": 1,
        "overdue": 1,
        "escalated": 1,
    }


def test_item_swept_again_for_points_already_handled_gets_nothing_new(tenant, director):
    """What a second worker holding a stale copy of the row would do: the keys stop it."""
    item = raise_pager(tenant)
    sweep_through(TARGET, DUE)
    Escalation.objects.filter(pk=item.pk).update(next_action_at=TARGET)

    assert escalations_sweep(now=DUE) == {"items": 1, "notices": 0, "escalated": 0}

    assert notices_of(item, "reminder").count() == 1
    assert notices_of(item, "overdue").count() == 2
    assert events_of(item, "reminder").count() == 1
    assert events_of(item, "overdue").count() == 1
    item.refresh_from_db()
    assert item.next_action_at == ESCALATE


def test_next_action_at_walks_through_the_schedule_and_ends_empty(tenant, director):
    item = raise_pager(tenant)
    seen = [item.next_action_at]

    for at in (TARGET, TARGET + 5 * MINUTE, DUE, ESCALATE):
        escalations_sweep(now=at)
        item.refresh_from_db()
        seen.append(item.next_action_at)

    assert seen == [TARGET, DUE, DUE, ESCALATE, None]
    # The deadline shown to people stays the response due time.
    assert item.next_deadline_at == DUE


def test_sweep_between_two_points_does_not_touch_the_item(tenant, director):
    item = raise_pager(tenant)
    escalations_sweep(now=TARGET)

    assert escalations_sweep(now=DUE - MINUTE) == {"items": 0, "notices": 0, "escalated": 0}
    item.refresh_from_db()
    assert item.next_action_at == DUE


@pytest.mark.parametrize("action", ["escalate", "reassign"])
def test_handing_the_item_on_after_the_overdue_notice_does_not_repeat_old_notices(tenant, director, action):
    item = raise_pager(tenant)
    sweep_through(TARGET, DUE)
    if action == "escalate":
        services.escalation_escalate(actor=tenant.manager_user, escalation=item, reason="Needs you", now=DUE + MINUTE)
    else:
        colleague = PersonFactory(name="Other Manager")
        services.escalation_reassign(actor=tenant.manager_user, escalation=item, assignee=colleague, now=DUE + MINUTE)

    escalations_sweep(now=DUE + 2 * MINUTE)

    assert notices_of(item, "reminder").count() == 1
    assert notices_of(item, "overdue").count() == 2
    assert events_of(item, "reminder").count() == 1
    assert events_of(item, "overdue").count() == 1


# --- Two workers at once --------------------------------------------------------------------------


def _sweep_in_threads(now, workers=2):
    """Run the sweep in ``workers`` threads released together, in small batches so that the
    workers take turns. A worker that loses a lock on SQLite ("database table is locked": the test
    database is shared in-memory, which does not wait for locks) tries again a moment later, as
    the next beat tick would."""
    barrier = threading.Barrier(workers)
    results, lock_errors, failures = [], [], []

    def work():
        try:
            barrier.wait(timeout=10)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    results.append(escalations_sweep(now=now, batch_size=5))
                    return
                except OperationalError as exc:
                    lock_errors.append(str(exc))
                    time.sleep(random.uniform(0.01, 0.1))
            failures.append(f"still locked out after {len(lock_errors)} attempts")
        except Exception as exc:  # noqa: BLE001  (reported by the test)
            failures.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    assert failures == []
    if connection.vendor == "postgresql":
        assert lock_errors == []  # SKIP LOCKED: the workers never wait for or fail on each other
    return results


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (DUE + MINUTE, {"reminder": 50, "overdue": 100}),
        # The customer hears of each escalation once, too.
        (ESCALATE + MINUTE, {"reminder": 50, "overdue": 100, "escalated": 50, "customer_escalated": 50}),
    ],
    ids=["overdue", "escalation"],
)
def test_two_workers_sweeping_at_once_send_each_notice_once(tenant, director, eager_tasks, at, expected):
    items = [raise_pager(tenant, subject=f"Circuit {n:03d} down") for n in range(50)]
    mail.outbox.clear()

    results = _sweep_in_threads(at)

    kinds = Counter(Notification.objects.exclude(kind="assigned").values_list("kind", flat=True))
    assert kinds == expected
    if connection.vendor == "postgresql":
        # Neither worker failed, so what they report adds up to the whole. (On SQLite a worker that
        # lost a lock after committing some batches reports only its last attempt.)
        assert sum(r["items"] for r in results) == 50
        assert sum(r["notices"] for r in results) == 150
        assert sum(r["escalated"] for r in results) == expected.get("escalated", 0)
    events = Counter(Event.objects.exclude(kind="raised").values_list("escalation_id", "kind"))
    assert set(events.values()) == {1}
    assert len(events) == 50 * len([k for k in expected if not k.startswith("customer_")])
    escalated = Escalation.objects.filter(pk__in=[i.pk for i in items], level=2, assignee=director).count()
    assert escalated == expected.get("escalated", 0)
    assert not Escalation.objects.filter(next_action_at__lte=at).exists()
    # Mail: whatever a lost lock left unsent goes out with the next sweep's resend.
    emailing.send_emails(emailing.stale_unsent(now=timezone.now() + dt.timedelta(minutes=3)))
    sent = Counter((m.to[0], m.subject) for m in mail.outbox)
    stored = Notification.objects.exclude(kind="assigned")
    wanted = Counter((n.email, f"[{conf.CARRIER_NAME}] {n.subject}") for n in stored)
    assert set(sent) == set(wanted)
    if connection.vendor == "postgresql":
        # Exactly once. (SQLite can fail to mark a row as emailed after its mail went out, when
        # the other worker holds the table; the resend then mails it a second time.)
        assert sent == wanted
    assert not Notification.objects.filter(email_due=True).exists()


# --- Answered items -------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["acknowledge", "respond"])
def test_answered_item_gets_no_reminder_overdue_notice_or_escalation(tenant, director, action):
    item = raise_pager(tenant)
    service = {"acknowledge": services.escalation_acknowledge, "respond": services.escalation_respond}[action]
    item = service(actor=tenant.manager_user, escalation=item, now=TARGET - 5 * MINUTE)
    assert item.next_action_at is None

    results = sweep_through(TARGET, DUE, ESCALATE, ESCALATE + dt.timedelta(days=1))

    assert results == [{"items": 0, "notices": 0, "escalated": 0}] * 4
    assert list(notices_of(item).values_list("kind", flat=True)) == ["assigned"]
    item.refresh_from_db()
    assert (item.level, item.assignee) == (1, tenant.manager)


def test_waiting_on_the_customer_stops_reminders(tenant, director):
    item = raise_pager(tenant)
    item = services.escalation_wait(actor=tenant.manager_user, escalation=item, now=RAISED + 5 * MINUTE)
    assert item.next_action_at is None

    results = sweep_through(TARGET, DUE, ESCALATE, ESCALATE + dt.timedelta(days=3))

    assert [r["notices"] for r in results] == [0, 0, 0, 0]
    assert list(notices_of(item).values_list("kind", flat=True)) == ["assigned"]


def test_resuming_after_a_wait_moves_the_reminder_out_by_the_time_waited(tenant, director):
    item = raise_pager(tenant)
    services.escalation_wait(actor=tenant.manager_user, escalation=item, now=RAISED + 5 * MINUTE)
    item = services.escalation_resume(actor=tenant.manager_user, escalation=item, now=RAISED + 25 * MINUTE)
    assert item.target_at == TARGET + 20 * MINUTE
    assert item.next_action_at == TARGET + 20 * MINUTE

    escalations_sweep(now=TARGET + 19 * MINUTE)
    assert not notices_of(item, "reminder").exists()
    escalations_sweep(now=TARGET + 20 * MINUTE)

    event = events_of(item, "reminder").get()
    assert dt.datetime.fromisoformat(event.data["deadline"]) == TARGET + 20 * MINUTE
    assert notices_of(item, "reminder").count() == 1


@pytest.mark.parametrize("action", ["resolve", "cancel"])
def test_closed_item_gets_no_reminder(tenant, director, action):
    item = raise_pager(tenant)
    escalations_sweep(now=TARGET)
    service = {"resolve": services.escalation_resolve, "cancel": services.escalation_cancel}[action]
    item = service(actor=tenant.manager_user, escalation=item, now=TARGET + MINUTE)
    assert item.next_action_at is None

    results = sweep_through(DUE, ESCALATE, ESCALATE + dt.timedelta(days=1))

    assert [r["items"] for r in results] == [0, 0, 0]
    assert Counter(notices_of(item).values_list("kind", flat=True)) == {"assigned": 1, "reminder": 1}
    item.refresh_from_db()
    assert item.level == 1


def _email_acknowledged_with_follow_up(tenant):
    item = services.escalation_create(
        actor=tenant.user,
        account=tenant.account,
        channel="email",
        category="repair",
        subject="Letter about circuit 12345",
        now=RAISED,
    )
    return services.escalation_acknowledge(
        actor=tenant.manager_user, escalation=item, follow_up_on=dt.date(2025, 6, 13), now=RAISED + 60 * MINUTE
    )


FRIDAY_OPENS = dt.datetime(2025, 6, 13, 8, 0, tzinfo=DENVER)
FRIDAY_CLOSES = dt.datetime(2025, 6, 13, 17, 0, tzinfo=DENVER)


def test_promised_follow_up_is_reminded_at_the_days_opening_and_overdue_at_its_close(tenant, director):
    item = _email_acknowledged_with_follow_up(tenant)
    assert (item.follow_up_target_at, item.follow_up_due_at) == (FRIDAY_OPENS, FRIDAY_CLOSES)
    assert item.next_action_at == FRIDAY_OPENS

    sweep_through(dt.datetime(2025, 6, 12, 12, 0, tzinfo=DENVER), FRIDAY_OPENS - MINUTE)
    assert list(notices_of(item).values_list("kind", flat=True)) == ["assigned"]

    escalations_sweep(now=FRIDAY_OPENS)
    reminder = notices_of(item, "follow_up_reminder").get()
    assert reminder.email == tenant.manager.email
    assert reminder.subject == "Follow-up due today: Letter about circuit 12345"
    assert "You promised to contact the customer by 2025-06-13." in reminder.body
    assert events_of(item, "reminder").get().data["kind"] == "follow_up_reminder"

    sweep_through(FRIDAY_CLOSES - MINUTE, FRIDAY_CLOSES, FRIDAY_CLOSES + dt.timedelta(days=3))
    assert emails_of(item, "follow_up_overdue") == sorted([tenant.manager.email, director.email])
    assert "(follow-up promised)" in notices_of(item, "follow_up_overdue").first().body
    assert events_of(item, "overdue").get().data["kind"] == "follow_up_overdue"
    item.refresh_from_db()
    assert (item.next_action_at, item.level) == (None, 1)  # answered: no automatic escalation


def test_contact_before_the_follow_up_day_cancels_its_reminders(tenant, director):
    item = _email_acknowledged_with_follow_up(tenant)
    item = services.escalation_respond(
        actor=tenant.manager_user, escalation=item, now=dt.datetime(2025, 6, 12, 9, 0, tzinfo=DENVER)
    )
    assert item.next_action_at is None

    sweep_through(FRIDAY_OPENS, FRIDAY_CLOSES)

    assert list(notices_of(item).values_list("kind", flat=True)) == ["assigned"]


# --- Query budget (the partial index esc_sweep_due) ------------------------------------------------


def _queries_of_one_sweep(now) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        escalations_sweep(now=now)
    return [q["sql"] for q in ctx.captured_queries]


# Measured: one SELECT of the due rows inside the batch's transaction (savepoint + release in a
# test's transaction).
NOTHING_DUE_QUERIES = 3


def test_sweep_with_nothing_due_costs_the_same_for_5_or_50_future_items(
    tenant, director, django_assert_max_num_queries
):
    for n in range(5):
        raise_pager(tenant, subject=f"Future {n}")
    few = _queries_of_one_sweep(RAISED + MINUTE)
    for n in range(45):
        raise_pager(tenant, subject=f"Later {n}")
    with django_assert_max_num_queries(NOTHING_DUE_QUERIES):
        result = escalations_sweep(now=RAISED + MINUTE)
    many = _queries_of_one_sweep(RAISED + MINUTE)

    assert result == {"items": 0, "notices": 0, "escalated": 0}
    assert len(few) == len(many) <= NOTHING_DUE_QUERIES


def test_sweep_finds_due_items_through_the_partial_index(tenant, director):
    for n in range(20):
        raise_pager(tenant, subject=f"Item {n}")
    select = next(q for q in _queries_of_one_sweep(RAISED + MINUTE) if q.lstrip().upper().startswith("SELECT"))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {select}")
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {select}")
        plan = " ".join(str(col) for row in cursor.fetchall() for col in row)

    assert "esc_sweep_due" in plan, plan


# Measured on SQLite and PostgreSQL: one batch = select rows, prefetch the closures of the
# assignees' and directors' calendars (two), update next_action_at, look up existing keys, user
# settings, insert notices, select their ids, insert events (+ savepoint).
REMINDER_SWEEP_QUERIES = 11
# A batch that only escalates: select rows, prefetch the closures of the assignees' and directors'
# calendars (two), update next_action_at (+ savepoint); points handled by earlier sweeps are
# skipped without a query. Each automatic escalation then runs in its own savepoint: save the row,
# write its event, record the director's notice (look up key, user settings, insert, select ids),
# and the customer's: its followers with their settings, then the same four.
ESCALATION_SWEEP_BASE_QUERIES = 6
QUERIES_PER_AUTO_ESCALATION = 13


def test_reminder_sweep_costs_the_same_for_10_or_40_due_items(tenant, director):
    for n in range(10):
        raise_pager(tenant, subject=f"Morning {n}")
    ten = _queries_of_one_sweep(TARGET)
    escalations_sweep(now=ESCALATE)  # the morning's items are done with
    afternoon = RAISED + dt.timedelta(hours=4)
    for n in range(40):
        raise_pager(tenant, at=afternoon, subject=f"Afternoon {n}")
    forty = _queries_of_one_sweep(afternoon + 15 * MINUTE)

    assert Notification.objects.filter(kind="reminder").count() == 50
    assert len(ten) == len(forty) == REMINDER_SWEEP_QUERIES, forty


def test_automatic_escalations_cost_a_fixed_number_of_queries_each(tenant, director):
    for n in range(10):
        raise_pager(tenant, subject=f"Morning {n}")
    sweep_through(TARGET, DUE)
    ten = _queries_of_one_sweep(ESCALATE)
    afternoon = RAISED + dt.timedelta(hours=4)
    for n in range(40):
        raise_pager(tenant, at=afternoon, subject=f"Afternoon {n}")
    sweep_through(afternoon + 15 * MINUTE, afternoon + 30 * MINUTE)
    forty = _queries_of_one_sweep(afternoon + 60 * MINUTE)

    assert Escalation.objects.filter(level=2).count() == 50
    assert len(forty) - len(ten) == 30 * QUERIES_PER_AUTO_ESCALATION
    assert len(ten) == ESCALATION_SWEEP_BASE_QUERIES + 10 * QUERIES_PER_AUTO_ESCALATION


# --- Lost messages --------------------------------------------------------------------------------


def _unsent(key, *, minutes_ago, now):
    row = Notification.objects.create(
        key=key,
        kind="reminder",
        email="someone@carrier.example",
        subject=f"Notice {key}",
        body="Body",
        url="/escalations/1/",
        in_app=False,
        email_due=True,
    )
    Notification.objects.filter(pk=row.pk).update(created_at=now - dt.timedelta(minutes=minutes_ago))
    return row


def test_email_whose_task_was_lost_is_picked_up_and_sent_once():
    now = timezone.now()
    lost = _unsent("lost", minutes_ago=5, now=now)
    recent = _unsent("recent", minutes_ago=1, now=now)
    done = _unsent("done", minutes_ago=10, now=now)
    Notification.objects.filter(pk=done.pk).update(email_due=False, emailed_at=now - dt.timedelta(minutes=9))

    stale = emailing.stale_unsent(now=now)

    assert stale == [lost.pk]
    assert emailing.send_emails(stale) == 1
    assert [m.subject for m in mail.outbox] == ["[Summit Wholesale] Notice lost"]
    assert mail.outbox[0].to == ["someone@carrier.example"]
    assert emailing.send_emails(stale) == 0
    assert len(mail.outbox) == 1
    lost.refresh_from_db()
    assert lost.emailed_at is not None and not lost.email_due
    assert emailing.stale_unsent(now=now) == []
    assert recent.pk in emailing.stale_unsent(now=now + dt.timedelta(minutes=2))


def test_sweep_task_resends_mail_whose_task_was_lost(eager_tasks):
    now = timezone.now()
    lost = _unsent("lost", minutes_ago=5, now=now)

    result = tasks.sweep.apply().get()

    assert result == {"items": 0, "notices": 0, "escalated": 0, "resent": 1}
    assert [m.subject for m in mail.outbox] == ["[Summit Wholesale] Notice lost"]
    lost.refresh_from_db()
    assert lost.emailed_at is not None
    assert tasks.sweep.apply().get()["resent"] == 0
    assert len(mail.outbox) == 1


# --- Preferences ----------------------------------------------------------------------------------


def test_user_who_turned_email_off_gets_the_reminder_under_the_bell_only(tenant, director):
    UserSettings.objects.create(user=tenant.manager_user, notify_by_email=False)
    item = raise_pager(tenant)
    escalations_sweep(now=TARGET)

    reminder = notices_of(item, "reminder").get()
    assert reminder.recipient == tenant.manager_user and reminder.in_app
    assert not reminder.email_due
    assert emailing.stale_unsent(now=timezone.now() + dt.timedelta(hours=1)) == []
    assert emailing.send_emails([reminder.pk]) == 0
    assert mail.outbox == []


def test_user_who_turned_the_bell_off_gets_the_reminder_by_email_only(tenant, director, client):
    UserSettings.objects.create(user=tenant.manager_user, notify_in_app=False)
    item = raise_pager(tenant)
    escalations_sweep(now=TARGET)

    reminder = notices_of(item, "reminder").get()
    assert reminder.recipient is None and not reminder.in_app
    assert reminder.email_due and reminder.email == tenant.manager.email
    assert notifications.unread_count(tenant.manager_user) == 0
    assert emailing.send_emails([reminder.pk]) == 1
    assert mail.outbox[0].to == [tenant.manager.email]


def test_preferences_are_per_user_the_director_still_gets_both(tenant, director):
    UserSettings.objects.create(user=tenant.manager_user, notify_by_email=False, notify_in_app=False)
    item = raise_pager(tenant)
    sweep_through(TARGET, DUE)

    assert not notices_of(item).filter(email=tenant.manager.email).exists()
    overdue = notices_of(item, "overdue").get()
    assert overdue.email == director.email
    assert overdue.recipient == director.user and overdue.in_app and overdue.email_due

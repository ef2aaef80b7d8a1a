"""The sweep (Celery beat, every minute): the reminders, overdue notices and automatic
escalations that the response intervals call for, each exactly once."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import webhooks
from accountteam import notifications
from accountteam.notifications import Notice
from webhooks.events import ESCALATION_ESCALATED

from . import rules, services, webhook_events
from .models import Escalation, Event
from .notices import describe, item_notice, point_key


def escalations_sweep(*, now: dt.datetime | None = None, batch_size: int = 500) -> dict[str, int]:
    """Find items whose next action is due and do it: remind at target, tell the assignee and
    their director at due, escalate after the grace. Safe to run twice or in two workers at
    once: rows are claimed with SKIP LOCKED and every notice has a unique key."""
    now = now or timezone.now()
    totals = {"items": 0, "notices": 0, "escalated": 0}
    while True:
        counts = _sweep_batch(now=now, batch_size=batch_size)
        for k, v in counts.items():
            totals[k] += v
        if counts["items"] < batch_size:
            break
    return totals


@transaction.atomic
def _sweep_batch(*, now: dt.datetime, batch_size: int) -> dict[str, int]:
    items = list(
        Escalation.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(next_action_at__lte=now)
        .select_related(
            "assignee__reports_to__calendar", "assignee__calendar", "assignee__backup", "account", "company"
        )
        # The calendars' closures once per batch: an automatic escalation carries the time left over
        # onto the director's calendar.
        .prefetch_related("assignee__calendar__closures", "assignee__reports_to__calendar__closures")
        .order_by("next_action_at")[:batch_size]
    )
    notices, events, escalated = [], [], []
    for item in items:
        handled_until = item.next_action_at  # points before it were handled by an earlier sweep
        for kind, at in rules.due_points(item.state(), now):
            if at < handled_until:
                continue
            if kind == rules.AUTO_ESCALATE:
                try:
                    with transaction.atomic():
                        services.escalation_auto_escalate(escalation=item, now=now, emit=False)
                    escalated.append(item)
                except rules.TransitionError:
                    pass  # nobody to escalate to; the overdue notices already went out
                continue
            notices += _sweep_notices(item, kind, at)
            events.append(
                Event(
                    escalation=item,
                    at=now,
                    actor_name="Portal",
                    kind=Event.Kind.REMINDER if "reminder" in kind else Event.Kind.OVERDUE,
                    internal=True,
                    data={"kind": kind, "deadline": at.isoformat()},
                )
            )
        item.next_action_at = rules.next_action_at(item.state(), now)
    _store_next_action(items)
    stored = notifications.record(notices)
    # The timeline shows each reminder or overdue point once: when its notices were first stored.
    fresh_points = {key.rsplit(":", 1)[0] for key in stored}
    fresh = [e for e in events if point_key(e.escalation_id, e.data["kind"], e.data["deadline"]) in fresh_points]
    Event.objects.bulk_create(fresh)
    # The batch's webhook events in one go (one INSERT; nothing at all when nobody subscribes): each
    # reminder or overdue point once, as its notices, and each automatic escalation.
    webhooks.emit_many(
        [webhook_events.item_event(webhook_events.POINT_EVENTS[e.data["kind"]], e.escalation, now) for e in fresh]
        + [webhook_events.item_event(ESCALATION_ESCALATED, item, now) for item in escalated]
    )
    return {"items": len(items), "notices": len(stored), "escalated": len(escalated)}


def _store_next_action(items: list[Escalation]) -> None:
    """Write every item's new ``next_action_at`` in one statement."""
    if not items:
        return
    if connection.vendor == "postgresql":
        # One UPDATE from two arrays: far cheaper than the CASE WHEN that bulk_update builds.
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Escalation._meta.db_table} AS e SET next_action_at = v.at "
                "FROM unnest(%s::bigint[], %s::timestamptz[]) AS v(id, at) WHERE e.id = v.id",
                [[i.pk for i in items], [i.next_action_at for i in items]],
            )
    else:
        Escalation.objects.bulk_update(items, ["next_action_at"], batch_size=1000)


def _sweep_notices(item: Escalation, kind: str, at: dt.datetime) -> list[Notice]:
    """The point's notices, and the same to the assignee's backup while the assignee is out of
    office (the backup covers). Each is written in its recipient's language."""
    notices = _point_notices(item, kind, at)
    backup = item.assignee.backup
    if backup is not None and backup.is_active and item.assignee.is_out_of_office(at):
        own = [n for n in notices if n.email == item.assignee.email]
        notices += [item_notice(item, backup, kind, at, n.subject, _covering(item, n.body)) for n in own[:1]]
    return notices


def _covering(item: Escalation, body: notifications.Body) -> notifications.Body:
    """The assignee's ``body`` as their backup reads it."""

    def covered(zone) -> str:
        covering = _("%(name)s is out of office; you are their backup.") % {"name": item.assignee.name}
        return f"{notifications.written(body, zone)}\n{covering}"

    return covered


def _point_notices(item: Escalation, kind: str, at: dt.datetime) -> list[Notice]:
    """The notices of one point, their times on the assignee's own clock (their calendar's zone,
    whoever reads them), written in each recipient's language."""
    assignee, director = item.assignee, item.assignee.reports_to
    zone = ZoneInfo(assignee.calendar.time_zone)  # the assignee's own clock

    def words() -> dict[str, str]:
        return {
            "when": rules.short_time_words(timezone.localtime(at, zone)),
            "subject": item.subject,
            "name": assignee.name,
        }

    if kind == rules.REMINDER:
        # A warning point: the guideline gives one number, and most of it has passed.
        warning = item.policy_target is None and item.due_at is not None

        def subject() -> str:
            return (_("Due soon: %(subject)s") if warning else _("Reminder: %(subject)s")) % words()

        def text(_zone) -> str:
            if warning:
                due = rules.short_time_words(timezone.localtime(item.due_at, zone))
                # Translators: %(due)s is a day and time, e.g. “Fri 04 Dec 14:30 MST”.
                said = _("It is due by %(due)s and still unanswered.") % {"due": due}
            else:
                # Translators: %(when)s is a day and time, e.g. “Fri 04 Dec 14:30 MST”.
                said = _("The target response time was %(when)s; it is still unanswered.") % words()
            return f"{describe(item)}\n{said}"

        return [item_notice(item, assignee, kind, at, subject, text)]
    if kind == rules.FOLLOW_UP_REMINDER:
        def promised(_zone) -> str:
            # Translators: %(day)s is a date (2026-12-04).
            return f"{describe(item)}\n" + _("You promised to contact the customer by %(day)s.") % {
                "day": item.follow_up_on
            }

        return [
            item_notice(item, assignee, kind, at, lambda: _("Follow-up due today: %(subject)s") % words(), promised)
        ]

    def overdue(_zone) -> str:
        if kind == rules.FOLLOW_UP_OVERDUE:
            # Translators: %(when)s is a day and time, e.g. “Fri 04 Dec 14:30 MST”; %(name)s the assignee.
            text = _("Overdue since %(when)s (follow-up promised); assigned to %(name)s.") % words()
        else:
            text = _("Overdue since %(when)s; assigned to %(name)s.") % words()
        return f"{describe(item)}\n{text}"

    recipients = [assignee] + ([director] if director else [])
    return [item_notice(item, p, kind, at, lambda: _("Overdue: %(subject)s") % words(), overdue) for p in recipients]

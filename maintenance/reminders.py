"""The beat's work for planned maintenance (every few minutes): the reminder a day before a
window starts, and the window itself: in progress when it starts (the customers are told), then
completed when it ends. Safe to run twice, or twice at once: rows are claimed with SKIP LOCKED,
a status moves once, and every notice has a unique key."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from . import notices, rules
from .models import Kind, NetworkNotice, NoticeUpdate, Status


@transaction.atomic
def maintenance_window_sweep(*, now: dt.datetime | None = None, batch_size: int = 200) -> dict[str, int]:
    """Remind the customers of maintenance starting within a day, and move the windows that
    started or ended on; returns what it did."""
    now = now or timezone.now()
    due = list(
        NetworkNotice.objects.select_for_update(skip_locked=True)
        .filter(kind=Kind.MAINTENANCE, status__in=(Status.SCHEDULED, Status.IN_PROGRESS))
        .filter(starts_at__lte=now + rules.DAY_BEFORE)
        .order_by("starts_at", "pk")[:batch_size]
    )
    counts = {"reminders": 0, "started": 0, "completed": 0}
    for notice in due:
        point = notice.starts_at.astimezone(dt.UTC).isoformat()
        if notice.status == Status.SCHEDULED and rules.day_before_due(
            starts_at=notice.starts_at, published_at=notice.published_at, now=now
        ):
            counts["reminders"] += len(notices.notify_customers(notice, notices.DAY_BEFORE, point=point))
        status = rules.due_status(status=notice.status, starts_at=notice.starts_at, ends_at=notice.ends_at, now=now)
        if status == notice.status:
            continue
        before, notice.status, notice.updated_at = notice.status, status, now
        notice.save(update_fields=["status", "updated_at"])
        event = NoticeUpdate.Event.STARTED if status == Status.IN_PROGRESS else NoticeUpdate.Event.COMPLETED
        NoticeUpdate.objects.create(notice=notice, at=now, event=event, status=status,
                                    changes={"status": [before, status]})
        if status == Status.IN_PROGRESS:
            counts["started"] += 1
            notices.notify_customers(notice, notices.STARTED, point=point)
        else:
            counts["completed"] += 1
    return counts

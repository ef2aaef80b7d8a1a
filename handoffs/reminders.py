"""The hourly beat's work for handoffs: checklist reminders and late handoffs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accountteam import notifications
from accountteam.clock import carrier_today
from accountteam.notifications import Body

from . import rules
from .models import ChecklistItem, Handoff, Owner
from .notices import describe, person_notice


def handoff_reminders(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Remind owners of checklist items still open N business days (HANDOFF_REMINDER_BUSINESS_DAYS)
    before the effective date, and tell the director of a handoff not complete on its effective
    date. Each notice has a unique key, so running this again sends nothing twice."""
    now = now or timezone.now()
    days = settings.HANDOFF_REMINDER_BUSINESS_DAYS
    today = carrier_today(now)
    horizon = today + dt.timedelta(days=days * 2 + 30)
    handoffs = list(
        Handoff.objects.open()
        .filter(effective_date__lte=horizon)
        .select_related("role", "outgoing__calendar", "incoming__calendar", "director")
        .prefetch_related("outgoing__calendar__closures", "incoming__calendar__closures")
    )
    if not handoffs:
        return {"reminders": 0, "late": 0, "late_handoffs": 0}
    open_items = (
        ChecklistItem.objects.filter(handoff_account__handoff__in=handoffs, done_at__isnull=True)
        .select_related("handoff_account__account")
        .order_by("sort_order")
    )
    by_handoff: dict[int, list[ChecklistItem]] = {}
    for item in open_items:
        by_handoff.setdefault(item.handoff_account.handoff_id, []).append(item)
    notices = []
    late = 0
    for handoff in handoffs:
        for owner in (Owner.OUTGOING, Owner.INCOMING):
            person = handoff.owner_person(owner)
            spec = person.calendar_spec
            local_today = now.astimezone(spec.zone).date()
            if local_today < rules.reminder_date(handoff.effective_date, days, spec):
                continue
            mine = [i for i in by_handoff.get(handoff.pk, []) if i.owner == owner]
            if not mine:
                continue
            notices.append(
                person_notice(
                    handoff, person, "handoff_reminder", f"reminder:{owner}:{handoff.effective_date}",
                    *_reminder_words(handoff, mine),
                )
            )
        if handoff.effective_date <= today and handoff.director is not None:
            late += 1
            notices.append(
                person_notice(
                    handoff, handoff.director, "handoff_late", f"late:{handoff.effective_date}",
                    *_late_words(handoff, len(by_handoff.get(handoff.pk, []))),
                )
            )
    stored = notifications.record(notices)
    return {
        "reminders": sum(1 for k in stored if ":reminder:" in k),
        "late": sum(1 for k in stored if ":late:" in k),
        "late_handoffs": late,
    }


def _reminder_words(handoff: Handoff, mine: list[ChecklistItem]) -> tuple[Callable[[], str], Body]:
    """The subject and body of an owner's reminder of their open items, in the owner's language."""

    def subject() -> str:
        return ngettext(
            # Translators: "item(s)" stays one form in English; give the right plural forms.
            "Handoff checklist: %(count)s item(s) still open",
            "Handoff checklist: %(count)s item(s) still open",
            len(mine),
        ) % {"count": len(mine)}

    def body(zone) -> str:
        lines = "\n".join(f"- {i.handoff_account.account.number}: {i.title}" for i in mine)
        return _("%(description)s\nStill open for you:\n%(lines)s") % {"description": describe(handoff), "lines": lines}

    return subject, body


def _late_words(handoff: Handoff, open_count: int) -> tuple[Callable[[], str], Body]:
    """The subject and body of the director's notice of a late handoff, in the director's language."""

    def subject() -> str:
        return _("Handoff not complete on its effective date: %(outgoing)s → %(incoming)s") % {
            "outgoing": handoff.outgoing.name, "incoming": handoff.incoming.name,
        }

    def body(zone) -> str:
        return ngettext(
            # Translators: "item(s)" stays one form in English; give the right plural forms.
            "%(description)s\nThe handoff is still in progress; %(count)s checklist item(s) open.",
            "%(description)s\nThe handoff is still in progress; %(count)s checklist item(s) open.",
            open_count,
        ) % {"description": describe(handoff), "count": open_count}

    return subject, body

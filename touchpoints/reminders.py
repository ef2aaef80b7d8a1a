"""The hourly beat's work for regular reviews: owners kept current, reminders before the due
date, overdue notices to the owner and their director, and overdue action items. Every notice
has a unique key, so running this again sends nothing twice."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accountteam import notifications
from accountteam.dates import local_format
from accountteam.notifications import Body, Notice, Subject, excerpt
from teams.models import Person

from . import rules
from .models import ActionItem, Occurrence
from .selectors import owners_for


def _url(occurrence_id: int) -> str:
    return reverse("touchpoints_occurrence", args=[occurrence_id])


def _describe(occ: Occurrence) -> str:
    # Translators: "Service review with Front Range Fiber, due Friday 13 March 2026."
    return _("%(kind)s with %(company)s, due %(date)s.") % {
        "kind": occ.plan_item.get_kind_display(), "company": occ.plan_item.company.name,
        "date": local_format(occ.due_on, "l d F Y"),
    }


def _occurrence_words(occ: Occurrence, overdue: bool) -> tuple[Subject, Body]:
    def subject() -> str:
        words = {"kind": occ.plan_item.get_kind_display(), "company": occ.plan_item.company.name,
                 "date": local_format(occ.due_on, "d M")}
        if overdue:
            # Translators: %(date)s is a day and month ("05 Mar").
            return _("Overdue since %(date)s: %(kind)s with %(company)s") % words
        # Translators: %(date)s is a day and month ("05 Mar").
        return _("Due %(date)s: %(kind)s with %(company)s") % words

    def body(zone) -> str:
        lines = [_describe(occ)]
        if occ.owner is not None:
            lines.append(_("Owner: %(name)s") % {"name": occ.owner.name})
        lines.append(_("Hold it as a meeting and record its minutes on the review's page."))
        return "\n".join(lines)

    return subject, body


def _action_words(action: ActionItem) -> tuple[Subject, Body]:
    occ = action.occurrence

    def subject() -> str:
        # Translators: %(date)s is a day and month ("05 Mar").
        return _("Review action item overdue since %(date)s: %(company)s") % {
            "date": local_format(action.due_on, "d M"), "company": occ.plan_item.company.name,
        }

    def body(zone) -> str:
        return "\n".join([
            # Translators: %(kind)s is a kind of review ("Service review"), %(company)s a customer company.
            _("From the %(kind)s with %(company)s.") % {
                "kind": occ.plan_item.get_kind_display(), "company": occ.plan_item.company.name,
            },
            _("Action: %(description)s") % {"description": excerpt(action.description)},
            _("Due: %(date)s") % {"date": local_format(action.due_on, "l d F Y")},
            _("Mark it done on the review's page when it is in place."),
        ])

    return subject, body


def _refresh_owners(occurrences: list[Occurrence]) -> int:
    """Open occurrences follow their role: a new person in it (a handoff, an assignment ended)
    becomes the owner, on their calendar."""
    owners = owners_for({(o.plan_item.company_id, o.plan_item.owner_role_id) for o in occurrences})
    changed = 0
    for occ in occurrences:
        owner = owners.get((occ.plan_item.company_id, occ.plan_item.owner_role_id))
        if (owner.pk if owner else None) != occ.owner_id:
            occ.owner = owner
            occ.due_at = rules.due_at(occ.due_on, owner.calendar_spec) if owner else None
            occ.save(update_fields=["owner", "due_at"])
            changed += 1
    return changed


def _notice(person: Person, key: str, kind: str, words: tuple[Subject, Body], url: str) -> Notice:
    subject, body = words
    return Notice.to_person(person, key=f"{key}:p{person.pk}", kind=kind, subject=subject, body=body, url=url)


@transaction.atomic
def touchpoint_reminders(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Remind owners TOUCHPOINT_REMINDER_BUSINESS_DAYS business days before an occurrence is
    due; once it is past due (the close of business of its date on the owner's calendar), tell
    the owner and their director; remind an action item's owner once when it is overdue."""
    now = now or timezone.now()
    days = settings.TOUCHPOINT_REMINDER_BUSINESS_DAYS
    horizon = timezone.localdate(now) + dt.timedelta(days=days * 2 + 30)
    occurrences = list(
        Occurrence.objects.open()
        .filter(plan_item__is_active=True, due_on__lte=horizon)
        .select_related("plan_item__company", "owner__calendar", "owner__reports_to")
        .prefetch_related("owner__calendar__closures")
    )
    refreshed = _refresh_owners(occurrences)
    notices = []
    for occ in occurrences:
        owner = occ.owner
        if owner is None or occ.due_at is None:
            continue
        url = _url(occ.pk)
        base = f"touchpoint:{occ.pk}"
        if occ.due_at <= now:
            words = _occurrence_words(occ, overdue=True)
            notices.append(_notice(owner, f"{base}:overdue:{occ.due_on}", "review_overdue", words, url))
            if owner.reports_to is not None:
                notices.append(_notice(owner.reports_to, f"{base}:overdue:{occ.due_on}", "review_overdue", words, url))
            continue
        spec = owner.calendar_spec
        if now.astimezone(spec.zone).date() >= rules.reminder_date(occ.due_on, days, spec):
            notices.append(_notice(owner, f"{base}:reminder:{occ.due_on}", "review_reminder",
                                   _occurrence_words(occ, overdue=False), url))
    actions = (
        ActionItem.objects.open()
        .filter(due_on__lt=timezone.localdate(now) + dt.timedelta(days=1))
        .select_related("owner__calendar", "occurrence__plan_item__company")
        .prefetch_related("owner__calendar__closures")
    )
    for action in actions:
        local_today = now.astimezone(action.owner.calendar_spec.zone).date()
        if rules.is_action_overdue(action.due_on, local_today):
            notices.append(_notice(action.owner, f"touchpoint-action:{action.pk}:overdue:{action.due_on}",
                                   "review_action_overdue", _action_words(action), _url(action.occurrence_id)))
    stored = notifications.record(notices)
    return {
        "owners_changed": refreshed,
        "reminders": sum(1 for k in stored if ":reminder:" in k),
        "overdue": sum(1 for k in stored if k.startswith("touchpoint:") and ":overdue:" in k),
        "actions_overdue": sum(1 for k in stored if k.startswith("touchpoint-action:")),
    }

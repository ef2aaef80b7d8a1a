"""The notices escalations send: one builder, so every notice of an item has a key unique to
its (item, kind, deadline, person), the same link and the same description."""

from __future__ import annotations

import datetime as dt
import functools

from django.urls import reverse
from django.utils.translation import gettext as _

from accountteam.notifications import Body, Notice, Subject
from teams.models import Person


def point_key(escalation_id: int, kind: str, deadline: str) -> str:
    """The key of one reminder or overdue point of an item (its notices add the person)."""
    return f"escalation:{escalation_id}:{kind}:{deadline}"


def item_url(item) -> str:
    return _url_for(item.pk)


@functools.lru_cache(maxsize=4096)
def _url_for(pk: int) -> str:
    return reverse("escalation_detail", args=[pk])


def item_notice(
    item, person: Person, kind: str, at: dt.datetime, subject: Subject, body: Body, *, ref: str = ""
) -> Notice:
    """A notice keyed by (item, kind, deadline, person) — plus ``ref`` where one deadline can
    carry several notices of a kind (comments). Given as functions, ``subject`` and ``body`` are
    written in the person's language (``notifications.record``)."""
    point = point_key(item.pk, kind, at.isoformat()) + (f"#{ref}" if ref else "")
    return Notice.to_person(
        person,
        key=f"{point}:{person.pk}",
        kind=kind,
        subject=subject,
        body=body,
        url=item_url(item),
        thread=item.pk,
    )


def describe(item) -> str:
    """The head of a staff notice, in the active language (call it inside the notice's words)."""
    # Translators: the head of a notice to the staff: the company, its account, how the item came in
    # and what it is about, then (second line) the item's subject.
    return _("%(company)s, account %(account)s: %(channel)s · %(category)s\n“%(subject)s”") % {
        "company": item.company.name,
        "account": item.account.number,
        "channel": item.get_channel_display(),
        "category": item.get_category_display(),
        "subject": item.subject,
    }

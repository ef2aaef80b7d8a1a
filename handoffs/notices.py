"""The notices handoffs send: one builder, so every notice of a handoff has the same key,
link and wording."""

from __future__ import annotations

from django.urls import reverse
from django.utils import dateformat
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accountteam.notifications import Notice
from teams.models import Person

from .models import Handoff


def day(value) -> str:
    """A date inside a handoff's sentences, as the active language writes it ("05 Mar 2025")."""
    # Translators: a day inside a sentence, as a Django date format (d: the day with two digits,
    # M: the month in three letters, Y: the year), e.g. “05 Mar 2025”.
    return dateformat.format(value, pgettext("date format", "d M Y"))


def day_time(value) -> str:
    """A local date and time inside a handoff's sentences ("05 Mar 2025 14:30")."""
    # Translators: a day and time inside a sentence, as a Django date format (d: the day with two
    # digits, M: the month in three letters, Y: the year, H:i: the time), e.g. “05 Mar 2025 14:30”.
    return dateformat.format(value, pgettext("date format", "d M Y H:i"))


def handoff_url(handoff: Handoff) -> str:
    return reverse("handoff_detail", args=[handoff.pk])


def person_notice(handoff: Handoff, person: Person, kind: str, key: str, subject: str, body: str) -> Notice:
    return Notice.to_person(
        person, key=f"handoff:{handoff.pk}:{key}:{person.pk}", kind=kind, subject=subject, body=body,
        url=handoff_url(handoff),
    )


def describe(handoff: Handoff) -> str:
    return _("%(role)s: %(outgoing)s hands over to %(incoming)s on %(date)s.") % {
        "role": handoff.role.name, "outgoing": handoff.outgoing.name, "incoming": handoff.incoming.name,
        "date": day(handoff.effective_date),
    }

"""The notices handoffs send: one builder, so every notice of a handoff has the same key,
link and wording."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from accountteam.dates import local_format
from accountteam.notifications import Body, Notice, Subject
from teams.models import Person

from .models import Handoff


def handoff_url(handoff: Handoff) -> str:
    return reverse("handoff_detail", args=[handoff.pk])


def person_notice(handoff: Handoff, person: Person, kind: str, key: str, subject: Subject, body: Body) -> Notice:
    """A notice of ``handoff`` to ``person``; given as functions, ``subject`` and ``body`` are
    written in the person's language (``notifications.record``)."""
    return Notice.to_person(
        person, key=f"handoff:{handoff.pk}:{key}:{person.pk}", kind=kind, subject=subject, body=body,
        url=handoff_url(handoff),
    )


def describe(handoff: Handoff) -> str:
    """The first line of a handoff's notices, in the active language."""
    return _("%(role)s: %(outgoing)s hands over to %(incoming)s on %(date)s.") % {
        "role": handoff.role.name, "outgoing": handoff.outgoing.name, "incoming": handoff.incoming.name,
        "date": local_format(handoff.effective_date, "d M Y"),
    }

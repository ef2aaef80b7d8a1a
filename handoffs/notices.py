"""The notices handoffs send: one builder, so every notice of a handoff has the same key,
link and wording."""

from __future__ import annotations

from django.urls import reverse

from accountteam.notifications import Notice
from teams.models import Person

from .models import Handoff


def handoff_url(handoff: Handoff) -> str:
    return reverse("handoff_detail", args=[handoff.pk])


def person_notice(handoff: Handoff, person: Person, kind: str, key: str, subject: str, body: str) -> Notice:
    return Notice.to_person(
        person, key=f"handoff:{handoff.pk}:{key}:{person.pk}", kind=kind, subject=subject, body=body,
        url=handoff_url(handoff),
    )


def describe(handoff: Handoff) -> str:
    return (
        f"{handoff.role.name}: {handoff.outgoing.name} hands over to {handoff.incoming.name} "
        f"on {handoff.effective_date:%d %b %Y}."
    )

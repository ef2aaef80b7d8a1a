"""Other apps' events in a user's calendar feed, without dossiers importing them.

An app above dossiers registers a source in its ``AppConfig.ready`` (maintenance: the planned
maintenance windows and major outages a user sees): a callable ``(user) -> list[icalendar.Event]``
that answers for what that user may see. The feed adds every source's events after the meetings.
"""

from __future__ import annotations

from collections.abc import Callable

from icalendar import Event

EXTRA_SOURCES: list[Callable[[object], list[Event]]] = []


def feed_source_register(source: Callable[[object], list[Event]]) -> None:
    """Add a source of events to every user's calendar feed (once)."""
    if source not in EXTRA_SOURCES:
        EXTRA_SOURCES.append(source)


def extra_events(user) -> list[Event]:
    """Every registered source's events for ``user``."""
    return [event for source in EXTRA_SOURCES for event in source(user)]

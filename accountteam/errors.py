"""Errors the services raise besides Django's ValidationError and PermissionDenied."""

from __future__ import annotations


class StateConflict(Exception):
    """An action the object's current state does not allow: the API answers 409, a page shows
    the message. ``detail`` is the API body's extra content (e.g. a handoff's blockers)."""

    def extra(self) -> dict:
        return {}

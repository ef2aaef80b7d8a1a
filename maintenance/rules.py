"""Pure rules for network notices: no ORM, no clock, no I/O (``now`` is a parameter)."""

from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import gettext as _

from accountteam.errors import StateConflict

from .models import OUTAGE_PREFIX, OUTAGE_STATUSES, Kind, Status

# How long before a planned maintenance its customers are reminded of it.
DAY_BEFORE = dt.timedelta(days=1)
# The longest window a planned maintenance may announce (a longer one is a typo in a date).
MAX_MAINTENANCE_WINDOW = dt.timedelta(days=14)

# A GCR number as the change-management system writes it: letters, digits and hyphens.
_REFERENCE = re.compile(r"^[A-Z0-9][A-Z0-9-]{2,39}$")


class NoticeConflict(StateConflict):
    """An action the notice's state does not allow (the API answers 409)."""


def normalised_reference(text: str) -> str:
    return (text or "").strip().upper()


def reference_error(reference: str) -> str | None:
    """What is wrong with a GCR number (already normalised), or None."""
    if not reference:
        return _("Give the maintenance's GCR number.")
    if not _REFERENCE.match(reference):
        return _("A GCR number has 3 to 40 letters, digits and hyphens, such as GCR-2026-1187.")
    if reference.startswith(OUTAGE_PREFIX):
        # Translators: %(prefix)s is the start of a major outage's reference ("MO-"), kept as it is.
        return _("References starting with %(prefix)s are the major outages'.") % {"prefix": OUTAGE_PREFIX}
    return None


def outage_reference(year: int, number: int) -> str:
    """The ``number``-th major outage of ``year``: ``MO-2026-0001``."""
    return f"{OUTAGE_PREFIX}{year}-{number:04d}"


def outage_number(reference: str, year: int) -> int:
    """The number in an outage reference of ``year`` (0 when it is not one)."""
    prefix = f"{OUTAGE_PREFIX}{year}-"
    tail = reference[len(prefix):] if reference.startswith(prefix) else ""
    return int(tail) if tail.isdigit() else 0


def window_errors(*, kind: str, starts_at: dt.datetime | None, ends_at: dt.datetime | None) -> dict[str, str]:
    """A message per window field that is wrong: a maintenance needs its end, and any end comes
    after the start (a maintenance's within ``MAX_MAINTENANCE_WINDOW``)."""
    errors = {}
    if starts_at is None:
        errors["starts_at"] = _("Give the start.")
    if kind == Kind.MAINTENANCE and ends_at is None:
        errors["ends_at"] = _("Give the end of the maintenance window.")
    if starts_at is not None and ends_at is not None:
        if ends_at <= starts_at:
            errors["ends_at"] = _("The end must come after the start.")
        elif kind == Kind.MAINTENANCE and ends_at - starts_at > MAX_MAINTENANCE_WINDOW:
            errors["ends_at"] = _("A maintenance window lasts at most 14 days.")
    return errors


def first_status(kind: str) -> str:
    return Status.SCHEDULED if kind == Kind.MAINTENANCE else Status.INVESTIGATING


def require_open(*, kind: str, status: str) -> None:
    """Refuse a change to a notice that is over."""
    if status == Status.COMPLETED:
        raise NoticeConflict(_("The maintenance is completed."))
    if status == Status.CANCELLED:
        raise NoticeConflict(_("The maintenance is cancelled."))
    if status == Status.RESTORED:
        raise NoticeConflict(_("The outage is restored."))


def require_cancellable(*, kind: str, status: str) -> None:
    if kind != Kind.MAINTENANCE:
        raise NoticeConflict(_("A major outage is not cancelled: update its status when service is restored."))
    require_open(kind=kind, status=status)
    if status == Status.IN_PROGRESS:
        raise NoticeConflict(_("The maintenance has started: change its window to end it early."))


def require_outage_status(*, kind: str, status: str, new: str) -> None:
    """An outage moves investigating → identified → restored; a status may be given again with a
    new message (a progress update), but never backwards, and nothing follows "restored"."""
    if kind != Kind.OUTAGE:
        raise NoticeConflict(_("A planned maintenance follows its window: change the window or cancel it."))
    require_open(kind=kind, status=status)
    if new not in OUTAGE_STATUSES:
        raise ValueError(new)
    if OUTAGE_STATUSES.index(new) < OUTAGE_STATUSES.index(status):
        raise NoticeConflict(_("The cause is already identified: the outage cannot go back to investigating."))


def due_status(*, status: str, starts_at: dt.datetime, ends_at: dt.datetime | None, now: dt.datetime) -> str:
    """Where a planned maintenance stands at ``now`` by its window: scheduled until it starts,
    in progress until it ends, then completed. Any other status stays as it is."""
    if status not in (Status.SCHEDULED, Status.IN_PROGRESS) or ends_at is None:
        return status
    if now >= ends_at:
        return Status.COMPLETED
    if now >= starts_at:
        return Status.IN_PROGRESS
    return status


def window_status(*, starts_at: dt.datetime, ends_at: dt.datetime, now: dt.datetime) -> str:
    """A planned maintenance's status by its window alone (after its window was changed)."""
    if now >= ends_at:
        return Status.COMPLETED
    return Status.IN_PROGRESS if now >= starts_at else Status.SCHEDULED


def day_before_due(*, starts_at: dt.datetime, published_at: dt.datetime, now: dt.datetime) -> bool:
    """Is it time for the "a day before" reminder? From a day before the start until the start,
    unless the notice was published within that day (its publication said as much)."""
    reminder_at = starts_at - DAY_BEFORE
    return reminder_at <= now < starts_at and published_at < reminder_at


def changes(before: dict, after: dict) -> dict[str, list]:
    """field → [before, after] for the fields whose value changed (values as text)."""
    return {name: [as_text(before[name]), as_text(value)] for name, value in after.items() if value != before[name]}


def as_text(value) -> str | None:
    """A value as an update row keeps it: text, times in UTC ISO 8601."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    return str(value)

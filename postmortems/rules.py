"""Pure rules for post-mortems: no ORM, no clock, no I/O."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accountteam.calendar import CalendarSpec
from accountteam.errors import StateConflict

from .models import Status

# The seeds: a written analysis in 2–10 business days depending on complexity.
DEFAULT_BUSINESS_DAYS = {"low": 2, "medium": 5, "high": 10}

REQUIRED_SECTIONS = {
    # Translators: this and the next two: sections of a post-mortem's analysis, in lower case in
    # the list after "Cannot publish without:".
    "summary": gettext_lazy("event summary"),
    "root_cause": gettext_lazy("root cause"),
    "restoration": gettext_lazy("how service was restored"),
}


class PostMortemConflict(StateConflict):
    """An action the post-mortem's state does not allow (the API answers 409)."""


TRANSITIONS = {
    # action: (allowed from, to)
    "accept": ({Status.REQUESTED}, Status.ACCEPTED),
    "decline": ({Status.REQUESTED}, Status.DECLINED),
    "edit": ({Status.ACCEPTED, Status.IN_PREPARATION}, Status.IN_PREPARATION),
    "submit_for_review": ({Status.ACCEPTED, Status.IN_PREPARATION}, Status.IN_REVIEW),
    "return_to_preparation": ({Status.IN_REVIEW}, Status.IN_PREPARATION),
    "publish": ({Status.ACCEPTED, Status.IN_PREPARATION, Status.IN_REVIEW}, Status.PUBLISHED),
    "correct": ({Status.PUBLISHED}, Status.IN_PREPARATION),
}


def next_status(current: str, action: str, *, review_required: bool = False) -> str:
    allowed, target = TRANSITIONS[action]
    if action == "publish" and review_required:
        allowed = {Status.IN_REVIEW}
    if current not in allowed:
        label = str(dict(Status.choices).get(current, current)).lower()
        if action == "publish" and review_required:
            # Translators: %(status)s is the post-mortem's status in lower case ("in preparation").
            message = _(
                "Not possible while the post-mortem is %(status)s. It must be reviewed by the service director first."
            )
        else:
            # Translators: %(status)s is the post-mortem's status in lower case ("in preparation").
            message = _("Not possible while the post-mortem is %(status)s.")
        raise PostMortemConflict(message % {"status": label})
    return target


EDITABLE = frozenset({Status.ACCEPTED, Status.IN_PREPARATION})

# Every action on a post-mortem, by the name the API gives it.
ACTIONS = (
    "accept", "decline", "notes", "analysis", "preventive-actions", "submit-for-review",
    "return-to-preparation", "publish", "correct", "wait-on-customer", "resume",
)


def allowed_actions(
    *, status: str, is_open: bool, tracking_open: bool, waiting: bool,
    can_work: bool, can_review: bool, review_required: bool,
) -> frozenset[str]:
    """The actions the user may take on a post-mortem now: the page shows their forms and the
    API lists them. ``can_work``: the manager, their directors or an admin; ``can_review``:
    one of those other than the manager; ``waiting``: the tracking item waits on the customer."""
    if not can_work:
        return frozenset()
    editable = status in EDITABLE
    if review_required:
        can_publish = status == Status.IN_REVIEW and can_review
    else:
        can_publish = editable or status == Status.IN_REVIEW
    allowed = {
        "accept": status == Status.REQUESTED,
        "decline": status == Status.REQUESTED,
        "notes": status == Status.REQUESTED or editable,
        "analysis": editable,
        "preventive-actions": editable,
        "submit-for-review": editable and review_required,
        "return-to-preparation": status == Status.IN_REVIEW and can_review,
        "publish": can_publish,
        "correct": status == Status.PUBLISHED,
        "wait-on-customer": is_open and tracking_open and not waiting,
        "resume": is_open and waiting,
    }
    return frozenset(name for name, ok in allowed.items() if ok)


def below_threshold(start: dt.datetime, end: dt.datetime, threshold_hours: float) -> bool:
    """Is the event shorter than the eligibility threshold (a flag, never a refusal)?"""
    return end - start < dt.timedelta(hours=threshold_hours)


def validate_event(*, start: dt.datetime, end: dt.datetime, now: dt.datetime) -> dict[str, str]:
    errors = {}
    if end <= start:
        errors["event_end"] = _("The event must end after it starts.")
    if start > now:
        errors["event_start"] = _("The event cannot start in the future.")
    if end > now + dt.timedelta(minutes=5):
        errors["event_end"] = _(
            "The event cannot end in the future: request the post-mortem once service is restored."
        )
    return errors


def due_date(*, accepted_at: dt.datetime, business_days: int, calendar: CalendarSpec) -> dt.date:
    """The day the analysis is due: ``business_days`` business days after acceptance, on the
    manager's calendar (closed days and holidays skipped)."""
    return calendar.add_business_days(accepted_at, business_days).astimezone(calendar.zone).date()


def missing_sections(*, sections: dict[str, str], actions: int) -> list[str]:
    """What publishing needs and the draft lacks (empty when it can be published)."""
    missing = [str(label) for name, label in REQUIRED_SECTIONS.items() if not (sections.get(name) or "").strip()]
    if actions == 0:
        missing.append(_("at least one preventive action"))
    return missing


def format_duration(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    values = {"days": days, "hours": hours, "minutes": f"{mins:02d}" if hours or days else mins}
    if days:
        # Translators: a duration in days, hours and minutes, abbreviated ("2 d 4 h 05 min").
        return _("%(days)s d %(hours)s h %(minutes)s min") % values
    if hours:
        # Translators: a duration in hours and minutes, abbreviated ("4 h 05 min").
        return _("%(hours)s h %(minutes)s min") % values
    # Translators: a duration in minutes, abbreviated ("12 min").
    return _("%(minutes)s min") % values

"""What a customer's users do to their company's items besides raising and commenting on them:
take an open item to the director, cancel an item raised by mistake, reopen a resolved item that
is not solved.

The staff's actions are in ``services``; these reuse its helpers, so an item changes hands, keeps
its deadlines and tells people the same way whoever acts. A customer's reason is their own words:
it is public on the timeline and in the notices, unlike a staff member's internal reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accountteam import notifications
from accountteam.clock import carrier_today
from teams.models import Membership, Person
from teams.scoping import display_name, reaches, staff_person

from . import reopening, rules
from .customer_notices import local_time
from .models import RAISED_ELSEWHERE, Escalation, Event
from .notices import describe, item_notice
from .services import _check_text, _escalate, _grace, _locked, _quoted, _save, _tell, assignee_for

# Where the item's frozen policy has no row any more (or never had one), the warning falls at
# this share of the interval, as the guidelines' default.
DEFAULT_WARN_PERCENT = 75

ACTIONS = ("escalate", "cancel", "reopen")

CUSTOMERS_ONLY = gettext_lazy("This is for the customer's users; the carrier's staff use the staff actions.")
NO_RIGHT = gettext_lazy("You need the right to raise and follow escalations for this company.")
RAISER_ONLY = gettext_lazy(
    "Only the person who raised this item can cancel it. Comment on the item to ask your team to close it."
)
REASON_REQUIRED = {
    "escalate": gettext_lazy("Say why the item should go to the director."),
    "cancel": gettext_lazy("Say why you cancel the item."),
    "reopen": gettext_lazy("Say what is still not solved."),
}


# --- Who may ---------------------------------------------------------------------------------------


def _membership(user, item: Escalation) -> Membership | None:
    return (
        Membership.objects.filter(reaches(item.account_id, item.company_id), user_id=user.pk, can_escalate=True)
        .select_related("company")
        .first()
    )


def _refusal(user, item: Escalation, action: str, membership: Membership | None) -> str | None:
    if action not in ACTIONS:
        raise ValueError(f"Unknown customer action {action!r}.")
    if staff_person(user) is not None:
        return CUSTOMERS_ONLY
    if membership is None:
        return NO_RIGHT
    if action in ("cancel", "reopen") and item.category in RAISED_ELSEWHERE:
        # A post-mortem's tracking item follows its post-mortem (request, decline, publish).
        return _("This item tracks a post-mortem request: it follows the post-mortem, on the post-mortem's page.")
    if action == "cancel" and item.raised_by_id != user.pk:
        return RAISER_ONLY
    return None


def customer_refusal(*, user, escalation: Escalation, action: str) -> str | None:
    """Why ``user`` may not take the customer's ``action`` on the item whatever its state and the
    reason they give (None when they may): staff have their own actions; a customer needs the
    escalation right in the item's company; only the raiser cancels. The pages and the API ask it
    before they read the reason; the services ask it again."""
    return _refusal(user, escalation, action, _membership(user, escalation))


def _require(actor, item: Escalation, action: str, reason: str) -> Membership:
    """The actor's membership of the item's company, once they may act and gave a reason."""
    membership = None if staff_person(actor) is not None else _membership(actor, item)
    refusal = _refusal(actor, item, action, membership)
    if refusal is not None:
        raise PermissionDenied(refusal)
    _check_text(reason=reason)
    if not reason.strip():
        raise ValidationError({"reason": REASON_REQUIRED[action]})
    return membership


def _director(item: Escalation) -> Person | None:
    director = item.assignee.reports_to
    return director if director is not None and director.is_active else None


@dataclass(frozen=True)
class CustomerOptions:
    """What the item page offers a customer user now (the services decide again when they act)."""

    escalate: bool = False
    cancel: bool = False
    reopen: bool = False
    director: Person | None = None
    reopen_until: dt.datetime | None = None

    @property
    def any(self) -> bool:
        return self.escalate or self.cancel or self.reopen


def customer_options(*, user, escalation: Escalation, now: dt.datetime | None = None) -> CustomerOptions:
    """The customer's actions the item allows ``user`` now. Select ``assignee__calendar`` and
    ``assignee__reports_to`` with the item (``selectors.escalation_get``)."""
    now = now or timezone.now()
    if staff_person(user) is not None or _membership(user, escalation) is None:
        return CustomerOptions()
    item = escalation
    director = _director(item) if item.is_open and item.level < rules.MAX_LEVEL else None
    reopen_until = None
    if item.status == rules.RESOLVED and item.resolved_at is not None:
        closes = reopening.reopen_closes_at(
            resolved_at=item.resolved_at,
            calendar=item.assignee.calendar_spec,
            business_days=settings.ESCALATION_REOPEN_BUSINESS_DAYS,
        )
        reopen_until = closes if now <= closes else None
    tracked_elsewhere = item.category in RAISED_ELSEWHERE
    return CustomerOptions(
        escalate=director is not None,
        cancel=item.is_open and item.raised_by_id == user.pk and not tracked_elsewhere,
        reopen=reopen_until is not None and not tracked_elsewhere,
        director=director,
        reopen_until=reopen_until,
    )


# --- Actions ----------------------------------------------------------------------------------------


def _who(actor, membership: Membership) -> str:
    # Translators: a customer's user and their company: “Carla Mendes of Acme Telecom”.
    return _("%(name)s of %(company)s") % {"name": display_name(actor), "company": membership.company.name}


@transaction.atomic
def escalation_customer_escalate(*, actor, escalation: Escalation, reason: str, now=None) -> Escalation:
    """A customer user with the escalation right takes an open item to the assignee's director,
    once per level up to ``rules.MAX_LEVEL`` (TransitionError: already with the director, closed,
    or nobody to take it to). The item moves as a staff escalation moves it (deadlines carried
    over); the timeline and the followers read who asked and why, and so does the director."""
    now = now or timezone.now()
    membership = _require(actor, escalation, "escalate", reason)

    def asked() -> str:
        """Who asked and why, in the active language: the timeline's words and each notice's."""
        return _("%(who)s took it to the director: %(reason)s") % {
            "who": _who(actor, membership),
            "reason": reason.strip(),
        }

    item = _escalate(
        _locked(escalation), actor=actor, reason=asked(), now=now, automatic=False, tell_customer=True, said=asked
    )
    # The item keeps the reason in the customer's words (the timeline says who asked).
    item.escalation_reason = reason
    item.save(update_fields=["escalation_reason", "updated_at"])
    return item


@transaction.atomic
def escalation_customer_cancel(*, actor, escalation: Escalation, reason: str, now=None) -> Escalation:
    """The customer user who raised an open item cancels it (raised by mistake, or no longer
    needed); anyone else is refused (PermissionDenied), a closed item is a TransitionError. The
    assignee is told, with the reason, and so are the item's other followers."""
    now = now or timezone.now()
    membership = _require(actor, escalation, "cancel", reason)
    item = _locked(escalation)
    item.status = rules.next_status(item.status, "cancel")
    item.resolved_at = now
    item.paused_at = None
    _save(item, now, actor=actor, kind=Event.Kind.CANCELLED, comment=reason, by_customer=True)
    notifications.record(
        [
            item_notice(
                item,
                item.assignee,
                "cancelled",
                now,
                lambda: _("Cancelled by the customer: %(subject)s") % {"subject": item.subject},
                lambda zone: f"{describe(item)}\n"
                + _("%(who)s cancelled it: %(reason)s")
                % {"who": _who(actor, membership), "reason": notifications.excerpt(reason)},
            )
        ]
    )
    _tell(
        item,
        "cancelled",
        now,
        actor=actor,
        subject=lambda: _("Cancelled"),
        body=lambda zone: _("%(name)s cancelled it.") % {"name": display_name(actor)} + _quoted(reason),
    )
    return item


def frozen_interval(item: Escalation) -> rules.Interval:
    """The interval the item was given when it arrived (``policy_*``, its warning share included;
    items stored before the share was frozen take the default)."""
    warn_percent = item.policy_warn_percent if item.policy_warn_percent is not None else DEFAULT_WARN_PERCENT
    if item.policy_target:
        warn_percent = None  # a range: its lower bound is the warning
    return rules.Interval(
        mode=item.policy_mode,
        target=item.policy_target,
        due=item.policy_due,
        unit=item.policy_unit,
        policy_id=item.policy_id,
        warn_percent=warn_percent,
    )


def _window_closed(days: int, closes: dt.datetime) -> str:
    return ngettext(
        # Translators: %(end)s is a day and time in words, e.g. “Friday 4 December, 14:30 MST”.
        "It can no longer be reopened: the %(days)s business day after it was resolved ended on %(end)s. "
        "Raise a new item instead.",
        "It can no longer be reopened: the %(days)s business days after it was resolved ended on %(end)s. "
        "Raise a new item instead.",
        days,
    ) % {"days": days, "end": local_time(closes, timezone.get_current_timezone())}


@transaction.atomic
def escalation_reopen(*, actor, escalation: Escalation, reason: str, now=None) -> Escalation:
    """A customer user with the escalation right reopens a resolved item within
    ``ESCALATION_REOPEN_BUSINESS_DAYS`` business days of its resolution on the assignee's calendar
    (later, or a cancelled item: TransitionError). It starts a fresh clock with its frozen policy:
    new again, unanswered, no promised follow-up, deadlines counted from ``now``, at the same
    level with the same assignee. The assignee and the other followers are told."""
    now = now or timezone.now()
    membership = _require(actor, escalation, "reopen", reason)
    item = _locked(escalation)
    if item.status != rules.RESOLVED:
        # Translators: %(status)s is the item's status in lower case, e.g. “new”, “cancelled”.
        message = _("Only a resolved item can be reopened; this one is %(status)s.")
        raise rules.TransitionError(message % {"status": rules.status_words(item.status)})
    calendar = item.assignee.calendar_spec
    days = settings.ESCALATION_REOPEN_BUSINESS_DAYS
    if not reopening.reopen_window_open(resolved_at=item.resolved_at, now=now, calendar=calendar, business_days=days):
        closes = reopening.reopen_closes_at(resolved_at=item.resolved_at, calendar=calendar, business_days=days)
        raise rules.TransitionError(_window_closed(days, closes))
    if not item.assignee.is_active:
        # Whoever had it has left: it goes to whoever answers it on the account now.
        assignment = assignee_for(
            account=item.account, category=item.category, on=carrier_today(now), topic=item.topic
        )
        if assignment is None:
            raise ValidationError({"reason": _("Nobody is assigned to this account now; call the support line.")})
        item.assignee, item.assignee_role = assignment.person, assignment.role
        calendar = item.assignee.calendar_spec

    deadlines = rules.response_deadlines(
        received_at=now, interval=frozen_interval(item), calendar=calendar, grace=_grace()
    )
    item.status, item.status_before_wait, item.paused_at = rules.NEW, "", None
    item.first_response_at = None
    item.follow_up_on = item.follow_up_target_at = item.follow_up_due_at = item.follow_up_done_at = None
    item.target_at, item.due_at = deadlines.target_at, deadlines.due_at
    item.auto_escalate_at = deadlines.auto_escalate_at
    item.resolved_at, item.reopened_at = None, now
    _save(
        item,
        now,
        actor=actor,
        kind=Event.Kind.REOPENED,
        comment=reason,
        due_at=item.due_at.isoformat() if item.due_at else None,
    )

    assignee = item.assignee

    def yours(zone) -> str:
        """The assignee's notice, the due time on their own clock (their calendar's)."""
        due_words = ""
        if item.due_at:
            # Translators: %(when)s is a day and time, e.g. “Fri 04 Dec 14:30 MST”.
            due_words = " " + _("Due %(when)s.") % {
                "when": rules.short_time_words(timezone.localtime(item.due_at, calendar.zone))
            }
        reopened = _("%(who)s reopened it: %(reason)s") % {
            "who": _who(actor, membership),
            "reason": notifications.excerpt(reason),
        }
        return f"{describe(item)}\n{reopened}\n{_('It is new again, on a fresh clock.')}{due_words}"

    notifications.record(
        [
            item_notice(
                item, assignee, "reopened", now, lambda: _("Reopened: %(subject)s") % {"subject": item.subject}, yours
            )
        ]
    )

    def body(zone) -> str:
        names = {"name": display_name(actor), "assignee": assignee.name}
        if item.due_at is None:
            return _("%(name)s reopened it; %(assignee)s has it again.") % names + _quoted(reason)
        # Translators: %(when)s is a day and time in words, e.g. “Friday 4 December, 14:30 MST”.
        text = _("%(name)s reopened it. %(assignee)s will answer by %(when)s.")
        return text % (names | {"when": local_time(item.due_at, zone)}) + _quoted(reason)

    _tell(item, "reopened", now, actor=actor, subject=lambda: _("Open again"), body=body)
    return item

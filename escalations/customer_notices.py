"""What the customer hears about their items: a notice (bell and e-mail, with a link) to the user
who raised the item and to the company's users who follow it, for each kind they have not muted
in their notification settings. Texts are written for the customer: they name people and dates
(in each reader's own time zone), never an internal note or an internal reason."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterator, Mapping

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from accountteam import notifications
from accountteam.notifications import Body, Notice, Subject
from teams.models import Membership
from teams.scoping import reaches, staff_person

from . import rules
from .notices import item_url, point_key


class _Labels(Mapping):
    """Kind → label, each label translated when it is read (in the language active then): plain
    strings for whoever reads them, like a dict's."""

    def __init__(self, labels: dict[str, str]):
        self._labels = labels

    def __getitem__(self, kind: str) -> str:
        return _(self._labels[kind])

    def __iter__(self) -> Iterator[str]:
        return iter(self._labels)

    def __len__(self) -> int:
        return len(self._labels)


# The kinds a customer can receive (and mute), in the order the settings page lists them.
KINDS = _Labels(
    {
        "acknowledged": gettext_noop("Acknowledged, with the date by which you will be contacted"),
        "reply": gettext_noop("A reply or a comment from the carrier's team"),
        "waiting": gettext_noop("Waiting on you: something is needed from you"),
        "scheduled": gettext_noop("Your call or meeting is scheduled"),
        "escalated": gettext_noop("Taken to the director"),
        "reassigned": gettext_noop("A new contact for the item"),
        "resolved": gettext_noop("Resolved"),
        "reopened": gettext_noop("Reopened"),
        "cancelled": gettext_noop("Cancelled"),
    }
)


def receives_notices(user) -> bool:
    """The customer's users with the escalation right get these notices, and choose which on their
    settings page; the carrier's staff get theirs as the items' assignees."""
    return staff_person(user) is None and Membership.objects.filter(user=user, can_escalate=True).exists()


# The settings page's "Escalation notices" (registered in ``EscalationsConfig.ready``).
SETTINGS_GROUP = notifications.MutableNotices(
    title=gettext_lazy("Escalation notices"),
    kinds=KINDS,
    offered_to=receives_notices,
    help=gettext_lazy(
        "About your company's items you raised or follow. Untick those you do not want, by email or under the bell."
    ),
)


def followers(item):
    """The users who follow ``item``, as one query: its raiser (unless they stopped) and those who
    chose to, among the company's active users who may still see it (a membership with the
    escalation right on its account); each with their settings (``portal_settings``) joined."""
    from .models import Follow

    follows = Follow.objects.filter(escalation_id=item.pk, user_id=OuterRef("pk"))
    chose = Exists(follows.filter(following=True))
    raised = Q(pk=item.raised_by_id) & ~Exists(follows.filter(following=False)) if item.raised_by_id else Q(pk=None)
    return (
        get_user_model()
        .objects.filter(
            reaches(item.account_id, item.company_id, "memberships__"),
            is_active=True,
            memberships__can_escalate=True,
        )
        .filter(raised | chose)
        .select_related("portal_settings")
        .order_by("pk")
    )


def follower_ids(item) -> set[int]:
    return set(followers(item).values_list("pk", flat=True))


def is_following(item, user) -> bool:
    return user.pk in follower_ids(item)


def local_time(instant: dt.datetime, zone: zoneinfo.ZoneInfo) -> str:
    """'Friday 4 December, 14:30 MST' in the reader's zone (and the active language)."""
    # Translators: a day and time in words inside a sentence, as a Django date format (l: the weekday,
    # j: the day of the month, F: the month, H:i: the 24-hour time, T: the time zone): “Friday 4
    # December, 14:30 MST”. Escape literal letters: "l j \d\e F, H:i T".
    return rules.date_words(timezone.localtime(instant, zone), _("l j F, H:i T"))


def notify_customers(
    item, kind: str, *, at: dt.datetime, subject: Subject, body: Body, actor=None, ref: str = ""
) -> set[str]:
    """Notice ``kind`` of ``item`` to its followers (not to ``actor``, who did it). Given as
    functions, ``subject`` and ``body`` are written in each reader's language, ``body`` taking the
    reader's zone (``notifications.record``). Keyed by (item, kind, instant, user): a retried
    change sends once."""
    if kind not in KINDS:
        raise ValueError(f"Unknown customer notice {kind!r}.")
    point = point_key(item.pk, f"customer_{kind}", at.isoformat()) + (f"#{ref}" if ref else "")

    def title() -> str:
        return f"#{item.pk} {notifications.written(subject)}"

    def text(zone: zoneinfo.ZoneInfo) -> str:
        # Translators: the first line names the item (its subject) and its account; then the news.
        return _("“%(subject)s” (account %(account)s)\n%(text)s") % {
            "subject": item.subject, "account": item.account.number, "text": notifications.written(body, zone),
        }

    notices = []
    for user in followers(item).exclude(pk=getattr(actor, "pk", None)):
        pref = getattr(user, "portal_settings", None)
        if pref is not None and kind in (pref.muted_notices or []):
            continue
        notices.append(
            Notice.to_user(
                user, key=f"{point}:u{user.pk}", kind=f"customer_{kind}", subject=title, body=text, url=item_url(item),
                thread=item.pk,
            )
        )
    return notifications.record(notices)

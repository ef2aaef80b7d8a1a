"""Sending notifications: recorded in the database first (exactly once by key), then emailed
after commit by a task. A lost task costs one sweep: the sweep re-sends stale unsent mail."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone, translation

from . import bounds
from .models import Notification, UserSettings
from .queueing import enqueue_on_commit
from .tasks import send_notification_emails

# A notice quotes a bounded excerpt of what people wrote (``excerpt``); its whole body is bounded
# too (room for a weekly digest), so that no e-mail carries a huge text.
BODY_LIMIT = bounds.DESCRIPTION
SUBJECT_LIMIT = 300  # Notification.subject


def excerpt(text: str, limit: int = bounds.EXCERPT) -> str:
    """A person's text as a notice quotes it: at most ``limit`` characters, "…" where cut (the
    whole text is on the page the notice links to)."""
    return bounds.clip((text or "").strip(), limit)


# A notice's words: given as functions, they are written in the recipient's language (``record``
# calls them while it is active), the body in the recipient's time zone too.
Subject = str | Callable[[], str]
Body = str | Callable[[zoneinfo.ZoneInfo], str]


def written(text: Subject | Body, zone: zoneinfo.ZoneInfo | None = None) -> str:
    """``text`` as words in the active language: a subject's function called with nothing, a
    body's with ``zone``. Also for words built on a notice's own (a backup's copy of the
    assignee's), inside their function."""
    if not callable(text):
        return text
    return text() if zone is None else text(zone)


def zone_named(name: str) -> zoneinfo.ZoneInfo:
    """A user's time zone setting as a zone: the portal's default when they chose none."""
    try:
        return zoneinfo.ZoneInfo(name or timezone.get_default_timezone_name())
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(timezone.get_default_timezone_name())


@dataclass(frozen=True)
class Notice:
    """One notice to one recipient. ``subject`` and ``body`` are words, or functions that write
    them (``subject()``, ``body(zone)``): ``record`` calls them in the recipient's language, so
    that a notice never speaks the language of whoever acted (or of the worker that sent it)."""

    key: str
    kind: str
    email: str
    user_id: int | None
    subject: Subject
    body: Body
    url: str
    # The item the notice is about: its e-mail threads with the item's others, and a reply to it
    # lands on the item (``mail_threads``). ``in_reply_to``: the Message-ID it answers;
    # ``automatic``: an automatic reply to the recipient's own mail (no reply to it is expected).
    thread: int | None = None
    in_reply_to: str = ""
    automatic: bool = False
    to_staff: bool = False

    @classmethod
    def to_person(cls, person, *, key: str, kind: str, subject: Subject, body: Body, url: str, **mail) -> Notice:
        """A notice to carrier staff: their work email, and their bell when they have a sign-in."""
        return cls(key=key, kind=kind, email=person.email, user_id=person.user_id, subject=subject, body=body, url=url,
                   to_staff=True, **mail)

    @classmethod
    def to_user(cls, user, *, key: str, kind: str, subject: Subject, body: Body, url: str, **mail) -> Notice:
        """A notice to a signed-in user (a customer's): their email and their bell."""
        return cls(key=key, kind=kind, email=user.email, user_id=user.pk, subject=subject, body=body, url=url, **mail)


def record(notices: list[Notice]) -> set[str]:
    """Store the notices not stored before and return their keys.

    Each is written in its recipient's language (their ``UserSettings.language``; the portal's
    default for staff without a sign-in and users who chose none), the times of its body in their
    zone: the language the e-mail around it is sent in (``emailing``). Call inside the transaction
    that made the change; emails go out after it commits.
    """
    if not notices:
        return set()
    existing = set(Notification.objects.filter(key__in=[n.key for n in notices]).values_list("key", flat=True))
    fresh = [n for n in notices if n.key not in existing]
    if not fresh:
        return set()
    prefs = {s.user_id: s for s in UserSettings.objects.filter(user_id__in={n.user_id for n in fresh if n.user_id})}
    rows = []
    for n in fresh:
        pref = prefs.get(n.user_id)
        by_email = bool(n.email) and (pref is None or pref.notify_by_email)
        in_app = n.user_id is not None and (pref is None or pref.notify_in_app)
        if not (by_email or in_app):
            continue
        language = (pref.language if pref else "") or settings.LANGUAGE_CODE
        with translation.override(language):
            subject = written(n.subject)
            body = written(n.body, zone_named(pref.time_zone if pref else ""))
        rows.append(
            Notification(
                key=n.key,
                kind=n.kind,
                recipient_id=n.user_id if in_app else None,
                email=n.email,
                subject=bounds.clip(subject, SUBJECT_LIMIT),
                body=bounds.clip(body, BODY_LIMIT),
                language=language,
                url=n.url,
                thread=n.thread,
                in_reply_to=n.in_reply_to[:300],
                automatic=n.automatic,
                to_staff=n.to_staff,
                in_app=in_app,
                email_due=by_email,
            )
        )
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    ids = list(
        Notification.objects.filter(key__in=[r.key for r in rows], email_due=True, emailed_at__isnull=True).values_list(
            "pk", flat=True
        )
    )
    if ids:
        enqueue_on_commit(send_notification_emails, ids)
    return {r.key for r in rows}


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, in_app=True, read_at__isnull=True).count()


def notice_mark_read(*, notice: Notification, now=None) -> None:
    """The recipient opened ``notice``: it is read from now on (the bell counts one fewer). Opening
    it again keeps the first time it was read. The caller has checked that it is theirs."""
    if notice.read_at is None:
        notice.read_at = now or timezone.now()
        Notification.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=notice.read_at)


# --- Notices a user may mute ------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class MutableNotices:
    """A group of notice kinds a user may choose not to receive, listed on their settings page and
    stored as ``UserSettings.muted_notices`` (the kinds they unticked). The app that sends them
    registers the group (escalations: the customer's notices, in ``EscalationsConfig.ready``), so
    the settings page lists them without importing that app."""

    title: str  # the group's heading on the settings page
    kinds: dict[str, str]  # kind → what the user reads, in the order listed
    offered_to: Callable[[object], bool]  # does this user get these notices (and so choose)?
    help: str = ""  # a line under the heading: which notices these are


_MUTABLE: list[MutableNotices] = []


def mutable_notices_register(group: MutableNotices) -> None:
    """Add a group of kinds a user may mute. Kinds are one flat list per user: two groups may not
    share one."""
    if group in _MUTABLE:
        return
    shared = set(group.kinds) & {kind for other in _MUTABLE for kind in other.kinds}
    if shared:
        raise ValueError(f"Notice kinds registered twice: {sorted(shared)}.")
    _MUTABLE.append(group)


def mutable_notices_for(user) -> list[MutableNotices]:
    """The groups offered to ``user`` on their settings page."""
    return [group for group in _MUTABLE if group.offered_to(user)]


def kind_label(kind: str) -> str:
    """A notice's kind in words for the back office: "team_change" → "Team change"."""
    return (kind or "").replace("_", " ").replace("-", " ").capitalize()


def muted_after(muted: list[str], *, offered: list[MutableNotices], wanted: set[str]) -> list[str]:
    """The user's muted kinds once they chose ``wanted`` among the ``offered`` groups: the offered
    kinds not wanted, and the kinds they muted before in groups not offered to them now."""
    offered_kinds = {kind for group in offered for kind in group.kinds}
    kept = [kind for kind in muted or [] if kind not in offered_kinds]
    return kept + [kind for group in offered for kind in group.kinds if kind not in wanted]

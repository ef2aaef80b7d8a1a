"""Delivering a received message, whichever way it came (the mail server's pipe, the IMAP
mailbox, the inbox folder): one code path, in one transaction.

- The same Message-ID twice is one delivery; automatic mail (auto-replies, bounces, lists) is
  kept as ignored, never turned into an item and never answered.
- The sender is a portal user only through a verified address; the company and account come from
  their memberships, never from what the message claims. Anything that fails a check goes to the
  quarantine for carrier staff, with the reason.
- A reply (the item's signed reply address, or a Message-ID of ours in ``In-Reply-To``) lands on
  its item: the customer's as a public comment that resumes an item waiting on them, staff's as a
  reply, or an internal note when sent to the ``internal`` address.
- A new message raises an e-mail item on the account, its clock started when the portal's mail
  server received it; its attachments become the item's files; the customer is told the item's
  number and the guideline, in their language.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import uuid
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accountteam import bounds, mail_threads, notifications
from accountteam.errors import StateConflict
from accountteam.notifications import Notice
from accountteam.uploads import validate_upload
from escalations import services as escalation_services
from escalations.models import Escalation
from escalations.notices import item_url
from teams.models import Account
from teams.scoping import staff_person
from teams.selectors import raisable_accounts

from . import addresses, rules
from .models import InboundAttachment, InboundMessage
from .parse import MalformedMessage, Parsed, parse, thread_ids

log = logging.getLogger(__name__)
Reason = InboundMessage.Reason
Status = InboundMessage.Status

# A Received header may be wrong: a clock never starts in the future, nor weeks before arrival.
RECEIVED_SLACK = dt.timedelta(days=7)


@dataclass(frozen=True)
class Outcome:
    """What became of a message: ``message`` is its row (the earlier one for a duplicate)."""

    status: str
    message: InboundMessage
    duplicate: bool = False

    def __str__(self) -> str:
        if self.duplicate:
            return f"duplicate of message {self.message.pk}"
        where = f" on #{self.message.escalation_id}" if self.message.escalation_id else ""
        why = f" ({self.message.reason})" if self.message.reason else ""
        return f"{self.status}{where}{why}"


def message_deliver(*, raw: bytes, source: str, now: dt.datetime | None = None) -> Outcome:
    """Store and deliver one RFC 5322 message. Raises only when it cannot be stored at all."""
    now = now or timezone.now()
    parsed, problem = _read(raw)
    message_id = (parsed.message_id if parsed and parsed.message_id else "sha256:" + hashlib.sha256(raw).hexdigest())
    message_id = message_id[:300]
    earlier = InboundMessage.objects.filter(message_id=message_id).first()
    if earlier is not None:
        return Outcome(earlier.status, earlier, duplicate=True)
    try:
        with transaction.atomic():
            # The row is written last, once: a copy of the same message arriving at the same
            # moment by another way in waits on its unique Message-ID and rolls back all it did.
            message = _received(raw, parsed, source=source, message_id=message_id, now=now)
            message.after = []
            if problem:
                _quarantine(message, problem)
            elif parsed.is_automatic:
                message.status = Status.IGNORED
            else:
                _deliver(message, parsed, now=now)
            message.raw.save(f"{uuid.uuid4().hex}.eml", ContentFile(raw), save=False)
            message.save()
            for then in message.after:
                then()
    except IntegrityError:
        # The same message delivered at the same moment by another way in: that one stands.
        earlier = InboundMessage.objects.filter(message_id=message_id).first()
        if earlier is None:
            raise
        return Outcome(earlier.status, earlier, duplicate=True)
    return Outcome(message.status, message)


def _read(raw: bytes) -> tuple[Parsed | None, str]:
    if len(raw) > settings.INBOUND_MAX_BYTES:
        return None, Reason.TOO_LARGE
    try:
        return parse(raw, own_hosts=settings.INBOUND_OWN_HOSTS), ""
    except MalformedMessage:
        return None, Reason.UNREADABLE


def _received(raw: bytes, parsed: Parsed | None, *, source: str, message_id: str, now: dt.datetime) -> InboundMessage:
    received = parsed.received_at if parsed else None
    if received is None or not (now - RECEIVED_SLACK <= received <= now):
        received = now
    message = InboundMessage(
        message_id=message_id,
        source=source,
        received_at=received,
        stored_at=now,
        size=len(raw),
        status=Status.QUARANTINED,
    )
    if parsed is not None:
        message.sender = parsed.sender[:254]
        message.sender_name = parsed.sender_name[:200]
        message.subject = parsed.subject[:300]
        message.text = bounds.clip(parsed.text, bounds.DESCRIPTION)
        message.automatic = parsed.automatic
        message.route = addresses.route(parsed.recipients)
        message.recipient = (message.route.address if message.route else (parsed.recipients or [""])[0])[:254]
    return message


def _quarantine(message: InboundMessage, reason: str, detail: str = "", **found) -> None:
    message.status = Status.QUARANTINED
    message.reason = reason
    message.detail = detail[:300]
    for name, value in found.items():
        setattr(message, name, value)


def sender_user(address: str):
    """The active portal user whose verified address ``address`` is, or None."""
    if not address:
        return None
    found = (
        EmailAddress.objects.filter(email__iexact=address, verified=True, user__is_active=True)
        .select_related("user")
        .first()
    )
    return found.user if found else None


def _deliver(message: InboundMessage, parsed: Parsed, *, now: dt.datetime) -> None:
    route = getattr(message, "route", None) or addresses.Route(address="")
    user = sender_user(parsed.sender)
    item_pk = route.reply_item if route.is_reply else _threaded_item(parsed)
    if route.is_reply and item_pk is None:
        return _quarantine(message, Reason.BAD_TOKEN, user=user)
    if user is None:
        return _quarantine(message, Reason.UNKNOWN_SENDER)
    message.user = user
    if item_pk is not None:
        return _reply(message, parsed, user=user, item_pk=item_pk, internal=route.internal, now=now)
    if staff_person(user) is not None:
        return _quarantine(message, Reason.STAFF)
    account, problem = _account_for(user, route)
    if problem:
        return _quarantine(message, problem, account=account, company=account.company if account else None)
    category = (route.alias.category if route.alias and route.alias.category else "") or rules.guess_category(
        parsed.subject
    )
    _raise(message, parsed, actor=user, account=account, category=category, now=now, intake=True)


def _threaded_item(parsed: Parsed) -> int | None:
    for value in thread_ids(parsed):
        pk = mail_threads.item_of_message_id(f"<{value}>")
        if pk is not None:
            return pk
    return None


def _account_for(user, route: addresses.Route) -> tuple[Account | None, str]:
    """The account a new message is for, or the reason it cannot be told (with the account the
    address named, when it named one)."""
    allowed = raisable_accounts(user=user, right="can_escalate")
    named = None
    if route.alias is not None and route.alias.account_id:
        named = route.alias.account
    elif route.tag and not route.is_reply:
        named = Account.objects.select_related("company").filter(number__iexact=route.tag[:40]).first()
        if named is None:
            return None, Reason.UNKNOWN_ACCOUNT
    if named is not None:
        if not allowed.filter(pk=named.pk).exists():
            return named, Reason.NOT_MEMBER
        return named, ""
    candidates = list(allowed.filter(is_active=True)[:2])
    if not candidates:
        return None, Reason.NO_ACCOUNT
    if len(candidates) > 1:
        return None, Reason.SEVERAL_ACCOUNTS
    return candidates[0], ""


def _raise(message: InboundMessage, parsed: Parsed | None, *, actor, account: Account, category: str,
           now: dt.datetime, intake: bool) -> Escalation | None:
    subject = bounds.clip(message.subject.strip() or _("(no subject)"), bounds.SUBJECT)
    description = bounds.clip(parsed.reply if parsed else message.text, bounds.DESCRIPTION)
    try:
        with transaction.atomic():
            item = escalation_services.escalation_create(
                actor=actor, account=account, channel="email", category=category, subject=subject,
                description=description, received_at=message.received_at, now=now, intake=intake,
            )
    except (ValidationError, PermissionDenied) as exc:
        _quarantine(message, Reason.REFUSED, _refusal(exc), account=account, company=account.company)
        return None
    message.status = Status.DELIVERED if intake else Status.ACCEPTED
    message.reason = Reason.NONE if intake else message.reason
    message.escalation, message.account, message.company = item, account, account.company
    message.after += [lambda: _attach(message, parsed, item, internal=False)]
    if item.raised_by_id:
        message.after.append(lambda: _acknowledge(message, item))
    return item


def _reply(message: InboundMessage, parsed: Parsed, *, user, item_pk: int, internal: bool, now: dt.datetime) -> None:
    item = Escalation.objects.visible_to(user, now=now).select_related("account__company").filter(pk=item_pk).first()
    if item is None:
        return _quarantine(message, Reason.NOT_ALLOWED)
    staff = staff_person(user) is not None
    text = bounds.clip(parsed.reply.strip(), bounds.COMMENT) or _attachments_only(parsed)
    try:
        with transaction.atomic():
            if staff:
                event = escalation_services.escalation_mail_reply(
                    actor=user, escalation=item, comment=text, internal=internal, now=now
                )
            else:
                event = escalation_services.escalation_customer_reply(
                    actor=user, escalation=item, comment=text, now=now
                )
    except (ValidationError, PermissionDenied) as exc:
        return _quarantine(message, Reason.REFUSED, _refusal(exc), account=item.account, company=item.company)
    message.status = Status.DELIVERED
    message.escalation, message.event = item, event
    message.account, message.company = item.account, item.company
    message.after.append(lambda: _attach(message, parsed, item, internal=staff and internal))


def _refusal(exc: ValidationError | PermissionDenied) -> str:
    """A service's refusal in words, kept as the quarantined message's detail."""
    return " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)


def _attachments_only(parsed: Parsed) -> str:
    names = ", ".join(a.filename for a in parsed.attachments) or "—"
    # Translators: a reply by e-mail that had no text, only files; %(names)s lists the files' names.
    return _("Files sent by e-mail: %(names)s") % {"names": names}


def _attach(message: InboundMessage, parsed: Parsed | None, item: Escalation, *, internal: bool) -> None:
    """The message's files on the item, each checked like any upload (type, content, size); a
    refused one is listed with why, and stays in the original message."""
    if parsed is None:
        return
    rows = []
    for attachment in parsed.attachments:
        upload = ContentFile(attachment.content, name=attachment.filename)
        row = InboundAttachment(
            message=message, escalation=item, name=attachment.filename[:200],
            content_type=attachment.content_type[:100], size=len(attachment.content), internal=internal,
        )
        try:
            validate_upload(upload)
        except ValidationError as exc:
            row.refused = " ".join(exc.messages)[:300]
        else:
            row.file.save(attachment.filename, upload, save=False)
        rows.append(row)
    InboundAttachment.objects.bulk_create(rows)


def _acknowledge(message: InboundMessage, item: Escalation) -> None:
    """The customer's acknowledgement of a new e-mail item: its number and the guideline's
    interval, in their language, as an automatic reply to their message."""
    policy = item.policy

    def body(zone) -> str:
        """In the customer's language: the guideline's words too (kept in data per language)."""
        # Translators: the acknowledgement of a customer's e-mail; %(guideline)s is the response
        # guideline in words (“Email and letters: acknowledged within 1 business day, …”).
        return _(
            "Your e-mail is escalation #%(number)s on account %(account)s.\n%(guideline)s\n"
            "Reply to this e-mail to add to it."
        ) % {"number": item.pk, "account": item.account.number, "guideline": policy.description if policy else ""}

    notifications.record([
        Notice.to_user(
            item.raised_by,
            key=f"mailin:{message.pk}:ack",
            kind="mail_received",
            subject=lambda: _("Received: #%(number)s %(subject)s") % {"number": item.pk, "subject": item.subject},
            body=body,
            url=item_url(item),
            thread=item.pk,
            in_reply_to=f"<{message.message_id}>" if not message.message_id.startswith("sha256:") else "",
            automatic=True,
        )
    ])


# --- Quarantine: staff accept a message onto an account, or discard it ----------------------------


def _require_staff(user):
    if staff_person(user) is None:
        raise PermissionDenied(_("Only the carrier's staff can do this."))


def _locked(message: InboundMessage) -> InboundMessage:
    locked = InboundMessage.objects.select_for_update().get(pk=message.pk)
    if locked.status != Status.QUARANTINED:
        raise StateConflict(_("This message is no longer in quarantine."))
    return locked


@transaction.atomic
def quarantine_accept(*, actor, message: InboundMessage, account: Account, category: str = "",
                      now: dt.datetime | None = None) -> Escalation:
    """Raise an e-mail item from a quarantined message on ``account`` (one ``actor`` serves), its
    clock started when the message arrived. Raised by its sender when they may raise items there;
    otherwise by ``actor`` on their behalf."""
    _require_staff(actor)
    now = now or timezone.now()
    message = _locked(message)
    if not raisable_accounts(user=actor, right="can_escalate").filter(pk=account.pk).exists():
        raise ValidationError({"account": _("This account is not one you serve.")})
    parsed, _problem = _read(message.raw.open("rb").read())
    sender = sender_user(message.sender)
    by_sender = sender is not None and raisable_accounts(user=sender, right="can_escalate").filter(
        pk=account.pk).exists()
    category = category or rules.guess_category(message.subject)
    message.handled_by, message.handled_at = actor, now
    message.after = []
    item = _raise(message, parsed, actor=sender if by_sender else actor, account=account, category=category,
                  now=now, intake=by_sender)
    if item is None:
        raise ValidationError(message.detail or _("The item could not be raised."))
    message.status = Status.ACCEPTED
    message.save()
    for then in message.after:
        then()
    return item


@transaction.atomic
def quarantine_discard(
    *, actor, message: InboundMessage, reason: str, now: dt.datetime | None = None
) -> InboundMessage:
    """Discard a quarantined message, saying why (kept, with its original, for the record)."""
    _require_staff(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the message is discarded.")})
    bounds.ensure(bounds.text_errors(bounds.LINE, reason=reason))
    message = _locked(message)
    message.status = Status.DISCARDED
    message.discard_reason = reason
    message.handled_by, message.handled_at = actor, now or timezone.now()
    message.save(update_fields=["status", "discard_reason", "handled_by", "handled_at"])
    return message

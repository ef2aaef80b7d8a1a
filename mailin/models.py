"""E-mail taken in: every message the portal received (delivered onto an item, quarantined for
staff, or ignored as automatic mail), its original kept for the record, and the aliases that
route mail to an account or a category."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accountteam import bounds
from accountteam.bounds import text_field
from accountteam.uploads import validate_upload
from escalations.models import Category, Escalation, Event
from teams.models import Account, Company
from teams.scoping import staff_person


class InboundQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Carrier staff only: the quarantine holds mail from anyone, so no customer sees it."""
        if staff_person(user) is None:
            return self.none()
        return self


class InboundMessage(models.Model):
    """One message as received, whatever became of it. ``message_id`` is unique: the same mail
    arriving twice (piped and polled) is delivered once."""

    class Source(models.TextChoices):
        PIPE = "pipe", _("Mail server (pipe)")
        IMAP = "imap", _("IMAP mailbox")
        INBOX = "inbox", _("Inbox folder")

    class Status(models.TextChoices):
        DELIVERED = "delivered", _("Delivered")
        QUARANTINED = "quarantined", _("In quarantine")
        ACCEPTED = "accepted", _("Accepted from quarantine")
        DISCARDED = "discarded", _("Discarded")
        IGNORED = "ignored", _("Ignored: automatic mail")

    class Reason(models.TextChoices):
        NONE = "", _("None")
        UNKNOWN_SENDER = "unknown_sender", _("The sender is not a portal user with a verified address")
        NOT_MEMBER = "not_member", _("The address names an account the sender may not raise items for")
        SEVERAL_ACCOUNTS = "several_accounts", _("The sender raises items for several accounts; choose one")
        NO_ACCOUNT = "no_account", _("The sender may not raise items for any account")
        UNKNOWN_ACCOUNT = "unknown_account", _("The address names no account")
        BAD_TOKEN = "bad_token", _("The reply address is not one the portal gave out")
        NOT_ALLOWED = "not_allowed", _("The sender may not write on that item")
        CLOSED = "closed", _("The item is closed")
        STAFF = "staff", _("Carrier staff wrote without replying to an item")
        UNREADABLE = "unreadable", _("The message could not be read")
        TOO_LARGE = "too_large", _("The message is larger than the portal takes")
        REFUSED = "refused", _("The item could not be raised")

    message_id = models.CharField(max_length=300, unique=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    received_at = models.DateTimeField(help_text=_("When the portal's mail server received it: the item's clock."))
    stored_at = models.DateTimeField(default=timezone.now)
    sender = models.CharField(max_length=254, blank=True)
    sender_name = models.CharField(max_length=200, blank=True)
    recipient = models.CharField(max_length=254, blank=True, help_text=_("The portal's address it was sent to."))
    subject = models.CharField(max_length=300, blank=True)
    text = text_field(bounds.DESCRIPTION, blank=True)
    automatic = models.CharField(max_length=20, blank=True)
    raw = models.FileField(upload_to="mailin/%Y/%m/", help_text=_("The original message (.eml)."))
    size = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=12, choices=Status.choices)
    reason = models.CharField(max_length=20, choices=Reason.choices, blank=True, default=Reason.NONE)
    detail = models.CharField(max_length=300, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    company = models.ForeignKey(Company, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    account = models.ForeignKey(Account, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    escalation = models.ForeignKey(
        Escalation, on_delete=models.SET_NULL, null=True, blank=True, related_name="inbound_messages"
    )
    event = models.ForeignKey(Event, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    discard_reason = models.CharField(max_length=500, blank=True)

    objects = InboundQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["status", "-received_at"])]

    def __str__(self):
        return f"{self.sender or '?'}: {self.subject}"


class InboundAttachment(models.Model):
    """A file that came with a message; on the item once delivered (internal when it came with
    staff's internal note)."""

    message = models.ForeignKey(InboundMessage, on_delete=models.CASCADE, related_name="attachments")
    escalation = models.ForeignKey(
        Escalation, on_delete=models.CASCADE, null=True, blank=True, related_name="mail_attachments"
    )
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="mailin/files/%Y/%m/", validators=[validate_upload], blank=True)
    internal = models.BooleanField(default=False)
    refused = models.CharField(max_length=300, blank=True, help_text=_("Why the file was not kept."))

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.name


class MailAlias(models.Model):
    """An address of the portal's besides the inbound one: it names an account (a team's alias)
    and/or a category (billing@ → billing)."""

    address = models.EmailField(unique=True)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    category = models.CharField(max_length=30, choices=Category.choices, blank=True)

    class Meta:
        ordering = ["address"]
        verbose_name_plural = _("mail aliases")

    def __str__(self):
        return self.address

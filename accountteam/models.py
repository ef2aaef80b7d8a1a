"""Cross-cutting records: per-user settings, notifications (email and in-app), API tokens, the
audit trail."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken
from knox.settings import CONSTANTS


class UserSettings(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portal_settings")
    time_zone = models.CharField(max_length=64, blank=True, help_text="Empty: the portal's default.")
    # Empty: the browser's (Accept-Language), until the user chooses. Notices and e-mails to the user
    # are written in it; the choices are settings.LANGUAGES.
    language = models.CharField(max_length=10, blank=True, choices=settings.LANGUAGES)
    notify_by_email = models.BooleanField("email me", default=True)
    notify_in_app = models.BooleanField("show in the portal (bell)", default=True)
    # The kinds of item notices (escalations' customer notices) the user chose not to receive.
    muted_notices = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name_plural = "user settings"

    def __str__(self):
        return f"Settings of {self.user}"


class Notification(models.Model):
    """One notice to one person. ``key`` makes every notice exactly-once: a repeated sweep, a
    retried task or two workers at once all compute the same key, and the database keeps one."""

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=40)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    email = models.EmailField(blank=True)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    # The recipient's language when it was recorded: the e-mail around the notice is written in it.
    language = models.CharField(max_length=10, blank=True)
    url = models.CharField(max_length=300, blank=True)
    # Mail about an item threads with the item's other mail and its replies land on the item;
    # ``in_reply_to`` is the Message-ID it answers, ``automatic`` marks an automatic reply.
    thread = models.PositiveBigIntegerField(null=True, blank=True)
    in_reply_to = models.CharField(max_length=300, blank=True)
    automatic = models.BooleanField(default=False)
    to_staff = models.BooleanField(default=False)
    in_app = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    email_due = models.BooleanField(default=False)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notif_inbox"),
            models.Index(fields=["created_at"], name="notif_email_pending", condition=Q(email_due=True)),
        ]

    def __str__(self):
        return self.subject


class IdempotentRequest(models.Model):
    """A create request sent with an ``Idempotency-Key`` header: a retry with the same key (by
    the same user, to the same endpoint) gets the first answer again instead of a duplicate."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    endpoint = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64, help_text=_("SHA-256 of the request body."))
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "endpoint", "key"], name="idempotent_request_once"),
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotent_request_age")]

    def __str__(self):
        return f"{self.endpoint} {self.key}"


class ApiToken(AbstractAuthToken):
    """An API token (django-rest-knox's token model, swapped in by ``KNOX_TOKEN_MODEL``).

    Only a digest of the secret is stored, and its first characters (``token_key``) to find it; the
    secret itself is shown once, when the token is made. ``id`` names the token in URLs, so the
    digest never leaves the database."""

    id = models.BigAutoField(primary_key=True)
    digest = models.CharField(max_length=CONSTANTS.DIGEST_LENGTH, unique=True)
    name = models.CharField(max_length=100)
    last_used_at = models.DateTimeField(null=True, blank=True, help_text=_("Updated at most once a minute."))
    # When its use was last written to the audit trail: its first use, then at most once an hour.
    use_audited_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["user", "expiry"], name="api_token_user_expiry")]
        verbose_name = _("API token")

    def __str__(self):
        return f"{self.name} ({self.user})"


# --- The audit trail ------------------------------------------------------------------------------


class AuditAction(models.TextChoices):
    """Every kind of event the audit trail records: the one list (``accountteam.audit.record``
    refuses any other). Each app writes its own; the labels are what the readers see."""

    SIGN_IN_SUCCEEDED = "sign_in.succeeded", _("Signed in")
    SIGN_IN_FAILED = "sign_in.failed", _("Sign-in failed")
    SIGN_IN_LOCKED = "sign_in.locked", _("Sign-in locked out")
    PASSWORD_CHANGED = "password.changed", _("Password changed")
    MFA_ADDED = "mfa.added", _("Two-factor sign-in set up")
    MFA_REMOVED = "mfa.removed", _("Two-factor sign-in removed")
    MFA_RESET = "mfa.reset", _("Recovery codes regenerated")
    API_TOKEN_CREATED = "api_token.created", _("API token made")
    API_TOKEN_USED = "api_token.used", _("API token used")
    API_TOKEN_REVOKED = "api_token.revoked", _("API token revoked")
    AVAILABILITY_CHANGED = "availability.changed", _("Availability changed")
    BACKUP_CHANGED = "backup.changed", _("Backup changed")
    MEMBERSHIP_UPDATED = "membership.updated", _("User's rights changed")
    MEMBERSHIP_REMOVED = "membership.removed", _("User removed from the company")
    INVITATION_SENT = "invitation.sent", _("Invitation sent")
    INVITATION_ACCEPTED = "invitation.accepted", _("Invitation accepted")
    INVITATION_REVOKED = "invitation.revoked", _("Invitation revoked")
    RESPONSE_POLICY_CREATED = "response_policy.created", _("Response policy added")
    RESPONSE_POLICY_UPDATED = "response_policy.updated", _("Response policy changed")
    RESPONSE_POLICY_DELETED = "response_policy.deleted", _("Response policy deleted")
    ROUTING_RULE_CREATED = "routing_rule.created", _("Routing rule added")
    ROUTING_RULE_UPDATED = "routing_rule.updated", _("Routing rule changed")
    ROUTING_RULE_DELETED = "routing_rule.deleted", _("Routing rule deleted")
    CALENDAR_CREATED = "calendar.created", _("Business calendar added")
    CALENDAR_UPDATED = "calendar.updated", _("Business calendar changed")
    CALENDAR_DELETED = "calendar.deleted", _("Business calendar deleted")
    CLOSURE_CREATED = "closure.created", _("Closure day added")
    CLOSURE_UPDATED = "closure.updated", _("Closure day changed")
    CLOSURE_DELETED = "closure.deleted", _("Closure day deleted")
    WEBHOOK_CREATED = "webhook.created", _("Webhook added")
    WEBHOOK_UPDATED = "webhook.updated", _("Webhook changed")
    WEBHOOK_DELETED = "webhook.deleted", _("Webhook deleted")
    EXPORT_DOWNLOADED = "export.downloaded", _("Export downloaded")


class AppendOnlyError(Exception):
    """An audit event cannot be changed or deleted once written."""


APPEND_ONLY_MESSAGE = "The audit trail is append-only: its events are never changed or deleted."


class AuditEventQuerySet(models.QuerySet):
    """Refuses ``update()`` and ``delete()``; the one update allowed is the one deleting a user
    makes (``actor`` set to NULL by ``on_delete=SET_NULL``): ``actor_name`` keeps who it was."""

    def update(self, **kwargs):
        if kwargs and set(kwargs) <= {"actor", "actor_id"} and all(v is None for v in kwargs.values()):
            return super().update(**kwargs)
        raise AppendOnlyError(APPEND_ONLY_MESSAGE)

    def delete(self):
        raise AppendOnlyError(APPEND_ONLY_MESSAGE)

    delete.alters_data = True
    delete.queryset_only = True

    def _raw_delete(self, using):
        raise AppendOnlyError(APPEND_ONLY_MESSAGE)


class AuditEvent(models.Model):
    """One thing someone did (or tried): who, when, from where, on what. Written only by
    ``accountteam.audit.record``; never changed or deleted (the model and its queryset refuse, and
    on PostgreSQL a trigger refuses UPDATE and DELETE of the table's rows)."""

    at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=50, choices=AuditAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Who it was when it happened (the user may be renamed or deleted since); for a failed sign-in,
    # the login name that was typed.
    actor_name = models.CharField(max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    # The customer company the event belongs to (its user managers read it); a plain number, not a
    # foreign key: this app sits below teams, and the trail outlives a deleted company.
    company_id = models.PositiveBigIntegerField(null=True, blank=True)
    company_name = models.CharField(max_length=200, blank=True)
    # Carrier-side events (back-office settings, staff availability): carrier admins read them, a
    # company's user managers never do, even when they concern the company.
    internal = models.BooleanField(default=False)
    target = models.CharField(max_length=100, blank=True, help_text=_('What it was done to: "membership:12".'))
    # An English sentence, possibly with ``%(name)s`` placeholders filled from ``details`` when it is
    # shown (translated then, where the catalogue has it): ``summary_text``.
    summary = models.CharField(max_length=500, blank=True)
    details = models.JSONField(default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        # Deleting a user reaches the events through this manager, which allows only that update.
        base_manager_name = "objects"
        indexes = [
            models.Index(fields=["-at", "-id"], name="audit_newest"),
            models.Index(fields=["company_id", "-at"], name="audit_company_newest"),
            models.Index(fields=["action", "-at"], name="audit_action_newest"),
        ]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit trail")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.actor_name}".strip()

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(APPEND_ONLY_MESSAGE)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(APPEND_ONLY_MESSAGE)

    def summary_text(self) -> str:
        """The summary in the reader's language (where the catalogue has it), its placeholders
        filled from ``details``; the stored text as it is when they do not fit."""
        text = gettext(self.summary) if self.summary else ""
        if "%(" not in text or not isinstance(self.details, dict):
            return text
        try:
            return text % {key: value for key, value in self.details.items()}
        except (KeyError, TypeError, ValueError):
            return self.summary

"""Cross-cutting records: per-user settings, notifications (email and in-app), API tokens."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
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

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["user", "expiry"], name="api_token_user_expiry")]
        verbose_name = _("API token")

    def __str__(self):
        return f"{self.name} ({self.user})"

"""Network notices: planned maintenance and major outages, announced to the customers whose
accounts they affect.

A planned maintenance carries the carrier's global change request (GCR) number as its unique id
(the customer handbook: "a GCR network maintenance number as the unique ID for network
maintenance"); a major outage gets a reference of its own (``MO-2026-0001``). Both keep every
change as an update row: who, when, what changed, the new status and the public message that
went to the customers.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accountteam import bounds
from accountteam.bounds import text_field, validate_date
from teams.models import Account
from teams.scoping import member_account_ids, staff_person


class Kind(models.TextChoices):
    MAINTENANCE = "maintenance", _("Planned maintenance")
    OUTAGE = "outage", _("Major outage")


class Status(models.TextChoices):
    # Translators: a network notice's status (a planned maintenance's or a major outage's).
    SCHEDULED = "scheduled", pgettext_lazy("network notice status", "Scheduled")
    IN_PROGRESS = "in_progress", pgettext_lazy("network notice status", "In progress")
    COMPLETED = "completed", pgettext_lazy("network notice status", "Completed")
    CANCELLED = "cancelled", pgettext_lazy("network notice status", "Cancelled")
    INVESTIGATING = "investigating", pgettext_lazy("network notice status", "Investigating")
    IDENTIFIED = "identified", pgettext_lazy("network notice status", "Cause identified")
    RESTORED = "restored", pgettext_lazy("network notice status", "Service restored")


# The statuses of each kind, in the order a notice moves through them.
MAINTENANCE_STATUSES = (Status.SCHEDULED, Status.IN_PROGRESS, Status.COMPLETED, Status.CANCELLED)
OUTAGE_STATUSES = (Status.INVESTIGATING, Status.IDENTIFIED, Status.RESTORED)
# Upcoming or under way: shown on the customer's team page.
CURRENT_STATUSES = (Status.SCHEDULED, Status.IN_PROGRESS, Status.INVESTIGATING, Status.IDENTIFIED)
FINISHED_STATUSES = (Status.COMPLETED, Status.CANCELLED, Status.RESTORED)

# What an outage's reference looks like: the prefix is the portal's, so a GCR number may not use it.
OUTAGE_PREFIX = "MO-"


class NetworkNoticeQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Carrier staff: every notice (the network is the carrier's, not one account team's).
        Customers: the notices with at least one affected account of a company they belong to."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if staff_person(user) is not None:
            return self
        mine = NoticeAccount.objects.filter(account_id__in=member_account_ids(user)).values("notice_id")
        return self.filter(pk__in=mine)

    def current(self):
        return self.filter(status__in=CURRENT_STATUSES)


class NetworkNotice(models.Model):
    Kind = Kind
    Status = Status

    kind = models.CharField(max_length=12, choices=Kind.choices)
    reference = models.CharField(
        _("reference"), max_length=40, unique=True,
        help_text=_("A planned maintenance's GCR number; a major outage's MO number (given by the portal)."),
    )
    title = models.CharField(_("title"), max_length=bounds.SUBJECT)
    starts_at = models.DateTimeField(_("starts"), validators=[validate_date])
    ends_at = models.DateTimeField(
        _("ends"), null=True, blank=True, validators=[validate_date],
        help_text=_("A major outage's end is set when service is restored."),
    )
    impact = text_field(bounds.COMMENT, verbose_name=_("expected impact"))
    description = text_field(bounds.DESCRIPTION, blank=True, verbose_name=_("description"))
    status = models.CharField(max_length=20, choices=Status.choices)
    accounts = models.ManyToManyField(Account, through="NoticeAccount", related_name="network_notices")
    published_at = models.DateTimeField(default=timezone.now, validators=[validate_date])
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now, validators=[validate_date])

    objects = NetworkNoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-pk"]
        verbose_name = _("network notice")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")), name="notice_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(kind="maintenance") | Q(ends_at__isnull=False), name="maintenance_has_an_end"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "starts_at"]),
            models.Index(fields=["kind", "status", "starts_at"]),
        ]

    def __str__(self):
        return f"{self.reference}: {self.title}"

    @property
    def is_maintenance(self) -> bool:
        return self.kind == Kind.MAINTENANCE

    @property
    def is_outage(self) -> bool:
        return self.kind == Kind.OUTAGE

    @property
    def is_current(self) -> bool:
        return self.status in CURRENT_STATUSES

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES


class NoticeAccount(models.Model):
    """One account a notice affects (chosen one by one, or every account of a chosen company)."""

    notice = models.ForeignKey(NetworkNotice, on_delete=models.CASCADE, related_name="notice_accounts")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["account__number"]
        constraints = [models.UniqueConstraint(fields=["notice", "account"], name="notice_account_once")]
        # The team page reads a company's current notices through this table.
        indexes = [models.Index(fields=["account", "notice"])]

    def __str__(self):
        return f"{self.notice.reference} · {self.account.number}"


class NoticeUpdate(models.Model):
    """One change of a notice, as its history shows it and its customers were told it."""

    class Event(models.TextChoices):
        PUBLISHED = "published", _("Published")
        CHANGED = "changed", _("Changed")
        # Translators: what happened to a planned maintenance (an event in its history).
        CANCELLED = "cancelled", pgettext_lazy("network notice event", "Cancelled")
        STATUS = "status", _("Status update")
        STARTED = "started", _("Started")
        COMPLETED = "completed", _("Completed")

    notice = models.ForeignKey(NetworkNotice, on_delete=models.CASCADE, related_name="updates")
    at = models.DateTimeField(default=timezone.now, validators=[validate_date])
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    event = models.CharField(max_length=12, choices=Event.choices)
    status = models.CharField(max_length=20, choices=Status.choices)
    # field → [before, after], as text (times in ISO 8601): what the change changed.
    changes = models.JSONField(default=dict, blank=True)
    message = text_field(bounds.COMMENT, blank=True, help_text=_("Public: the customers read it."))

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["notice", "at"])]

    def __str__(self):
        return f"{self.notice.reference} · {self.get_event_display()}"

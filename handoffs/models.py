"""Reassignment handoffs: when a sales executive or service manager is replaced, a checklist per
account (built from a template held as data), the transfer of open work, an introduction
meeting, and the switch of the assignment on the effective date.

Handoffs are internal to the carrier: customers never see them (only the "your team is
changing" notice on their team page, which names the new person and the date).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accountteam import bounds
from accountteam.bounds import text_field, validate_date
from accountteam.uploads import validate_upload
from teams.models import Account, Assignment, Person, Role
from teams.scoping import staff_person


class Owner(models.TextChoices):
    OUTGOING = "outgoing", _("Outgoing person")
    INCOMING = "incoming", _("Incoming person")


class Step(models.TextChoices):
    """Items ticked by an action of their own rather than by hand."""

    MANUAL = "", _("Ticked by hand")
    TRANSFER = "transfer", _("Done by transferring the open work")
    INTRODUCTION = "introduction", _("Done by scheduling the introduction meeting")


class ChecklistTemplateItem(models.Model):
    """One line of the handoff checklist every account gets (seeded from the carrier's guide)."""

    code = models.SlugField(max_length=50, unique=True)
    title = models.CharField(max_length=200)
    description = text_field(bounds.DESCRIPTION, blank=True)
    owner = models.CharField(max_length=10, choices=Owner.choices, default=Owner.OUTGOING)
    step = models.CharField(max_length=20, choices=Step.choices, blank=True, default=Step.MANUAL)
    sort_order = models.PositiveSmallIntegerField(default=100)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.title


class HandoffQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Carrier staff only: admins see all; others the handoffs they give, receive or started,
        and directors those of the people reporting to them (two levels down)."""
        person = staff_person(user)
        if person is None:
            return self.none()
        if person.is_carrier_admin:
            return self
        return self.filter(
            Q(outgoing=person)
            | Q(incoming=person)
            | Q(started_by=user)
            | Q(outgoing__reports_to=person)
            | Q(outgoing__reports_to__reports_to=person)
        )

    def open(self):
        return self.filter(status=Handoff.Status.OPEN)


class Handoff(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("In progress")
        COMPLETED = "completed", _("Completed")
        # Translators: a handoff's status (Portuguese: "transferência", feminine).
        CANCELLED = "cancelled", pgettext_lazy("handoff status", "Cancelled")

    class Scope(models.TextChoices):
        ACCOUNTS = "accounts", _("Chosen accounts")
        ALL = "all", _("All accounts held in the role")

    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="+")
    outgoing = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="handoffs_given")
    incoming = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="handoffs_received")
    director = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text=_("Who is told when the handoff is late (the outgoing person's director)."),
    )
    effective_date = models.DateField(
        validators=[validate_date], help_text=_("The incoming person's first day in the role.")
    )
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.ACCOUNTS)
    note = text_field(bounds.NOTE, blank=True, help_text=_("Internal: never shown to customers."))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    started_at = models.DateTimeField(default=timezone.now, validators=[validate_date])
    transferred_at = models.DateTimeField(null=True, blank=True, validators=[validate_date])
    confirmed_at = models.DateTimeField(null=True, blank=True, validators=[validate_date])
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True, validators=[validate_date])
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancel_reason = models.CharField(max_length=300, blank=True)

    objects = HandoffQuerySet.as_manager()

    class Meta:
        ordering = ["effective_date", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(outgoing=models.F("incoming")), name="handoff_two_people"),
        ]
        indexes = [models.Index(fields=["status", "effective_date"])]

    def __str__(self):
        return gettext("Handoff #%(number)s: %(role)s %(outgoing)s → %(incoming)s") % {
            "number": self.pk, "role": self.role, "outgoing": self.outgoing, "incoming": self.incoming,
        }

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def owner_person(self, owner: str) -> Person:
        return self.outgoing if owner == Owner.OUTGOING else self.incoming


class HandoffAccount(models.Model):
    """One account in a handoff, with the assignment that ends and the one that starts."""

    handoff = models.ForeignKey(Handoff, on_delete=models.CASCADE, related_name="accounts")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="handoffs")
    ending = models.ForeignKey(Assignment, on_delete=models.SET_NULL, null=True, related_name="+")
    starting = models.ForeignKey(Assignment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["account__number"]
        constraints = [models.UniqueConstraint(fields=["handoff", "account"], name="handoff_account_once")]

    def __str__(self):
        return f"{self.handoff} · {self.account.number}"


class ChecklistItem(models.Model):
    handoff_account = models.ForeignKey(HandoffAccount, on_delete=models.CASCADE, related_name="items")
    template = models.ForeignKey(ChecklistTemplateItem, on_delete=models.SET_NULL, null=True, related_name="+")
    title = models.CharField(max_length=200)
    description = text_field(bounds.DESCRIPTION, blank=True)
    owner = models.CharField(max_length=10, choices=Owner.choices)
    step = models.CharField(max_length=20, choices=Step.choices, blank=True, default=Step.MANUAL)
    sort_order = models.PositiveSmallIntegerField(default=100)
    done_at = models.DateTimeField(null=True, blank=True, validators=[validate_date])
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    note = text_field(bounds.NOTE, blank=True)
    link = models.URLField(blank=True)
    file = models.FileField(upload_to="handoffs/evidence/%Y/%m/", blank=True, validators=[validate_upload])
    meeting = models.ForeignKey(
        "dossiers.Meeting", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["handoff_account", "sort_order", "pk"]
        indexes = [models.Index(fields=["handoff_account", "done_at"])]

    def __str__(self):
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class HandoffEvent(models.Model):
    """The handoff's own log (internal)."""

    handoff = models.ForeignKey(Handoff, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now, validators=[validate_date])
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    text = models.CharField(max_length=500)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return self.text

"""The account dossier: everything a new sales executive or service manager must know about an
account, and the history of every change to it.

Who sees what is decided here, by ``visible_to(user)``: carrier staff see the dossiers of the
accounts they see; a customer's users with the view-team right see their own company's, without
the files marked internal.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accountteam import bounds
from accountteam.bounds import text_field, validate_date
from accountteam.uploads import validate_upload
from teams.models import Account, Person
from teams.scoping import staff_person, team_visible_account_ids

from . import rules


class DossierQuerySet(models.QuerySet):
    """Rows that belong to an account through an ``account`` foreign key."""

    def visible_to(self, user):
        if not getattr(user, "is_authenticated", False):
            return self.none()
        account_ids = team_visible_account_ids(user)
        rows = self if account_ids is None else self.filter(account_id__in=account_ids)
        if staff_person(user) is None and hasattr(self.model, "internal"):
            rows = rows.filter(internal=False)
        return rows


class AccountProfile(models.Model):
    """The free-text parts of the dossier: objectives and the network summary."""

    account = models.OneToOneField(Account, on_delete=models.CASCADE, related_name="profile")
    sales_objectives = text_field(bounds.DESCRIPTION, blank=True)
    service_objectives = text_field(bounds.DESCRIPTION, blank=True)
    network_summary = text_field(bounds.DESCRIPTION, blank=True, help_text=_("The network in plain words."))
    switches = text_field(bounds.DESCRIPTION, blank=True, help_text=_("One switch per line (CLLI, type, location)."))
    points_of_interconnection = text_field(bounds.DESCRIPTION, blank=True, help_text=_("One POI per line."))
    key_locations = text_field(bounds.DESCRIPTION, blank=True, help_text=_("One location per line."))
    updated_at = models.DateTimeField(default=timezone.now, validators=[validate_date])

    objects = DossierQuerySet.as_manager()

    def __str__(self):
        return gettext("Profile of %(number)s") % {"number": self.account.number}


class Contact(models.Model):
    """A person at the customer the account team deals with."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=200, blank=True, help_text=_("Their role at the customer."))
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    cell = models.CharField(max_length=40, blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)
    created_at = models.DateTimeField(default=timezone.now, validators=[validate_date])

    objects = DossierQuerySet.as_manager()

    class Meta:
        ordering = ["-is_primary", "name"]

    def __str__(self):
        return self.name


class Amendment(models.Model):
    """The Interconnection Agreement and each of its amendments."""

    class Kind(models.TextChoices):
        AGREEMENT = "agreement", _("Interconnection Agreement")
        AMENDMENT = "amendment", _("Amendment")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        IN_NEGOTIATION = "in_negotiation", _("In negotiation")
        SIGNED = "signed", _("Signed")

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="amendments")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.AMENDMENT)
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    requested_on = models.DateField(null=True, blank=True, validators=[validate_date])
    signed_on = models.DateField(null=True, blank=True, validators=[validate_date])
    effective_on = models.DateField(null=True, blank=True, validators=[validate_date])
    expires_on = models.DateField(null=True, blank=True, validators=[validate_date])
    document = models.FileField(upload_to="dossiers/amendments/%Y/%m/", blank=True, validators=[validate_upload])
    created_at = models.DateTimeField(default=timezone.now, validators=[validate_date])

    objects = DossierQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "-effective_on", "title"]

    def __str__(self):
        return self.title

    @property
    def is_pending(self) -> bool:
        return self.status != self.Status.SIGNED

    def clean(self):
        errors = {}
        if self.expires_on and self.effective_on and self.expires_on < self.effective_on:
            errors["expires_on"] = gettext("The expiry date cannot be before the effective date.")
        if self.signed_on and self.status != self.Status.SIGNED:
            errors["signed_on"] = gettext("Only a signed agreement has a signing date; set the status to Signed.")
        if errors:
            raise ValidationError(errors)


class Meeting(models.Model):
    """A meeting in the account's schedule, one-off or recurring."""

    class Kind(models.TextChoices):
        SERVICE_REVIEW = "service_review", _("Service review")
        EXECUTIVE_REVIEW = "executive_review", _("Executive review")
        INFRASTRUCTURE_REVIEW = "infrastructure_review", _("Quarterly infrastructure review")
        INTRODUCTION = "introduction", _("Introduction")
        OTHER = "other", _("Other")

    class Recurrence(models.TextChoices):
        NONE = "", _("One-off")
        WEEKLY = "WEEKLY", _("Weekly")
        MONTHLY = "MONTHLY", _("Monthly")
        QUARTERLY = "QUARTERLY", _("Quarterly")
        YEARLY = "YEARLY", _("Yearly")

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.SERVICE_REVIEW)
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField(validators=[validate_date])
    duration_minutes = models.PositiveIntegerField(
        default=60, validators=[MaxValueValidator(bounds.MAX_MEETING_MINUTES)]
    )
    location = models.CharField(max_length=300, blank=True, help_text=_("Room, address or dial-in."))
    recurrence = models.CharField(max_length=10, choices=Recurrence.choices, blank=True, default="")
    repeat_until = models.DateField(null=True, blank=True, validators=[validate_date])
    people = models.ManyToManyField(Person, blank=True, related_name="meetings", verbose_name=_("carrier attendees"))
    contacts = models.ManyToManyField(
        Contact, blank=True, related_name="meetings", verbose_name=_("customer attendees")
    )
    notes = text_field(bounds.NOTE, blank=True)
    # Invited besides the attendees: customer users (a requested call or meeting's raiser), by e-mail.
    guests = models.JSONField(default=list, blank=True, editable=False)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, help_text=_("iCalendar revision number."))
    # An emailed invitation (a handoff's introduction): due until sent, so a lost task is caught up.
    invitation_due = models.BooleanField(default=False, editable=False)
    invitation_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, validators=[validate_date])

    objects = DossierQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["account", "starts_at"])]

    def __str__(self):
        return self.title

    @property
    def ends_at(self):
        """The start plus the duration; for a row stored past the bounds (written around the
        validation), the last instant Python can hold rather than an OverflowError."""
        try:
            return self.starts_at + dt.timedelta(minutes=self.duration_minutes)
        except OverflowError:
            return dt.datetime.max.replace(tzinfo=dt.UTC)

    def clean(self):
        errors = {}
        if not self.duration_minutes:
            errors["duration_minutes"] = gettext("A meeting lasts at least one minute.")
        if self.repeat_until and not self.recurrence:
            errors["repeat_until"] = gettext(
                "Only a recurring meeting repeats until a date; choose how often it repeats."
            )
        elif (
            self.repeat_until and self.starts_at and bounds.within(self.starts_at)
            and self.repeat_until < timezone.localdate(self.starts_at)
        ):
            errors["repeat_until"] = gettext("The series cannot end before its first meeting.")
        if errors:
            raise ValidationError(errors)


class Proposal(models.Model):
    """An open (or closed) sales proposal to the customer."""

    class Stage(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PRESENTED = "presented", _("Presented")
        NEGOTIATING = "negotiating", _("Negotiating")
        WON = "won", _("Won")
        LOST = "lost", _("Lost")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    OPEN_STAGES = (Stage.DRAFT, Stage.PRESENTED, Stage.NEGOTIATING)

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="proposals")
    title = models.CharField(max_length=200)
    value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True, help_text=_("Value in USD."))
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.DRAFT)
    owner = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="proposals")
    background = text_field(bounds.DESCRIPTION, blank=True)
    parties = models.CharField(max_length=300, blank=True, help_text=_("Who is involved on both sides."))
    commitments = text_field(bounds.DESCRIPTION, blank=True)
    next_step = models.CharField(max_length=300, blank=True)
    due_date = models.DateField(null=True, blank=True, validators=[validate_date])
    created_at = models.DateTimeField(default=timezone.now, validators=[validate_date])

    objects = DossierQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "title"]
        indexes = [models.Index(fields=["owner", "stage"])]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.stage in self.OPEN_STAGES


class DossierFile(models.Model):
    """A document or email kept with the account, with who added it."""

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("Document")
        EMAIL = "email", _("Email")

    class Section(models.TextChoices):
        GENERAL = "general", _("General")
        NETWORK = "network", _("Network")
        AGREEMENT = "agreement", _("Agreement")

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="dossier_files")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.DOCUMENT)
    section = models.CharField(max_length=20, choices=Section.choices, default=Section.GENERAL)
    file = models.FileField(upload_to="dossiers/files/%Y/%m/", validators=[validate_upload])
    internal = models.BooleanField(default=False, help_text=_("Carrier staff only."))
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    added_at = models.DateTimeField(default=timezone.now, validators=[validate_date])

    objects = DossierQuerySet.as_manager()

    class Meta:
        ordering = ["-added_at"]

    def __str__(self):
        return self.title


class Change(models.Model):
    """One change to a dossier: who, when, and what changed (field → [before, after])."""

    class Action(models.TextChoices):
        # Translators: what a change to the dossier did (the back office's column, a filter).
        CREATED = "created", pgettext_lazy("dossier change", "Added")
        UPDATED = "updated", pgettext_lazy("dossier change", "Changed")
        DELETED = "deleted", pgettext_lazy("dossier change", "Removed")

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="dossier_changes")
    part = models.CharField(max_length=30)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    label = models.CharField(max_length=200)
    action = models.CharField(max_length=10, choices=Action.choices)
    changes = models.JSONField(default=dict, blank=True)
    note = models.CharField(max_length=300, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now, validators=[validate_date])
    # A change to a file marked internal (before or after) is itself internal: the customer's
    # history must not reveal the title of a file they cannot see.
    internal = models.BooleanField(default=False)

    objects = DossierQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["account", "-at"])]

    def __str__(self):
        values = {"part": rules.part_label(self.part).lower(), "label": self.label}
        # Translators: %(part)s is the lower-case name of a part of the dossier ("contact",
        # "meeting"), %(label)s the name of the row that changed.
        if self.action == self.Action.CREATED:
            return gettext("Added %(part)s “%(label)s”") % values
        if self.action == self.Action.UPDATED:
            return gettext("Changed %(part)s “%(label)s”") % values
        if self.action == self.Action.DELETED:
            return gettext("Removed %(part)s “%(label)s”") % values
        return f"{self.get_action_display()} {values['part']} “{self.label}”"

    @property
    def part_label(self) -> str:
        return rules.part_label(self.part)


class CalendarFeed(models.Model):
    """A secret per-user address for subscribing to the meetings a user may see."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now, validators=[validate_date])

    def __str__(self):
        return gettext("Calendar feed of %(user)s") % {"user": self.user}

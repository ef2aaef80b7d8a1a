"""The service package and its hours: the Client Service Partner's activities (a catalogue held
as data), each customer company's package (hours per month, the activities it covers) and the time
carrier staff log against it.

Customers read their package and how many hours they used, by activity; the time entries
themselves, and their notes, are internal to the carrier.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accountteam import bounds
from accountteam.bounds import text_field, validate_date
from accountteam.clock import carrier_today
from dossiers.models import Meeting
from escalations.models import Escalation
from postmortems.models import PostMortem
from teams.models import Company, Membership, Person
from teams.scoping import staff_person

from . import rules


class Activity(models.Model):
    """One task of the Client Service Partner (seeded from the carrier's list, in its groups)."""

    class Group(models.TextChoices):
        RELATIONSHIP = "relationship", _("Customer Relationship Management")
        INCIDENT = "incident", _("Incident / Problem Management")
        CONFIGURATION = "configuration", _("Configuration Management")
        SERVICE_LEVEL = "service_level", _("Service Level Management")
        FINANCE = "finance", _("Finance")

    code = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=200)
    group = models.CharField(max_length=20, choices=Group.choices)
    sort_order = models.PositiveSmallIntegerField(default=100)
    is_active = models.BooleanField(default=True, help_text=_("Inactive: kept for the time logged, offered no more."))

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name_plural = _("activities")

    def __str__(self):
        return self.name


def usage_companies(user):
    """The companies whose package and usage ``user`` may read: staff those they serve (carrier
    admins every one), a customer's user administrators their own companies."""
    if not getattr(user, "is_authenticated", False):
        return Company.objects.none()
    if staff_person(user) is not None:
        return Company.objects.visible_to(user)
    managed = Membership.objects.filter(user=user, can_manage_users=True, all_accounts=True).values("company_id")
    return Company.objects.filter(pk__in=managed)


class ServicePackageQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff: the packages of the companies they serve (carrier admins all); customers: their
        companies' packages, for the user administrators only."""
        return self.filter(company__in=usage_companies(user))

    def running_on(self, day):
        return self.filter(Q(end_date__isnull=True) | Q(end_date__gte=day), start_date__lte=day)

    def overlapping(self, first, last):
        """Packages running on any day from ``first`` to ``last``."""
        return self.filter(Q(end_date__isnull=True) | Q(end_date__gte=first), start_date__lte=last)


class ServicePackage(models.Model):
    """What a customer company bought: hours per month for the activities it covers. A company has
    one package at a time; a new one starts after the current one's end date (history kept)."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="service_packages")
    name = models.CharField(max_length=100)
    hours_per_month = models.DecimalField(
        max_digits=5, decimal_places=2,
        validators=[MinValueValidator(rules.QUARTER), MaxValueValidator(rules.MAX_PACKAGE_HOURS)],
        help_text=_("In quarter hours, at most 744 (the hours of a 31-day month)."),
    )
    activities = models.ManyToManyField(Activity, related_name="packages")
    start_date = models.DateField(default=carrier_today, validators=[validate_date])
    end_date = models.DateField(
        null=True, blank=True, validators=[validate_date], help_text=_("Its last day; empty: it runs on.")
    )
    created_at = models.DateTimeField(default=timezone.now, validators=[validate_date])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ServicePackageQuerySet.as_manager()

    class Meta:
        ordering = ["company__name", "-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="service_package_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(hours_per_month__gt=0) & Q(hours_per_month__lte=rules.MAX_PACKAGE_HOURS),
                name="service_package_hours_bounded",
            ),
        ]
        indexes = [models.Index(fields=["company", "start_date"])]

    def __str__(self):
        return f"{self.company} · {self.name}"


class TimeEntryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Carrier staff only (the notes are internal): carrier admins see every entry, others the
        entries on the companies they serve and their own."""
        person = staff_person(user)
        if person is None:
            return self.none()
        if person.is_carrier_admin:
            return self
        return self.filter(Q(person=person) | Q(company__in=Company.objects.visible_to(user)))


class TimeEntry(models.Model):
    """Time a staff member spent on one activity for one company on one day."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="time_entries")
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="time_entries")
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="time_entries")
    date = models.DateField(validators=[validate_date])
    hours = models.DecimalField(
        max_digits=4, decimal_places=2,
        validators=[MinValueValidator(rules.QUARTER), MaxValueValidator(rules.MAX_ENTRY_HOURS)],
    )
    note = text_field(bounds.NOTE, blank=True, help_text=_("Internal: never shown to customers."))
    # What the time was spent on, when it was one item (of the same company).
    escalation = models.ForeignKey(Escalation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    meeting = models.ForeignKey(Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    postmortem = models.ForeignKey(PostMortem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, validators=[validate_date])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now, validators=[validate_date])

    objects = TimeEntryQuerySet.as_manager()

    class Meta:
        ordering = ["date", "pk"]
        verbose_name_plural = _("time entries")
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=rules.MAX_ENTRY_HOURS), name="time_entry_hours_bounded"
            ),
            models.CheckConstraint(
                condition=(
                    Q(escalation__isnull=True, meeting__isnull=True)
                    | Q(escalation__isnull=True, postmortem__isnull=True)
                    | Q(meeting__isnull=True, postmortem__isnull=True)
                ),
                name="time_entry_one_link_at_most",
            ),
        ]
        indexes = [
            models.Index(fields=["company", "date"]),  # the month's usage
            models.Index(fields=["person", "date"]),  # the time sheet
        ]

    def __str__(self):
        return f"{self.date} · {self.company} · {self.activity} · {self.hours} h"

    @property
    def link(self):
        """The escalation, meeting or post-mortem the time was spent on (None: none)."""
        return self.escalation or self.meeting or self.postmortem


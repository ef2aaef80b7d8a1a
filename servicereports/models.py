"""Service credits (the carrier's compensation for an item or a missed guideline) and the
service reports published to a customer for a period."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accountteam import bounds
from accountteam.bounds import text_field, validate_date
from escalations.models import Escalation
from teams.models import Company, Membership
from teams.scoping import staff_person

CURRENCIES = [("USD", "USD"), ("ARS", "ARS"), ("BRL", "BRL"), ("MXN", "MXN"), ("CLP", "CLP"), ("EUR", "EUR")]


class CompanyScopedQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff: the companies they serve (carrier admins all); customers: the companies whose
        every account their membership covers (a report and its credits are the whole company's)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if staff_person(user) is None:
            return self.filter(company__in=Membership.objects.filter(user=user, all_accounts=True).values("company_id"))
        return self.filter(company__in=Company.objects.visible_to(user))


class ServiceCredit(models.Model):
    """A credit to a customer: requested by staff, approved by a director (or a carrier admin),
    applied to the bill. Listed on the period's service report."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        APPLIED = "applied", _("Applied")

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="service_credits")
    escalation = models.ForeignKey(Escalation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    amount = models.DecimalField(
        max_digits=12, decimal_places=2, validators=[MinValueValidator(0.01), MaxValueValidator(10_000_000)]
    )
    currency = models.CharField(max_length=3, choices=CURRENCIES, default="USD")
    reason = text_field(bounds.COMMENT)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now, validators=[validate_date])
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    objects = CompanyScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="credit_amount_positive")]

    def __str__(self):
        return f"{self.company} {self.amount} {self.currency}"


class PublishedReport(models.Model):
    """A period's report, published to the customer (their users read it from then on)."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="published_reports")
    first = models.DateField(validators=[validate_date])
    last = models.DateField(validators=[validate_date])
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    published_at = models.DateTimeField(default=timezone.now)
    note = text_field(bounds.COMMENT, blank=True)

    objects = CompanyScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-last", "-pk"]
        constraints = [models.UniqueConstraint(fields=["company", "first", "last"], name="report_once_per_period")]

    def __str__(self):
        return f"{self.company}: {self.first} – {self.last}"


def is_staff(user) -> bool:
    return staff_person(user) is not None

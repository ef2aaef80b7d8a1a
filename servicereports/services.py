"""Writes: service credits (requested by staff, approved by a director or a carrier admin,
applied to the bill) and publishing a period's report to the customer."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accountteam import bounds, notifications
from accountteam.errors import StateConflict
from accountteam.notifications import Notice
from escalations.models import Escalation
from teams.models import Company, Membership, Person
from teams.scoping import staff_person

from .models import CURRENCIES, PublishedReport, ServiceCredit
from .rules import Period, period_query


def _require_staff(user) -> Person:
    person = staff_person(user)
    if person is None:
        raise PermissionDenied(_("Only the carrier's staff can do this."))
    return person


def _require_serving(user, company: Company) -> Person:
    person = _require_staff(user)
    if not Company.objects.visible_to(user).filter(pk=company.pk).exists():
        raise PermissionDenied(_("This company is not one you serve."))
    return person


@transaction.atomic
def credit_request(*, actor, company: Company, amount, currency: str, reason: str,
                   escalation: Escalation | None = None, now: dt.datetime | None = None) -> ServiceCredit:
    """Staff request a credit for the company, against one of its items or a missed guideline."""
    _require_serving(actor, company)
    errors = {}
    try:
        value = Decimal(str(amount)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        value = None
    if value is None or not Decimal("0.01") <= value <= Decimal("10000000"):
        errors["amount"] = _("Give an amount between 0.01 and 10,000,000.")
    if currency not in dict(CURRENCIES):
        errors["currency"] = _("Choose one of the currencies.")
    if not (reason or "").strip():
        errors["reason"] = _("Say what the credit is for.")
    if escalation is not None and escalation.company_id != company.pk:
        errors["escalation"] = _("That item is not one of this company's.")
    errors |= bounds.text_errors(bounds.COMMENT, reason=reason or "")
    if errors:
        raise ValidationError(errors)
    return ServiceCredit.objects.create(
        company=company, escalation=escalation, amount=value, currency=currency, reason=reason.strip(),
        requested_by=actor, requested_at=now or timezone.now(),
    )


def _locked(credit: ServiceCredit) -> ServiceCredit:
    return ServiceCredit.objects.select_for_update().get(pk=credit.pk)


@transaction.atomic
def credit_approve(*, actor, credit: ServiceCredit, now: dt.datetime | None = None) -> ServiceCredit:
    """A director (someone with reports) or a carrier admin approves a requested credit."""
    person = _require_serving(actor, credit.company)
    if not (person.is_carrier_admin or Person.objects.filter(reports_to=person, is_active=True).exists()):
        raise PermissionDenied(_("A director or a carrier admin approves credits."))
    credit = _locked(credit)
    if credit.status != ServiceCredit.Status.REQUESTED:
        raise StateConflict(_("Only a requested credit can be approved."))
    credit.status, credit.approved_by, credit.approved_at = ServiceCredit.Status.APPROVED, actor, now or timezone.now()
    credit.save(update_fields=["status", "approved_by", "approved_at"])
    return credit


@transaction.atomic
def credit_apply(*, actor, credit: ServiceCredit, now: dt.datetime | None = None) -> ServiceCredit:
    """Staff record that an approved credit is applied to the bill."""
    _require_serving(actor, credit.company)
    credit = _locked(credit)
    if credit.status != ServiceCredit.Status.APPROVED:
        raise StateConflict(_("Only an approved credit can be applied."))
    credit.status, credit.applied_at = ServiceCredit.Status.APPLIED, now or timezone.now()
    credit.save(update_fields=["status", "applied_at"])
    return credit


@transaction.atomic
def report_publish(*, actor, company: Company, period: Period, note: str = "",
                   now: dt.datetime | None = None) -> PublishedReport:
    """Publish the period's report to the customer: their users read it from now on, and the
    company's administrators are told (bell and e-mail, in their language)."""
    _require_serving(actor, company)
    bounds.ensure(bounds.text_errors(bounds.COMMENT, note=note or ""))
    now = now or timezone.now()
    report, created = PublishedReport.objects.get_or_create(
        company=company, first=period.first, last=period.last,
        defaults={"published_by": actor, "published_at": now, "note": (note or "").strip()},
    )
    if not created:
        raise StateConflict(_("This period's report is already published."))
    url = reverse("service_report", args=[company.pk]) + "?" + "&".join(f"{k}={v}" for k, v in
                                                                      period_query(period).items())
    admins = Membership.objects.filter(
        company=company, can_manage_users=True, all_accounts=True, user__is_active=True
    ).select_related("user")
    notifications.record([
        Notice.to_user(
            m.user, key=f"service-report:{report.pk}:u{m.user_id}", kind="service_report",
            subject=lambda: _("Your service report: %(period)s") % {"period": period.label},
            body=lambda zone: _("The service report of %(company)s for %(period)s is ready to read.") % {
                "company": company.name, "period": period.label} + (f"\n\n{note.strip()}" if note.strip() else ""),
            url=url,
        )
        for m in admins
    ])
    return report

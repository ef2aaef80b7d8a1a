"""Regular reviews and touch points: each customer company's review plan (what is reviewed, how
often, owned by which role), the occurrences of each plan item on its owner's calendar, and the
action items a held review's minutes leave behind.

Customers read their company's plan and its held reviews (agenda, minutes and action items are
shared with them); carrier staff who serve the company read everything; the owner's director or a
carrier admin sets the plan.
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
from teams.models import Company, Person, Role
from teams.scoping import staff_person


class Kind(models.TextChoices):
    TOUCH_POINT = "touch_point", _("Proactive touch-point call")
    SERVICE_REVIEW = "service_review", _("Service review")
    INFRASTRUCTURE_REVIEW = "infrastructure_review", _("Infrastructure-monitoring review")
    EXECUTIVE_REVIEW = "executive_review", _("Executive review")


class Cadence(models.IntegerChoices):
    MONTHLY = 1, _("Monthly")
    QUARTERLY = 3, _("Quarterly")
    HALF_YEARLY = 6, _("Every six months")
    YEARLY = 12, _("Yearly")


class PlanItemQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff: the plans of the companies they serve (a director's reach, an admin all);
        customers: their own companies' plans."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(company__in=Company.objects.visible_to(user))


class PlanItem(models.Model):
    """One line of a company's review plan."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="review_plan")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    cadence_months = models.PositiveSmallIntegerField(choices=Cadence.choices, default=Cadence.QUARTERLY)
    owner_role = models.ForeignKey(
        Role, on_delete=models.PROTECT, related_name="+",
        help_text=_("The owner is whoever holds this role on the company's first active account holding it."),
    )
    first_due_on = models.DateField(validators=[validate_date])
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, validators=[validate_date])
    updated_at = models.DateTimeField(default=timezone.now, validators=[validate_date])

    objects = PlanItemQuerySet.as_manager()

    class Meta:
        ordering = ["company", "cadence_months", "kind"]
        constraints = [models.UniqueConstraint(fields=["company", "kind"], name="touchpoints_plan_kind_once")]

    def __str__(self):
        return f"{self.company}: {self.get_kind_display()}"


class OccurrenceQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff: every occurrence of the plans they may see; customers: held reviews only."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        rows = self.filter(plan_item__company__in=Company.objects.visible_to(user))
        if staff_person(user) is None:
            rows = rows.filter(status=Occurrence.Status.HELD)
        return rows

    def open(self):
        return self.filter(status=Occurrence.Status.OPEN)


class Occurrence(models.Model):
    """One round of a plan item: due on its owner's calendar, then held as a dossier meeting."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("review occurrence status", "Due")
        HELD = "held", pgettext_lazy("review occurrence status", "Held")
        CANCELLED = "cancelled", pgettext_lazy("review occurrence status", "Cancelled")

    plan_item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="occurrences")
    due_on = models.DateField(validators=[validate_date])
    # Resolved from the plan item's role (kept current by the hourly beat while open).
    owner = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # The close of business of the due date on the owner's calendar: overdue after it.
    due_at = models.DateTimeField(null=True, blank=True, validators=[validate_date])
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    meeting = models.ForeignKey(
        "dossiers.Meeting", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    agenda = text_field(bounds.NOTE, blank=True)
    minutes = text_field(bounds.NOTE, blank=True)
    held_at = models.DateTimeField(null=True, blank=True, validators=[validate_date])
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, validators=[validate_date])

    objects = OccurrenceQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan_item", "due_on"], name="touchpoints_occurrence_date_once"),
            models.UniqueConstraint(
                fields=["plan_item"], condition=Q(status="open"), name="touchpoints_one_open_occurrence"
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "status", "due_at"]),
            models.Index(fields=["status", "due_at"]),
        ]

    def __str__(self):
        return f"{self.plan_item} · {self.due_on}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def is_overdue(self, now=None) -> bool:
        return self.is_open and self.due_at is not None and self.due_at < (now or timezone.now())


class ActionItemQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(occurrence__in=Occurrence.objects.visible_to(user))

    def open(self):
        return self.filter(state=ActionItem.State.OPEN)


class ActionItem(models.Model):
    """What a held review's minutes commit someone to, tracked to done."""

    class State(models.TextChoices):
        OPEN = "open", pgettext_lazy("review action item state", "Open")
        DONE = "done", pgettext_lazy("review action item state", "Done")

    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="action_items")
    description = text_field(bounds.NOTE)
    owner = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="review_action_items")
    due_on = models.DateField(validators=[validate_date])
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    done_at = models.DateTimeField(null=True, blank=True, validators=[validate_date])
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    done_note = models.CharField(max_length=bounds.LINE, blank=True)
    created_at = models.DateTimeField(default=timezone.now, validators=[validate_date])

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["owner", "state", "due_on"]), models.Index(fields=["state", "due_on"])]

    def __str__(self):
        return self.description[:80]

    @property
    def is_done(self) -> bool:
        return self.state == self.State.DONE

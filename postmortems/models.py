"""Post-mortems: a customer's request for a root-cause analysis of an unusual repair event, the
manager's workspace (logged notes, analysis sections, preventive actions), and the published,
immutable versions the customer reads and downloads.

The deadlines are not kept here: every post-mortem is tracked by an escalation item
(category "post-mortem") so the escalation deadline engine, the sweep's reminders and overdue
notices, the queue and the director's review apply to it unchanged.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accountteam import bounds
from accountteam.bounds import text_field, validate_date
from escalations.models import Escalation
from teams.models import Account, Company, Person
from teams.scoping import member_account_ids, staff_person, visible_account_ids


class Complexity(models.TextChoices):
    # Translators: a post-mortem's complexity.
    LOW = "low", pgettext_lazy("complexity", "Low")
    MEDIUM = "medium", pgettext_lazy("complexity", "Medium")
    HIGH = "high", pgettext_lazy("complexity", "High")


class Status(models.TextChoices):
    # Translators: a post-mortem's status (also said in lower case within a sentence).
    REQUESTED = "requested", pgettext_lazy("post-mortem status", "Requested")
    ACCEPTED = "accepted", pgettext_lazy("post-mortem status", "Accepted")
    DECLINED = "declined", pgettext_lazy("post-mortem status", "Declined")
    IN_PREPARATION = "in_preparation", pgettext_lazy("post-mortem status", "In preparation")
    IN_REVIEW = "in_review", pgettext_lazy("post-mortem status", "In review")
    PUBLISHED = "published", pgettext_lazy("post-mortem status", "Published")


class Source(models.TextChoices):
    # Translators: who reported a note of a repair event.
    REPAIR_CENTRE = "repair_centre", _("Repair centre")
    NOC = "noc", _("Network operations centre")
    FIELD = "field", pgettext_lazy("note source: field technicians", "Field")
    CUSTOMER = "customer", _("Customer")


class ComplexityPolicy(models.Model):
    """How many business days (on the manager's calendar) an analysis of each complexity takes."""

    complexity = models.CharField(max_length=10, choices=Complexity.choices, unique=True)
    business_days = models.PositiveSmallIntegerField()
    description = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["business_days"]
        verbose_name_plural = _("complexity policies")

    def __str__(self):
        return ngettext(
            "%(complexity)s: %(days)s business day", "%(complexity)s: %(days)s business days", self.business_days
        ) % {"complexity": self.get_complexity_display(), "days": self.business_days}


class PostMortemQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff: post-mortems of the accounts they see, assigned to them (or their reports), or
        holding a preventive action they own (its owner marks it done from the page the reminder
        links to). Customers: their companies' (the request right, or the view-team right)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        person = staff_person(user)
        if person is not None:
            account_ids = visible_account_ids(user)
            if account_ids is None:
                return self
            owned = PreventiveAction.objects.filter(owner=person).values("postmortem_id")
            return self.filter(
                Q(account_id__in=account_ids) | Q(manager=person) | Q(manager__reports_to=person) | Q(pk__in=owned)
            )
        return self.filter(
            Q(account_id__in=member_account_ids(user, "can_request_postmortem"))
            | Q(account_id__in=member_account_ids(user, "can_view_team"))
        )

    def open(self):
        return self.exclude(status__in=[Status.PUBLISHED, Status.DECLINED])


class PostMortem(models.Model):
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="postmortems")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="postmortems")
    tracking = models.OneToOneField(
        Escalation, on_delete=models.PROTECT, related_name="postmortem",
        help_text=_("The escalation item that carries the deadlines, reminders and timeline."),
    )
    manager = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="postmortems")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now, validators=[validate_date])

    # The event, as the customer describes it.
    ticket_number = models.CharField(_("trouble report / ticket number"), max_length=60)
    circuit_id = models.CharField(_("circuit or service identifier"), max_length=120)
    event_start = models.DateTimeField(validators=[validate_date])
    event_end = models.DateTimeField(validators=[validate_date])
    impact = text_field(bounds.DESCRIPTION, _("impact description"))
    questions = text_field(bounds.DESCRIPTION, _("questions to answer"), blank=True)
    below_threshold = models.BooleanField(
        default=False, help_text=_("Shorter than the eligibility threshold: the manager accepts or declines.")
    )

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REQUESTED)
    complexity = models.CharField(max_length=10, choices=Complexity.choices, blank=True)
    business_days = models.PositiveSmallIntegerField(null=True, blank=True, help_text=_("Frozen at acceptance."))
    due_on = models.DateField(null=True, blank=True, validators=[validate_date])
    accepted_at = models.DateTimeField(null=True, blank=True, validators=[validate_date])
    decline_reason = text_field(bounds.COMMENT, blank=True)

    # The working draft of the analysis (published copies live in Version).
    summary = text_field(bounds.DESCRIPTION, _("event summary"), blank=True)
    root_cause = text_field(bounds.DESCRIPTION, blank=True)
    restoration = text_field(bounds.DESCRIPTION, _("how service was restored"), blank=True)
    recommendations = text_field(bounds.DESCRIPTION, _("recommendations to the customer"), blank=True)
    review_comment = text_field(bounds.COMMENT, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PostMortemQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at"]
        indexes = [
            models.Index(fields=["company", "-requested_at"]),
            models.Index(fields=["manager", "status"]),
            models.Index(fields=["status", "due_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(event_end__gt=models.F("event_start")), name="pm_event_ends_after_start"
            ),
        ]

    def __str__(self):
        return gettext("Post-mortem #%(number)s: %(ticket)s") % {"number": self.pk, "ticket": self.ticket_number}

    @property
    def duration(self):
        return self.event_end - self.event_start

    @property
    def is_open(self) -> bool:
        return self.status not in (Status.PUBLISHED, Status.DECLINED)


class Note(models.Model):
    """One logged note of the event: when it happened, who reported it, what happened."""

    postmortem = models.ForeignKey(PostMortem, on_delete=models.CASCADE, related_name="notes")
    at = models.DateTimeField(help_text=_("When it happened."), validators=[validate_date])
    source = models.CharField(max_length=20, choices=Source.choices)
    text = text_field(bounds.NOTE)
    internal = models.BooleanField(default=False, help_text=_("Kept out of the published timeline."))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, validators=[validate_date])

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_source_display()}"


class PreventiveAction(models.Model):
    """What was put in place so it does not happen again, tracked after publication."""

    class State(models.TextChoices):
        OPEN = "open", pgettext_lazy("preventive action state", "Open")
        DONE = "done", pgettext_lazy("preventive action state", "Done")

    postmortem = models.ForeignKey(PostMortem, on_delete=models.CASCADE, related_name="actions")
    description = text_field(bounds.NOTE)
    owner = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="preventive_actions")
    due_on = models.DateField(validators=[validate_date])
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    done_at = models.DateTimeField(null=True, blank=True, validators=[validate_date])
    done_note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, validators=[validate_date])

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["state", "due_on"])]

    def __str__(self):
        return self.description[:80]


class ImmutableError(Exception):
    pass


class VersionQuerySet(models.QuerySet):
    """Published versions are never changed or removed in bulk either."""

    def update(self, **kwargs):
        raise ImmutableError("A published version never changes; publish a correction instead.")

    def delete(self):
        raise ImmutableError("A published version is kept for good.")


class Version(models.Model):
    """A published analysis. Never changed once written: a correction publishes a new version."""

    postmortem = models.ForeignKey(PostMortem, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField()
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    correction_note = models.CharField(max_length=300, blank=True, help_text=_("What this version corrects."))
    summary = models.TextField()
    root_cause = models.TextField()
    restoration = models.TextField()
    recommendations = models.TextField()
    # The timeline (customer-facing notes) and preventive actions as they stood when published.
    timeline = models.JSONField(default=list)
    actions = models.JSONField(default=list)

    objects = VersionQuerySet.as_manager()

    class Meta:
        ordering = ["postmortem", "-number"]
        constraints = [models.UniqueConstraint(fields=["postmortem", "number"], name="pm_version_unique")]

    def __str__(self):
        return f"{self.postmortem} v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.pop("force_insert", False):
            raise ImmutableError("A published version never changes; publish a correction instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError("A published version is kept for good.")

"""Customer contacts and escalations, the response policies that give them deadlines, and
their timelines."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accountteam import bounds
from accountteam.bounds import text_field, validate_date
from teams.models import Account, Company, Person, Role
from teams.scoping import covered_people, member_account_ids, staff_person, visible_account_ids

from . import rules


class Channel(models.TextChoices):
    PAGER = "pager", _("Pager")
    VOICEMAIL = "voicemail", _("Voicemail")
    EMAIL = "email", _("Email or letter")
    CONFERENCE_CALL = "conference_call", _("Conference call")
    MEETING = "meeting", _("Meeting")


class Category(models.TextChoices):
    ORDER_ESCALATION = "order_escalation", _("Order escalation")
    EXPEDITE = "expedite", _("Expedite")
    DELAYED_ORDER = "delayed_order", _("Delayed or cancelled order")
    REPAIR = "repair", _("Maintenance and repair escalation")
    COMPLAINT = "complaint", _("Complaint")
    ICA_QUESTION = "ica_question", _("ICA question")
    CMP_ISSUE = "cmp_issue", _("CMP issue")
    BFR_SR = "bfr_sr", _("BFR / SR")
    PROJECT_COORDINATION = "project_coordination", _("Project coordination")
    BILLING = "billing", _("Billing")
    TESTING = "testing", _("Testing and performance reporting")
    OUTAGE = "outage", _("Outage information")
    POSTMORTEM = "postmortem", _("Post-mortem (RCA)")
    PRICING = "pricing", _("Pricing inquiry")
    SALES_PROPOSAL = "sales_proposal", _("Sales proposal")
    CONTRACT_COMPLIANCE = "contract_compliance", _("Contract compliance")
    EMPLOYEE_PERFORMANCE = "employee_performance", _("Poor performance by a carrier employee")
    OTHER = "other", _("Other")


class Topic(models.TextChoices):
    """Where the seeds split a category between the teams (``rules.TOPICS`` says which)."""

    NEW_ICA = "new_ica", _("A new Interconnection Agreement or an amendment")
    SIGNED_ICA = "signed_ica", _("A question on a signed Interconnection Agreement")
    NEW_OC_SYSTEM = "new_oc_system", _("Installing new OC systems (OC48, OC12, …)")
    GROOMING = "grooming", _("Grooming or moving existing circuits")


class Availability(models.TextChoices):
    IN_OFFICE = "in_office", _("In office")
    OUT_OF_OFFICE = "out_of_office", _("Out of office / no quick phone access")


# Raised through their own workflow (a post-mortem request), not the escalation form.
RAISED_ELSEWHERE = frozenset({Category.POSTMORTEM})
RAISABLE_CATEGORIES = [(v, label) for v, label in Category.choices if v not in RAISED_ELSEWHERE]


class Status(models.TextChoices):
    NEW = "new", _("New")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING_ON_CUSTOMER = "waiting_on_customer", _("Waiting on customer")
    RESOLVED = "resolved", _("Resolved")
    CANCELLED = "cancelled", _("Cancelled")


class ResponsePolicy(models.Model):
    """Channel × availability (× category) → target and due interval, in business time.

    Rows without a company are the carrier's guidelines; a company's rows override them
    (contracts can define other conditions).
    """

    class Mode(models.TextChoices):
        INTERVAL = "interval", _("Fixed interval")
        SCHEDULED = "scheduled", _("Scheduled as requested")
        MANAGER_SETS = "manager_sets", _("Target date set by the manager")

    class Unit(models.TextChoices):
        MINUTES = "minutes", _("business minutes")
        HOURS = "hours", _("business hours")
        DAYS = "days", _("business days")

    company = models.ForeignKey(
        Company,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="response_policies",
        help_text=_("Empty: the carrier's guideline for everyone. Set: this company's override."),
    )
    channel = models.CharField(
        max_length=20, choices=Channel.choices, blank=True, help_text=_("Empty: any channel.")
    )
    category = models.CharField(
        max_length=30, choices=Category.choices, blank=True, help_text=_("Empty: any category.")
    )
    availability = models.CharField(
        max_length=20, choices=Availability.choices, blank=True, help_text=_("Empty: either.")
    )
    mode = models.CharField(max_length=20, choices=Mode.choices, default=Mode.INTERVAL)
    target_value = models.PositiveIntegerField(null=True, blank=True)
    due_value = models.PositiveIntegerField(null=True, blank=True)
    unit = models.CharField(max_length=10, choices=Unit.choices, default=Unit.HOURS)
    warn_percent = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        default=75,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
        help_text=_(
            "Without a target: the assignee is warned at this share of the interval (business time). "
            "Empty: no warning."
        ),
    )
    description = models.CharField(max_length=300, help_text=_("The guideline in plain words for customers."))
    sort_order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["sort_order", "channel", "category", "availability"]
        verbose_name_plural = _("response policies")
        constraints = [
            models.UniqueConstraint(
                fields=["company", "channel", "category", "availability"],
                name="policy_unique_scope",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=~Q(mode="interval") | Q(due_value__isnull=False),
                name="policy_interval_has_due",
            ),
        ]

    def __str__(self):
        who = self.company.name if self.company_id else gettext("Carrier")
        # Labels, never codes: the back office and its history read this.
        channel = self.get_channel_display() if self.channel else gettext("any channel")
        category = self.get_category_display() if self.category else gettext("any category")
        availability = self.get_availability_display().lower() if self.availability else gettext("in office or not")
        return f"{who}: {channel}, {category}, {availability}"

    def interval(self) -> rules.Interval:
        return rules.Interval(
            mode=self.mode,
            target=self.target_value,
            due=self.due_value,
            unit=self.unit,
            policy_id=self.pk,
            warn_percent=self.warn_percent,
        )


class RoutingRule(models.Model):
    """Category (× sub-topic) → the roles that answer it, in order of preference: the first role
    held on the account takes the item. Rows without a company are the carrier's; a company's
    rows override them."""

    company = models.ForeignKey(
        Company,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="routing_rules",
        help_text=_("Empty: the carrier's rule for everyone. Set: this company's override."),
    )
    category = models.CharField(max_length=30, choices=Category.choices)
    topic = models.CharField(max_length=30, choices=Topic.choices, blank=True, help_text=_("Empty: any sub-topic."))
    roles = models.CharField(
        max_length=300,
        help_text=_(
            "Role codes separated by spaces, most preferred first (e.g. "
            "“billing-customer-care client-support-manager service-manager”)."
        ),
    )
    sort_order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["sort_order", "category", "topic"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "category", "topic"], name="routing_unique_scope", nulls_distinct=False
            ),
        ]

    def __str__(self):
        who = self.company.name if self.company_id else gettext("Carrier")
        topic = f" ({self.get_topic_display()})" if self.topic else ""
        # The roles in words without a query (an admin list shows many rules): "service manager,
        # then duty manager".
        # Translators: between two roles in order of preference: “service manager, then duty manager”.
        roles = gettext(", then ").join(code.replace("-", " ") for code in self.role_codes)
        return f"{who}: {self.get_category_display()}{topic} → {roles}"

    @property
    def role_codes(self) -> tuple[str, ...]:
        return tuple(self.roles.split())

    def clean(self):
        from django.core.exceptions import ValidationError

        if not self.role_codes:
            raise ValidationError({"roles": gettext("Name at least one role code.")})
        unknown = sorted(set(self.role_codes) - set(Role.objects.values_list("code", flat=True)))
        if unknown:
            # Translators: %(codes)s are the unknown role codes, separated by commas.
            raise ValidationError({"roles": gettext("No role has the code %(codes)s.") % {"codes": ", ".join(unknown)}})
        if self.topic and self.topic not in rules.TOPICS.get(self.category, ()):
            raise ValidationError({"topic": gettext("This sub-topic does not belong to the category.")})


class EscalationQuerySet(models.QuerySet):
    def visible_to(self, user, *, now=None):
        """Customers: their companies' items (with the escalation right). Staff: items on the
        accounts they see, items assigned to them, and items of the people they back up while
        those are out of the office (at ``now``)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        person = staff_person(user)
        if person is not None:
            account_ids = visible_account_ids(user)
            if account_ids is None:
                return self
            return self.filter(
                Q(account_id__in=account_ids) | Q(assignee=person) | Q(assignee__in=covered_people(person, now))
            )
        return self.filter(account_id__in=member_account_ids(user, "can_escalate"))

    def open(self):
        return self.exclude(status__in=rules.CLOSED)

    def overdue(self, now=None):
        """Open items past their next deadline whose clock runs (not waiting on the customer)."""
        return self.open().exclude(status=rules.WAITING).filter(next_deadline_at__lte=now or timezone.now())


class Escalation(models.Model):
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="escalations")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="escalations")
    channel = models.CharField(max_length=20, choices=Channel.choices)
    category = models.CharField(max_length=30, choices=Category.choices)
    topic = models.CharField(max_length=30, choices=Topic.choices, blank=True)
    subject = models.CharField(max_length=bounds.SUBJECT)
    description = text_field(bounds.DESCRIPTION, blank=True)
    # A conference call or meeting: when the customer wants it, and for how long.
    requested_start = models.DateTimeField(null=True, blank=True, validators=[validate_date])
    requested_minutes = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(15), MaxValueValidator(bounds.MAX_MEETING_MINUTES)]
    )
    # ... and the dossier meeting it became once staff scheduled it.
    meeting = models.ForeignKey(
        "dossiers.Meeting", on_delete=models.SET_NULL, null=True, blank=True, related_name="escalations"
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    received_at = models.DateTimeField(default=timezone.now, validators=[validate_date])
    created_at = models.DateTimeField(default=timezone.now, validators=[validate_date])

    assignee = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="escalations")
    assignee_role = models.ForeignKey(Role, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    level = models.PositiveSmallIntegerField(default=1)
    availability = models.CharField(
        _("assignee availability on arrival"), max_length=20, choices=Availability.choices
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    status_before_wait = models.CharField(max_length=20, choices=Status.choices, blank=True)

    # The policy as it was when the contact arrived (frozen: later edits change new items only).
    policy = models.ForeignKey(ResponsePolicy, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    policy_mode = models.CharField(max_length=20, choices=ResponsePolicy.Mode.choices)
    policy_target = models.PositiveIntegerField(null=True, blank=True)
    policy_due = models.PositiveIntegerField(null=True, blank=True)
    policy_unit = models.CharField(max_length=10, choices=ResponsePolicy.Unit.choices, blank=True)
    policy_warn_percent = models.PositiveSmallIntegerField(null=True, blank=True)

    # Response deadlines (moved out by time spent waiting on the customer).
    target_at = models.DateTimeField(null=True, blank=True, validators=[validate_date])
    due_at = models.DateTimeField(null=True, blank=True, validators=[validate_date])
    auto_escalate_at = models.DateTimeField(null=True, blank=True, validators=[validate_date])
    first_response_at = models.DateTimeField(null=True, blank=True, validators=[validate_date])
    # The follow-up promised in an acknowledgement: the next deadline once acknowledged.
    follow_up_on = models.DateField(null=True, blank=True, validators=[validate_date])
    follow_up_target_at = models.DateTimeField(null=True, blank=True, validators=[validate_date])
    follow_up_due_at = models.DateTimeField(null=True, blank=True, validators=[validate_date])
    follow_up_done_at = models.DateTimeField(null=True, blank=True, validators=[validate_date])

    paused_at = models.DateTimeField(null=True, blank=True, validators=[validate_date])
    paused_business_seconds = models.PositiveIntegerField(default=0)
    escalated_at = models.DateTimeField(null=True, blank=True, validators=[validate_date])
    escalation_reason = text_field(bounds.COMMENT, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True, validators=[validate_date])
    reopened_at = models.DateTimeField(null=True, blank=True, validators=[validate_date])
    # Where an after-hours repair went to the duty manager: the person it would have gone to.
    after_hours_for = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    # The next instant the sweep must look at this item (None: nothing scheduled).
    next_action_at = models.DateTimeField(null=True, blank=True, validators=[validate_date])
    # The deadline the item is working towards now (response, then the follow-up).
    next_deadline_at = models.DateTimeField(null=True, blank=True, validators=[validate_date])

    objects = EscalationQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at"]
        indexes = [
            models.Index(
                fields=["next_action_at"],
                name="esc_sweep_due",
                condition=Q(next_action_at__isnull=False),
            ),
            # The queue and the director's dashboard: open items by assignee, next deadline first.
            models.Index(
                fields=["assignee", "next_deadline_at"],
                name="esc_open_by_assignee",
                condition=~Q(status__in=["resolved", "cancelled"]),
            ),
            models.Index(fields=["company", "status", "-received_at"], name="esc_company_status"),
            models.Index(fields=["account", "-received_at"], name="esc_account"),
            # Compliance over a period: per person (a director's group) and across everyone.
            models.Index(fields=["assignee", "received_at"], name="esc_assignee_received"),
            models.Index(fields=["received_at"], name="esc_received"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.status not in rules.CLOSED

    def state(self) -> rules.DeadlineState:
        return rules.DeadlineState(
            status=self.status,
            level=self.level,
            target_at=self.target_at,
            due_at=self.due_at,
            auto_escalate_at=self.auto_escalate_at,
            first_response_at=self.first_response_at,
            follow_up_target_at=self.follow_up_target_at,
            follow_up_due_at=self.follow_up_due_at,
            follow_up_done_at=self.follow_up_done_at,
        )

    def is_overdue(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.is_open
            and self.status != rules.WAITING
            and self.next_deadline_at is not None
            and self.next_deadline_at <= now
        )


class Follow(models.Model):
    """A company user who follows an item: they get its customer notices (the raiser follows their
    items from the start, and may stop)."""

    escalation = models.ForeignKey(Escalation, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followed_items")
    following = models.BooleanField(default=True, help_text=_("False: the user stopped following."))
    created_at = models.DateTimeField(default=timezone.now, validators=[validate_date])

    class Meta:
        constraints = [models.UniqueConstraint(fields=["escalation", "user"], name="follow_unique")]

    def __str__(self):
        words = {"user": self.user, "number": self.escalation_id}
        if self.following:
            return gettext("%(user)s follows #%(number)s") % words
        return gettext("%(user)s stopped following #%(number)s") % words


class Event(models.Model):
    """One change on an escalation's timeline."""

    class Kind(models.TextChoices):
        RAISED = "raised", _("Raised")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        RESPONDED = "responded", _("Responded")
        WAITING = "waiting", _("Waiting on customer")
        RESUMED = "resumed", _("Resumed")
        RESOLVED = "resolved", _("Resolved")
        CANCELLED = "cancelled", _("Cancelled")
        ESCALATED = "escalated", _("Escalated")
        REASSIGNED = "reassigned", _("Reassigned")
        SCHEDULED = "scheduled", _("Scheduled")
        REOPENED = "reopened", _("Reopened")
        COMMENT = "comment", _("Comment")
        NOTE = "note", _("Internal note")
        REMINDER = "reminder", _("Reminder sent")
        OVERDUE = "overdue", _("Overdue")
        RECATEGORIZED = "recategorized", _("Category changed")

    escalation = models.ForeignKey(Escalation, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now, validators=[validate_date])
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    comment = models.TextField(blank=True)
    internal = models.BooleanField(default=False, help_text=_("Hidden from the customer."))
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["escalation", "at"])]

    def __str__(self):
        return f"{self.get_kind_display()} @ {self.at:%Y-%m-%d %H:%M}"

"""Tenants, carrier staff and the account teams that connect them.

What a user may see is decided in one place: the ``visible_to(user)`` queryset methods
below, which every view, serializer and API endpoint starts from.
"""

from __future__ import annotations

import secrets
from functools import cached_property

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accountteam import bounds
from accountteam.bounds import text_field, validate_date
from accountteam.calendar import (
    DEFAULT_WEEKLY_HOURS,
    CalendarSpec,
    validate_holiday_region,
    validate_time_zone,
    validate_weekly_hours,
)
from accountteam.clock import carrier_today

from . import scoping


def _default_weekly_hours():
    return {day: [list(pair) for pair in pairs] for day, pairs in DEFAULT_WEEKLY_HOURS.items()}


# --- Scoping -----------------------------------------------------------------------------


class CompanyQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if scoping.staff_person(user) is not None:
            account_ids = scoping.visible_account_ids(user)
            if account_ids is None:
                return self
            return self.filter(pk__in=Account.objects.filter(pk__in=account_ids).values("company_id"))
        return self.filter(pk__in=Membership.objects.filter(user=user).values("company_id"))


class AccountQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not getattr(user, "is_authenticated", False):
            return self.none()
        account_ids = scoping.visible_account_ids(user)
        return self if account_ids is None else self.filter(pk__in=account_ids)


class PersonQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff see the whole carrier directory; customers the people serving their accounts."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if scoping.staff_person(user) is not None:
            return self
        serving = Assignment.objects.filter(
            scoping.not_ended(), account_id__in=scoping.team_visible_account_ids(user)
        ).values("person_id")
        backups = Person.objects.filter(pk__in=serving).values("backup_id")
        return self.filter(Q(pk__in=serving) | Q(pk__in=backups))


class AssignmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not getattr(user, "is_authenticated", False):
            return self.none()
        account_ids = scoping.team_visible_account_ids(user)
        return self if account_ids is None else self.filter(account_id__in=account_ids)

    def current(self, on=None):
        on = on or carrier_today()
        return self.filter(Q(end_date__isnull=True) | Q(end_date__gte=on), start_date__lte=on)


class MembershipQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Members of companies whose users ``user`` may manage."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if scoping.staff_person(user) is not None:
            return self.filter(company__in=Company.objects.visible_to(user))
        managed = Membership.objects.filter(user=user, can_manage_users=True).values("company_id")
        return self.filter(company_id__in=managed)


# --- Tenants -------------------------------------------------------------------------------


class Company(models.Model):
    class Kind(models.TextChoices):
        # Translators: Competitive Local Exchange Carrier, a kind of customer company.
        CLEC = "clec", _("CLEC")
        RESELLER = "reseller", _("Reseller")

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    profile = text_field(bounds.DESCRIPTION, blank=True, help_text=_("Corporate profile, in the customer's words."))
    created_at = models.DateTimeField(default=timezone.now, validators=[validate_date])
    # The language a user invited into the company starts in (they may change it); empty: the browser's.
    default_language = models.CharField(
        _("default language"), max_length=10, blank=True, choices=settings.LANGUAGES,
        help_text=_("The language the company's invited users start in. Empty: their browser's."),
    )
    # The company administrator's choice: its users must sign in with a second step (teams.two_factor).
    require_two_factor = models.BooleanField(
        _("require two-factor sign-in"), default=False,
        help_text=_("Every user of the company must set up two-factor sign-in before using the portal."),
    )

    objects = CompanyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("companies")

    def __str__(self):
        return self.name


class Account(models.Model):
    """A billing/enterprise account of a customer company (the seeds' enterprise ID)."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="accounts")
    number = models.CharField(_("account number"), max_length=40, unique=True)
    name = models.CharField(max_length=200)
    state = models.CharField(_("state / region"), max_length=60, blank=True)
    is_active = models.BooleanField(default=True)

    objects = AccountQuerySet.as_manager()

    class Meta:
        ordering = ["company__name", "number"]
        indexes = [models.Index(fields=["company", "number"])]

    def __str__(self):
        return f"{self.number} · {self.name}"


class CompanyRights(models.Model):
    """The per-company rights a customer user holds (or an invitation will grant)."""

    can_view_team = models.BooleanField(_("view team"), default=True)
    can_escalate = models.BooleanField(_("raise and follow escalations"), default=True)
    can_request_postmortem = models.BooleanField(_("request post-mortems"), default=False)
    can_manage_users = models.BooleanField(_("manage users"), default=False)
    # The rights apply to every account of the company, or (False) only to ``accounts``: the
    # handbook's "permissions to users to access those enterprise IDs and accounts".
    all_accounts = models.BooleanField(
        _("all accounts"), default=True,
        help_text=_("Untick to limit the rights to the accounts chosen below."),
    )

    PERMISSION_FIELDS = ("can_view_team", "can_escalate", "can_request_postmortem", "can_manage_users")

    class Meta:
        abstract = True

    def rights(self) -> dict[str, bool]:
        return {name: getattr(self, name) for name in self.PERMISSION_FIELDS}

    def account_ids(self) -> set[int] | None:
        """The ids of the accounts the rights apply to; None for all the company's (prefetch
        ``accounts`` with the row: then this does not query)."""
        return None if self.all_accounts else {a.pk for a in self.accounts.all()}


class Membership(CompanyRights):
    """A user's place in a customer company, with per-company permissions."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="memberships")
    is_default = models.BooleanField(_("default company"), default=False)
    created_at = models.DateTimeField(default=timezone.now, validators=[validate_date])
    accounts = models.ManyToManyField(
        Account, blank=True, related_name="limited_memberships",
        help_text=_("With “all accounts” unticked: the only accounts the rights apply to."),
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["company__name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "company"], name="membership_unique_user_company"),
            models.UniqueConstraint(
                fields=["user"], condition=Q(is_default=True), name="membership_one_default_per_user"
            ),
        ]

    def __str__(self):
        return f"{self.user} @ {self.company}"


def _invitation_token():
    return secrets.token_urlsafe(32)


class Invitation(CompanyRights):
    """An emailed invitation to join a company (there is no open sign-up)."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    token = models.CharField(max_length=64, unique=True, default=_invitation_token, editable=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, validators=[validate_date])
    expires_at = models.DateTimeField(validators=[validate_date])
    accepted_at = models.DateTimeField(null=True, blank=True, validators=[validate_date])
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    accounts = models.ManyToManyField(Account, blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} → {self.company}"

    def is_open(self, now=None) -> bool:
        return self.accepted_at is None and (now or timezone.now()) < self.expires_at


# --- Carrier staff ---------------------------------------------------------------------------


class BusinessCalendar(models.Model):
    name = models.CharField(max_length=100, unique=True)
    time_zone = models.CharField(max_length=64, default="America/Denver")
    weekly_hours = models.JSONField(
        default=_default_weekly_hours,
        help_text=_('Per weekday, [open, close] pairs in local time: {"mon": [["08:00", "17:00"]], ...}'),
    )
    holiday_country = models.CharField(max_length=8, blank=True, default="US")
    holiday_subdivision = models.CharField(max_length=16, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if not validate_time_zone(self.time_zone):
            errors["time_zone"] = gettext("%(zone)s is not an IANA time zone.") % {"zone": repr(self.time_zone)}
        if problems := validate_weekly_hours(self.weekly_hours):
            errors["weekly_hours"] = problems
        if problems := validate_holiday_region(self.holiday_country, self.holiday_subdivision):
            errors["holiday_country"] = problems
        if errors:
            raise ValidationError(errors)

    def spec(self, closures=None) -> CalendarSpec:
        """The pure calendar value; pass ``closures`` when they were prefetched."""
        if closures is None:
            closures = [c.date for c in self.closures.all()]
        return CalendarSpec(
            time_zone=self.time_zone,
            weekly_hours=self.weekly_hours,
            holiday_country=self.holiday_country,
            holiday_subdivision=self.holiday_subdivision,
            closures=frozenset(closures),
        )


class Closure(models.Model):
    """An extra closure date on a calendar (office move, company day)."""

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="closures")
    date = models.DateField(validators=[validate_date])
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["calendar", "date"], name="closure_unique_day")]

    def __str__(self):
        return f"{self.calendar}: {self.date}"


class Role(models.Model):
    class Team(models.TextChoices):
        SALES = "sales", _("Sales / Interconnection")
        SERVICE = "service", _("Service")

    code = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=100, unique=True)
    team = models.CharField(max_length=20, choices=Team.choices)
    also_known_as = models.CharField(max_length=200, blank=True)
    description = text_field(bounds.DESCRIPTION, blank=True)
    allows_multiple = models.BooleanField(
        default=False, help_text=_("Several people may hold this role on one account at once.")
    )
    sort_order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["team", "sort_order", "name"]

    def __str__(self):
        return self.name


class Person(models.Model):
    """A member of the carrier's staff who can hold roles on account teams."""

    class Availability(models.TextChoices):
        IN_OFFICE = "in_office", _("In office")
        OUT_OF_OFFICE = "out_of_office", _("Out of office / no quick phone access")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff_profile",
    )
    name = models.CharField(max_length=200)
    title = models.CharField(max_length=200, blank=True)
    email = models.EmailField(unique=True)
    phone = models.CharField(max_length=40, blank=True)
    pager = models.CharField(max_length=40, blank=True)
    cell = models.CharField(max_length=40, blank=True)
    reports_to = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="reports")
    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.PROTECT, related_name="people")
    availability = models.CharField(max_length=20, choices=Availability.choices, default=Availability.IN_OFFICE)
    availability_from = models.DateTimeField(
        null=True,
        blank=True,
        validators=[validate_date],
        help_text=_("Out of office planned ahead: when it begins (empty: now)."),
    )
    availability_until = models.DateTimeField(
        null=True, blank=True, validators=[validate_date], help_text=_("When the availability state ends by itself.")
    )
    backup = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="backing_up")
    is_carrier_admin = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("people")
        constraints = [
            models.CheckConstraint(condition=~Q(backup=models.F("pk")), name="person_not_own_backup"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.backup_id and self.backup_id == self.pk:
            raise ValidationError({"backup": gettext("A person cannot be their own backup.")})
        if self.reports_to_id and self.reports_to_id == self.pk:
            raise ValidationError({"reports_to": gettext("A person cannot report to themselves.")})

    @cached_property
    def calendar_spec(self) -> CalendarSpec:
        return self.calendar.spec()

    def is_out_of_office(self, at=None) -> bool:
        """Out of office at ``at`` (now): the state is set, has begun and has not ended."""
        at = at or timezone.now()
        return (
            self.availability == self.Availability.OUT_OF_OFFICE
            and (self.availability_from is None or self.availability_from <= at)
            and (self.availability_until is None or self.availability_until > at)
        )


class Assignment(models.Model):
    """Who holds a role on an account, and when. Rows are ended, never overwritten."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="assignments")
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="assignments")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="assignments")
    start_date = models.DateField(default=carrier_today, validators=[validate_date])
    end_date = models.DateField(
        null=True, blank=True, validators=[validate_date], help_text=_("Last day of the assignment.")
    )

    class ProductArea(models.TextChoices):
        DATA = "data", _("Data")
        DATA_CENTER = "data_center", _("Data Center")
        VOICE = "voice", _("Voice")

    product_area = models.CharField(
        max_length=20, choices=ProductArea.choices, blank=True, help_text=_("Sales engineers: the products they cover.")
    )
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, validators=[validate_date])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["account", "role__sort_order", "-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="assignment_end_after_start",
            ),
            models.UniqueConstraint(fields=["account", "role", "person", "start_date"], name="assignment_unique_start"),
        ]
        indexes = [
            models.Index(fields=["account", "role", "end_date"]),
            models.Index(fields=["person", "end_date"]),
        ]

    def __str__(self):
        return f"{self.account.number} · {self.role} · {self.person}"

    def is_current(self, on=None) -> bool:
        on = on or carrier_today()
        return self.start_date <= on and (self.end_date is None or self.end_date >= on)

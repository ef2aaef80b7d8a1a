from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from accountteam.audit import AuditedAdminMixin
from accountteam.data_words import in_every_language

from . import services
from .models import (
    Account,
    Assignment,
    BusinessCalendar,
    Closure,
    Company,
    Invitation,
    Membership,
    Person,
    Role,
)
from .scoping import out_of_office


class AccountInline(admin.TabularInline):
    model = Account
    extra = 0
    fields = ["number", "name", "state", "is_active"]
    show_change_link = True


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", *Membership.PERMISSION_FIELDS, "all_accounts", "is_default"]


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    autocomplete_fields = ["person", "role"]
    fields = ["role", "person", "product_area", "start_date", "end_date", "note"]
    ordering = ["role__sort_order", "-start_date"]


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "default_language", "account_count", "created_at"]
    list_filter = ["kind", "default_language"]
    search_fields = ["name", "accounts__number"]
    inlines = [AccountInline, MembershipInline]

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(_accounts=Count("accounts"))

    @admin.display(ordering="_accounts", description=_("accounts"))
    def account_count(self, obj):
        return obj._accounts


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "company", "state", "is_active"]
    list_filter = ["is_active", "company__kind", "state"]
    search_fields = ["number", "name", "company__name"]
    list_select_related = ["company"]
    autocomplete_fields = ["company"]
    inlines = [AssignmentInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "company", *Membership.PERMISSION_FIELDS, "all_accounts", "is_default"]
    list_filter = [*Membership.PERMISSION_FIELDS, "all_accounts", "company"]
    search_fields = ["user__username", "user__email", "company__name"]
    list_select_related = ["user", "company"]
    autocomplete_fields = ["user", "company"]
    filter_horizontal = ["accounts"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "company", "invited_by", "created_at", "expires_at", "accepted_at"]
    list_filter = ["company", "accepted_at"]
    search_fields = ["email", "company__name"]
    list_select_related = ["company", "invited_by"]
    readonly_fields = ["token", "accepted_at", "accepted_by"]


class ClosureInline(admin.TabularInline):
    model = Closure
    extra = 1


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Business hours and closure days, which every deadline follows: each edit is in the audit trail."""

    audit_noun = "calendar"
    audit_inlines = {Closure: "closure"}
    list_display = ["name", "time_zone", "holiday_country", "holiday_subdivision"]
    list_filter = ["time_zone", "holiday_country"]
    search_fields = ["name", "time_zone"]
    inlines = [ClosureInline]


@admin.register(Role)
class RoleAdmin(TranslationAdmin):
    """The name, other name and description in each language (customers read them on the team page)."""

    list_display = ["name", "code", "team", "also_known_as", "allows_multiple", "sort_order"]
    list_filter = ["team", "allows_multiple"]
    search_fields = ["code", *in_every_language("name", "also_known_as")]
    prepopulated_fields = {"code": ["name_en"]}


def _when(instant) -> str:
    return format_date(timezone.localtime(instant), "D j M H:i")


class AvailabilityNowFilter(admin.SimpleListFilter):
    """Availability as the portal reads it: out of office once the absence has begun."""

    title = _("availability now")
    parameter_name = "availability_now"

    def lookups(self, request, model_admin):
        return [
            ("in_office", gettext("In office")),
            ("out_of_office", gettext("Out of office")),
            ("planned", gettext("Absence planned")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "in_office":
            return queryset.exclude(out_of_office(now))
        if self.value() == "out_of_office":
            return queryset.filter(out_of_office(now))
        if self.value() == "planned":
            return queryset.filter(availability=Person.Availability.OUT_OF_OFFICE, availability_from__gt=now)
        return queryset


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "title", "email", "phone", "pager", "reports_to", "availability_now", "is_active"]
    list_filter = [AvailabilityNowFilter, "is_active", "is_carrier_admin", "calendar", "assignments__role"]
    search_fields = ["name", "email", "title", "phone", "pager", "cell"]
    list_select_related = ["reports_to"]
    autocomplete_fields = ["user", "reports_to", "backup"]

    @admin.display(description=_("availability"), ordering="availability")
    def availability_now(self, obj) -> str:
        """Out of office once it has begun; a planned absence as its dates, while in office."""
        now = timezone.now()
        if obj.is_out_of_office(now):
            if obj.availability_until:
                return gettext("Out of office until %(until)s") % {"until": _when(obj.availability_until)}
            return gettext("Out of office")
        if obj.availability == Person.Availability.OUT_OF_OFFICE and obj.availability_from and (
            obj.availability_until is None or obj.availability_until > now
        ):
            if obj.availability_until:
                return gettext("In office · out of office from %(start)s until %(until)s") % {
                    "start": _when(obj.availability_from), "until": _when(obj.availability_until),
                }
            return gettext("In office · out of office from %(start)s") % {"start": _when(obj.availability_from)}
        return gettext("In office")


class AssignmentAdminForm(forms.ModelForm):
    class Meta:
        model = Assignment
        fields = ["account", "role", "person", "product_area", "start_date", "end_date", "note"]

    def clean(self):
        data = super().clean()
        if all(data.get(k) for k in ("account", "role", "person", "start_date")):
            problems = services.assignment_conflicts(
                account=data["account"], role=data["role"], person=data["person"],
                start_date=data["start_date"], end_date=data.get("end_date"),
                exclude_pk=self.instance.pk,
            )
            if problems:
                raise forms.ValidationError(problems)
        return data


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    form = AssignmentAdminForm
    list_display = ["account", "role", "product_area", "person", "start_date", "end_date"]
    list_filter = ["role__team", "role", "product_area", ("end_date", admin.EmptyFieldListFilter)]
    search_fields = ["account__number", "account__name", "account__company__name", "person__name"]
    list_select_related = ["account", "role", "person"]
    autocomplete_fields = ["account", "person", "role"]
    date_hierarchy = "start_date"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

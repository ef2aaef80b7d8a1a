from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from modeltranslation.admin import TranslationAdmin

from accountteam.audit import AuditedAdminMixin
from accountteam.data_words import in_every_language
from teams.models import Role

from .models import Escalation, Event, ResponsePolicy, RoutingRule


@admin.register(ResponsePolicy)
class ResponsePolicyAdmin(AuditedAdminMixin, TranslationAdmin):
    """The guideline's wording in each language (customers read it on the team page). Every edit is
    in the audit trail."""

    audit_noun = "response_policy"

    list_display = ["__str__", "mode", "target_value", "due_value", "unit", "warn_percent", "description"]
    list_filter = ["channel", "availability", "mode", ("company", admin.EmptyFieldListFilter)]
    search_fields = [*in_every_language("description"), "company__name"]
    autocomplete_fields = ["company"]
    list_select_related = ["company"]


ROUTING_EXPLAINED = gettext_lazy(
    "A row without a company is the carrier's routing for everyone; a row with a company replaces the "
    "carrier's row of the same category and sub-topic for that company only (a contract can name other "
    "contacts). A row for a sub-topic beats the category's row for any sub-topic. The first role of the "
    "row that someone holds on the account takes the item; the Service Manager and then the Sales "
    "Executive are always tried last, so an item on a staffed account always finds someone."
)


class RoutingRuleForm(forms.ModelForm):
    class Meta:
        model = RoutingRule
        fields = ["company", "category", "topic", "roles", "sort_order"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        codes = ", ".join(f"{code} ({name})" for code, name in Role.objects.values_list("code", "name"))
        # Translators: %(codes)s lists each role's code and, in brackets, its name.
        known = _("Role codes: %(codes)s.") % {"codes": codes}
        self.fields["roles"].help_text = f"{self.fields['roles'].help_text} {known}"


@admin.register(RoutingRule)
class RoutingRuleAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Which roles answer which category (and sub-topic), shown with the roles' names. Every edit is
    in the audit trail."""

    audit_noun = "routing_rule"

    form = RoutingRuleForm
    list_filter = ["category", "topic", ("company", admin.EmptyFieldListFilter), "company"]
    search_fields = ["roles", "company__name"]
    autocomplete_fields = ["company"]
    list_select_related = ["company"]
    fieldsets = [
        (None, {"description": ROUTING_EXPLAINED, "fields": ["company", "category", "topic", "roles", "sort_order"]})
    ]

    def get_list_display(self, request):
        # The catalogue's names read once per page, not once per row.
        names = dict(Role.objects.values_list("code", "name"))

        @admin.display(description=_("answered by (most preferred first)"))
        def answered_by(rule):
            return " → ".join(
                names[code] if code in names else _("%(code)s (no such role)") % {"code": code}
                for code in rule.role_codes
            )

        return ["category", "sub_topic", answered_by, "applies_to", "sort_order"]

    @admin.display(description=gettext_lazy("sub-topic"), ordering="topic")
    def sub_topic(self, rule):
        return rule.get_topic_display() if rule.topic else _("any sub-topic")

    @admin.display(description=gettext_lazy("applies to"), ordering="company__name")
    def applies_to(self, rule):
        return rule.company.name if rule.company_id else _("Carrier (everyone)")


class EventInline(admin.TabularInline):
    model = Event
    extra = 0
    fields = ["at", "kind", "actor_name", "comment", "internal"]
    readonly_fields = fields
    can_delete = False


@admin.register(Escalation)
class EscalationAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "subject",
        "company",
        "account",
        "channel",
        "status",
        "level",
        "assignee",
        "received_at",
        "next_deadline_at",
    ]
    list_filter = ["status", "channel", "category", "level", "availability"]
    search_fields = ["subject", "account__number", "company__name", "assignee__name"]
    list_select_related = ["company", "account", "assignee"]
    date_hierarchy = "received_at"
    readonly_fields = [
        "target_at",
        "due_at",
        "auto_escalate_at",
        "next_action_at",
        "next_deadline_at",
        "first_response_at",
        "follow_up_due_at",
        "paused_business_seconds",
        "policy",
    ]
    raw_id_fields = ["account", "company", "raised_by", "assignee"]
    inlines = [EventInline]

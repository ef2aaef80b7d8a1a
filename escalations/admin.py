from django.contrib import admin

from .models import Escalation, Event, ResponsePolicy


@admin.register(ResponsePolicy)
class ResponsePolicyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "mode", "target_value", "due_value", "unit", "description"]
    list_filter = ["channel", "availability", "mode", ("company", admin.EmptyFieldListFilter)]
    search_fields = ["description", "company__name"]
    autocomplete_fields = ["company"]
    list_select_related = ["company"]


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

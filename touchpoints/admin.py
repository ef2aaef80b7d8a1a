from django.contrib import admin

from .models import ActionItem, Occurrence, PlanItem


class OccurrenceInline(admin.TabularInline):
    model = Occurrence
    extra = 0
    fields = ["due_on", "owner", "due_at", "status", "meeting", "held_at"]
    readonly_fields = ["due_at", "held_at"]
    raw_id_fields = ["owner", "meeting"]


@admin.register(PlanItem)
class PlanItemAdmin(admin.ModelAdmin):
    list_display = ["company", "kind", "cadence_months", "owner_role", "first_due_on", "is_active"]
    list_filter = ["kind", "cadence_months", "is_active"]
    search_fields = ["company__name"]
    raw_id_fields = ["company"]
    inlines = [OccurrenceInline]


class ActionItemInline(admin.TabularInline):
    model = ActionItem
    extra = 0
    raw_id_fields = ["owner"]


@admin.register(Occurrence)
class OccurrenceAdmin(admin.ModelAdmin):
    list_display = ["plan_item", "due_on", "owner", "status", "held_at"]
    list_filter = ["status", "plan_item__kind"]
    raw_id_fields = ["plan_item", "owner", "meeting"]
    inlines = [ActionItemInline]


@admin.register(ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ["description", "owner", "due_on", "state"]
    list_filter = ["state"]
    raw_id_fields = ["occurrence", "owner"]

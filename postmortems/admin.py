from django.contrib import admin

from .models import ComplexityPolicy, Note, PostMortem, PreventiveAction, Version


@admin.register(ComplexityPolicy)
class ComplexityPolicyAdmin(admin.ModelAdmin):
    list_display = ["complexity", "business_days", "description"]
    list_editable = ["business_days"]


class NoteInline(admin.TabularInline):
    model = Note
    extra = 0
    raw_id_fields = ["author"]


class PreventiveActionInline(admin.TabularInline):
    model = PreventiveAction
    extra = 0
    raw_id_fields = ["owner"]


class VersionInline(admin.TabularInline):
    """Published versions are read-only everywhere, the back office included."""

    model = Version
    extra = 0
    fields = ["number", "published_at", "published_by", "correction_note"]
    readonly_fields = fields
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PostMortem)
class PostMortemAdmin(admin.ModelAdmin):
    list_display = ["pk", "ticket_number", "account", "manager", "status", "complexity", "due_on"]
    list_filter = ["status", "complexity", "below_threshold"]
    search_fields = ["ticket_number", "circuit_id", "account__number", "company__name"]
    raw_id_fields = ["company", "account", "tracking", "manager", "requested_by"]
    readonly_fields = ["tracking", "requested_at", "accepted_at", "business_days"]
    inlines = [NoteInline, PreventiveActionInline, VersionInline]

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from .models import ChecklistItem, ChecklistTemplateItem, Handoff, HandoffAccount, HandoffEvent


@admin.register(ChecklistTemplateItem)
class ChecklistTemplateItemAdmin(TranslationAdmin):
    """Each item's title and description in each language; a new handoff copies them all."""

    list_display = ["sort_order", "title", "owner", "step", "is_active"]
    list_display_links = ["title"]
    list_editable = ["sort_order", "is_active"]


class HandoffAccountInline(admin.TabularInline):
    model = HandoffAccount
    extra = 0
    raw_id_fields = ["account", "ending", "starting"]


class HandoffEventInline(admin.TabularInline):
    model = HandoffEvent
    extra = 0
    readonly_fields = ["at", "actor", "text"]
    can_delete = False


@admin.register(Handoff)
class HandoffAdmin(admin.ModelAdmin):
    list_display = ["pk", "role", "outgoing", "incoming", "effective_date", "status"]
    list_filter = ["status", "role"]
    search_fields = ["outgoing__name", "incoming__name", "accounts__account__number"]
    raw_id_fields = ["outgoing", "incoming", "director"]
    readonly_fields = ["started_by", "started_at", "transferred_at", "confirmed_at", "confirmed_by",
                       "completed_at", "completed_by"]
    inlines = [HandoffAccountInline, HandoffEventInline]


@admin.register(ChecklistItem)
class ChecklistItemAdmin(TranslationAdmin):
    list_display = ["title", "handoff_account", "owner", "done_at"]
    list_filter = ["owner", "step"]
    raw_id_fields = ["handoff_account", "meeting"]

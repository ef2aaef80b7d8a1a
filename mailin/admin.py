from django.contrib import admin

from accountteam.admin import ReadOnlyAdmin

from .models import InboundAttachment, InboundMessage, MailAlias


class InboundAttachmentInline(admin.TabularInline):
    model = InboundAttachment
    extra = 0
    fields = ["name", "content_type", "size", "internal", "refused", "escalation"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(InboundMessage)
class InboundMessageAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """The record of every message taken in: read only (staff act on the quarantine in the portal,
    through the services that raise the item or record the discard)."""

    list_display = ["received_at", "sender", "subject", "status", "reason"]
    list_filter = ["status", "reason", "source"]
    search_fields = ["sender", "sender_name", "subject", "recipient", "message_id"]
    date_hierarchy = "received_at"
    inlines = [InboundAttachmentInline]


@admin.register(MailAlias)
class MailAliasAdmin(admin.ModelAdmin):
    list_display = ["address", "account", "category"]
    list_filter = ["category"]
    search_fields = ["address", "account__number", "account__name"]
    list_select_related = ["account"]
    autocomplete_fields = ["account"]

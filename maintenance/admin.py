from django.contrib import admin

from .models import NetworkNotice, NoticeAccount, NoticeUpdate


class NoticeAccountInline(admin.TabularInline):
    model = NoticeAccount
    extra = 0
    raw_id_fields = ["account"]


class NoticeUpdateInline(admin.TabularInline):
    model = NoticeUpdate
    extra = 0
    readonly_fields = ["at", "actor", "event", "status", "changes", "message"]
    can_delete = False


@admin.register(NetworkNotice)
class NetworkNoticeAdmin(admin.ModelAdmin):
    """Read and correct in the back office; publishing and changes (which tell the customers) are
    the portal's pages and API."""

    list_display = ["reference", "kind", "title", "starts_at", "ends_at", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["reference", "title", "notice_accounts__account__number"]
    readonly_fields = ["published_at", "created_by", "updated_at"]
    inlines = [NoticeAccountInline, NoticeUpdateInline]

from django.contrib import admin

from .models import Delivery, Endpoint


@admin.register(Endpoint)
class EndpointAdmin(admin.ModelAdmin):
    """Read in the back office; endpoints are registered, changed and their secrets rotated on the
    portal's Webhooks pages and API (which never show a secret again)."""

    list_display = ["name", "url", "is_active", "consecutive_failures", "disabled_at", "created_by"]
    list_filter = ["is_active"]
    search_fields = ["name", "url"]
    exclude = ["secret"]
    readonly_fields = ["created_by", "created_at", "updated_at", "secret_rotated_at", "consecutive_failures",
                       "disabled_at"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["uuid", "endpoint", "event", "status", "attempts", "response_code", "created_at"]
    list_filter = ["status", "event"]
    search_fields = ["uuid", "endpoint__name"]
    list_select_related = ["endpoint"]
    readonly_fields = [f.name for f in Delivery._meta.fields]

    def has_add_permission(self, request):
        return False

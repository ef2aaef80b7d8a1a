from django.contrib import admin

from .models import Notification, UserSettings


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["subject", "kind", "recipient", "email", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind", "in_app", "email_due"]
    search_fields = ["subject", "email", "recipient__username", "key"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"


@admin.register(UserSettings)
class UserSettingsAdmin(admin.ModelAdmin):
    list_display = ["user", "time_zone", "notify_by_email", "notify_in_app"]
    search_fields = ["user__username", "user__email"]

from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from .bounds import validate_date
from .models import ApiToken, Notification, UserSettings
from .notifications import kind_label


class KindFilter(admin.SimpleListFilter):
    """Notices by kind, under the kinds' names (the column holds their codes)."""

    # Translators: the kind of a notification (an escalation's reminder, a team change...).
    title = _("kind")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        kinds = model_admin.get_queryset(request).order_by("kind").values_list("kind", flat=True).distinct()
        return [(kind, kind_label(kind)) for kind in kinds]

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["subject", "kind_name", "recipient", "email", "created_at", "read_at", "emailed_at"]
    list_filter = [KindFilter, "in_app", "email_due"]
    search_fields = ["subject", "email", "recipient__username", "key"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"

    @admin.display(description=_("kind"), ordering="kind")
    def kind_name(self, notice) -> str:
        return kind_label(notice.kind)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # The portal writes these times itself; a hand edit stays within the bounds too.
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(db_field, models.DateField) and field is not None:
            field.validators.append(validate_date)
        return field


@admin.register(UserSettings)
class UserSettingsAdmin(admin.ModelAdmin):
    list_display = ["user", "time_zone", "notify_by_email", "notify_in_app"]
    search_fields = ["user__username", "user__email"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Carrier admins see who holds which API tokens and can revoke them (delete); tokens are made
    on the API tokens page or by signing in to the API, where the secret is shown once."""

    list_display = ["name", "user", "created", "last_used_at", "expiry"]
    search_fields = ["name", "user__username", "user__email"]
    list_select_related = ["user"]
    fields = ["name", "user", "created", "last_used_at", "expiry"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

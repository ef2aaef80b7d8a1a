from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import tokens
from .bounds import validate_date
from .models import ApiToken, AuditEvent, Notification, UserSettings
from .notifications import kind_label


class ReadOnlyAdmin:
    """For a ModelAdmin of records the back office shows and never adds, changes or deletes (the
    audit trail, the dossier's history, the mail taken in). Put it first in the bases."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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

    def delete_model(self, request, obj):
        tokens.api_token_revoke(token=obj, request=request, reason="back office")

    def delete_queryset(self, request, queryset):
        for token in queryset:
            tokens.api_token_revoke(token=token, request=request, reason="back office")


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """The audit trail, read-only: nobody adds, changes or deletes an event, here or anywhere."""

    list_display = ["at", "action", "actor_name", "ip_address", "company_name", "target", "summary_shown"]
    list_filter = ["action", "internal"]
    search_fields = ["actor_name", "company_name", "target", "ip_address"]
    date_hierarchy = "at"
    show_full_result_count = False
    fields = [
        "at", "action", "actor", "actor_name", "ip_address", "user_agent", "company_id", "company_name",
        "internal", "target", "summary_shown", "details",
    ]
    readonly_fields = fields

    @admin.display(description=_("summary"))
    def summary_shown(self, event) -> str:
        return event.summary_text()


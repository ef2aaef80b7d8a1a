"""Back office for dossiers. Edits here go through the same services as the pages, so the history
stays complete; the history itself is read-only."""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from accountteam.admin import ReadOnlyAdmin

from . import rules, services
from .models import AccountProfile, Amendment, CalendarFeed, Change, Contact, DossierFile, Meeting, Proposal


class RecordedAdmin(admin.ModelAdmin):
    """Saves and deletes through ``dossier_save`` / ``dossier_delete`` (``check=False``: the back
    office has its own permissions), so every back-office edit lands in the history."""

    part = ""
    autocomplete_fields = ["account"]
    list_select_related = ["account__company"]

    def save_model(self, request, obj, form, change):
        model = type(obj)
        m2m_names = {f.name for f in model._meta.many_to_many}
        names = form.changed_data if change else list(form.cleaned_data)
        values, m2m = {}, {}
        for name in names:
            if name == "account" or name not in form.cleaned_data:
                continue
            value = form.cleaned_data[name]
            if name in m2m_names:
                m2m[name] = value
            elif isinstance(model._meta.get_field(name), models.FileField):
                if value is not None:
                    values[name] = value or ""
            else:
                values[name] = value
        # The admin's form already wrote its values onto ``obj``: the service gets the stored row
        # so that it can record what changed.
        stored = model.objects.get(pk=obj.pk) if change else model()
        saved = services.dossier_save(
            actor=request.user, account=form.cleaned_data.get("account") or obj.account, part=self.part,
            instance=stored, values=values, m2m=m2m, check=False,
        )
        obj.pk = saved.pk

    def save_related(self, request, form, formsets, change):
        # Many-to-many values were saved (and recorded) by save_model; there are no inlines.
        pass

    def delete_model(self, request, obj):
        services.dossier_delete(actor=request.user, account=obj.account, part=self.part, instance=obj, check=False)

    def delete_queryset(self, request, queryset):
        for obj in queryset.select_related("account"):
            self.delete_model(request, obj)


@admin.register(AccountProfile)
class AccountProfileAdmin(RecordedAdmin):
    part = services.PROFILE
    list_display = ["account", "updated_at"]
    search_fields = ["account__number", "account__name", "account__company__name"]
    readonly_fields = ["updated_at"]


@admin.register(Contact)
class ContactAdmin(RecordedAdmin):
    part = services.CONTACTS
    list_display = ["name", "role", "email", "phone", "is_primary", "account"]
    list_filter = ["is_primary"]
    search_fields = ["name", "email", "account__number", "account__company__name"]


@admin.register(Amendment)
class AmendmentAdmin(RecordedAdmin):
    part = services.AMENDMENTS
    list_display = ["title", "kind", "status", "signed_on", "effective_on", "expires_on", "account"]
    list_filter = ["kind", "status"]
    search_fields = ["title", "account__number", "account__company__name"]


@admin.register(Meeting)
class MeetingAdmin(RecordedAdmin):
    part = services.MEETINGS
    list_display = ["title", "kind", "starts_at", "recurrence", "account"]
    list_filter = ["kind", "recurrence"]
    search_fields = ["title", "account__number", "account__company__name"]
    autocomplete_fields = ["account", "people"]
    filter_horizontal = ["contacts"]
    readonly_fields = ["uid", "sequence"]
    date_hierarchy = "starts_at"


@admin.register(Proposal)
class ProposalAdmin(RecordedAdmin):
    part = services.PROPOSALS
    list_display = ["title", "stage", "value", "owner", "due_date", "account"]
    list_filter = ["stage"]
    search_fields = ["title", "owner__name", "account__number", "account__company__name"]
    autocomplete_fields = ["account", "owner"]
    list_select_related = ["account__company", "owner"]


@admin.register(DossierFile)
class DossierFileAdmin(RecordedAdmin):
    part = services.FILES
    list_display = ["title", "kind", "section", "internal", "added_by", "added_at", "account"]
    list_filter = ["kind", "section", "internal"]
    search_fields = ["title", "account__number", "account__company__name"]
    readonly_fields = ["added_by", "added_at"]
    list_select_related = ["account__company", "added_by"]


class PartFilter(admin.SimpleListFilter):
    """The history by part, under the parts' names (the column holds their codes)."""

    title = _("part")
    parameter_name = "part"

    def lookups(self, request, model_admin):
        return list(rules.PART_LABELS.items())

    def queryset(self, request, queryset):
        return queryset.filter(part=self.value()) if self.value() else queryset


@admin.register(Change)
class ChangeAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """The history: read-only, and never deleted by hand."""

    list_display = ["at", "account", "part_name", "action", "label", "actor", "internal"]
    list_filter = [PartFilter, "action", "internal"]
    search_fields = ["label", "account__number", "account__company__name", "actor__username"]
    list_select_related = ["account__company", "actor"]
    date_hierarchy = "at"

    @admin.display(description=_("part"), ordering="part")
    def part_name(self, change) -> str:
        return change.part_label


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    """Feed addresses: an admin may delete one (it stops working); the secret is not shown."""

    list_display = ["user", "created_at"]
    search_fields = ["user__username", "user__email"]
    fields = ["user", "created_at"]
    readonly_fields = ["user", "created_at"]

    def has_add_permission(self, request):
        return False

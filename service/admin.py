from django import forms
from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from .models import Activity, ServicePackage, TimeEntry
from .services import package_errors


@admin.register(Activity)
class ActivityAdmin(TranslationAdmin):
    """Each activity's name in each language; an inactive one is kept for the time logged on it."""

    list_display = ["sort_order", "name", "group", "code", "is_active"]
    list_display_links = ["name"]
    list_editable = ["sort_order", "is_active"]
    list_filter = ["group", "is_active"]


class ServicePackageForm(forms.ModelForm):
    """The back office checks a package as the pages do (``services.package_errors``): bounded
    quarter hours, at least one activity, one package of a company at a time."""

    class Meta:
        model = ServicePackage
        fields = ["company", "name", "hours_per_month", "activities", "start_date", "end_date"]

    def clean(self):
        data = super().clean()
        if self.errors or data.get("company") is None:
            return data
        errors = package_errors(
            company=data["company"], name=data.get("name", ""), hours_per_month=data.get("hours_per_month"),
            activities=data.get("activities"), start_date=data.get("start_date"), end_date=data.get("end_date"),
            package=self.instance if self.instance.pk else None,
        )
        for field, message in errors.items():
            self.add_error(field if field in self.fields else None, message)
        return data


@admin.register(ServicePackage)
class ServicePackageAdmin(admin.ModelAdmin):
    """Carrier admins (Django staff) set packages up here too, checked as on the pages."""

    form = ServicePackageForm

    list_display = ["company", "name", "hours_per_month", "start_date", "end_date"]
    list_filter = ["start_date"]
    search_fields = ["company__name", "name"]
    filter_horizontal = ["activities"]
    raw_id_fields = ["company"]
    readonly_fields = ["created_at", "created_by"]


@admin.register(TimeEntry)
class TimeEntryAdmin(admin.ModelAdmin):
    list_display = ["date", "person", "company", "activity", "hours"]
    list_filter = ["activity__group", "date"]
    search_fields = ["company__name", "person__name", "note"]
    date_hierarchy = "date"
    raw_id_fields = ["person", "company", "escalation", "meeting", "postmortem"]
    readonly_fields = ["created_at", "created_by", "updated_at"]

"""Forms for the service pages: they read and validate the input; the services decide.

The choices (companies, activities) are fetched once per page and handed to every form, so that
a time sheet of many rows costs no query per row."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accountteam import bounds
from accountteam.dates import local_format
from accountteam.forms import ListFiltersForm
from teams.models import Company

from . import rules, selectors
from .models import Activity

HOURS_WIDGET = forms.NumberInput(attrs={"step": "0.25", "min": "0.25", "max": "24", "inputmode": "decimal"})


class UsageFiltersForm(ListFiltersForm):
    """The usage pages' month (``?month=2026-12``; the current month by default)."""

    month = forms.CharField(required=False, label=_("Month"))

    def clean_month(self):
        text = self.cleaned_data.get("month") or ""
        if not text:
            return None
        month = rules.parse_month(text)
        if month is None:
            raise ValidationError(_("Give a month as YYYY-MM, for example 2026-12."))
        return month


class WeekFiltersForm(ListFiltersForm):
    """The time sheet's week (``?week=`` any of its days; this week by default)."""

    week = forms.DateField(required=False, label=_("Week"), validators=[bounds.validate_date])


class EntryFields(forms.Form):
    """A time entry's company, activity, hours and note, from choices given once per page."""

    company = forms.TypedChoiceField(coerce=int, label=_("Company"))
    activity = forms.TypedChoiceField(coerce=int, label=_("Activity"))
    # The number is read here; whether it is a quarter hour, and in bounds, is the service's to say.
    hours = forms.DecimalField(max_digits=6, decimal_places=2, label=_("Hours"), widget=HOURS_WIDGET)
    note = bounds.text_form_field(
        bounds.NOTE, rows=2, required=False, label=_("Note"), help_text=_("Internal: the customer never sees it.")
    )

    def __init__(self, *args, companies: dict[int, Company], activities: dict[int, Activity], **kwargs):
        super().__init__(*args, **kwargs)
        self._companies, self._activities = companies, activities
        self.fields["company"].choices = [("", _("— company —"))] + [(pk, c.name) for pk, c in companies.items()]
        self.fields["activity"].choices = [("", _("— activity —"))] + selectors.activity_choices(activities.values())

    def clean_company(self):
        return self._companies.get(self.cleaned_data.get("company"))

    def clean_activity(self):
        return self._activities.get(self.cleaned_data.get("activity"))


class TimeEntryForm(EntryFields):
    """One entry on its own page (new, from an item's link, or changed)."""

    date = bounds.date_form_field(label=_("Day"))

    field_order = ["company", "activity", "date", "hours", "note"]


class SheetRowForm(EntryFields):
    """One row of a week's time sheet: its day is one of the week's."""

    date = forms.TypedChoiceField(label=_("Day"), coerce=dt.date.fromisoformat)

    field_order = ["date", "company", "activity", "hours", "note"]

    def __init__(self, *args, days: list[dt.date], default_day: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].choices = [(d.isoformat(), local_format(d, "D j M")) for d in days]
        self.fields["date"].initial = default_day.isoformat()


class BaseSheetFormSet(forms.BaseFormSet):
    """A row per day of the week to begin with, each on its day; untouched rows are left out."""

    def __init__(self, *args, days: list[dt.date], **kwargs):
        self.days = days
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "days": self.days,
                "default_day": self.days[(index or 0) % len(self.days)]}

    def filled(self) -> list[tuple[forms.Form, dict]]:
        """The rows filled in (valid formset): each form with its values."""
        return [(form, form.cleaned_data) for form in self.forms if form.has_changed() and form.cleaned_data]


SheetFormSet = forms.formset_factory(
    SheetRowForm, formset=BaseSheetFormSet, extra=7, max_num=rules.MAX_SHEET_ROWS,
    absolute_max=rules.MAX_SHEET_ROWS, validate_max=True,
)


class PackageForm(forms.Form):
    name = forms.CharField(
        max_length=100, label=_("Name"), help_text=_("As the customer knows it, for example “Managed Service Gold”.")
    )
    hours_per_month = forms.DecimalField(
        max_digits=6, decimal_places=2, label=_("Hours per month"),
        widget=forms.NumberInput(attrs={"step": "0.25", "min": "0.25", "max": "744", "inputmode": "decimal"}),
        help_text=_("In quarter hours, at most 744. Time logged beyond them is shown as overrun, never refused."),
    )
    activities = forms.TypedMultipleChoiceField(
        coerce=int, label=_("Activities covered"), widget=forms.CheckboxSelectMultiple
    )
    start_date = bounds.date_form_field(label=_("Starts"))
    end_date = bounds.date_form_field(label=_("Ends"), required=False, help_text=_("Its last day; empty: it runs on."))

    def __init__(self, *args, activities: dict[int, Activity], **kwargs):
        super().__init__(*args, **kwargs)
        self._activities = activities
        self.fields["activities"].choices = selectors.activity_choices(activities.values())

    def clean_activities(self):
        return [self._activities[pk] for pk in self.cleaned_data.get("activities") or [] if pk in self._activities]

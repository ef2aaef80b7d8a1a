"""Forms for the review pages: they validate only; the services decide."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accountteam import bounds
from accountteam.clock import carrier_today
from dossiers.models import Contact
from teams.models import Account, Company, Person, Role

from .models import Cadence, Kind


class PlanItemForm(forms.Form):
    kind = forms.ChoiceField(choices=Kind.choices, label=_("Kind of review"))
    cadence_months = forms.TypedChoiceField(choices=Cadence.choices, coerce=int, label=_("Every"))
    owner_role = forms.ModelChoiceField(
        queryset=Role.objects.filter(allows_multiple=False).order_by("team", "sort_order"), to_field_name="code",
        label=_("Owner role"), help_text=_("Whoever holds this role on the company's accounts owns the review."),
    )
    first_due_on = bounds.date_form_field(label=_("First due on"))
    is_active = forms.BooleanField(required=False, initial=True, label=_("Active"),
                                   help_text=_("Untick to stop the reviews of this item."))

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_due_on"].initial = carrier_today()
        if editing:
            self.fields["kind"].disabled = True
        else:
            del self.fields["is_active"]


class HoldForm(forms.Form):
    account = forms.ModelChoiceField(queryset=Account.objects.none(), empty_label=None, label=_("Account"))
    starts_at = bounds.datetime_form_field(label=_("Started"))
    duration_minutes = forms.IntegerField(min_value=5, max_value=480, initial=60, label=_("Minutes long"))
    contacts = forms.ModelMultipleChoiceField(
        queryset=Contact.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        label=_("Customer attendees"), help_text=_("Contacts of the chosen account who took part."),
    )
    agenda = bounds.text_form_field(bounds.NOTE, rows=3, required=False, label=_("Agenda"))
    minutes = bounds.text_form_field(bounds.NOTE, rows=6, label=_("Minutes"),
                                     help_text=_("Shared with the customer's users, like the agenda."))

    def __init__(self, *args, company: Company, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = Account.objects.filter(company=company, is_active=True).order_by("number")
        self.fields["contacts"].queryset = (
            Contact.objects.filter(account__company=company, account__is_active=True)
            .select_related("account").order_by("account__number", "name")
        )
        self.fields["contacts"].label_from_instance = lambda c: f"{c.name} ({c.account.number})"
        self.fields["starts_at"].initial = timezone.localtime().replace(
            minute=0, second=0, microsecond=0
        ).strftime("%Y-%m-%dT%H:%M")


class ActionItemForm(forms.Form):
    description = forms.CharField(max_length=bounds.NOTE, required=False, label=_("Action item"))
    owner = forms.ModelChoiceField(queryset=Person.objects.filter(is_active=True).order_by("name"), required=False,
                                   label=_("Owner"))
    due_on = bounds.date_form_field(required=False, label=_("Due on"))

    def clean(self):
        data = super().clean()
        filled = [data.get("description"), data.get("owner"), data.get("due_on")]
        if any(filled) and not all(filled):
            raise forms.ValidationError(_("Give the action item a description, an owner and a due date."))
        return data


ActionItemFormSet = forms.formset_factory(ActionItemForm, extra=3, max_num=20)


class DoneForm(forms.Form):
    note = forms.CharField(max_length=bounds.LINE, required=False, label=_("Note"))

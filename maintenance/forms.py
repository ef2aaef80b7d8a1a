"""Forms for the network notice pages: they validate only; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accountteam import bounds
from accountteam.forms import ListFiltersForm
from teams.models import Account, Company

from .models import OUTAGE_STATUSES, Kind, Status

STATUS_FILTERS = [
    ("current", pgettext_lazy("network notice filter", "Current")),
    ("finished", pgettext_lazy("network notice filter", "Finished")),
    ("all", pgettext_lazy("network notice filter", "All")),
]


class NoticeFiltersForm(ListFiltersForm):
    """The list's tab (``status``: current by default), kind and search (query parameters)."""

    status = forms.ChoiceField(choices=[*STATUS_FILTERS, *Status.choices], required=False, label=_("Status"))
    kind = forms.ChoiceField(choices=[("", _("Both kinds")), *Kind.choices], required=False, label=_("Kind"))
    q = forms.CharField(required=False, label=_("Search"))


class _WindowFields(forms.Form):
    title = bounds.text_form_field(bounds.SUBJECT, label=_("Title"))
    starts_at = bounds.datetime_form_field(label=_("Starts"))
    ends_at = bounds.datetime_form_field(label=_("Ends"), required=False)
    impact = bounds.text_form_field(bounds.COMMENT, rows=3, label=_("Expected impact"),
                                    help_text=_("What the customers will notice, and for how long."))
    description = bounds.text_form_field(bounds.DESCRIPTION, rows=6, required=False, label=_("Description"))


class PublishForm(_WindowFields):
    kind = forms.ChoiceField(choices=Kind.choices, widget=forms.RadioSelect, label=_("Kind"))
    reference = forms.CharField(
        max_length=40, required=False, label=_("GCR number"),
        help_text=_("The change request's number, the maintenance's unique id (an outage gets its MO number)."),
    )
    accounts = forms.ModelMultipleChoiceField(queryset=Account.objects.none(), required=False,
                                              widget=forms.CheckboxSelectMultiple, label=_("Accounts"))
    companies = forms.ModelMultipleChoiceField(
        queryset=Company.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        label=_("Every account of these companies"),
    )
    message = bounds.text_form_field(bounds.COMMENT, rows=2, required=False, label=_("Message to the customers"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accounts"].queryset = Account.objects.visible_to(user).filter(is_active=True).select_related(
            "company"
        )
        self.fields["companies"].queryset = Company.objects.visible_to(user).order_by("name")


class EditForm(_WindowFields):
    message = bounds.text_form_field(
        bounds.COMMENT, rows=2, label=_("What changed, for the customers"),
        help_text=_("Sent to every customer of the affected accounts with the new details."),
    )


class CancelForm(forms.Form):
    reason = bounds.text_form_field(bounds.COMMENT, rows=2, label=_("Why it is cancelled"))


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=[(s.value, s.label) for s in OUTAGE_STATUSES], label=_("Status"))
    message = bounds.text_form_field(bounds.COMMENT, rows=3, label=_("Message to the customers"))
    restored_at = bounds.datetime_form_field(
        label=_("Restored at"), required=False, help_text=_("With “Service restored”: empty means now."),
    )

"""The audit trail page's filters (query parameters): the same checks as the API's."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accountteam import bounds
from accountteam.forms import ListFiltersForm
from accountteam.models import AuditAction

ACTOR_MAX = 200


class AuditFiltersForm(ListFiltersForm):
    date_from = bounds.date_form_field(required=False, label=_("From"))
    date_to = bounds.date_form_field(required=False, label=_("Until"), help_text=_("Included."))
    action = forms.ChoiceField(choices=[("", _("Any")), *AuditAction.choices], required=False, label=_("Action"))
    actor = forms.CharField(max_length=ACTOR_MAX, required=False, label=_("Who"),
                            help_text=_("Part of the name, or of the login name typed at a sign-in."))
    company = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label=_("Company"))

    def __init__(self, *args, companies: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].choices = [("", _("Any")), *companies]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end of the period comes before its start."))
        return data

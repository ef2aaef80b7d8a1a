"""Forms for the post-mortem pages: they validate input only; the services decide.

Date-times come from ``datetime-local`` inputs and are read in the user's current time zone
(the one the middleware activates), like every time shown on the pages.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accountteam import bounds
from accountteam.forms import ListFiltersForm
from teams.models import Account, Person

from .models import Complexity, Source, Status


def _text(limit: int, rows: int, **kwargs) -> forms.CharField:
    return bounds.text_form_field(limit, rows=rows, **kwargs)


class RequestForm(forms.Form):
    account = forms.ModelChoiceField(queryset=Account.objects.none(), label=_("Account"))
    ticket_number = forms.CharField(max_length=60, label=_("Trouble report / ticket number"))
    circuit_id = forms.CharField(max_length=120, label=_("Circuit or service identifier"))
    event_start = bounds.datetime_form_field(label=_("Event started"))
    event_end = bounds.datetime_form_field(label=_("Service restored"))
    impact = _text(bounds.DESCRIPTION, 4, label=_("Impact on your business"))
    questions = _text(bounds.DESCRIPTION, 3, required=False, label=_("Questions the analysis should answer"))

    def __init__(self, *args, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts
        self.fields["account"].label_from_instance = lambda a: f"{a.number} · {a.name} ({a.company.name})"


# Translators: the post-mortem list's filter: every status before published.
OPEN_FILTER = pgettext_lazy("post-mortems filter", "Open")


class PostMortemFiltersForm(ListFiltersForm):
    """The post-mortem list's filters and search (query parameters)."""

    status = forms.ChoiceField(
        choices=[("", _("All")), ("open", OPEN_FILTER), *Status.choices], required=False, label=_("Status")
    )
    q = forms.CharField(required=False, label=_("Search"))
    overdue = forms.BooleanField(required=False, label=_("Overdue only"))


class AcceptForm(forms.Form):
    complexity = forms.ChoiceField(choices=Complexity.choices, initial=Complexity.MEDIUM, label=_("Complexity"))
    comment = _text(bounds.COMMENT, 2, required=False, label=_("Comment to the customer"))


class DeclineForm(forms.Form):
    reason = _text(bounds.COMMENT, 2, label=_("Reason (the customer reads it)"))


class NoteForm(forms.Form):
    at = bounds.datetime_form_field(label=_("When it happened"))
    source = forms.ChoiceField(choices=Source.choices, label=_("Source"))
    text = _text(bounds.NOTE, 2, label=_("What happened"))
    internal = forms.BooleanField(required=False, label=_("Internal (kept out of the published timeline)"))


class AnalysisForm(forms.Form):
    summary = _text(bounds.DESCRIPTION, 4, required=False, label=_("Event summary"))
    root_cause = _text(bounds.DESCRIPTION, 4, required=False, label=_("Root cause"))
    restoration = _text(bounds.DESCRIPTION, 4, required=False, label=_("How service was restored"))
    recommendations = _text(bounds.DESCRIPTION, 3, required=False, label=_("Recommendations to the customer"))


class PreventiveActionForm(forms.Form):
    description = _text(bounds.NOTE, 2, label=_("Preventive action"))
    owner = forms.ModelChoiceField(queryset=Person.objects.none(), label=_("Owner"))
    due_on = bounds.date_form_field(label=_("Due on"))

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people


class CommentForm(forms.Form):
    comment = _text(bounds.COMMENT, 2, required=False, label=_("Comment"))


class PublishForm(forms.Form):
    correction_note = forms.CharField(max_length=bounds.LINE, required=False, label=_("What this version corrects"))


class DoneForm(forms.Form):
    done_note = forms.CharField(max_length=bounds.LINE, required=False, label=_("Done note"))

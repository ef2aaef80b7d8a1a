"""Forms for the post-mortem pages: they validate input only; the services decide.

Date-times come from ``datetime-local`` inputs and are read in the user's current time zone
(the one the middleware activates), like every time shown on the pages.
"""

from __future__ import annotations

from django import forms

from accountteam import bounds
from accountteam.forms import ListFiltersForm
from teams.models import Account, Person

from .models import Complexity, Source, Status


def _text(limit: int, rows: int, **kwargs) -> forms.CharField:
    return bounds.text_form_field(limit, rows=rows, **kwargs)


class RequestForm(forms.Form):
    account = forms.ModelChoiceField(queryset=Account.objects.none())
    ticket_number = forms.CharField(max_length=60, label="Trouble report / ticket number")
    circuit_id = forms.CharField(max_length=120, label="Circuit or service identifier")
    event_start = bounds.datetime_form_field(label="Event started")
    event_end = bounds.datetime_form_field(label="Service restored")
    impact = _text(bounds.DESCRIPTION, 4, label="Impact on your business")
    questions = _text(bounds.DESCRIPTION, 3, required=False, label="Questions the analysis should answer")

    def __init__(self, *args, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts
        self.fields["account"].label_from_instance = lambda a: f"{a.number} · {a.name} ({a.company.name})"


class PostMortemFiltersForm(ListFiltersForm):
    """The post-mortem list's filters and search (query parameters)."""

    status = forms.ChoiceField(choices=[("", "All"), ("open", "Open"), *Status.choices], required=False, label="Status")
    q = forms.CharField(required=False, label="Search")
    overdue = forms.BooleanField(required=False, label="Overdue only")


class AcceptForm(forms.Form):
    complexity = forms.ChoiceField(choices=Complexity.choices, initial=Complexity.MEDIUM)
    comment = _text(bounds.COMMENT, 2, required=False, label="Comment to the customer")


class DeclineForm(forms.Form):
    reason = _text(bounds.COMMENT, 2, label="Reason (the customer reads it)")


class NoteForm(forms.Form):
    at = bounds.datetime_form_field(label="When it happened")
    source = forms.ChoiceField(choices=Source.choices)
    text = _text(bounds.NOTE, 2, label="What happened")
    internal = forms.BooleanField(required=False, label="Internal (kept out of the published timeline)")


class AnalysisForm(forms.Form):
    summary = _text(bounds.DESCRIPTION, 4, required=False, label="Event summary")
    root_cause = _text(bounds.DESCRIPTION, 4, required=False, label="Root cause")
    restoration = _text(bounds.DESCRIPTION, 4, required=False, label="How service was restored")
    recommendations = _text(bounds.DESCRIPTION, 3, required=False, label="Recommendations to the customer")


class PreventiveActionForm(forms.Form):
    description = _text(bounds.NOTE, 2, label="Preventive action")
    owner = forms.ModelChoiceField(queryset=Person.objects.none())
    due_on = bounds.date_form_field(label="Due on")

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people


class CommentForm(forms.Form):
    comment = _text(bounds.COMMENT, 2, required=False)


class PublishForm(forms.Form):
    correction_note = forms.CharField(max_length=bounds.LINE, required=False, label="What this version corrects")


class DoneForm(forms.Form):
    done_note = forms.CharField(max_length=bounds.LINE, required=False)

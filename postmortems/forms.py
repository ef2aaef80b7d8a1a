"""Forms for the post-mortem pages: they validate input only; the services decide.

Date-times come from ``datetime-local`` inputs and are read in the user's current time zone
(the one the middleware activates), like every time shown on the pages.
"""

from __future__ import annotations

from django import forms

from teams.models import Account, Person

from .models import Complexity, Source

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def _datetime_input():
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL)


class RequestForm(forms.Form):
    account = forms.ModelChoiceField(queryset=Account.objects.none())
    ticket_number = forms.CharField(max_length=60, label="Trouble report / ticket number")
    circuit_id = forms.CharField(max_length=120, label="Circuit or service identifier")
    event_start = forms.DateTimeField(widget=_datetime_input(), label="Event started")
    event_end = forms.DateTimeField(widget=_datetime_input(), label="Service restored")
    impact = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), label="Impact on your business")
    questions = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Questions the analysis should answer"
    )

    def __init__(self, *args, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts
        self.fields["account"].label_from_instance = lambda a: f"{a.number} · {a.name} ({a.company.name})"


class AcceptForm(forms.Form):
    complexity = forms.ChoiceField(choices=Complexity.choices, initial=Complexity.MEDIUM)
    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False,
                              label="Comment to the customer (optional)")


class DeclineForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Reason (the customer reads it)")


class NoteForm(forms.Form):
    at = forms.DateTimeField(widget=_datetime_input(), label="When it happened")
    source = forms.ChoiceField(choices=Source.choices)
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="What happened")
    internal = forms.BooleanField(required=False, label="Internal (kept out of the published timeline)")


class AnalysisForm(forms.Form):
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False, label="Event summary")
    root_cause = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False, label="Root cause")
    restoration = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False,
                                  label="How service was restored")
    recommendations = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False,
                                      label="Recommendations to the customer")


class PreventiveActionForm(forms.Form):
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Preventive action")
    owner = forms.ModelChoiceField(queryset=Person.objects.none())
    due_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="Due on")

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people


class CommentForm(forms.Form):
    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class PublishForm(forms.Form):
    correction_note = forms.CharField(max_length=300, required=False, label="What this version corrects")


class DoneForm(forms.Form):
    done_note = forms.CharField(max_length=300, required=False)

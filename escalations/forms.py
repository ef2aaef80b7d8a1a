from django import forms
from django.utils import timezone

from teams.models import Account, Person

from .models import RAISABLE_CATEGORIES, Availability, Channel


class RaiseForm(forms.Form):
    account = forms.ModelChoiceField(queryset=Account.objects.none())
    channel = forms.ChoiceField(choices=Channel.choices, label="How are you contacting us?")
    category = forms.ChoiceField(choices=RAISABLE_CATEGORIES, label="What is it about?")
    subject = forms.CharField(max_length=200)
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        label="Details (order or ticket numbers, circuits, what you need)",
    )

    def __init__(self, *args, accounts, staff=False, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts
        if staff:
            self.fields["received_at"] = forms.DateTimeField(
                required=False,
                label="Received at (if earlier, e.g. a voicemail heard later)",
                widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
            )
            self.fields["availability"] = forms.ChoiceField(
                choices=[("", "As recorded for the assignee")] + list(Availability.choices),
                required=False,
                label="Assignee's availability when it arrived",
            )
            self.fields["assignee"] = forms.ModelChoiceField(
                queryset=people, required=False, label="Assignee (default: the account's manager)"
            )

    def clean_received_at(self):
        value = self.cleaned_data.get("received_at")
        if value and value > timezone.now():
            raise forms.ValidationError("The time received cannot be in the future.")
        return value

    def service_kwargs(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        return data


class ActionForm(forms.Form):
    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    follow_up_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(required=False)
    assignee = forms.ModelChoiceField(queryset=Person.objects.none(), required=False)
    internal = forms.BooleanField(required=False)

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["assignee"].queryset = people

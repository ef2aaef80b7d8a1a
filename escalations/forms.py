from django import forms

from accountteam import bounds
from accountteam.forms import ListFiltersForm
from teams.models import Account, Person

from .models import RAISABLE_CATEGORIES, Availability, Category, Channel, Status


class EscalationFiltersForm(ListFiltersForm):
    """The escalation list's filters and search (query parameters)."""

    status = forms.ChoiceField(choices=[("", "Any"), *Status.choices], required=False, label="Status")
    channel = forms.ChoiceField(choices=[("", "Any"), *Channel.choices], required=False, label="Channel")
    category = forms.ChoiceField(choices=[("", "Any"), *Category.choices], required=False, label="Category")
    q = forms.CharField(required=False, label="Search")
    overdue = forms.BooleanField(required=False, label="Overdue only")


class RaiseForm(forms.Form):
    account = forms.ModelChoiceField(queryset=Account.objects.none())
    channel = forms.ChoiceField(choices=Channel.choices, label="How are you contacting us?")
    category = forms.ChoiceField(choices=RAISABLE_CATEGORIES, label="What is it about?")
    subject = forms.CharField(max_length=bounds.SUBJECT)
    description = bounds.text_form_field(
        bounds.DESCRIPTION,
        rows=5,
        required=False,
        label="Details (order or ticket numbers, circuits, what you need)",
    )

    def __init__(self, *args, accounts, staff=False, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts
        if staff:
            self.fields["received_at"] = bounds.datetime_form_field(
                required=False,
                label="Received at (if earlier, e.g. a voicemail heard later)",
            )
            self.fields["availability"] = forms.ChoiceField(
                choices=[("", "As recorded for the assignee")] + list(Availability.choices),
                required=False,
                label="Assignee's availability when it arrived",
            )
            self.fields["assignee"] = forms.ModelChoiceField(
                queryset=people, required=False, label="Assignee (default: the account's manager)"
            )

    def service_kwargs(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        return data


class ActionForm(forms.Form):
    """An action on one item (the item page, a queue row) or on several (the queue's bulk bar):
    checks what was posted and turns it into the service's arguments."""

    comment = bounds.text_form_field(bounds.COMMENT, rows=2, required=False)
    follow_up_on = bounds.date_form_field(required=False)
    reason = bounds.text_form_field(bounds.COMMENT, required=False)
    assignee = forms.ModelChoiceField(queryset=Person.objects.none(), required=False)
    internal = forms.BooleanField(required=False)
    tell_customer = forms.BooleanField(required=False)

    def __init__(self, *args, action: str, people=None, bulk: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.action, self.bulk = action, bulk
        if people is not None:
            self.fields["assignee"].queryset = people

    def clean(self):
        data = super().clean()
        if self.action == "reassign" and data.get("assignee") is None and "assignee" not in self.errors:
            self.add_error("assignee", f"Choose who takes the {'selected items' if self.bulk else 'item'} over.")
        return data

    def service_kwargs(self) -> dict:
        """The service's arguments for ``action`` (besides the actor and the item)."""
        data = self.cleaned_data
        reason = data["reason"] or data["comment"]
        return {
            "acknowledge": {"follow_up_on": data["follow_up_on"], "comment": data["comment"]},
            "escalate": {"reason": reason, "tell_customer": data["tell_customer"]},
            "reassign": {"assignee": data["assignee"], "reason": reason, "tell_customer": data["tell_customer"]},
            "comment": {"comment": data["comment"], "internal": data["internal"]},
        }.get(self.action, {"comment": data["comment"]})

    def error_text(self) -> str:
        return " ".join(message for messages in self.errors.values() for message in messages)

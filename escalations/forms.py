import json

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accountteam import bounds
from accountteam.forms import ListFiltersForm
from teams.models import Account, Person

from . import rules
from .customer_actions import REASON_REQUIRED
from .models import RAISABLE_CATEGORIES, Availability, Category, Channel, Status, Topic
from .selectors import LIST_SORTS


class EscalationFiltersForm(ListFiltersForm):
    """The escalation list's filters and search (query parameters)."""

    status = forms.ChoiceField(
        choices=[("", gettext_lazy("Any")), *Status.choices], required=False, label=gettext_lazy("Status")
    )
    channel = forms.ChoiceField(
        choices=[("", gettext_lazy("Any")), *Channel.choices], required=False, label=gettext_lazy("Channel")
    )
    category = forms.ChoiceField(
        choices=[("", gettext_lazy("Any")), *Category.choices], required=False, label=gettext_lazy("Category")
    )
    q = forms.CharField(required=False, label=gettext_lazy("Search"))
    overdue = forms.BooleanField(required=False, label=gettext_lazy("Overdue only"))
    # The column links set it; empty: most urgent first.
    sort = forms.ChoiceField(
        choices=[("", gettext_lazy("Most urgent first"))]
        + [(f"{d}{c}", f"{d}{c}") for c in LIST_SORTS for d in ("", "-")],
        required=False,
        label=gettext_lazy("Sort"),
    )


class RaiseForm(forms.Form):
    account = forms.ModelChoiceField(queryset=Account.objects.none(), label=gettext_lazy("Account"))
    channel = forms.ChoiceField(choices=Channel.choices, label=gettext_lazy("How are you contacting us?"))
    # A call or meeting says when; static/js/raise_schedule.js shows these for those channels only.
    requested_start = bounds.datetime_form_field(
        required=False,
        label=gettext_lazy("When would you like it? (your time zone)"),
        widget=bounds.datetime_input(**{"data-channels": " ".join(sorted(rules.SCHEDULED_CHANNELS))}),
    )
    requested_minutes = forms.IntegerField(
        required=False,
        min_value=15,
        max_value=bounds.MAX_MEETING_MINUTES,
        label=gettext_lazy("How long, in minutes?"),
        widget=forms.NumberInput(
            attrs={"data-channels": " ".join(sorted(rules.SCHEDULED_CHANNELS)), "step": 15, "placeholder": "60"}
        ),
    )
    category = forms.ChoiceField(choices=RAISABLE_CATEGORIES, label=gettext_lazy("What is it about?"))
    # Where the seeds split a category between sales and service. Grouped by category so the list
    # reads well without script; static/js/raise.js shows only the chosen category's sub-topics.
    topic = forms.ChoiceField(
        choices=[("", gettext_lazy("Not sure, or neither"))]
        + [
            (Category(category).label, [(topic, Topic(topic).label) for topic in topics])
            for category, topics in rules.TOPICS.items()
        ],
        required=False,
        label=gettext_lazy("Sub-topic"),
        widget=forms.Select(attrs={"data-topics-of": json.dumps(rules.TOPICS)}),
    )
    subject = forms.CharField(max_length=bounds.SUBJECT, label=gettext_lazy("Subject"))
    description = bounds.text_form_field(
        bounds.DESCRIPTION,
        rows=5,
        required=False,
        label=gettext_lazy("Details (order or ticket numbers, circuits, what you need)"),
    )

    def __init__(self, *args, accounts, staff=False, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts
        if staff:
            self.fields["received_at"] = bounds.datetime_form_field(
                required=False,
                label=_("Received at (if earlier, e.g. a voicemail heard later)"),
            )
            self.fields["availability"] = forms.ChoiceField(
                choices=[("", _("As recorded for the assignee"))] + list(Availability.choices),
                required=False,
                label=_("Assignee's availability when it arrived"),
            )
            self.fields["assignee"] = forms.ModelChoiceField(
                queryset=people, required=False, label=_("Assignee (default: the account's manager)")
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
    category = forms.ChoiceField(choices=RAISABLE_CATEGORIES, required=False)

    def __init__(self, *args, action: str, people=None, bulk: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.action, self.bulk = action, bulk
        if people is not None:
            self.fields["assignee"].queryset = people

    def clean(self):
        data = super().clean()
        if self.action == "recategorize" and not data.get("category") and "category" not in self.errors:
            self.add_error("category", _("Choose one of the categories."))
        if self.action == "reassign" and data.get("assignee") is None and "assignee" not in self.errors:
            self.add_error(
                "assignee",
                _("Choose who takes the selected items over.") if self.bulk else _("Choose who takes the item over."),
            )
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
            "recategorize": {"category": data["category"]},
        }.get(self.action, {"comment": data["comment"]})

    def error_text(self) -> str:
        return " ".join(message for messages in self.errors.values() for message in messages)


class CustomerActionForm(forms.Form):
    """A customer's action on their item from its page (take it to the director, cancel it, reopen
    it): the reason, in their words, which their team reads."""

    reason = bounds.text_form_field(bounds.COMMENT, rows=3)

    def __init__(self, *args, action: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = REASON_REQUIRED[action]

    def service_kwargs(self) -> dict:
        return {"reason": self.cleaned_data["reason"]}

    def error_text(self) -> str:
        return " ".join(message for messages in self.errors.values() for message in messages)


class ScheduleForm(forms.Form):
    """Staff schedule (or move) a requested call or meeting from the item's page: prefilled with
    what the customer asked for, or with the meeting as it is."""

    prefix = "schedule"

    starts_at = bounds.datetime_form_field(
        label=gettext_lazy("Starts (your time zone)"), error_messages={"required": gettext_lazy("Say when it starts.")}
    )
    duration_minutes = forms.IntegerField(
        min_value=15,
        max_value=bounds.MAX_MEETING_MINUTES,
        label=gettext_lazy("How long, in minutes"),
        error_messages={"required": gettext_lazy("Say how long it lasts.")},
    )
    location = forms.CharField(
        max_length=bounds.LINE,
        required=False,
        label=gettext_lazy("Where (room, address or dial-in; the customer reads it)"),
    )
    comment = bounds.text_form_field(
        bounds.COMMENT, rows=2, required=False, label=gettext_lazy("Comment (the customer will read this)")
    )

    @classmethod
    def for_item(cls, item) -> "ScheduleForm":
        meeting = item.meeting
        return cls(
            initial={
                "starts_at": meeting.starts_at if meeting else item.requested_start,
                "duration_minutes": meeting.duration_minutes if meeting else item.requested_minutes or 60,
                "location": meeting.location if meeting else "",
            }
        )

    def service_kwargs(self) -> dict:
        return dict(self.cleaned_data)

    def error_text(self) -> str:
        return " ".join(message for messages in self.errors.values() for message in messages)

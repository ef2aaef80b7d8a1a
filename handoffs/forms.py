"""Forms for the handoff pages: they validate only; the services decide."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accountteam import bounds
from accountteam.clock import carrier_today
from accountteam.dates import local_format
from accountteam.forms import ListFiltersForm
from accountteam.uploads import validate_upload
from dossiers.models import Contact, Meeting
from teams.models import Account, Person, Role

from .models import Handoff


class HandoffFiltersForm(ListFiltersForm):
    """The handoff list's tab (``status``, open by default) and search (query parameters)."""

    status = forms.ChoiceField(
        choices=[*Handoff.Status.choices, ("all", pgettext_lazy("handoff status filter", "All"))],
        required=False, label=_("Status"),
    )
    q = forms.CharField(required=False, label=_("Search"))


class StartForm(forms.Form):
    role = forms.ModelChoiceField(queryset=Role.objects.all(), to_field_name="code", empty_label=None)
    outgoing = forms.ModelChoiceField(queryset=Person.objects.none(), label=_("Outgoing person"))
    incoming = forms.ModelChoiceField(queryset=Person.objects.none(), label=_("Incoming person"))
    effective_date = bounds.date_form_field()
    scope = forms.ChoiceField(choices=Handoff.Scope.choices, initial=Handoff.Scope.ALL, widget=forms.RadioSelect)
    accounts = forms.ModelMultipleChoiceField(queryset=Account.objects.none(), required=False,
                                              widget=forms.CheckboxSelectMultiple)
    note = bounds.text_form_field(
        bounds.NOTE, rows=3, required=False, help_text=_("Internal: the customer never sees it.")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        people = Person.objects.visible_to(user).filter(is_active=True).order_by("name")
        self.fields["outgoing"].queryset = people
        self.fields["incoming"].queryset = people
        self.fields["accounts"].queryset = Account.objects.visible_to(user).select_related("company")
        self.fields["role"].queryset = Role.objects.filter(allows_multiple=False).order_by("team", "sort_order")
        self.fields["effective_date"].initial = carrier_today()

    def clean(self):
        data = super().clean()
        if data.get("outgoing") and data.get("outgoing") == data.get("incoming"):
            self.add_error("incoming", _("The incoming person must be someone other than the outgoing person."))
        if data.get("scope") == Handoff.Scope.ACCOUNTS and not data.get("accounts"):
            self.add_error("accounts", _("Choose at least one account, or hand over all accounts."))
        return data


class ItemForm(forms.Form):
    note = bounds.text_form_field(bounds.NOTE, rows=2, required=False, label=_("Evidence note"))
    link = forms.URLField(required=False, label=_("Link"), assume_scheme="https", max_length=200)
    file = forms.FileField(required=False, validators=[validate_upload])
    meeting = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label=_("Meeting"))

    def __init__(self, *args, meetings: list[Meeting], **kwargs):
        """``meetings``: the account's meetings, fetched once for all the items of the account."""
        super().__init__(*args, **kwargs)
        self._meetings = {m.pk: m for m in meetings}
        self.fields["meeting"].choices = [("", _("— no meeting —"))] + [
            (m.pk, f"{m.title}, {local_format(timezone.localtime(m.starts_at), 'd M Y H:i')}") for m in meetings
        ]

    def clean_meeting(self):
        pk = self.cleaned_data.get("meeting")
        return self._meetings.get(pk) if pk is not None else None


class IntroductionForm(forms.Form):
    starts_at = bounds.datetime_form_field(label=_("Starts"))
    duration_minutes = forms.IntegerField(min_value=5, max_value=480, initial=30, label=_("Minutes"))
    location = forms.CharField(required=False, max_length=bounds.LINE, help_text=_("Room, address or dial-in."))
    contacts = forms.ModelMultipleChoiceField(queryset=Contact.objects.none(), widget=forms.CheckboxSelectMultiple,
                                              required=False, help_text=_("Empty: every contact with an email."))

    def __init__(self, *args, account: Account, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contacts"].queryset = Contact.objects.filter(account=account).exclude(email="")
        self.fields["starts_at"].initial = (timezone.localtime() + timezone.timedelta(days=2)).replace(
            hour=10, minute=0, second=0, microsecond=0
        ).strftime("%Y-%m-%dT%H:%M")


class CancelForm(forms.Form):
    reason = forms.CharField(max_length=bounds.LINE)

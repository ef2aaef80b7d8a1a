"""Forms for the quarantine's pages: they validate only; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accountteam import bounds
from accountteam.forms import ListFiltersForm
from escalations.models import RAISABLE_CATEGORIES
from teams.models import Account
from teams.selectors import raisable_accounts

from . import rules
from .models import InboundMessage

Status = InboundMessage.Status

# The list's tabs, in this order: what waits for staff first, then what was put aside.
STATUS_TABS = [
    (value, Status(value).label)
    for value in (Status.QUARANTINED, Status.IGNORED, Status.DISCARDED, Status.ACCEPTED, Status.DELIVERED)
]
ALL = ("all", pgettext_lazy("inbound mail status filter", "All"))


class InboundFiltersForm(ListFiltersForm):
    """The mail list's tab (``status``, the quarantine by default) and search (query parameters)."""

    status = forms.ChoiceField(choices=[*STATUS_TABS, ALL], required=False, label=_("Status"))
    q = forms.CharField(required=False, max_length=bounds.SUBJECT, label=_("Search"))


class AcceptForm(forms.Form):
    """Raise an item from a quarantined message: on one of the accounts the staff member serves."""

    account = forms.ModelChoiceField(queryset=Account.objects.none(), label=_("Account"))
    category = forms.ChoiceField(choices=RAISABLE_CATEGORIES, label=_("Category"))

    def __init__(self, *args, user, message: InboundMessage, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = raisable_accounts(user=user, right="can_escalate").order_by("number")
        self.fields["category"].initial = rules.guess_category(message.subject)


class DiscardForm(forms.Form):
    reason = bounds.text_form_field(
        bounds.LINE, label=_("Reason"), help_text=_("Kept with the message, for the record.")
    )

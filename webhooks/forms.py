"""Forms for the webhook pages: they validate only; the services decide (an address's scheme, the
events chosen)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accountteam.forms import ListFiltersForm

from .events import EVENT_CHOICES
from .models import Delivery
from .rules import NAME_LENGTH, URL_LENGTH


class EndpointForm(forms.Form):
    name = forms.CharField(
        max_length=NAME_LENGTH, label=_("Name"), help_text=_("What the receiver is, to recognise it in the list.")
    )
    url = forms.CharField(
        max_length=URL_LENGTH, label=_("Address"), widget=forms.URLInput(attrs={"placeholder": "https://"}),
        help_text=_("The receiver's HTTPS address; the portal posts each event there as signed JSON."),
    )
    events = forms.MultipleChoiceField(
        choices=EVENT_CHOICES, widget=forms.CheckboxSelectMultiple, label=_("Events"), required=False,
    )
    is_active = forms.BooleanField(
        required=False, initial=True, label=_("Active"),
        help_text=_("Switched off, it receives nothing (switching it on again clears its run of failures)."),
    )


class DeliveryFiltersForm(ListFiltersForm):
    """The delivery log's filters (query parameters)."""

    status = forms.ChoiceField(
        choices=[("", _("Any status")), *Delivery.Status.choices], required=False, label=_("Status")
    )
    event = forms.ChoiceField(choices=[("", _("Any event")), *EVENT_CHOICES], required=False, label=_("Event"))

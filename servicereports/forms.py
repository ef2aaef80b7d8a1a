from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accountteam import bounds

from .models import CURRENCIES


class CreditForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount"), min_value=0.01, max_value=10_000_000, decimal_places=2)
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCIES)
    escalation = forms.IntegerField(label=_("Escalation number (optional)"), required=False, min_value=1,
                                    max_value=10**12)
    reason = bounds.text_form_field(bounds.COMMENT, rows=2, label=_("What the credit is for"))


class PublishForm(forms.Form):
    note = bounds.text_form_field(bounds.COMMENT, rows=2, required=False, label=_("A word to the customer (optional)"))

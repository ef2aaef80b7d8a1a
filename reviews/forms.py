from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class ReassignForm(forms.Form):
    """Reassign the ticked items of the reviewed group to one member of that group (the dashboard's
    one reassign control; the view finds the items)."""

    assignee = forms.TypedChoiceField(
        coerce=int,
        label=gettext_lazy("New assignee"),
        error_messages={
            "invalid_choice": gettext_lazy("Choose someone in the group."), "required": gettext_lazy("Choose someone.")
        },
    )
    reason = forms.CharField(required=False, max_length=500, label=gettext_lazy("Reason"))

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {p.pk: p for p in people}
        self.fields["assignee"].choices = [(p.pk, p.name) for p in people]

    def clean(self):
        data = super().clean()
        if not self.people:
            raise forms.ValidationError(_("Pick a director's group to reassign its items."))
        if data.get("assignee") in self.people:
            data["assignee"] = self.people[data["assignee"]]
        return data

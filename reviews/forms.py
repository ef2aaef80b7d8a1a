from __future__ import annotations

from django import forms


class ReassignForm(forms.Form):
    """Reassign the ticked items of the reviewed group to one member of that group (the dashboard's
    one reassign control; the view finds the items)."""

    assignee = forms.TypedChoiceField(
        coerce=int, error_messages={"invalid_choice": "Choose someone in the group.", "required": "Choose someone."}
    )
    reason = forms.CharField(required=False, max_length=500)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {p.pk: p for p in people}
        self.fields["assignee"].choices = [(p.pk, p.name) for p in people]

    def clean(self):
        data = super().clean()
        if not self.people:
            raise forms.ValidationError("Pick a director's group to reassign its items.")
        if data.get("assignee") in self.people:
            data["assignee"] = self.people[data["assignee"]]
        return data

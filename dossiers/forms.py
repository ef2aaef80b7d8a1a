"""Forms for the dossier pages: one ModelForm per part. Forms only validate; the views hand
``values()`` to ``services.dossier_save``, which writes and records the change."""

from __future__ import annotations

from django import forms
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accountteam import bounds
from teams.models import Person
from teams.scoping import staff_person

from . import rules
from .models import AccountProfile, Amendment, Contact, DossierFile, Meeting, Proposal

DATE = bounds.date_input()
DATETIME = bounds.datetime_input()


class StoredFileInput(forms.ClearableFileInput):
    """Names the stored file without linking it: files are served by scoped views only, never
    from MEDIA_URL (the stock widget links ``value.url``)."""

    template_name = "dossiers/widgets/stored_file.html"


def _text(rows: int) -> forms.Textarea:
    return bounds.Textarea(attrs={"rows": rows})


class DossierForm(forms.ModelForm):
    """A part's form: knows the viewer and the account, and splits its data for the service."""

    def __init__(self, *args, user, account, **kwargs):
        self.user = user
        self.account = account
        super().__init__(*args, **kwargs)
        # The fields' names as the reader's language says them (the Meta's own labels first).
        own = self._meta.labels or {}
        for name, field in self.fields.items():
            if name in rules.FIELD_LABELS and name not in own:
                field.label = rules.FIELD_LABELS[name]

    def values(self) -> tuple[dict, dict]:
        """(field values, many-to-many values) as ``dossier_save`` takes them.

        File fields follow ``FileField.save_form_data``: None keeps the stored file, False (the
        "clear" box) removes it.
        """
        values, m2m = {}, {}
        for name, value in self.cleaned_data.items():
            field = self._meta.model._meta.get_field(name)
            if field.many_to_many:
                m2m[name] = value
            elif isinstance(field, models.FileField):
                if value is not None:
                    values[name] = value or ""
            else:
                values[name] = value
        return values, m2m


class ContactForm(DossierForm):
    class Meta:
        model = Contact
        fields = ["name", "role", "email", "phone", "cell", "is_primary"]


class AmendmentForm(DossierForm):
    class Meta:
        model = Amendment
        fields = ["kind", "title", "status", "requested_on", "signed_on", "effective_on", "expires_on", "document"]
        widgets = {
            "requested_on": DATE, "signed_on": DATE, "effective_on": DATE, "expires_on": DATE,
            "document": StoredFileInput,
        }


class MeetingForm(DossierForm):
    class Meta:
        model = Meeting
        fields = [
            "kind", "title", "starts_at", "duration_minutes", "location", "recurrence", "repeat_until",
            "people", "contacts", "notes",
        ]
        widgets = {
            "starts_at": DATETIME,
            "repeat_until": DATE,
            "notes": _text(3),
            "people": forms.SelectMultiple(attrs={"size": 6}),
            "contacts": forms.SelectMultiple(attrs={"size": 6}),
        }
        labels = {"starts_at": _("Starts at (your time zone)"), "duration_minutes": _("Duration (minutes)")}
        help_texts = {"people": _("Ctrl/⌘-click to choose several."), "contacts": _("Ctrl/⌘-click to choose several.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.people.all() if self.instance.pk else Person.objects.none()
        # Active staff, plus whoever is already invited (a person who left stays on past meetings).
        self.fields["people"].queryset = Person.objects.visible_to(self.user).filter(
            Q(is_active=True) | Q(pk__in=[p.pk for p in current])
        )
        self.fields["contacts"].queryset = Contact.objects.visible_to(self.user).filter(account=self.account)


class ProposalForm(DossierForm):
    class Meta:
        model = Proposal
        fields = [
            "title", "stage", "value", "owner", "due_date", "next_step", "parties", "background", "commitments",
        ]
        widgets = {"due_date": DATE, "background": _text(4), "commitments": _text(3)}
        labels = {"value": _("Value (USD)")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        owner_id = self.instance.owner_id
        self.fields["owner"].queryset = Person.objects.visible_to(self.user).filter(
            Q(is_active=True) | Q(pk=owner_id)
        )
        if not self.instance.pk and not self.is_bound:
            self.initial.setdefault("owner", staff_person(self.user))


class DossierFileForm(DossierForm):
    class Meta:
        model = DossierFile
        fields = ["title", "kind", "section", "file", "internal"]
        widgets = {"file": StoredFileInput}
        labels = {"internal": _("Internal (carrier staff only)")}


class ProfileForm(DossierForm):
    """The account profile, and the corporate profile held on the company."""

    company_profile = forms.CharField(
        required=False, widget=_text(5), label=_("Corporate profile"), max_length=bounds.DESCRIPTION,
        help_text=_("Shown in the dossier of each of the company's accounts."),
    )

    class Meta:
        model = AccountProfile
        fields = [
            "sales_objectives", "service_objectives", "network_summary", "switches",
            "points_of_interconnection", "key_locations",
        ]
        widgets = {name: _text(4) for name in fields}

    def values(self) -> tuple[dict, dict]:
        """Only the profile fields that changed (the company profile goes its own way)."""
        return {name: self.cleaned_data[name] for name in self._meta.fields if name in self.changed_data}, {}


PART_FORMS: dict[str, type[DossierForm]] = {
    "contacts": ContactForm,
    "amendments": AmendmentForm,
    "meetings": MeetingForm,
    "proposals": ProposalForm,
    "files": DossierFileForm,
}

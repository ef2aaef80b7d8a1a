from django import forms
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accountteam import bounds
from accountteam.forms import ListFiltersForm

from .models import Account, Membership, Person
from .time_zones import clean_time_zone, zone_choices


class AccountSearchForm(ListFiltersForm):
    q = forms.CharField(required=False, label=_("Search"))


class PermissionsForm(forms.Form):
    can_view_team = forms.BooleanField(label=_("View team"), required=False, initial=True)
    can_escalate = forms.BooleanField(label=_("Raise and follow escalations"), required=False, initial=True)
    can_request_postmortem = forms.BooleanField(label=_("Request post-mortems"), required=False)
    can_manage_users = forms.BooleanField(label=_("Manage the company's users"), required=False)

    def permissions(self) -> dict[str, bool]:
        return {name: self.cleaned_data[name] for name in Membership.PERMISSION_FIELDS}


class AccountScopeForm(forms.Form):
    """Which of the company's accounts the rights apply to."""

    account_access = forms.ChoiceField(
        choices=[("all", _("All the company's accounts")), ("chosen", _("Only the accounts ticked below"))],
        widget=forms.RadioSelect, required=False, initial="all", label=_("Accounts the rights apply to"),
    )
    accounts = forms.ModelMultipleChoiceField(
        queryset=Account.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        label=_("Only these accounts"),
    )

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accounts"].queryset = company.accounts.filter(is_active=True).order_by("number")
        self.fields["accounts"].label_from_instance = lambda a: f"{a.number} · {a.name}"

    def scope(self) -> dict:
        every = self.cleaned_data.get("account_access") != "chosen"
        return {"all_accounts": every, "accounts": [] if every else list(self.cleaned_data["accounts"])}


class InvitationForm(PermissionsForm, AccountScopeForm):
    email = forms.EmailField(label=_("Email address"))
    field_order = ["email"]


class MemberForm(PermissionsForm, AccountScopeForm):
    """A member's rights and the accounts they apply to, on the member's own page."""


class AcceptInvitationForm(forms.Form):
    username = forms.RegexField(
        regex=r"^[\w.@+-]+$", max_length=150, label=_("Username"),
        error_messages={"invalid": _("Letters, digits and @ . + - _ only.")},
    )
    password = forms.CharField(widget=forms.PasswordInput, label=_("Password"))
    password_again = forms.CharField(widget=forms.PasswordInput, label=_("Password (again)"))

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", gettext("The two passwords differ."))
        return data


class AvailabilityForm(forms.Form):
    availability = forms.ChoiceField(choices=Person.Availability.choices, label=_("Availability"))
    # A planned absence: its start and end are checked (in the future, end after start, an end
    # given) by ``person_set_availability``, whose messages the view puts under these fields.
    availability_from = bounds.datetime_form_field(label=_("From (optional, for a planned absence)"), required=False)
    availability_until = bounds.datetime_form_field(label=_("Until (optional)"), required=False)
    backup = forms.ModelChoiceField(queryset=Person.objects.none(), required=False, label=_("Backup"))

    def __init__(self, *args, person: Person, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["backup"].queryset = Person.objects.filter(is_active=True).exclude(pk=person.pk)

    def clean_availability_until(self):
        until = self.cleaned_data.get("availability_until")
        if until is not None and until <= timezone.now():
            raise forms.ValidationError(gettext("Pick a time in the future."))
        return until


class SettingsForm(forms.Form):
    # Left out of a form sent by an older page: the language stays as it is.
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES, required=False)
    # A searchable picker: the box lists the zones by city in the reader's language (a <datalist>,
    # ``zone_choices``); a city typed ("Buenos Aires") reads as its zone.
    time_zone = forms.CharField(
        required=False, label=_("Time zone"),
        widget=forms.TextInput(attrs={"list": "time-zone-choices", "autocomplete": "off", "spellcheck": "false",
                                      "placeholder": _("Type a city, such as Buenos Aires")}),
    )
    notify_by_email = forms.BooleanField(required=False, label=_("Email me notices"))
    notify_in_app = forms.BooleanField(required=False, label=_("Show notices under the bell"))

    def __init__(self, *args, notice_groups=(), muted=(), **kwargs):
        """``notice_groups``: the ``MutableNotices`` offered to the user, one box per kind, ticked
        unless ``muted``."""
        super().__init__(*args, **kwargs)
        self.zone_choices = zone_choices(translation.get_language() or settings.LANGUAGE_CODE)
        self.notice_groups = list(notice_groups)
        for number, group in enumerate(self.notice_groups):
            self.fields[f"notices_{number}"] = forms.MultipleChoiceField(
                label=group.title,
                choices=list(group.kinds.items()),
                required=False,
                widget=forms.CheckboxSelectMultiple,
                initial=[kind for kind in group.kinds if kind not in muted],
                help_text=group.help,
            )

    @property
    def notice_fields(self) -> list:
        return [self[f"notices_{number}"] for number in range(len(self.notice_groups))]

    def wanted_notices(self) -> set[str]:
        """The kinds ticked, across the groups."""
        return {kind for number in range(len(self.notice_groups)) for kind in self.cleaned_data[f"notices_{number}"]}

    def muted_notices(self) -> list[str]:
        """The kinds offered and left unticked: what ``user_settings_update`` takes as muted."""
        wanted = self.wanted_notices()
        return [kind for group in self.notice_groups for kind in group.kinds if kind not in wanted]

    def clean_time_zone(self):
        return clean_time_zone(self.cleaned_data["time_zone"])

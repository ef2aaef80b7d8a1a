"""Presentation of dossier rows and their history. Pure: nothing here queries (the rows come with
their actors and people selected)."""

from __future__ import annotations

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _

from teams.models import Company
from teams.scoping import display_name

from .. import rules, services
from ..models import AccountProfile, Amendment, Contact, DossierFile, Meeting, Proposal

register = template.Library()

_PART_MODELS = {
    services.PROFILE: AccountProfile,
    services.COMPANY: Company,
    services.CONTACTS: Contact,
    services.AMENDMENTS: Amendment,
    services.MEETINGS: Meeting,
    services.PROPOSALS: Proposal,
    services.FILES: DossierFile,
}
EMPTY = "—"


@register.filter
def who(user) -> str:
    """A user as colleagues know them: the staff member's name, else the user's name."""
    return display_name(user, nobody=_("the system"))


@register.filter
def part_label(part: str) -> str:
    return rules.part_label(part)


def _show(field, value) -> str:
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field is not None and field.get_internal_type() == "FileField":
        return str(value).rsplit("/", 1)[-1]
    return str(value)


@register.filter
def change_fields(change) -> list[dict]:
    """The fields a change touched: label, before and after, as people read them."""
    model = _PART_MODELS.get(change.part)
    rows = []
    for name, pair in (change.changes or {}).items():
        before, after = (list(pair) + [None, None])[:2] if isinstance(pair, list) else (None, pair)
        try:
            field = model._meta.get_field(name) if model is not None else None
        except FieldDoesNotExist:
            field = None
        if name in rules.FIELD_LABELS:
            label = str(rules.FIELD_LABELS[name])
        else:
            label = str(field.verbose_name) if field is not None else name.replace("_", " ")
        rows.append(
            {"label": label[:1].upper() + label[1:], "before": _show(field, before), "after": _show(field, after)}
        )
    return rows


@register.filter
def lines(text: str) -> list[str]:
    """A one-item-per-line field as a list (blank lines dropped)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


@register.filter
def basename(name: str) -> str:
    return str(name or "").rsplit("/", 1)[-1]

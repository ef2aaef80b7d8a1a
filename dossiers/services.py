"""Writes to account dossiers. Every write records a ``Change`` (who, when, what) in the same
transaction, so the history is complete by construction."""

from __future__ import annotations

import datetime as dt
import decimal
import secrets

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _

from accountteam import bounds
from teams.models import Account

from .models import AccountProfile, CalendarFeed, Change, Contact, Meeting
from .rules import AMENDMENTS, COMPANY, CONTACTS, FILES, MEETINGS, PROFILE, PROPOSALS  # noqa: F401  (part names)
from .selectors import can_edit

# Fields whose values are not worth copying into the history (files keep their name only).
_SKIP = {"id", "account", "created_at", "updated_at", "uid", "sequence", "added_at", "added_by"}


def _require_edit(user, account: Account, part: str) -> None:
    if not can_edit(user=user, account=account, part=part):
        raise PermissionDenied(_("You may not change this part of the dossier."))


def _plain(value):
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="minutes")
    if isinstance(value, dt.date | decimal.Decimal):
        return str(value)
    if isinstance(value, FieldFile):  # the stored name only (``.url`` raises when empty)
        return value.name or ""
    return value


def snapshot(instance: models.Model) -> dict:
    """The recordable field values of a row (many-to-many fields as sorted names)."""
    values = {}
    for field in instance._meta.concrete_fields:
        if field.name in _SKIP:
            continue
        values[field.name] = _plain(getattr(instance, field.name))
    if instance.pk:
        for field in instance._meta.many_to_many:
            values[field.name] = sorted(str(o) for o in getattr(instance, field.name).all())
    return values


def diff(before: dict, after: dict) -> dict:
    """Field → [before, after] for the fields that changed; for a new row (``before`` empty) the
    fields it was given a value in."""
    if not before:
        return {name: [None, value] for name, value in after.items() if value not in ("", None, [])}
    return {name: [before.get(name), value] for name, value in after.items() if before.get(name) != value}


def _record(*, account, part, instance, action, changes, actor, note="", internal=False) -> Change:
    return Change.objects.create(
        account=account,
        part=part,
        object_id=instance.pk,
        label=str(instance)[:200],
        action=action,
        changes=changes,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        note=note,
        internal=internal or bool(getattr(instance, "internal", False)),
    )


@transaction.atomic
def dossier_save(*, actor, account: Account, part: str, instance: models.Model, values: dict,
                 m2m: dict | None = None, note: str = "", check: bool = True,
                 internal: bool = False) -> models.Model:
    """Create or change one row of a dossier part and record what changed.

    ``values`` are validated field values (a form's or serializer's cleaned data without the
    many-to-many fields, which go in ``m2m``). ``check=False`` is for services that already
    decided who may write (a handoff moving proposals). ``internal``: the history entry is the
    carrier's only (a handoff's mechanics).
    """
    if check:
        _require_edit(actor, account, part)
    creating = instance.pk is None
    before = {} if creating else snapshot(instance)
    for name, value in values.items():
        setattr(instance, name, value)
    if hasattr(instance, "account_id"):
        instance.account = account
    if hasattr(instance, "added_by_id") and creating:
        instance.added_by = actor
    if isinstance(instance, Meeting) and not creating:
        instance.sequence += 1
    if isinstance(instance, AccountProfile):
        instance.updated_at = timezone.now()
    instance.full_clean(exclude=["account", "added_by"])
    instance.save()
    for name, objects in (m2m or {}).items():
        getattr(instance, name).set(objects)
    changes = diff(before, snapshot(instance))
    if changes or creating:
        _record(
            account=account, part=part, instance=instance,
            action=Change.Action.CREATED if creating else Change.Action.UPDATED,
            changes=changes, actor=actor, note=note, internal=internal or bool(before.get("internal")),
        )
    if isinstance(instance, Contact) and instance.is_primary:
        # One primary contact per account: the new one replaces the old (and the history says so).
        for other in Contact.objects.select_for_update().filter(account=account, is_primary=True).exclude(
            pk=instance.pk
        ):
            other.is_primary = False
            other.save(update_fields=["is_primary"])
            _record(
                account=account, part=part, instance=other, action=Change.Action.UPDATED,
                changes={"is_primary": [True, False]}, actor=actor,
                # Stored with the change: in the language of whoever made the new primary contact.
                note=_("%(name)s is now the primary contact.") % {"name": instance},
            )
    return instance


@transaction.atomic
def dossier_delete(*, actor, account: Account, part: str, instance: models.Model, check: bool = True) -> None:
    """Remove a row; the history keeps what it held. ``check=False`` as for ``dossier_save``
    (the back office, which has its own permissions)."""
    if check:
        _require_edit(actor, account, part)
    _record(
        account=account, part=part, instance=instance, action=Change.Action.DELETED,
        changes={name: [value, None] for name, value in snapshot(instance).items() if value not in ("", None, [])},
        actor=actor,
    )
    instance.delete()  # the stored file stays: the history names it, and an admin may need it


@transaction.atomic
def company_profile_update(*, actor, account: Account, profile: str, check: bool = True) -> None:
    """Change the corporate profile (held on the company, shown in each of its dossiers).
    ``check=False`` as for ``dossier_save`` (the demo data)."""
    if check:
        _require_edit(actor, account, PROFILE)
    bounds.ensure(bounds.text_errors(bounds.DESCRIPTION, company_profile=profile))
    company = account.company
    if company.profile == profile:
        return
    before = company.profile
    company.profile = profile
    company.save(update_fields=["profile"])
    Change.objects.create(
        account=account, part=COMPANY, object_id=company.pk, label=company.name[:200],
        action=Change.Action.UPDATED, changes={"profile": [before, profile]},
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )


def profile_for(account: Account) -> AccountProfile:
    """The account's profile row (unsaved and empty when nobody wrote one yet)."""
    try:
        return account.profile
    except AccountProfile.DoesNotExist:
        return AccountProfile(account=account)


@transaction.atomic
def calendar_feed_get_or_create(*, user, rotate: bool = False) -> CalendarFeed:
    """The user's secret feed address; ``rotate`` replaces the token (the old link stops working)."""
    feed, created = CalendarFeed.objects.select_for_update().get_or_create(
        user=user, defaults={"token": secrets.token_urlsafe(32)}
    )
    if rotate and not created:
        feed.token = secrets.token_urlsafe(32)
        feed.save(update_fields=["token"])
    return feed

"""Reads for account dossiers. Every selector starts from a ``visible_to(user)`` queryset."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from teams.models import Account, Membership, Person
from teams.scoping import can_view_account_team, reaches, staff_person
from teams.selectors import account_get

from . import rules
from .models import AccountProfile, Amendment, CalendarFeed, Change, Contact, DossierFile, Meeting, Proposal
from .rules import CONTACTS

PART_MODELS = {
    rules.CONTACTS: Contact,
    rules.AMENDMENTS: Amendment,
    rules.MEETINGS: Meeting,
    rules.PROPOSALS: Proposal,
    rules.FILES: DossierFile,
}


def dossier_account_get(*, user, pk) -> Account:
    """The account whose dossier ``user`` opens: 404 when they do not see the account, 403 when
    they see it but lack the view-team right (a customer user; like the team on the account page)."""
    account = account_get(user=user, pk=pk)
    if not can_view_account_team(user, account):
        raise PermissionDenied(_("You do not have the right to view this account's team and dossier."))
    return account


def part_list(*, user, account: Account, part: str):
    """The rows of one dossier part of ``account`` that ``user`` may see."""
    rows = PART_MODELS[part].objects.visible_to(user).filter(account=account)
    if part == rules.MEETINGS:
        rows = rows.select_related("account__company").prefetch_related(
            Prefetch("people", queryset=Person.objects.order_by("name")), "contacts"
        )
    elif part == rules.PROPOSALS:
        rows = rows.select_related("owner")
    elif part == rules.FILES:
        rows = rows.select_related("added_by__staff_profile")
    return rows


def part_get(*, user, account: Account, part: str, pk):
    return get_object_or_404(part_list(user=user, account=account, part=part), pk=pk)


@dataclass
class Dossier:
    account: Account
    profile: AccountProfile
    contacts: list[Contact]
    amendments: list[Amendment]
    meetings: list[Meeting]
    proposals: list[Proposal]
    files: list[DossierFile]
    changes: list[Change]
    can_edit_all: bool
    can_edit_contacts: bool

    @property
    def can_edit(self) -> dict[str, bool]:
        """Per part of the dossier: may the viewer change it?"""
        parts = dict.fromkeys((rules.PROFILE, *PART_MODELS), self.can_edit_all)
        return parts | {rules.CONTACTS: self.can_edit_contacts}

    @property
    def agreement(self) -> Amendment | None:
        return next((a for a in self.amendments if a.kind == Amendment.Kind.AGREEMENT), None)

    @property
    def open_proposals(self) -> list[Proposal]:
        return [p for p in self.proposals if p.is_open]

    @property
    def closed_proposals(self) -> list[Proposal]:
        return [p for p in self.proposals if not p.is_open]

    @property
    def network_files(self) -> list[DossierFile]:
        return [f for f in self.files if f.section == DossierFile.Section.NETWORK]


def dossier_get(*, user, account: Account, history: int = 20) -> Dossier:
    """The whole dossier of an account ``user`` already sees (fetched through ``dossier_account_get``),
    in a fixed number of queries whatever its size."""
    parts = {part: list(part_list(user=user, account=account, part=part)) for part in PART_MODELS}
    profile = AccountProfile.objects.visible_to(user).filter(account=account).first() or AccountProfile(
        account=account
    )
    can_edit_all = can_edit(user=user, account=account, part=rules.PROFILE)
    return Dossier(
        account=account,
        profile=profile,
        changes=list(change_list(user=user, account=account)[:history]),
        can_edit_all=can_edit_all,
        can_edit_contacts=can_edit_all or can_edit(user=user, account=account, part=rules.CONTACTS),
        **parts,
    )


def change_list(*, user, account: Account):
    """The history of an account's dossier, newest first (customers: without internal files)."""
    return Change.objects.visible_to(user).filter(account=account).select_related("actor__staff_profile")


def meeting_get(*, user, pk) -> Meeting:
    """One meeting of any account ``user`` sees the dossier of, ready for iCalendar."""
    rows = Meeting.objects.visible_to(user).select_related("account__company").prefetch_related("people", "contacts")
    return get_object_or_404(rows, pk=pk)


def feed_meetings(*, user, now: dt.datetime | None = None, past_days: int = 90):
    """Meetings for ``user``'s calendar feed: every account they see, recent and upcoming
    (recurring series are kept while they still run)."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=past_days)
    return (
        Meeting.objects.visible_to(user)
        .filter(
            Q(starts_at__gte=since)
            | (~Q(recurrence="") & (Q(repeat_until__isnull=True) | Q(repeat_until__gte=since.date())))
        )
        .select_related("account__company")
        .prefetch_related("people", "contacts")
        .order_by("starts_at")
    )


def calendar_feed_get(*, token: str) -> CalendarFeed | None:
    """The feed behind a secret address (None: unknown, or its owner's sign-in is disabled)."""
    if not token:
        return None
    return CalendarFeed.objects.select_related("user").filter(token=token, user__is_active=True).first()


def calendar_feed_of(*, user) -> CalendarFeed | None:
    """The user's own feed, if they made one."""
    return CalendarFeed.objects.filter(user=user).first()


def can_edit(*, user, account: Account, part: str) -> bool:
    """Carrier staff who see the account edit all of it; the customer's user managers edit
    their company's contacts, provided they may see the dossier at all (the view-team right).
    (``account`` was fetched through ``visible_to``.)"""
    if staff_person(user) is not None:
        return True
    if part != CONTACTS:
        return False
    return Membership.objects.filter(
        reaches(account.pk, account.company_id), user=user, can_manage_users=True, can_view_team=True
    ).exists()

"""Reads for network notices. Every selector starts from ``NetworkNotice.objects.visible_to(user)``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404

from teams.models import Account, Company
from teams.scoping import member_account_ids, staff_person

from .models import CURRENT_STATUSES, FINISHED_STATUSES, NetworkNotice, NoticeAccount, NoticeUpdate, Status

# The list's tabs (and the API's ``status``): groups of statuses, and each status by itself.
STATUS_GROUPS = {"current": CURRENT_STATUSES, "finished": FINISHED_STATUSES}


def notice_list(*, user, status: str = "current", kind: str = "", query: str = "", company: Company | None = None):
    """Notices ``user`` may see, newest window first. ``status``: a group (current, finished), one
    status, or "all"; ``company``: only those affecting its accounts (a customer's active company)."""
    rows = NetworkNotice.objects.visible_to(user).select_related("created_by__staff_profile")
    if status in STATUS_GROUPS:
        rows = rows.filter(status__in=STATUS_GROUPS[status])
    elif status and status != "all":
        rows = rows.filter(status=status)
    if kind:
        rows = rows.filter(kind=kind)
    if company is not None:
        rows = rows.filter(pk__in=NoticeAccount.objects.filter(account__company=company).values("notice_id"))
    query = query.strip()
    if query:
        by_account = NoticeAccount.objects.filter(
            Q(account__number__icontains=query) | Q(account__name__icontains=query)
            | Q(account__company__name__icontains=query)
        )
        if staff_person(user) is None:
            # A customer finds notices by their own accounts only, never by another company's.
            by_account = by_account.filter(account_id__in=member_account_ids(user))
        rows = rows.filter(
            Q(reference__icontains=query) | Q(title__icontains=query) | Q(pk__in=by_account.values("notice_id"))
        )
    return rows.prefetch_related(Prefetch("notice_accounts", queryset=_shown_accounts(user))).order_by(
        "-starts_at", "-pk"
    )


def _shown_accounts(user):
    """The affected accounts ``user`` may read of a notice: all for staff, their companies' for a
    customer (another company's account numbers are that company's business)."""
    rows = NoticeAccount.objects.select_related("account__company").order_by("account__number")
    if staff_person(user) is None:
        rows = rows.filter(account_id__in=member_account_ids(user))
    return rows


def notice_get(*, user, pk) -> NetworkNotice:
    """One notice with the accounts ``user`` may read and its history; not yours is a 404."""
    return get_object_or_404(
        NetworkNotice.objects.visible_to(user)
        .select_related("created_by__staff_profile")
        .prefetch_related(
            Prefetch("notice_accounts", queryset=_shown_accounts(user)),
            Prefetch("updates", queryset=NoticeUpdate.objects.select_related("actor__staff_profile")),
        ),
        pk=pk,
    )


@dataclass
class CurrentNotice:
    """A notice as the team page lists it: with the affected accounts of the page's company."""

    notice: NetworkNotice
    accounts: list[Account] = field(default_factory=list)

    @property
    def numbers(self) -> str:
        return ", ".join(a.number for a in self.accounts)


def current_for_company(*, company: Company, account: Account | None = None) -> list[CurrentNotice]:
    """The upcoming and running notices on ``company``'s accounts (or on ``account`` alone), soonest
    first, in one query. The caller has the company (or the account) from the user's scope."""
    rows = NoticeAccount.objects.filter(notice__status__in=CURRENT_STATUSES).select_related("notice", "account")
    rows = rows.filter(account=account) if account is not None else rows.filter(account__company=company)
    current: dict[int, CurrentNotice] = {}
    for row in rows.order_by("notice__starts_at", "notice_id", "account__number"):
        current.setdefault(row.notice_id, CurrentNotice(row.notice)).accounts.append(row.account)
    return list(current.values())


def feed_notices(*, user, now: dt.datetime, past_days: int = 90):
    """Notices for ``user``'s calendar feed: those they see, not cancelled, recent and upcoming."""
    since = now - dt.timedelta(days=past_days)
    return (
        NetworkNotice.objects.visible_to(user)
        .exclude(status=Status.CANCELLED)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gte=since))
        .prefetch_related(Prefetch("notice_accounts", queryset=_shown_accounts(user)))
        .order_by("starts_at", "pk")
    )


def postmortem_accounts(*, user, membership, notice: NetworkNotice) -> list[Account]:
    """The affected accounts ``user`` may request a post-mortem for, once an outage is restored:
    a customer's in their active company with the post-mortem right; staff, every one shown."""
    if not notice.is_outage or notice.status != Status.RESTORED:
        return []
    shown = [row.account for row in notice.notice_accounts.all()]
    if staff_person(user) is not None:
        return shown
    if membership is None or not membership.can_request_postmortem:
        return []
    allowed = membership.account_ids()
    return [a for a in shown if a.company_id == membership.company_id and (allowed is None or a.pk in allowed)]

"""The pages that compose the floors below: the home page and the account page show the
team (teams), the response guidelines (escalations), any handoff in progress (handoffs,
through the team's change sources) and the maintenance and outages upcoming or under way on
the accounts (maintenance). The home page also says what needs the person now (``selectors``):
for staff, counts that link into the queue, the handoffs, the post-mortems and
the director's review; for customers, their open items with the next promised date."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from escalations.selectors import contact_reasons, guidelines_for, routing_rows
from maintenance.selectors import current_for_company
from teams import selectors as team_selectors
from teams.scoping import staff_person

from . import selectors


def _with_contact_reasons(teams, company) -> None:
    """Tell each member of ``company``'s teams what to contact them for: the categories the
    routing table (carrier rows with the company's overrides) sends to their role on that team.
    One query for all the teams."""
    if not teams:
        return
    rows = routing_rows(company)
    for team in teams:
        members = team.sales + team.service
        reasons = contact_reasons(rows, company_id=company.pk, held={m.role.code for m in members})
        for member in members:
            member.contact_for = reasons.get(member.role.code, [])


@login_required
def home(request):
    person = staff_person(request.user)
    if person is not None:
        mine = team_selectors.account_list(user=request.user).filter(
            pk__in=person.assignments.current().values("account_id")
        )
        summary = selectors.staff_summary(user=request.user, person=person)
        return render(
            request, "teams/staff_home.html", {"my_accounts": mine[:50], "person": person, "summary": summary}
        )
    membership = request.membership
    if membership is None:
        return render(request, "teams/no_company.html")
    # Items need the escalation right (``Escalation.objects.visible_to``), the team the view-team one.
    open_items = None
    if membership.can_escalate:
        open_items = selectors.customer_open_items(user=request.user, company=membership.company, now=timezone.now())
    teams = []
    if membership.can_view_team:
        accounts = team_selectors.account_list(user=request.user, company=membership.company)
        teams = team_selectors.teams_for_accounts(accounts)
        _with_contact_reasons(teams, membership.company)
    return render(
        request,
        "teams/customer_home.html",
        {
            "membership": membership,
            "teams": teams,
            "guidelines": guidelines_for(membership.company),
            "open_items": open_items,
            # Upcoming and running maintenance and outages on the company's accounts (one query).
            "network_notices": current_for_company(company=membership.company),
        },
    )


@login_required
def account_detail(request, account_id: int):
    account = team_selectors.account_get(user=request.user, pk=account_id)
    team = team_selectors.team_get(user=request.user, account=account)
    _with_contact_reasons([team], account.company)
    return render(
        request,
        "teams/account_detail.html",
        {
            "account": account, "team": team, "guidelines": guidelines_for(account.company),
            "network_notices": current_for_company(company=account.company, account=account),
        },
    )

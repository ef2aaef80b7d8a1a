"""Rights per account: a membership limited to some of its company's accounts.

The home company has two accounts, North (the tenant's) and South. ``limited`` holds every right
but only on North; ``whole`` holds them on every account. Scoping decides in one place
(``teams.scoping``): lists, pages, the API, notices and e-mail intake all follow it.
"""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from escalations.customer_notices import followers
from escalations.models import Escalation
from maintenance import services as maintenance
from maintenance.notices import recipients
from teams import services
from teams.models import Account, Invitation, Membership
from teams.scoping import member_may
from teams.selectors import members_reaching, raisable_accounts
from tests.clients import api_as, signed_in
from tests.escalations.factories import EscalationFactory
from tests.teams.factories import AccountFactory, AssignmentFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def north(tenant):
    return tenant.account


@pytest.fixture
def south(tenant):
    account = AccountFactory(company=tenant.company, number="8800-0002", name="South")
    AssignmentFactory(account=account, person=tenant.manager, role=tenant.assignment.role)
    return account


def _limited(tenant, accounts, **rights):
    user = UserFactory(username=f"limited{len(accounts)}.{rights.get('can_manage_users', False)}")
    membership = MembershipFactory(
        user=user, company=tenant.company, all_accounts=False, can_request_postmortem=True, **rights
    )
    membership.accounts.set(accounts)
    return membership


@pytest.fixture
def limited(tenant, north, south):
    return _limited(tenant, [north])


def _items(tenant, north, south):
    return (
        EscalationFactory(account=north, assignee=tenant.manager, subject="North item"),
        EscalationFactory(account=south, assignee=tenant.manager, subject="South item"),
    )


def test_a_limited_member_reaches_only_the_chosen_accounts_everywhere(tenant, north, south, limited):
    user = limited.user
    assert set(Account.objects.visible_to(user)) == {north}
    assert set(raisable_accounts(user=user, right="can_escalate")) == {north}
    north_item, south_item = _items(tenant, north, south)
    assert list(Escalation.objects.visible_to(user)) == [north_item]
    assert member_may(user, north, "can_view_team") and not member_may(user, south, "can_view_team")

    page = signed_in(user)
    assert page.get(f"/accounts/{north.pk}/").status_code == 200
    assert page.get(f"/accounts/{south.pk}/").status_code == 404
    assert page.get(f"/escalations/{south_item.pk}/").status_code == 404
    api = api_as(user)
    assert [row["number"] for row in api.get("/api/v1/accounts/").json()["results"]] == [north.number]
    assert api.get(f"/api/v1/escalations/{south_item.pk}/").status_code == 404
    assert api.get(f"/api/v1/accounts/{south.pk}/team/").status_code == 404
    # The whole company's user sees both.
    assert set(Account.objects.visible_to(tenant.user)) == {north, south}


def test_raising_on_an_account_outside_the_membership_is_refused(tenant, north, south, limited):
    response = api_as(limited.user).post("/api/v1/escalations/", {
        "account": south.pk, "channel": "email", "category": "billing", "subject": "Invoice", "description": "x",
    }, format="json")
    assert response.status_code == 400 and "account" in response.json()
    assert not Escalation.objects.exists()


def test_notices_go_only_to_members_of_the_account_they_are_about(tenant, north, south, limited, admin):
    north_item, south_item = _items(tenant, north, south)
    north_item.raised_by = south_item.raised_by = tenant.user
    assert limited.user not in followers(south_item)
    assert {user for user, _ in members_reaching([south], "can_view_team")} == {tenant.user}
    reached = dict(members_reaching([north, south], "can_view_team"))
    assert reached[limited.user] == [north] and reached[tenant.user] == [north, south]

    notice = maintenance.notice_publish(
        actor=admin.user, kind="maintenance", reference="GCR-2026-7001", title="Fibre splice",
        starts_at=dt.datetime(2030, 1, 5, 2, tzinfo=dt.UTC), ends_at=dt.datetime(2030, 1, 5, 4, tzinfo=dt.UTC),
        impact="Two hours down.", accounts=[south],
    )
    assert [user for user, _ in recipients(notice)] == [tenant.user]
    assert signed_in(limited.user).get(f"/maintenance/{notice.pk}/").status_code == 404


def test_company_wide_reads_need_a_membership_of_every_account(tenant, limited):
    limited.can_manage_users = True
    limited.save()
    client = signed_in(limited.user)
    assert client.get("/service/usage/").status_code == 404
    assert client.get(f"/service/companies/{tenant.company.pk}/").status_code == 404


def test_a_limited_user_manager_grants_only_their_accounts(tenant, north, south):
    manager = _limited(tenant, [north], can_manage_users=True)
    member = _limited(tenant, [north])
    with pytest.raises(ValidationError) as exc:
        services.membership_update(actor=manager.user, membership=member, permissions={}, accounts=[north, south])
    assert list(exc.value.message_dict) == ["accounts"]
    with pytest.raises(ValidationError):
        services.membership_update(actor=manager.user, membership=member, permissions={}, all_accounts=True)
    # A member of every account is beyond a limited manager.
    with pytest.raises(PermissionDenied):
        services.membership_update(actor=manager.user, membership=tenant.membership,
                                   permissions={"can_escalate": False})
    with pytest.raises(PermissionDenied):
        services.membership_remove(actor=manager.user, membership=tenant.membership)
    member.refresh_from_db()
    assert not member.all_accounts and list(member.accounts.all()) == [north]

    services.membership_update(actor=manager.user, membership=member, permissions={"can_escalate": False})
    member.refresh_from_db()
    assert not member.can_escalate and list(member.accounts.all()) == [north]


def test_the_whole_companys_manager_limits_and_widens_a_member(tenant, north, south):
    member = MembershipFactory(company=tenant.company, user=UserFactory(username="m.one"))
    services.membership_update(actor=tenant.user, membership=member, permissions={}, accounts=[south])
    member.refresh_from_db()
    assert (member.all_accounts, member.account_ids()) == (False, {south.pk})
    services.membership_update(actor=tenant.user, membership=member, permissions={}, all_accounts=True)
    member.refresh_from_db()
    assert member.all_accounts and member.account_ids() is None and not member.accounts.exists()
    with pytest.raises(ValidationError) as exc:
        services.membership_update(actor=tenant.user, membership=member, permissions={}, all_accounts=False,
                                   accounts=[])
    assert "accounts" in exc.value.message_dict


def test_another_companys_account_cannot_be_granted(tenant, foreign):
    member = MembershipFactory(company=tenant.company, user=UserFactory(username="m.two"))
    with pytest.raises(ValidationError) as exc:
        services.membership_update(actor=tenant.user, membership=member, permissions={}, accounts=[foreign.account])
    assert "accounts" in exc.value.message_dict


def test_the_company_keeps_a_user_manager_of_every_account(tenant, north):
    with pytest.raises(ValidationError):
        services.membership_update(actor=tenant.user, membership=tenant.membership, permissions={}, accounts=[north])
    tenant.membership.refresh_from_db()
    assert tenant.membership.all_accounts


def test_an_invitation_limited_to_an_account_makes_a_limited_membership(tenant, north, south):
    invitation = services.invitation_create(
        actor=tenant.user, company=tenant.company, email="new@home.example", permissions={"can_view_team": True},
        accept_url_builder=lambda token: f"/invitations/{token}/", all_accounts=False, accounts=[south],
    )
    membership = services.invitation_accept(invitation=invitation, username="new.user", password="A-long-pass-9876")
    assert (membership.all_accounts, membership.account_ids()) == (False, {south.pk})
    assert set(Account.objects.visible_to(membership.user)) == {south}


def test_a_limited_manager_cannot_invite_to_the_whole_company(tenant, north):
    manager = _limited(tenant, [north], can_manage_users=True)
    with pytest.raises(ValidationError) as exc:
        services.invitation_create(actor=manager.user, company=tenant.company, email="x@home.example",
                                   permissions={}, accept_url_builder=str)
    assert "accounts" in exc.value.message_dict
    assert not Invitation.objects.exists()


def test_the_member_page_limits_a_member_to_chosen_accounts(tenant, north, south):
    member = MembershipFactory(company=tenant.company, user=UserFactory(username="m.three"))
    client = signed_in(tenant.user)
    url = f"/companies/{tenant.company.pk}/users/{member.pk}/"
    page = client.get(url)
    assert page.status_code == 200 and south.number in page.content.decode()
    refused = client.post(url, {"scope": "1", "can_view_team": "on", "account_access": "chosen"})
    assert refused.status_code == 400 and "Choose at least one account" in refused.content.decode()
    saved = client.post(url, {"scope": "1", "can_view_team": "on", "account_access": "chosen",
                              "accounts": [south.pk]})
    assert saved.status_code == 302
    member.refresh_from_db()
    assert member.account_ids() == {south.pk} and member.can_view_team and not member.can_escalate
    users = client.get(f"/companies/{tenant.company.pk}/users/").content.decode()
    assert f'data-testid="member-accounts-{member.pk}">{south.number}' in users


def test_the_api_reads_and_changes_a_members_accounts(tenant, north, south, foreign):
    member = MembershipFactory(company=tenant.company, user=UserFactory(username="m.four"))
    api = api_as(tenant.user)
    rows = api.get("/api/v1/memberships/", {"company": tenant.company.pk}).json()["results"]
    assert {r["username"] for r in rows} == {"home.user", "m.four"} and all(r["all_accounts"] for r in rows)
    response = api.patch(f"/api/v1/memberships/{member.pk}/", {"accounts": [north.pk]}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["all_accounts"], response.json()["accounts"]) == (False, [north.pk])
    bad = api.patch(f"/api/v1/memberships/{member.pk}/", {"accounts": [foreign.account.pk]}, format="json")
    assert bad.status_code == 400 and "accounts" in bad.json()
    # Another company's member is not there; a member without the manage-users right may not change anyone.
    assert api_as(foreign.user).get(f"/api/v1/memberships/{member.pk}/").status_code == 404
    assert api_as(member.user).patch(f"/api/v1/memberships/{member.pk}/", {}, format="json").status_code == 404

    invited = api.post("/api/v1/invitations/", {"company": tenant.company.pk, "email": "five@home.example",
                                                "accounts": [south.pk]}, format="json")
    assert invited.status_code == 201, invited.json()
    assert (invited.json()["all_accounts"], invited.json()["accounts"]) == (False, [south.pk])
    assert api_as(member.user).post("/api/v1/invitations/", {}, format="json").status_code == 403
    assert api.delete(f"/api/v1/memberships/{member.pk}/").status_code == 204
    assert not Membership.objects.filter(pk=member.pk).exists()


def test_rights_and_invitations_are_kept_in_the_audit_trail(tenant, north, south):
    from accountteam.models import AuditEvent

    member = MembershipFactory(company=tenant.company, user=UserFactory(username="m.six"))
    client = signed_in(tenant.user)
    client.post(f"/companies/{tenant.company.pk}/users/{member.pk}/",
                {"scope": "1", "can_view_team": "on", "account_access": "chosen", "accounts": [south.pk]})
    changed = AuditEvent.objects.get(action="membership.updated")
    assert (changed.actor, changed.company_id, changed.target) == (tenant.user, tenant.company.pk,
                                                                   f"membership:{member.pk}")
    assert changed.details["before"]["all_accounts"] is True
    assert changed.details["after"]["accounts"] == [south.number] and changed.ip_address == "127.0.0.1"

    services.invitation_create(actor=tenant.user, company=tenant.company, email="seven@home.example",
                               permissions={}, accept_url_builder=str)
    client.post(f"/companies/{tenant.company.pk}/users/{member.pk}/", {"remove": "1"})
    assert list(AuditEvent.objects.order_by("pk").values_list("action", flat=True)) == [
        "membership.updated", "invitation.sent", "membership.removed",
    ]

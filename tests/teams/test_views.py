"""Behaviour of the HTML pages: team lookup, staff search, company switching, company users,
invitations, staff availability and the health check."""

import datetime as dt

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.utils import dateformat, timezone
from django.utils.html import escape

from escalations.models import ResponsePolicy
from escalations.policies import GUIDELINES
from teams import services
from teams.models import Invitation, Membership, Person
from tests.clients import signed_in as client_for
from tests.teams.factories import (
    PASSWORD,
    AccountFactory,
    AssignmentFactory,
    CalendarFactory,
    CompanyFactory,
    MembershipFactory,
    PersonFactory,
    RoleFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

User = get_user_model()

# Measured 9 queries for the customer home page with 1 and with 5 fully staffed accounts:
# session, user, memberships (tenancy), staff profile, accounts, assignments, 2 closure
# prefetches, the header's membership list. Bound = measured + 1.
# + the bell's unread count, the response-policy table, the handoffs in progress and the routing
# table (what to contact each member for).
# + the customer's open items (one query, joined with account and meeting, at most 10 rows: see
# tests/portal/test_home.py), measured 14.
# + the maintenance and outages upcoming or under way on the company's accounts (one query):
# measured 15.
HOME_MAX_QUERIES = 15

STRONG_PASSWORD = "Granite-Harbor-4817"


# --- Helpers ---------------------------------------------------------------------------------



def tel(number: str) -> str:
    return f'href="tel:{number.replace(" ", "")}"'


def account_link(account) -> str:
    return f'href="/accounts/{account.pk}/"'


def messages_text(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def staff_team(account, label: str):
    """A fully staffed team on ``account``: sales, service with an absent manager and backup,
    a duty manager, an upcoming change; every person on their own calendar."""
    today = timezone.localdate()
    calendar = CalendarFactory(name=f"{label} calendar")
    backup = PersonFactory(name=f"{label} Backup", calendar=calendar)
    AssignmentFactory(
        account=account,
        role=RoleFactory(code="service-manager"),
        person=PersonFactory(
            name=f"{label} Absent", calendar=calendar, backup=backup, availability="out_of_office",
            availability_until=timezone.now() + dt.timedelta(days=2),
        ),
    )
    AssignmentFactory(account=account, role=RoleFactory(code="sales-executive"),
                      person=PersonFactory(name=f"{label} Seller", calendar=calendar))
    AssignmentFactory(account=account, role=RoleFactory(code="duty-manager"),
                      person=PersonFactory(name=f"{label} Duty", calendar=calendar))
    AssignmentFactory(account=account, role=RoleFactory(code="service-director"),
                      person=PersonFactory(name=f"{label} Next", calendar=calendar),
                      start_date=today + dt.timedelta(days=30))


def carrier_admin():
    return PersonFactory(user=UserFactory(username="carrier.admin"), is_carrier_admin=True)


def second_company(tenant, foreign) -> Membership:
    """Make the tenant's user also a member of the foreign company (not their default)."""
    return MembershipFactory(user=tenant.user, company=foreign.company, is_default=False)


def open_invitation(company, email="new.member@example.com", **permissions) -> Invitation:
    fields = dict(can_view_team=True, can_escalate=False, can_request_postmortem=True,
                  can_manage_users=False) | permissions
    return Invitation.objects.create(
        company=company, email=email, expires_at=timezone.now() + dt.timedelta(days=3), **fields
    )


# --- Customer home -------------------------------------------------------------------------------


def test_customer_home_lists_team_members_with_pager_and_email_links(tenant, foreign):
    response = client_for(tenant.user).get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert f"<p>{tenant.company.name} · CLEC</p>" in html
    assert f'<h4 class="person-name">{tenant.manager.name}</h4>' in html
    assert f'<a class="pager" {tel(tenant.manager.pager)}>{tenant.manager.pager}</a>' in html
    assert f'href="mailto:{tenant.manager.email}"' in html
    assert account_link(tenant.account) in html


def test_customer_home_shows_the_duty_manager_line(tenant):
    duty = PersonFactory(name="Dora Duty", pager="+1 303 555 7777")
    AssignmentFactory(account=tenant.account, role=RoleFactory(code="duty-manager"), person=duty)

    html = client_for(tenant.user).get("/").content.decode()

    assert "After-hours repair help: <strong>Dora Duty</strong>, Duty Manager" in html
    assert tel("+1 303 555 7777") in html


def test_customer_home_without_duty_manager_points_to_the_repair_line(tenant, settings):
    html = client_for(tenant.user).get("/").content.decode()

    assert "Duty Manager," not in html
    assert tel(settings.CARRIER_REPAIR_PHONE) in html


def test_customer_home_shows_the_response_guidelines_from_the_policy_table(tenant):
    html = client_for(tenant.user).get("/").content.decode()

    assert "How quickly we respond" in html
    for *_scope, words in GUIDELINES:
        assert f"<td>{escape(words)}</td>" in html


def test_a_companys_own_policy_replaces_the_carrier_guideline_on_its_page(tenant, foreign):
    ResponsePolicy.objects.create(
        company=tenant.company, channel="pager", availability="in_office", target_value=10, due_value=20,
        unit="minutes", description="Pager: a call back within 10–20 minutes (your contract).",
    )
    html = client_for(tenant.user).get("/").content.decode()
    assert "within 10–20 minutes (your contract)" in html
    assert "Pager: a call back within 15–30 minutes in business hours." not in html
    other = client_for(foreign.user).get("/").content.decode()
    assert "your contract" not in other
    assert "Pager: a call back within 15–30 minutes in business hours." in other


def test_customer_home_shows_nothing_of_a_foreign_company(tenant, foreign):
    html = client_for(tenant.user).get("/").content.decode()

    assert foreign.company.name not in html
    assert foreign.account.number not in html
    assert foreign.manager.name not in html
    assert foreign.manager.email not in html
    assert account_link(foreign.account) not in html


def test_customer_without_view_team_right_gets_the_notice_and_no_people(tenant):
    tenant.membership.can_view_team = False
    tenant.membership.save()

    response = client_for(tenant.user).get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "has not given you the right to view the team" in html
    assert tenant.manager.name not in html
    assert tenant.manager.email not in html
    assert 'class="person-card"' not in html


def test_signed_in_user_without_company_or_staff_profile_sees_the_no_company_page(db):
    response = client_for(UserFactory(username="loner")).get("/")

    assert response.status_code == 200
    assert "No company yet" in response.content.decode()


def test_customer_home_shows_absent_people_with_their_backup_and_upcoming_changes(tenant):
    staff_team(tenant.account, "Zed")

    html = client_for(tenant.user).get("/").content.decode()

    assert "Zed Absent" in html and "Out of office" in html
    assert "While out, contact <strong>Zed Backup</strong>" in html
    assert "Your team is changing" in html and "Zed Next" in html


@pytest.mark.parametrize("accounts", [1, 5])
def test_customer_home_query_count_does_not_grow_with_accounts(
    tenant, accounts, django_assert_max_num_queries
):
    staff_team(tenant.account, "Acct0")
    for i in range(1, accounts):
        staff_team(AccountFactory(company=tenant.company), f"Acct{i}")
    client = client_for(tenant.user)

    with django_assert_max_num_queries(HOME_MAX_QUERIES):
        response = client.get("/")

    assert response.status_code == 200
    assert response.content.decode().count('class="team"') == accounts
    assert response.content.decode().count(f"Acct{accounts - 1} Backup") == 1


# --- Account page ----------------------------------------------------------------------------------


def test_account_page_of_own_account_is_200(tenant):
    response = client_for(tenant.user).get(f"/accounts/{tenant.account.pk}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert f"<h1>{tenant.account.name}</h1>" in html
    assert tenant.manager.name in html


def test_account_page_of_foreign_account_is_404(tenant, foreign):
    response = client_for(tenant.user).get(f"/accounts/{foreign.account.pk}/")

    assert response.status_code == 404
    assert foreign.manager.name not in response.content.decode()


def test_account_page_of_missing_account_is_404(tenant):
    assert client_for(tenant.user).get("/accounts/999999/").status_code == 404


def test_account_page_is_403_without_the_view_team_right(tenant):
    tenant.membership.can_view_team = False
    tenant.membership.save()

    response = client_for(tenant.user).get(f"/accounts/{tenant.account.pk}/")

    assert response.status_code == 403
    assert tenant.manager.name not in response.content.decode()


def test_account_page_announces_an_upcoming_assignment_with_person_and_date(tenant):
    start = timezone.localdate() + dt.timedelta(days=10)
    AssignmentFactory(account=tenant.account, role=RoleFactory(code="sales-executive"),
                      person=PersonFactory(name="Nina Newcomer"), start_date=start)

    html = client_for(tenant.user).get(f"/accounts/{tenant.account.pk}/").content.decode()

    assert "Your team is changing" in html
    assert (
        f"Nina Newcomer becomes your Sales Executive on {dateformat.format(start, 'j M Y')}" in html
    )
    # Not yet on the team: no card for the newcomer.
    assert '<h4 class="person-name">Nina Newcomer</h4>' not in html


def test_account_page_without_upcoming_assignments_announces_no_change(tenant):
    html = client_for(tenant.user).get(f"/accounts/{tenant.account.pk}/").content.decode()

    assert "Your team is changing" not in html


def test_account_page_shows_out_of_office_person_with_their_backup(tenant):
    backup = PersonFactory(name="Barbara Backup", phone="+1 303 555 4444")
    tenant.manager.availability = Person.Availability.OUT_OF_OFFICE
    tenant.manager.availability_until = timezone.now() + dt.timedelta(days=1)
    tenant.manager.backup = backup
    tenant.manager.save()

    html = client_for(tenant.user).get(f"/accounts/{tenant.account.pk}/").content.decode()

    assert "Out of office until" in html
    assert "While out, contact <strong>Barbara Backup</strong>" in html
    assert f'href="mailto:{backup.email}"' in html


def test_account_page_does_not_show_the_backup_of_someone_in_office(tenant):
    tenant.manager.backup = PersonFactory(name="Barbara Backup")
    tenant.manager.save()

    html = client_for(tenant.user).get(f"/accounts/{tenant.account.pk}/").content.decode()

    assert "Barbara Backup" not in html
    assert "Out of office" not in html


# --- Staff pages ---------------------------------------------------------------------------------


def test_staff_home_lists_the_accounts_they_hold(tenant, foreign):
    response = client_for(tenant.manager_user).get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert f"Hello, {tenant.manager.name}" in html
    assert account_link(tenant.account) in html
    assert account_link(foreign.account) not in html


def test_staff_home_leaves_out_accounts_whose_assignment_has_ended(tenant):
    ended = AccountFactory()
    AssignmentFactory(account=ended, person=tenant.manager, role=RoleFactory(code="sales-engineer"),
                      end_date=timezone.localdate() - dt.timedelta(days=1))

    html = client_for(tenant.manager_user).get("/").content.decode()

    assert account_link(tenant.account) in html
    assert account_link(ended) not in html


@pytest.mark.parametrize(
    "query",
    ["Home Telecom", "home tele", "{number}", "Home Manager", "home manager"],
    ids=["company-name", "company-name-case", "account-number", "person-name", "person-name-case"],
)
def test_staff_search_finds_own_account(tenant, foreign, query):
    query = query.format(number=tenant.account.number)

    response = client_for(tenant.manager_user).get("/accounts/", {"q": query})

    assert response.status_code == 200
    html = response.content.decode()
    assert account_link(tenant.account) in html
    assert account_link(foreign.account) not in html


@pytest.mark.parametrize(
    "query", ["Foreign Telecom", "{number}", "Foreign Manager", "Telecom", "Manager", ""],
    ids=["company-name", "account-number", "person-name", "shared-word", "shared-role", "empty"],
)
def test_staff_search_never_shows_an_account_out_of_scope(tenant, foreign, query):
    query = query.format(number=foreign.account.number)

    html = client_for(tenant.manager_user).get("/accounts/", {"q": query}).content.decode()

    assert account_link(foreign.account) not in html


def test_staff_search_without_match_says_so(tenant, foreign):
    html = client_for(tenant.manager_user).get("/accounts/", {"q": "Foreign"}).content.decode()

    assert "No account you can see matches “Foreign”." in html


def test_staff_search_over_htmx_returns_only_the_results_partial(tenant):
    client = client_for(tenant.manager_user)

    partial = client.get("/accounts/", {"q": "Home"}, headers={"HX-Request": "true"})
    full = client.get("/accounts/", {"q": "Home"})

    assert partial.status_code == 200
    assert "<html" not in partial.content.decode()
    assert account_link(tenant.account) in partial.content.decode()
    assert "<html" in full.content.decode()


def test_staff_search_paginates_by_25(tenant, foreign):
    admin = carrier_admin()
    company = CompanyFactory(name="Aaa Bulk Carrier")  # sorts before the fixtures' companies
    bulk = sorted(AccountFactory.create_batch(27, company=company), key=lambda a: a.number)
    everyone = bulk + [foreign.account, tenant.account]  # Aaa…, Foreign…, Home…
    client = client_for(admin.user)

    first = client.get("/accounts/").content.decode()
    second = client.get("/accounts/", {"page": 2}).content.decode()

    assert "29 accounts" in first
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    for account in everyone[:25]:
        assert account_link(account) in first
        assert account_link(account) not in second
    for account in everyone[25:]:
        assert account_link(account) in second
        assert account_link(account) not in first


def test_customer_search_stays_within_the_active_company(tenant, foreign):
    second_company(tenant, foreign)

    html = client_for(tenant.user).get("/accounts/", {"q": "Telecom"}).content.decode()

    assert account_link(tenant.account) in html
    assert account_link(foreign.account) not in html


def test_customer_without_view_team_right_cannot_find_accounts_by_person_name(tenant):
    tenant.membership.can_view_team = False
    tenant.membership.save()

    html = client_for(tenant.user).get("/accounts/", {"q": tenant.manager.name}).content.decode()

    assert account_link(tenant.account) not in html


# --- Company switching -----------------------------------------------------------------------


def test_switching_company_shows_the_second_companys_team(tenant, foreign):
    second_company(tenant, foreign)
    client = client_for(tenant.user)

    response = client.post("/company/switch/", {"company": foreign.company.pk})
    html = client.get("/").content.decode()

    assert response.status_code == 302 and response["Location"] == "/"
    assert f"<p>{foreign.company.name} · CLEC</p>" in html
    assert foreign.manager.name in html
    assert tenant.manager.name not in html


def test_before_switching_the_default_company_is_shown(tenant, foreign):
    second_company(tenant, foreign)

    html = client_for(tenant.user).get("/").content.decode()

    assert tenant.manager.name in html
    assert foreign.manager.name not in html


def test_switching_with_make_default_moves_the_default_membership(tenant, foreign):
    other = second_company(tenant, foreign)

    client_for(tenant.user).post("/company/switch/", {"company": foreign.company.pk, "make_default": "1"})

    other.refresh_from_db()
    tenant.membership.refresh_from_db()
    assert other.is_default is True
    assert tenant.membership.is_default is False


def test_switching_to_a_company_one_is_not_a_member_of_is_404(tenant, foreign):
    client = client_for(tenant.user)

    response = client.post("/company/switch/", {"company": foreign.company.pk})

    assert response.status_code == 404
    assert foreign.manager.name not in client.get("/").content.decode()


def test_switching_without_a_company_is_404(tenant):
    assert client_for(tenant.user).post("/company/switch/", {}).status_code == 404


def test_switching_with_a_non_numeric_company_is_404(tenant):
    client = client_for(tenant.user)
    client.raise_request_exception = False

    assert client.post("/company/switch/", {"company": "abc"}).status_code == 404


def test_switching_company_needs_a_post(tenant, foreign):
    second_company(tenant, foreign)

    response = client_for(tenant.user).get("/company/switch/", {"company": foreign.company.pk})

    assert response.status_code == 405


def test_after_a_fresh_login_the_default_company_loads_first(tenant, foreign):
    second_company(tenant, foreign)
    client_for(tenant.user).post("/company/switch/", {"company": foreign.company.pk})

    fresh = Client()
    assert fresh.login(username=tenant.user.username, password=PASSWORD)
    html = fresh.get("/").content.decode()

    assert tenant.manager.name in html
    assert foreign.manager.name not in html


def test_after_make_default_a_fresh_login_loads_the_new_default(tenant, foreign):
    second_company(tenant, foreign)
    client_for(tenant.user).post("/company/switch/", {"company": foreign.company.pk, "make_default": "1"})

    html = client_for(tenant.user).get("/").content.decode()

    assert foreign.manager.name in html
    assert tenant.manager.name not in html


def test_removed_from_the_switched_company_falls_back_to_the_default(tenant, foreign):
    other = second_company(tenant, foreign)
    client = client_for(tenant.user)
    client.post("/company/switch/", {"company": foreign.company.pk})

    other.delete()
    html = client.get("/").content.decode()

    assert tenant.manager.name in html
    assert foreign.manager.name not in html


# --- Company users ---------------------------------------------------------------------------------


def test_company_users_page_lists_members_for_a_user_manager(tenant):
    colleague = MembershipFactory(company=tenant.company, user=UserFactory(username="colleague"))

    response = client_for(tenant.user).get(f"/companies/{tenant.company.pk}/users/")

    assert response.status_code == 200
    html = response.content.decode()
    assert f"Users of {tenant.company.name}" in html
    assert tenant.user.email in html and colleague.user.email in html


def test_company_users_page_is_403_without_the_manage_users_right(tenant):
    tenant.membership.can_manage_users = False
    tenant.membership.save()

    assert client_for(tenant.user).get(f"/companies/{tenant.company.pk}/users/").status_code == 403


def test_company_users_page_of_a_foreign_company_is_404(tenant, foreign):
    response = client_for(tenant.user).get(f"/companies/{foreign.company.pk}/users/")

    assert response.status_code == 404
    assert foreign.user.email not in response.content.decode()


def test_company_users_page_is_open_to_staff_holding_an_account_of_the_company(tenant):
    response = client_for(tenant.manager_user).get(f"/companies/{tenant.company.pk}/users/")

    assert response.status_code == 200
    assert tenant.user.email in response.content.decode()


def test_company_users_page_is_404_for_staff_holding_no_account_of_the_company(tenant, foreign):
    response = client_for(foreign.manager_user).get(f"/companies/{tenant.company.pk}/users/")

    assert response.status_code == 404


def test_inviting_a_user_creates_an_invitation_and_emails_the_link(
    tenant, django_capture_on_commit_callbacks, eager_tasks
):
    client = client_for(tenant.user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/companies/{tenant.company.pk}/users/",
            {"email": "New.Person@Example.com", "can_view_team": "on", "can_manage_users": "on"},
        )

    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.company == tenant.company
    assert invitation.email == "new.person@example.com"
    assert invitation.invited_by == tenant.user
    assert (invitation.can_view_team, invitation.can_escalate) == (True, False)
    assert (invitation.can_request_postmortem, invitation.can_manage_users) == (False, True)
    assert invitation.is_open()
    (message,) = mail.outbox
    assert message.to == ["new.person@example.com"]
    assert f"http://testserver/invitations/{invitation.token}/" in message.body


def test_staff_can_invite_a_user_of_a_company_they_serve(tenant, django_capture_on_commit_callbacks, eager_tasks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(tenant.manager_user).post(
            f"/companies/{tenant.company.pk}/users/", {"email": "noc@home.example", "can_view_team": "on"}
        )

    assert response.status_code == 302
    assert Invitation.objects.get().invited_by == tenant.manager_user
    assert len(mail.outbox) == 1


def test_inviting_an_existing_members_email_is_a_form_error_and_sends_nothing(
    tenant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(tenant.user).post(
            f"/companies/{tenant.company.pk}/users/",
            {"email": tenant.user.email.upper(), "can_view_team": "on"},
        )

    assert response.status_code == 200
    assert "is already a member of" in response.content.decode()
    assert response.context["form"].errors["email"]
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_inviting_without_the_manage_users_right_is_403(tenant, django_capture_on_commit_callbacks):
    tenant.membership.can_manage_users = False
    tenant.membership.save()

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(tenant.user).post(
            f"/companies/{tenant.company.pk}/users/", {"email": "x@example.com"}
        )

    assert response.status_code == 403
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_membership_edit_changes_permissions(tenant):
    colleague = MembershipFactory(company=tenant.company, can_view_team=True, can_escalate=True)

    response = client_for(tenant.user).post(
        f"/companies/{tenant.company.pk}/users/{colleague.pk}/",
        {"can_view_team": "on", "can_request_postmortem": "on", "can_manage_users": "on"},
        follow=True,
    )

    colleague.refresh_from_db()
    assert (colleague.can_view_team, colleague.can_escalate) == (True, False)
    assert (colleague.can_request_postmortem, colleague.can_manage_users) == (True, True)
    assert "Permissions of" in messages_text(response)


def test_membership_edit_can_remove_a_member(tenant):
    colleague = MembershipFactory(company=tenant.company)

    client_for(tenant.user).post(
        f"/companies/{tenant.company.pk}/users/{colleague.pk}/", {"remove": "1"}
    )

    assert not Membership.objects.filter(pk=colleague.pk).exists()
    assert User.objects.filter(pk=colleague.user_id).exists()


def test_removing_the_last_user_manager_is_refused(tenant):
    MembershipFactory(company=tenant.company)  # a member who cannot manage users

    response = client_for(tenant.user).post(
        f"/companies/{tenant.company.pk}/users/{tenant.membership.pk}/", {"remove": "1"}, follow=True
    )

    assert "nobody left who can manage its users" in messages_text(response)
    assert Membership.objects.filter(pk=tenant.membership.pk).exists()
    tenant.membership.refresh_from_db()
    assert tenant.membership.can_manage_users is True


def test_unchecking_own_manage_right_as_the_only_manager_is_refused(tenant):
    response = client_for(tenant.user).post(
        f"/companies/{tenant.company.pk}/users/{tenant.membership.pk}/",
        {"can_view_team": "on"},
        follow=True,
    )

    assert "nobody left who can manage its users" in messages_text(response)
    tenant.membership.refresh_from_db()
    assert tenant.membership.can_manage_users is True
    assert tenant.membership.can_escalate is True
    assert tenant.membership.can_request_postmortem is True


def test_unchecking_own_manage_right_is_allowed_when_another_manager_remains(tenant):
    MembershipFactory(company=tenant.company, can_manage_users=True)

    client_for(tenant.user).post(
        f"/companies/{tenant.company.pk}/users/{tenant.membership.pk}/", {"can_view_team": "on"}
    )

    tenant.membership.refresh_from_db()
    assert tenant.membership.can_manage_users is False


def test_membership_edit_without_the_manage_users_right_is_403(tenant):
    colleague = MembershipFactory(company=tenant.company, can_manage_users=False)
    other = MembershipFactory(company=tenant.company, can_escalate=True)

    response = client_for(colleague.user).post(
        f"/companies/{tenant.company.pk}/users/{other.pk}/", {"remove": "1"}
    )

    assert response.status_code == 403
    other.refresh_from_db()
    assert other.can_escalate is True


def test_membership_edit_of_another_companys_member_is_404(tenant, foreign):
    response = client_for(tenant.user).post(
        f"/companies/{tenant.company.pk}/users/{foreign.membership.pk}/", {"remove": "1"}
    )

    assert response.status_code == 404
    foreign.membership.refresh_from_db()
    assert foreign.membership.can_manage_users is True


# --- Invitation acceptance ----------------------------------------------------------------------


def test_anonymous_get_of_an_open_invitation_shows_the_form(tenant):
    invitation = open_invitation(tenant.company)

    response = Client().get(f"/invitations/{invitation.token}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert f"Join {tenant.company.name}" in html
    assert invitation.email in html
    for name in ("username", "password", "password_again"):
        assert f'name="{name}"' in html


def test_accepting_an_invitation_creates_a_verified_user_member_and_signs_them_in(tenant):
    invitation = open_invitation(tenant.company, can_manage_users=True)
    client = Client()

    response = client.post(
        f"/invitations/{invitation.token}/",
        {"username": "newbie", "password": STRONG_PASSWORD, "password_again": STRONG_PASSWORD},
    )

    assert response.status_code == 302 and response["Location"] == "/"
    user = User.objects.get(username="newbie")
    assert user.email == invitation.email
    assert user.check_password(STRONG_PASSWORD)
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified, address.primary) == (invitation.email, True, True)
    membership = Membership.objects.get(user=user)
    assert membership.company == tenant.company
    assert membership.is_default is True
    assert {name: getattr(membership, name) for name in Membership.PERMISSION_FIELDS} == {
        "can_view_team": True, "can_escalate": False, "can_request_postmortem": True,
        "can_manage_users": True,
    }
    invitation.refresh_from_db()
    assert invitation.accepted_by == user and invitation.accepted_at is not None
    assert int(client.session["_auth_user_id"]) == user.pk
    assert tenant.manager.name in client.get("/").content.decode()


def test_signed_in_member_accepting_a_second_invitation_keeps_their_default(tenant, foreign):
    invitation = open_invitation(foreign.company, email=tenant.user.email)

    response = client_for(tenant.user).post(f"/invitations/{invitation.token}/", {})

    assert response.status_code == 302
    joined = Membership.objects.get(user=tenant.user, company=foreign.company)
    assert joined.is_default is False
    tenant.membership.refresh_from_db()
    assert tenant.membership.is_default is True


def test_accepting_a_stale_invitation_to_ones_own_company_keeps_it_the_default(tenant):
    invitation = open_invitation(tenant.company, email=tenant.user.email)

    client_for(tenant.user).post(f"/invitations/{invitation.token}/", {})

    tenant.membership.refresh_from_db()
    assert tenant.membership.is_default is True


def test_signed_in_user_cannot_accept_an_invitation_sent_to_another_email(tenant, foreign):
    invitation = open_invitation(foreign.company, email="someone.else@example.com")

    client_for(tenant.user).post(f"/invitations/{invitation.token}/", {})

    assert not Membership.objects.filter(user=tenant.user, company=foreign.company).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def _assert_nothing_created(invitation, username="newbie"):
    assert not User.objects.filter(username=username).exists()
    assert not User.objects.filter(email=invitation.email).exists()
    assert not EmailAddress.objects.filter(email=invitation.email).exists()
    # Only the fixture's own member belongs to the company.
    assert Membership.objects.filter(company=invitation.company).count() == 1
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_accepting_with_mismatched_passwords_is_a_form_error(tenant):
    invitation = open_invitation(tenant.company)

    response = Client().post(
        f"/invitations/{invitation.token}/",
        {"username": "newbie", "password": STRONG_PASSWORD, "password_again": STRONG_PASSWORD + "x"},
    )

    assert response.status_code == 200
    assert "The two passwords differ." in response.content.decode()
    _assert_nothing_created(invitation)


def test_accepting_with_a_weak_password_is_a_form_error(tenant):
    invitation = open_invitation(tenant.company)

    response = Client().post(
        f"/invitations/{invitation.token}/",
        {"username": "newbie", "password": "password", "password_again": "password"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["password"]
    assert "too common" in response.content.decode()
    _assert_nothing_created(invitation)


def test_accepting_with_a_taken_username_is_a_form_error(tenant):
    UserFactory(username="taken")
    invitation = open_invitation(tenant.company)

    response = Client().post(
        f"/invitations/{invitation.token}/",
        {"username": "Taken", "password": STRONG_PASSWORD, "password_again": STRONG_PASSWORD},
    )

    assert response.status_code == 200
    assert "That username is taken." in response.content.decode()
    assert User.objects.filter(username__iexact="taken").count() == 1
    _assert_nothing_created(invitation)


def test_expired_invitation_is_a_styled_410(tenant):
    invitation = open_invitation(tenant.company)
    invitation.expires_at = timezone.now() - dt.timedelta(seconds=1)
    invitation.save()

    client = Client()
    page = client.get(f"/invitations/{invitation.token}/")
    assert page.status_code == 410
    assert "This invitation can no longer be used" in page.content.decode()
    response = client.post(
        f"/invitations/{invitation.token}/",
        {"username": "newbie", "password": STRONG_PASSWORD, "password_again": STRONG_PASSWORD},
    )
    assert response.status_code == 410
    _assert_nothing_created(invitation)


def test_used_invitation_is_a_styled_410_page(tenant):
    invitation = open_invitation(tenant.company)
    data = {"username": "newbie", "password": STRONG_PASSWORD, "password_again": STRONG_PASSWORD}
    assert Client().post(f"/invitations/{invitation.token}/", data).status_code == 302

    again = Client()
    page = again.get(f"/invitations/{invitation.token}/")
    assert page.status_code == 410
    assert "was already used, was replaced by a newer invitation, or has expired" in page.content.decode()
    assert "<html" in page.content.decode()  # the portal's layout, not a bare error
    assert again.post(f"/invitations/{invitation.token}/", data | {"username": "second"}).status_code == 410
    assert not User.objects.filter(username="second").exists()


def test_inviting_an_address_again_replaces_its_pending_invitation(
    tenant, django_capture_on_commit_callbacks, eager_tasks
):
    client = client_for(tenant.user)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            client.post(f"/companies/{tenant.company.pk}/users/", {"email": "twice@example.com", "can_view_team": "on"})

    first, second = Invitation.objects.order_by("created_at", "pk")
    assert (first.is_open(), second.is_open()) == (False, True)
    assert len(mail.outbox) == 2
    assert Client().get(f"/invitations/{first.token}/").status_code == 410
    assert Client().get(f"/invitations/{second.token}/").status_code == 200


def test_unknown_invitation_token_is_a_styled_404(db):
    page = Client().get("/invitations/not-a-token/")
    assert page.status_code == 404
    assert "This invitation link is not known" in page.content.decode()


# --- Staff availability ------------------------------------------------------------------------


def _until(delta: dt.timedelta) -> str:
    return timezone.localtime(timezone.now() + delta).strftime("%Y-%m-%dT%H:%M")


def test_staff_set_out_of_office_with_until_and_backup(tenant):
    backup = PersonFactory(name="Barbara Backup")

    response = client_for(tenant.manager_user).post(
        "/me/availability/",
        {"availability": "out_of_office", "availability_until": _until(dt.timedelta(days=2)),
         "backup": backup.pk},
    )

    assert response.status_code == 302
    tenant.manager.refresh_from_db()
    assert tenant.manager.availability == "out_of_office"
    assert tenant.manager.backup == backup
    expected = timezone.now() + dt.timedelta(days=2)
    assert abs(tenant.manager.availability_until - expected) < dt.timedelta(minutes=2)


def test_staff_availability_until_in_the_past_is_a_form_error(tenant):
    response = client_for(tenant.manager_user).post(
        "/me/availability/",
        {"availability": "out_of_office", "availability_until": _until(-dt.timedelta(hours=2))},
    )

    assert response.status_code == 200
    assert "Pick a time in the future." in response.content.decode()
    tenant.manager.refresh_from_db()
    assert tenant.manager.availability == "in_office"
    assert tenant.manager.availability_until is None


def test_staff_cannot_choose_themselves_as_backup(tenant):
    response = client_for(tenant.manager_user).post(
        "/me/availability/", {"availability": "out_of_office", "backup": tenant.manager.pk}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["backup"]
    tenant.manager.refresh_from_db()
    assert tenant.manager.availability == "in_office"


def test_availability_page_is_404_for_customer_users(tenant):
    client = client_for(tenant.user)

    assert client.get("/me/availability/").status_code == 404
    assert client.post("/me/availability/", {"availability": "out_of_office"}).status_code == 404


def test_availability_expire_returns_lapsed_states_to_in_office(db):
    now = timezone.now()
    lapsed = PersonFactory(availability="out_of_office", availability_until=now - dt.timedelta(minutes=1))
    running = PersonFactory(availability="out_of_office", availability_until=now + dt.timedelta(hours=1))
    open_ended = PersonFactory(availability="out_of_office", availability_until=None)

    assert services.availability_expire(now=now) == 1

    for person in (lapsed, running, open_ended):
        person.refresh_from_db()
    assert (lapsed.availability, lapsed.availability_until) == ("in_office", None)
    assert running.availability == "out_of_office"
    assert open_ended.availability == "out_of_office"

    assert services.availability_expire(now=now + dt.timedelta(hours=2)) == 1
    running.refresh_from_db()
    assert (running.availability, running.availability_until) == ("in_office", None)
    open_ended.refresh_from_db()
    assert open_ended.availability == "out_of_office"


# --- Health check ------------------------------------------------------------------------------


def test_healthz_answers_ok_without_signing_in(db):
    response = Client().get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok"}

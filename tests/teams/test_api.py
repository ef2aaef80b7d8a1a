"""Behaviour of the REST API under /api/v1/: authentication, scoping, filters, writes, budget."""

import base64
import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accountteam.models import ApiToken
from accountteam.tokens import api_token_create
from teams.models import Assignment, Person
from tests.teams.factories import (
    PASSWORD,
    AccountFactory,
    AssignmentFactory,
    CalendarFactory,
    MembershipFactory,
    PersonFactory,
    RoleFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"

# Query bounds: measured (same count for 2 and for 20 rows) + 1.
# A token's first use in a minute also notes its last use: one more query, counted here.
# measured 5: token, its last use, staff profile, count, page; and the token's first use in the audit
# trail (its row, and a customer's company): at most once an hour per token.
ACCOUNT_LIST_MAX_QUERIES = 8
# measured 8: token, its last use, staff profile, account, assignments, handoffs in progress, 2 closures
TEAM_MAX_QUERIES = 11  # and the audit trail's note of the token's first use (2, at most once an hour)


# --- Helpers ---------------------------------------------------------------------------------


def client_for(user) -> APIClient:
    """An API client authenticated the way integrations do: with a token header."""
    _, secret = api_token_create(user=user, name="tests")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def carrier_admin():
    return PersonFactory(user=UserFactory(username="carrier.admin"), is_carrier_admin=True)


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def person_fields(person: Person) -> dict:
    return {
        "id": person.pk,
        "name": person.name,
        "title": person.title,
        "email": person.email,
        "phone": person.phone,
        "pager": person.pager,
        "cell": person.cell,
    }


@pytest.fixture
def make_client():
    """``customer`` calls the API with a token."""
    return client_for


# --- Authentication --------------------------------------------------------------------------


def test_token_endpoint_returns_a_token_for_a_valid_username_and_password(tenant):
    response = APIClient().post(
        f"{API}/auth/token/", {"username": tenant.user.username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == ApiToken.objects.get(user=tenant.user).pk
    assert {"token", "expires", "name"} <= body.keys()


def test_token_from_the_token_endpoint_authenticates_api_requests(tenant):
    anonymous = APIClient()
    key = anonymous.post(
        f"{API}/auth/token/", {"username": tenant.user.username, "password": PASSWORD}, format="json"
    ).json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert ids(client.get(f"{API}/accounts/")) == {tenant.account.pk}


def test_token_endpoint_rejects_a_wrong_password_with_400(tenant):
    response = APIClient().post(
        f"{API}/auth/token/", {"username": tenant.user.username, "password": "not-it"}, format="json"
    )
    assert response.status_code == 400
    assert "token" not in response.json()
    assert not ApiToken.objects.filter(user=tenant.user).exists()


def test_http_basic_auth_is_not_accepted_even_with_valid_credentials(tenant):
    credentials = base64.b64encode(f"{tenant.user.username}:{PASSWORD}".encode()).decode()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Basic {credentials}")
    response = client.get(f"{API}/accounts/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"  # the only scheme offered


def test_an_unknown_token_is_rejected(tenant):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    assert client.get(f"{API}/accounts/").status_code == 401


@pytest.mark.parametrize("endpoint", ["accounts", "companies", "people", "assignments", "roles"])
def test_unauthenticated_requests_are_refused(tenant, endpoint):
    response = APIClient().get(f"{API}/{endpoint}/")
    assert response.status_code == 401


def test_unauthenticated_team_request_is_refused(tenant):
    response = APIClient().get(f"{API}/accounts/{tenant.account.pk}/team/")
    assert response.status_code == 401


# --- Lists are paginated and scoped --------------------------------------------------------


@pytest.mark.parametrize("endpoint", ["companies", "accounts", "people", "assignments"])
def test_lists_are_paginated(customer, endpoint):
    body = customer.get(f"{API}/{endpoint}/").json()
    assert {"count", "next", "previous", "results"} <= set(body)
    assert body["count"] == len(body["results"]) == 1


def test_customer_lists_only_their_own_company(tenant, foreign, customer):
    assert ids(customer.get(f"{API}/companies/")) == {tenant.company.pk}


def test_customer_lists_only_their_own_accounts(tenant, foreign, customer):
    body = customer.get(f"{API}/accounts/").json()
    assert body["count"] == 1
    (row,) = body["results"]
    assert row["id"] == tenant.account.pk
    assert row["number"] == tenant.account.number
    assert row["company"] == tenant.company.pk
    assert row["company_name"] == tenant.company.name


def test_customer_lists_only_their_own_assignments(tenant, foreign, customer):
    assert ids(customer.get(f"{API}/assignments/")) == {tenant.assignment.pk}


def test_customer_lists_only_the_people_serving_them(tenant, foreign, customer):
    assert ids(customer.get(f"{API}/people/")) == {tenant.manager.pk}


def test_foreign_account_detail_is_404(tenant, foreign, customer):
    assert customer.get(f"{API}/accounts/{foreign.account.pk}/").status_code == 404


def test_own_account_detail_is_200(tenant, customer):
    response = customer.get(f"{API}/accounts/{tenant.account.pk}/")
    assert response.status_code == 200
    assert response.json()["number"] == tenant.account.number


def test_foreign_account_team_is_404(tenant, foreign, customer):
    assert customer.get(f"{API}/accounts/{foreign.account.pk}/team/").status_code == 404


@pytest.mark.parametrize("endpoint", ["companies", "assignments", "people"])
def test_foreign_detail_is_404(tenant, foreign, customer, endpoint):
    foreign_pk = {
        "companies": foreign.company.pk,
        "assignments": foreign.assignment.pk,
        "people": foreign.manager.pk,
    }[endpoint]
    assert customer.get(f"{API}/{endpoint}/{foreign_pk}/").status_code == 404


def test_customer_in_two_companies_lists_both_accounts(tenant, foreign, customer):
    MembershipFactory(user=tenant.user, company=foreign.company, is_default=False)
    assert ids(customer.get(f"{API}/accounts/")) == {tenant.account.pk, foreign.account.pk}


# --- The team endpoint -------------------------------------------------------------------------


def test_team_lists_service_role_with_person_availability_and_duty_manager_key(tenant, customer):
    response = customer.get(f"{API}/accounts/{tenant.account.pk}/team/")
    assert response.status_code == 200
    team = response.json()
    assert {"account", "sales", "service", "duty_manager"} <= set(team)
    assert team["account"]["id"] == tenant.account.pk
    assert team["sales"] == []
    assert team["duty_manager"] is None
    (member,) = team["service"]
    assert member["role"]["name"] == "Service Manager"
    assert member["role"]["team"] == "service"
    assert member["person"] == person_fields(tenant.manager)
    assert set(member["availability"]) == {"code", "label", "until", "planned_from", "planned_until"}
    assert member["availability"]["code"] in {"in_office", "out_of_office", "after_hours"}
    assert member["availability"]["label"]
    assert "backup" in member


def test_team_puts_sales_roles_in_sales_and_fills_duty_manager(tenant, customer):
    seller = PersonFactory(name="Sally Seller", title="Sales Executive", cell="+1 720 555 0111")
    duty = PersonFactory(name="Duke Duty")
    AssignmentFactory(account=tenant.account, role=RoleFactory(code="sales-executive"), person=seller)
    AssignmentFactory(account=tenant.account, role=RoleFactory(code="duty-manager"), person=duty)

    team = customer.get(f"{API}/accounts/{tenant.account.pk}/team/").json()

    assert [m["person"]["id"] for m in team["sales"]] == [seller.pk]
    sales_role = team["sales"][0]["role"]
    assert (sales_role["code"], sales_role["name"], sales_role["team"]) == (
        "sales-executive", "Sales Executive", "sales"
    )
    assert team["sales"][0]["person"] == person_fields(seller)
    assert [m["person"]["id"] for m in team["service"]] == [tenant.manager.pk]
    assert team["duty_manager"] is not None
    assert team["duty_manager"]["person"]["id"] == duty.pk
    assert team["duty_manager"]["role"]["name"] == "Duty Manager"


def test_team_shows_out_of_office_state_and_backup(tenant, customer):
    backup = PersonFactory(name="Barbara Backup")
    until = timezone.now() + dt.timedelta(days=2)
    tenant.manager.availability = Person.Availability.OUT_OF_OFFICE
    tenant.manager.availability_until = until
    tenant.manager.backup = backup
    tenant.manager.save()

    (member,) = customer.get(f"{API}/accounts/{tenant.account.pk}/team/").json()["service"]

    assert member["availability"]["code"] == "out_of_office"
    assert member["availability"]["until"] is not None
    assert dt.datetime.fromisoformat(member["availability"]["until"]) == until
    assert member["backup"] == person_fields(backup)


def test_team_leaves_out_ended_assignments(tenant, customer):
    tenant.assignment.end_date = dt.date(2024, 6, 30)
    tenant.assignment.save()
    team = customer.get(f"{API}/accounts/{tenant.account.pk}/team/").json()
    assert team["service"] == []


def test_team_leaves_out_assignments_that_have_not_started(tenant, customer):
    AssignmentFactory(
        account=tenant.account, role=RoleFactory(code="sales-executive"), start_date=dt.date(2099, 1, 1)
    )
    team = customer.get(f"{API}/accounts/{tenant.account.pk}/team/").json()
    assert team["sales"] == []


def test_customer_without_view_team_right_cannot_fetch_the_team(tenant, customer):
    tenant.membership.can_view_team = False
    tenant.membership.save()
    response = customer.get(f"{API}/accounts/{tenant.account.pk}/team/")
    assert response.status_code == 403


# --- Filters -----------------------------------------------------------------------------------


@pytest.fixture
def admin_client(tenant, foreign):
    return client_for(carrier_admin().user)


def test_accounts_q_matches_company_name(tenant, foreign, admin_client):
    assert ids(admin_client.get(f"{API}/accounts/", {"q": "foreign tel"})) == {foreign.account.pk}


def test_accounts_q_matches_account_number(tenant, foreign, admin_client):
    response = admin_client.get(f"{API}/accounts/", {"q": tenant.account.number})
    assert ids(response) == {tenant.account.pk}


def test_accounts_q_matches_assigned_person_name(tenant, foreign, admin_client):
    assert ids(admin_client.get(f"{API}/accounts/", {"q": "home manager"})) == {tenant.account.pk}


def test_accounts_q_does_not_reach_outside_the_callers_scope(tenant, foreign, customer):
    assert ids(customer.get(f"{API}/accounts/", {"q": "foreign"})) == set()
    assert ids(customer.get(f"{API}/accounts/", {"q": "telecom"})) == {tenant.account.pk}


def test_assignments_current_true_excludes_ended_assignments(tenant, customer):
    ended = AssignmentFactory(
        account=tenant.account, role=RoleFactory(code="sales-executive"),
        start_date=dt.date(2023, 1, 1), end_date=dt.date(2023, 12, 31),
    )
    assert ids(customer.get(f"{API}/assignments/")) == {tenant.assignment.pk, ended.pk}
    assert ids(customer.get(f"{API}/assignments/", {"current": "true"})) == {tenant.assignment.pk}
    assert ids(customer.get(f"{API}/assignments/", {"current": "false"})) == {ended.pk}


def test_roles_filter_by_team(customer):
    sales = RoleFactory(code="sales-executive")
    service = RoleFactory(code="service-manager")
    response = customer.get(f"{API}/roles/", {"team": "sales"})
    assert response.status_code == 200
    codes = {row["code"] for row in response.json()}
    assert codes == {sales.code}
    assert service.code not in codes
    all_codes = {row["code"] for row in customer.get(f"{API}/roles/").json()}
    assert all_codes == {sales.code, service.code}


# --- Staff scoping -----------------------------------------------------------------------------


def test_service_manager_sees_only_the_accounts_they_hold(tenant, foreign):
    client = client_for(tenant.manager_user)
    assert ids(client.get(f"{API}/accounts/")) == {tenant.account.pk}
    assert ids(client.get(f"{API}/companies/")) == {tenant.company.pk}
    assert client.get(f"{API}/accounts/{foreign.account.pk}/team/").status_code == 404


def test_carrier_admin_sees_every_account(tenant, foreign, admin_client):
    assert ids(admin_client.get(f"{API}/accounts/")) == {tenant.account.pk, foreign.account.pk}
    assert ids(admin_client.get(f"{API}/assignments/")) == {tenant.assignment.pk, foreign.assignment.pk}
    assert admin_client.get(f"{API}/accounts/{foreign.account.pk}/team/").status_code == 200


# --- Creating assignments ----------------------------------------------------------------------


def assignment_body(account, person, role_code="sales-executive", **extra):
    return {
        "account": account.pk,
        "role": role_code,
        "person": person.pk,
        "start_date": "2024-03-01",
        **extra,
    }


def test_customer_cannot_create_an_assignment(tenant, customer):
    RoleFactory(code="sales-executive")
    response = customer.post(
        f"{API}/assignments/", assignment_body(tenant.account, tenant.manager), format="json"
    )
    assert response.status_code == 403
    assert Assignment.objects.count() == 1


def test_service_manager_cannot_create_an_assignment(tenant):
    RoleFactory(code="sales-executive")
    response = client_for(tenant.manager_user).post(
        f"{API}/assignments/", assignment_body(tenant.account, tenant.manager), format="json"
    )
    assert response.status_code == 403
    assert Assignment.objects.count() == 1


def test_carrier_admin_creates_an_assignment(tenant, foreign, admin_client):
    RoleFactory(code="sales-executive")
    seller = PersonFactory(name="Sally Seller")
    response = admin_client.post(
        f"{API}/assignments/",
        assignment_body(foreign.account, seller, note="Covering the west"),
        format="json",
    )
    assert response.status_code == 201, response.content
    created = Assignment.objects.get(pk=response.json()["id"])
    assert created.account == foreign.account
    assert created.role.code == "sales-executive"
    assert created.person == seller
    assert created.start_date == dt.date(2024, 3, 1)
    assert created.end_date is None
    assert created.note == "Covering the west"
    assert created.created_by == Person.objects.get(is_carrier_admin=True).user
    assert response.json()["role"] == "sales-executive"
    assert response.json()["is_current"] is True


def test_second_overlapping_holder_of_a_single_holder_role_is_400(tenant, admin_client):
    newcomer = PersonFactory(name="Nora Newcomer")
    response = admin_client.post(
        f"{API}/assignments/",
        assignment_body(tenant.account, newcomer, role_code="service-manager"),
        format="json",
    )
    assert response.status_code == 400
    messages = " ".join(response.json()["non_field_errors"])
    assert "Service Manager" in messages
    assert tenant.manager.name in messages
    assert not Assignment.objects.filter(person=newcomer).exists()


def test_second_holder_of_a_multi_holder_role_is_accepted(tenant, admin_client):
    RoleFactory(code="sales-engineer", allows_multiple=True)
    first, second = PersonFactory(), PersonFactory()
    AssignmentFactory(account=tenant.account, role=RoleFactory(code="sales-engineer"), person=first)
    response = admin_client.post(
        f"{API}/assignments/",
        assignment_body(tenant.account, second, role_code="sales-engineer"),
        format="json",
    )
    assert response.status_code == 201, response.content


def test_assignment_ending_before_it_starts_is_400(tenant, admin_client):
    RoleFactory(code="sales-executive")
    seller = PersonFactory()
    response = admin_client.post(
        f"{API}/assignments/",
        assignment_body(tenant.account, seller, end_date="2024-02-01"),
        format="json",
    )
    assert response.status_code == 400
    assert "end date is before the start date" in str(response.json())
    assert not Assignment.objects.filter(person=seller).exists()


def test_assignment_for_an_unknown_account_is_400_on_account(tenant, admin_client):
    RoleFactory(code="sales-executive")
    body = assignment_body(tenant.account, PersonFactory())
    body["account"] = 987654
    response = admin_client.post(f"{API}/assignments/", body, format="json")
    assert response.status_code == 400
    assert "account" in response.json()
    assert Assignment.objects.count() == 2


def test_assignment_with_an_unknown_role_code_is_400_on_role(tenant, admin_client):
    person = PersonFactory()
    response = admin_client.post(
        f"{API}/assignments/",
        assignment_body(tenant.account, person, role_code="no-such-role"),
        format="json",
    )
    assert response.status_code == 400
    assert "role" in response.json()
    assert not Assignment.objects.filter(person=person).exists()


# --- Query budget --------------------------------------------------------------------------------


def _accounts_for(tenant, extra: int):
    for _ in range(extra):
        account = AccountFactory(company=tenant.company)
        AssignmentFactory(account=account, person=tenant.manager, role=RoleFactory(code="service-manager"))


@pytest.mark.parametrize("accounts", [2, 20])
def test_account_list_uses_a_fixed_number_of_queries(
    tenant, foreign, customer, accounts, django_assert_max_num_queries
):
    _accounts_for(tenant, accounts - 1)
    with django_assert_max_num_queries(ACCOUNT_LIST_MAX_QUERIES):
        response = customer.get(f"{API}/accounts/")
    assert response.json()["count"] == accounts


@pytest.mark.parametrize("accounts", [2, 20])
def test_account_list_for_staff_uses_a_fixed_number_of_queries(
    tenant, foreign, accounts, django_assert_max_num_queries
):
    _accounts_for(tenant, accounts - 1)
    client = client_for(tenant.manager_user)
    with django_assert_max_num_queries(ACCOUNT_LIST_MAX_QUERIES):
        response = client.get(f"{API}/accounts/")
    assert response.json()["count"] == accounts


@pytest.mark.parametrize("accounts", [2, 20])
def test_account_list_for_carrier_admin_across_companies_uses_a_fixed_number_of_queries(
    tenant, accounts, django_assert_max_num_queries
):
    for _ in range(accounts - 1):
        AssignmentFactory(account=AccountFactory(), person=PersonFactory())
    client = client_for(carrier_admin().user)
    with django_assert_max_num_queries(ACCOUNT_LIST_MAX_QUERIES):
        response = client.get(f"{API}/accounts/")
    body = response.json()
    assert body["count"] == accounts
    assert len({row["company_name"] for row in body["results"]}) == accounts


def _team_members(account, count: int):
    """``count`` members, each with their own calendar (with a closure) and an own backup."""
    for i in range(count):
        calendar = CalendarFactory(name=f"Office {i}")
        calendar.closures.create(date=dt.date(2030, 1, i + 1))
        backup = PersonFactory(calendar=CalendarFactory(name=f"Backup office {i}"))
        person = PersonFactory(
            calendar=calendar,
            backup=backup,
            availability=Person.Availability.OUT_OF_OFFICE,
            availability_until=timezone.now() + dt.timedelta(days=1),
        )
        role = RoleFactory(code=f"sales-role-{i}") if i % 2 else RoleFactory(code=f"service-role-{i}")
        AssignmentFactory(account=account, role=role, person=person)


@pytest.mark.parametrize("members", [2, 20])
def test_team_endpoint_uses_a_fixed_number_of_queries(
    tenant, customer, members, django_assert_max_num_queries
):
    _team_members(tenant.account, members - 1)
    with django_assert_max_num_queries(TEAM_MAX_QUERIES):
        response = customer.get(f"{API}/accounts/{tenant.account.pk}/team/")
    team = response.json()
    assert len(team["sales"]) + len(team["service"]) == members
    assert sum(1 for m in team["sales"] + team["service"] if m["backup"]) == members - 1


# --- Schema and docs ----------------------------------------------------------------------------


def test_openapi_schema_is_served_anonymously(db):
    response = APIClient().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/accounts/{id}/team/" in schema["paths"]
    assert "/api/v1/auth/token/" in schema["paths"]


def test_api_docs_page_is_served_anonymously(db):
    response = APIClient().get("/api/docs/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert b"swagger" in response.content.lower()



def test_customer_without_view_team_right_sees_no_people_or_assignments(tenant, customer):
    tenant.membership.can_view_team = False
    tenant.membership.save()
    assert customer.get(f"{API}/people/").json()["count"] == 0
    assert customer.get(f"{API}/assignments/").json()["count"] == 0
    # The account itself stays visible: other rights (escalations) hang on it.
    assert customer.get(f"{API}/accounts/{tenant.account.pk}/").status_code == 200

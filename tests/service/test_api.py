"""The service API (/api/v1/service/…): the catalogue, packages (set up by carrier admins and the
company's Service Director), time entries (staff only, each changed by its author; a week in one
request, all or nothing), a company's month of usage; 400 with field messages, 403 before the body
is read, 404 for what is not yours; the query budgets of the lists."""

import datetime as dt

import pytest

from service.models import ServicePackage, TimeEntry
from tests.clients import api_as
from tests.teams.factories import AccountFactory, AssignmentFactory, MembershipFactory, RoleFactory, UserFactory

from .factories import MONDAY, TODAY, log, make_package

pytestmark = pytest.mark.django_db

API = "/api/v1/service/"


@pytest.fixture
def make_client():
    return api_as


def post(client, path, data):
    return client.post(path, data, format="json")


def entry_body(company, **extra) -> dict:
    return {"company": company.pk, "activity": "service-reviews", "date": TODAY.isoformat(), "hours": 1.5} | extra


# --- Catalogue ----------------------------------------------------------------------------------------------


def test_anyone_signed_in_lists_the_activities_in_their_language(customer):
    response = customer.get(f"{API}activities/", HTTP_ACCEPT_LANGUAGE="es")

    assert response.status_code == 200
    rows = response.json()
    assert len(rows) == 23
    assert rows[-1] | {"id": 0} == {
        "id": 0, "code": "billing-enquiries", "name": "Resolver las consultas de facturación", "group": "finance",
        "group_label": rows[-1]["group_label"], "sort_order": 230, "is_active": True,
    }


# --- Packages -------------------------------------------------------------------------------------------------


def test_staff_and_the_customer_s_user_administrators_read_the_company_s_package(staff, customer, tenant, package,
                                                                                foreign_package):
    mine = staff.get(f"{API}packages/").json()
    theirs = customer.get(f"{API}packages/").json()

    assert [p["id"] for p in mine["results"]] == [package.pk] == [p["id"] for p in theirs["results"]]
    body = customer.get(f"{API}packages/{package.pk}/").json()
    assert (body["name"], body["hours_per_month"], body["company_name"]) == ("Managed Service Gold", 20.0,
                                                                            "Home Telecom")
    assert "service-reviews" in body["activities"]
    assert customer.get(f"{API}packages/{foreign_package.pk}/").status_code == 404


def test_a_customer_user_without_the_user_administration_right_sees_no_package(tenant, package):
    plain = UserFactory(username="plain.user")
    MembershipFactory(user=plain, company=tenant.company, can_manage_users=False)

    assert api_as(plain).get(f"{API}packages/").json()["results"] == []
    assert api_as(plain).get(f"{API}packages/{package.pk}/").status_code == 404


def test_the_service_director_sets_a_package_up(tenant, service_director):
    client = api_as(service_director.user)

    response = post(client, f"{API}packages/", {
        "company": tenant.company.pk, "name": "Managed Service Gold", "hours_per_month": "20",
        "activities": ["service-reviews", "sla-reporting"], "start_date": "2026-01-01",
    })

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["id"], body["activities"], body["end_date"]) == (ServicePackage.objects.get().pk,
                                                                   ["service-reviews", "sla-reporting"], None)
    patch = client.patch(f"{API}packages/{body['id']}/", {"hours_per_month": 25.5}, format="json")
    assert patch.status_code == 200 and patch.json()["hours_per_month"] == 25.5


def test_package_writes_are_refused_before_the_body_is_read(staff, customer, tenant, package):
    for client in (staff, customer):
        assert post(client, f"{API}packages/", {"junk": True}).status_code == 403
        assert client.patch(f"{API}packages/{package.pk}/", {"junk": True}, format="json").status_code == 403
    assert client.delete(f"{API}packages/{package.pk}/").status_code == 405


def test_a_bad_package_answers_400_with_field_messages(tenant, admin, package):
    response = post(api_as(admin.user), f"{API}packages/", {
        "company": tenant.company.pk, "name": "Platinum", "hours_per_month": "0.1",
        "activities": ["no-such-activity"], "start_date": "2026-02-01",
    })

    assert response.status_code == 400
    assert set(response.json()) == {"activities"}
    response = post(api_as(admin.user), f"{API}packages/", {
        "company": tenant.company.pk, "name": "Platinum", "hours_per_month": "0.1",
        "activities": ["service-reviews"], "start_date": "2026-02-01",
    })
    assert response.status_code == 400
    assert response.json() == {
        "hours_per_month": ["Give the hours in quarter hours (for example 20 or 12.5)."],
        "start_date": ["Home Telecom has the package “Managed Service Gold” from 1 Jan 2026: give it an end date "
                       "before this one starts."],
    }


def test_a_package_for_a_company_the_director_does_not_serve_is_a_400_on_the_company(service_director, foreign):
    response = post(api_as(service_director.user), f"{API}packages/", {
        "company": foreign.company.pk, "name": "X", "hours_per_month": 5, "activities": ["service-reviews"],
        "start_date": "2026-01-01",
    })

    assert response.status_code == 400
    assert list(response.json()) == ["company"]


# --- Time entries ------------------------------------------------------------------------------------------------


def test_staff_log_change_and_delete_their_own_entries(staff, tenant, package):
    created = post(staff, f"{API}time-entries/", entry_body(tenant.company, note="Monthly review."))

    assert created.status_code == 201, created.content
    body = created.json()
    entry = TimeEntry.objects.get()
    assert (body["id"], body["hours"], body["activity"], body["note"], body["person"]["name"]) == (
        entry.pk, 1.5, "service-reviews", "Monthly review.", "Home Manager"
    )
    url = f"{API}time-entries/{entry.pk}/"
    assert staff.patch(url, {"hours": 2.25}, format="json").json()["hours"] == 2.25
    assert staff.put(url, entry_body(tenant.company, activity="sla-reporting"), format="json").status_code == 200
    entry.refresh_from_db()
    assert (entry.activity.code, entry.hours) == ("sla-reporting", 1.5)
    assert staff.delete(url).status_code == 204
    assert not TimeEntry.objects.exists()


def test_a_bad_entry_answers_400_with_the_service_s_field_messages(staff, tenant, package, foreign):
    quarter = post(staff, f"{API}time-entries/", entry_body(tenant.company, hours=1.1))
    future = post(staff, f"{API}time-entries/", entry_body(tenant.company, date="2026-12-11"))
    foreign_company = post(staff, f"{API}time-entries/", entry_body(foreign.company))

    assert quarter.status_code == 400
    assert quarter.json() == {"hours": ["Log time in quarter hours (0.25, 0.5, 0.75, 1, …)."]}
    assert future.json() == {"date": ["Time is logged once it is spent: the day cannot be after today."]}
    assert list(foreign_company.json()) == ["company"]  # not in the caller's scope: an unknown id
    assert not TimeEntry.objects.exists()


def test_customers_are_refused_before_the_body_and_see_no_entry(customer, tenant, package):
    entry = log(tenant.manager_user, tenant.company, note="Internal.")

    assert post(customer, f"{API}time-entries/", {"junk": 1}).status_code == 403
    assert post(customer, f"{API}time-entries/bulk/", {"junk": 1}).status_code == 403
    assert customer.get(f"{API}time-entries/").json()["results"] == []
    assert customer.get(f"{API}time-entries/{entry.pk}/").status_code == 404
    assert customer.patch(f"{API}time-entries/{entry.pk}/", {}, format="json").status_code == 404


def test_a_colleague_reads_an_entry_but_may_not_change_it(tenant, package, director_client):
    entry = log(tenant.manager_user, tenant.company)

    assert director_client.get(f"{API}time-entries/{entry.pk}/").status_code == 200
    response = director_client.patch(f"{API}time-entries/{entry.pk}/", {"hours": "junk"}, format="json")
    assert response.status_code == 403
    assert response.json() == {"detail": "Only the person who logged the time can change it."}
    assert director_client.delete(f"{API}time-entries/{entry.pk}/").status_code == 403


def test_the_list_filters_by_company_days_activity_and_mine(staff, tenant, package, admin, foreign,
                                                            foreign_package, director_client):
    a = log(tenant.manager_user, tenant.company, date=MONDAY)
    b = log(tenant.manager_user, tenant.company, date=TODAY, code="sla-reporting")
    c = log(admin.user, tenant.company, date=TODAY)
    log(admin.user, foreign.company)

    def ids(client, **params):
        response = client.get(f"{API}time-entries/", params)
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"]]

    assert ids(staff) == [c.pk, b.pk, a.pk]
    assert ids(staff, activity="sla-reporting") == [b.pk]
    assert ids(staff, date_from=TODAY.isoformat()) == [c.pk, b.pk]
    assert ids(staff, date_to=MONDAY.isoformat(), company=tenant.company.pk) == [a.pk]
    assert ids(staff, mine="true") == [b.pk, a.pk]
    assert ids(director_client) == [c.pk, b.pk, a.pk]
    bad = staff.get(f"{API}time-entries/", {"date_from": "2026-13-01", "company": "x"})
    assert bad.status_code == 400 and set(bad.json()) == {"date_from", "company"}


def test_a_week_in_one_request_all_or_nothing(staff, tenant, package):
    refused = post(staff, f"{API}time-entries/bulk/", {"week": MONDAY.isoformat(), "entries": [
        entry_body(tenant.company, date=MONDAY.isoformat(), hours=2),
        entry_body(tenant.company, date=MONDAY.isoformat(), hours=1.1),
        entry_body(tenant.company, date="2026-12-06"),
    ]})

    assert refused.status_code == 400
    assert refused.json() == {"entries": {
        "1": {"hours": ["Log time in quarter hours (0.25, 0.5, 0.75, 1, …)."]},
        "2": {"date": ["Pick a day of the week of 7 Dec 2026."]},
    }}
    assert not TimeEntry.objects.exists()

    saved = post(staff, f"{API}time-entries/bulk/", {"entries": [
        entry_body(tenant.company, date=MONDAY.isoformat(), hours=2),
        entry_body(tenant.company, date=TODAY.isoformat(), hours=0.75, activity="touch-point-calls"),
    ]})
    assert saved.status_code == 201, saved.content
    assert [(r["date"], r["hours"]) for r in saved.json()] == [("2026-12-07", 2.0), ("2026-12-10", 0.75)]
    assert TimeEntry.objects.count() == 2


def test_a_malformed_sheet_answers_each_row_s_field_messages(staff, tenant, package):
    response = post(staff, f"{API}time-entries/bulk/", {"entries": [
        entry_body(tenant.company), {"company": tenant.company.pk, "hours": "x"},
    ]})

    assert response.status_code == 400
    assert list(response.json()["entries"]) == ["1"]
    assert set(response.json()["entries"]["1"]) == {"activity", "date", "hours"}
    assert post(staff, f"{API}time-entries/bulk/", {"entries": []}).status_code == 400


# --- Usage ------------------------------------------------------------------------------------------------------


def test_usage_of_a_company_and_month(staff, tenant, package):
    log(tenant.manager_user, tenant.company, hours="16.5", note="Internal.")

    response = staff.get(f"{API}usage/", {"company": tenant.company.pk, "month": "2026-12"})

    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("company", "month", "hours_included", "hours_used", "percent", "over_by",
                                 "state")} == {
        "company": tenant.company.pk, "month": "2026-12", "hours_included": 20.0, "hours_used": 16.5,
        "percent": 82, "over_by": 0.0, "state": "warning",
    }
    assert body["package"]["name"] == "Managed Service Gold"
    reviews = next(a for a in body["activities"] if a["code"] == "service-reviews")
    assert (reviews["hours"], reviews["in_package"], reviews["group"]) == (16.5, True, "service_level")
    assert "Internal." not in response.content.decode()


def test_a_customer_administrator_reads_their_company_s_usage_by_default(customer, tenant, package, foreign):
    assert customer.get(f"{API}usage/").json()["company"] == tenant.company.pk
    assert customer.get(f"{API}usage/", {"month": "2026-11"}).json()["hours_used"] == 0
    assert customer.get(f"{API}usage/", {"company": foreign.company.pk}).status_code == 404


def test_usage_answers_400_for_a_bad_month_or_no_company_and_404_out_of_scope(staff, tenant, foreign):
    assert staff.get(f"{API}usage/", {"company": tenant.company.pk, "month": "12-2026"}).json() == {
        "month": ["Give a month as YYYY-MM, for example 2026-12."]
    }
    assert staff.get(f"{API}usage/").json() == {"company": ["Choose a company."]}
    assert staff.get(f"{API}usage/", {"company": foreign.company.pk}).status_code == 404
    plain = UserFactory(username="plain.user")
    MembershipFactory(user=plain, company=tenant.company, can_manage_users=False)
    assert api_as(plain).get(f"{API}usage/").status_code == 404


# --- Query budgets ------------------------------------------------------------------------------------------------


def test_the_lists_cost_a_fixed_number_of_queries(staff, tenant, package, admin, django_assert_max_num_queries):
    for number in range(5):
        account = AccountFactory(company__name=f"Served {number}")
        AssignmentFactory(account=account, person=tenant.manager, role=RoleFactory(code="service-manager"))
        make_package(account.company, actor=admin.user)
        log(tenant.manager_user, account.company, date=TODAY - dt.timedelta(days=number))

    with django_assert_max_num_queries(6):
        assert len(staff.get(f"{API}time-entries/").json()["results"]) == 5
    with django_assert_max_num_queries(6):
        assert len(staff.get(f"{API}packages/").json()["results"]) == 6
    with django_assert_max_num_queries(8):
        assert staff.get(f"{API}usage/", {"company": tenant.company.pk}).status_code == 200

"""The API: plan items (list, create, update), occurrences (list, retrieve, hold) and action items
(list, done). Permission before body validation; 400 with field messages; 404 out of scope."""

import datetime as dt

import pytest

from dossiers.models import Meeting
from tests.clients import api_as
from tests.dossiers.factories import ContactFactory
from touchpoints.models import ActionItem, Occurrence, PlanItem

from .conftest import NOW, hold

pytestmark = pytest.mark.django_db

PLAN = "/api/v1/review-plan-items/"
OCC = "/api/v1/review-occurrences/"
ACTIONS = "/api/v1/review-action-items/"


def _body(tenant, **overrides):
    return {"company": tenant.company.pk, "kind": "touch_point", "cadence_months": 1,
            "owner_role": "service-manager", "first_due_on": "2026-03-20"} | overrides


def _hold_body(tenant, **overrides):
    return {
        "account": tenant.account.pk, "starts_at": (NOW - dt.timedelta(hours=1)).isoformat(), "duration_minutes": 30,
        "agenda": "Orders", "minutes": "On track.",
        "action_items": [{"description": "Quote", "owner": tenant.manager.pk, "due_on": "2026-03-09"}],
    } | overrides


def test_a_director_creates_a_plan_item_with_its_next_occurrence(tenant, director):
    response = api_as(director.user).post(PLAN, _body(tenant), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["kind"] == "touch_point" and data["owner_role"] == "service-manager"
    assert data["next_occurrence"]["due_on"] == "2026-03-20"
    assert data["next_occurrence"]["owner"]["name"] == tenant.manager.name


@pytest.mark.parametrize("who", ["owner", "customer"])
def test_plan_writes_are_refused_before_the_body_is_read(tenant, who):
    user = tenant.manager_user if who == "owner" else tenant.user
    response = api_as(user).post(PLAN, {}, format="json")
    assert response.status_code == 403


def test_bad_plan_values_are_400_under_their_fields(tenant, director, foreign):
    response = api_as(director.user).post(
        PLAN, _body(tenant, company=foreign.company.pk, cadence_months=2, kind="picnic"), format="json"
    )
    assert response.status_code == 400
    assert {"company", "cadence_months", "kind"} <= set(response.json())


def test_a_role_no_one_holds_is_400(tenant, director):
    from tests.teams.factories import RoleFactory

    RoleFactory(code="client-support-manager")
    response = api_as(director.user).post(PLAN, _body(tenant, owner_role="client-support-manager"), format="json")
    assert response.status_code == 400 and "owner_role" in response.json()


def test_updating_a_plan_item(item, director, tenant):
    client = api_as(director.user)
    response = client.patch(f"{PLAN}{item.pk}/", {"cadence_months": 6, "first_due_on": "2026-03-27"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["cadence_months"] == 6
    assert response.json()["next_occurrence"]["due_on"] == "2026-03-27"
    assert api_as(tenant.manager_user).patch(f"{PLAN}{item.pk}/", {"cadence_months": "x"},
                                             format="json").status_code == 403


def test_customers_list_their_plan_only_and_owner_needs_the_team_right(item, tenant, foreign, director):
    assert api_as(foreign.user).get(PLAN).json()["results"] == []  # a second company's user sees none
    rows = api_as(tenant.user).get(PLAN).json()["results"]
    assert [r["id"] for r in rows] == [item.pk]
    assert rows[0]["next_occurrence"]["owner"]["name"] == tenant.manager.name
    tenant.membership.can_view_team = False
    tenant.membership.save()
    assert api_as(tenant.user).get(PLAN).json()["results"][0]["next_occurrence"]["owner"] is None
    assert api_as(foreign.user).get(f"{PLAN}{item.pk}/").status_code == 404


def test_holding_through_the_api_creates_everything_at_once(occurrence, tenant, foreign):
    rita = ContactFactory(account=tenant.account, name="Rita Ops")
    theirs = ContactFactory(account=foreign.account)
    refused = api_as(tenant.manager_user).post(f"{OCC}{occurrence.pk}/hold/", _hold_body(tenant, contacts=[theirs.pk]),
                                               format="json")
    assert refused.status_code == 400 and "contacts" in refused.json()
    response = api_as(tenant.manager_user).post(f"{OCC}{occurrence.pk}/hold/", _hold_body(tenant, contacts=[rita.pk]),
                                                format="json")
    assert response.status_code == 201, response.json()
    assert list(Occurrence.objects.get(pk=occurrence.pk).meeting.contacts.all()) == [rita]
    data = response.json()
    assert data["status"] == "held" and data["account"] == tenant.account.pk
    assert [a["description"] for a in data["action_items"]] == ["Quote"]
    assert Occurrence.objects.filter(status="open", due_on=dt.date(2026, 6, 13)).exists()
    again = api_as(tenant.manager_user).post(f"{OCC}{occurrence.pk}/hold/", _hold_body(tenant), format="json")
    assert again.status_code == 409


def test_a_bad_action_item_through_the_api_saves_nothing(occurrence, tenant):
    body = _hold_body(tenant, action_items=[
        {"description": "Quote", "owner": tenant.manager.pk, "due_on": "2026-03-09"},
        {"description": "", "owner": tenant.manager.pk, "due_on": "2026-03-09"},
    ])
    response = api_as(tenant.manager_user).post(f"{OCC}{occurrence.pk}/hold/", body, format="json")
    assert response.status_code == 400 and "action_items" in response.json()
    occurrence.refresh_from_db()
    assert occurrence.is_open and not Meeting.objects.exists() and not ActionItem.objects.exists()


def test_hold_refuses_others_before_the_body_and_foreign_staff_get_404(occurrence, tenant, bystander, foreign):
    assert api_as(bystander.user).post(f"{OCC}{occurrence.pk}/hold/", {}, format="json").status_code == 404
    assert api_as(foreign.manager_user).post(f"{OCC}{occurrence.pk}/hold/", {}, format="json").status_code == 404
    assert api_as(tenant.user).post(f"{OCC}{occurrence.pk}/hold/", {}, format="json").status_code == 404


def test_occurrences_list_and_customers_see_held_ones_only(occurrence, tenant, director):
    staff = api_as(tenant.manager_user)
    assert [r["id"] for r in staff.get(OCC, {"mine": "true"}).json()["results"]] == [occurrence.pk]
    assert staff.get(OCC, {"status": "nope"}).status_code == 400
    assert api_as(tenant.user).get(OCC).json()["results"] == []
    hold(occurrence, director.user)
    rows = api_as(tenant.user).get(OCC).json()["results"]
    assert [r["id"] for r in rows] == [occurrence.pk]
    assert rows[0]["minutes"] == "All orders on track."
    assert api_as(tenant.user).get(f"{OCC}{occurrence.pk}/").status_code == 200


def test_action_items_are_listed_and_marked_done(occurrence, tenant, director, bystander):
    hold(occurrence, director.user, action_items=[
        {"description": "Quote", "owner": tenant.manager, "due_on": dt.date(2026, 3, 9)},
    ])
    action = ActionItem.objects.get()
    client = api_as(tenant.manager_user)
    assert [r["id"] for r in client.get(ACTIONS, {"state": "open", "mine": "true"}).json()["results"]] == [action.pk]
    assert api_as(tenant.user).post(f"{ACTIONS}{action.pk}/done/", {}, format="json").status_code == 403
    assert api_as(bystander.user).post(f"{ACTIONS}{action.pk}/done/", {}, format="json").status_code == 404
    long_note = client.post(f"{ACTIONS}{action.pk}/done/", {"note": "x" * 400}, format="json")
    assert long_note.status_code == 400 and "note" in long_note.json()
    response = client.post(f"{ACTIONS}{action.pk}/done/", {"note": "Sent"}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "done"
    assert client.get(ACTIONS, {"state": "open"}).json()["results"] == []


def test_plan_items_cannot_be_deleted_or_replaced_wholesale(item, director):
    client = api_as(director.user)
    assert client.delete(f"{PLAN}{item.pk}/").status_code == 405
    assert PlanItem.objects.filter(pk=item.pk).exists()


def test_a_colleague_on_the_account_sees_the_review_but_may_not_hold_it(occurrence, tenant):
    from tests.teams.factories import AssignmentFactory, PersonFactory, RoleFactory, UserFactory

    colleague = PersonFactory(name="Sales Colleague", user=UserFactory(username="sales.colleague"))
    AssignmentFactory(account=tenant.account, person=colleague, role=RoleFactory(code="sales-executive"))
    client = api_as(colleague.user)
    assert client.get(f"{OCC}{occurrence.pk}/").status_code == 200
    response = client.post(f"{OCC}{occurrence.pk}/hold/", {}, format="json")
    assert response.status_code == 403  # before the (empty) body is read

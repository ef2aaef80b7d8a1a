"""Out of office planned ahead: set on the availability page and through the staff API, shown as
"in office" (and, to the staff, as the plan) until it begins, and only then out of office, with
the backup named and given the absent person's items."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from escalations import selectors as escalation_selectors
from teams.models import Person
from tests.clients import api_as, signed_in
from tests.escalations.factories import DENVER, denver, raise_item
from tests.teams.factories import PersonFactory

pytestmark = pytest.mark.django_db

NOW = denver(2026, 12, 1, 10, 0)  # Tue 1 Dec 2026, office hours in Denver
STARTS = denver(2026, 12, 7, 8, 0)  # Mon 7 Dec 08:00
UNTIL = denver(2026, 12, 11, 17, 0)  # Fri 11 Dec 17:00
PLANNED = "Out of office from Mon 7 Dec 08:00 until Fri 11 Dec 17:00"

PAST_START = "A planned absence starts in the future; leave it empty to start now."
END_BEFORE_START = "The absence must end after it starts."
NO_END = "A planned absence needs an end."

ME = "/api/v1/people/me/availability/"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def local(instant: dt.datetime) -> str:
    """A datetime-local form value, in Denver (the staff member's zone)."""
    return instant.astimezone(DENVER).strftime("%Y-%m-%dT%H:%M")


def plan(person: Person, *, backup: Person | None = None) -> Person:
    person.availability = Person.Availability.OUT_OF_OFFICE
    person.availability_from, person.availability_until = STARTS, UNTIL
    person.backup = backup or person.backup
    person.save()
    return person


@pytest.fixture
def backup():
    return PersonFactory(name="Barbara Backup", phone="303 555 0199")


# --- The availability page -----------------------------------------------------------------------


def test_page_saves_a_planned_absence_and_says_when_it_begins(tenant, backup):
    client = signed_in(tenant.manager_user)
    response = client.post(
        "/me/availability/",
        {
            "availability": "out_of_office",
            "availability_from": local(STARTS),
            "availability_until": local(UNTIL),
            "backup": backup.pk,
        },
    )

    assert response.status_code == 302
    person = Person.objects.get(pk=tenant.manager.pk)
    assert (person.availability_from, person.availability_until) == (STARTS, UNTIL)
    assert not person.is_out_of_office(NOW) and person.is_out_of_office(STARTS)
    page = client.get("/me/availability/").content.decode()
    assert f"You are in office. {PLANNED}; Barbara Backup covers your items from then." in page
    assert 'name="availability_from"' in page and "From (optional, for a planned absence)" in page


@pytest.mark.parametrize(
    ("starts", "until", "field", "message"),
    [
        (NOW - dt.timedelta(hours=1), UNTIL, "availability_from", PAST_START),
        (UNTIL, STARTS, "availability_until", END_BEFORE_START),
        (STARTS, None, "availability_until", NO_END),
    ],
    ids=["start in the past", "end before start", "no end"],
)
def test_page_refuses_a_planned_absence_that_cannot_be(tenant, starts, until, field, message):
    response = signed_in(tenant.manager_user).post(
        "/me/availability/",
        {
            "availability": "out_of_office",
            "availability_from": local(starts),
            "availability_until": local(until) if until else "",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert message in response.content.decode()
    person = Person.objects.get(pk=tenant.manager.pk)
    assert (person.availability, person.availability_from, person.availability_until) == ("in_office", None, None)


# --- The staff API -------------------------------------------------------------------------------


def test_api_sets_a_planned_absence_that_has_not_begun(tenant, backup):
    response = api_as(tenant.manager_user).put(
        ME,
        {
            "availability": "out_of_office",
            "availability_from": STARTS.isoformat(),
            "availability_until": UNTIL.isoformat(),
            "backup": backup.pk,
        },
        format="json",
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["availability"] == "out_of_office"
    assert dt.datetime.fromisoformat(body["availability_from"]) == STARTS
    assert dt.datetime.fromisoformat(body["availability_until"]) == UNTIL
    assert body["out_of_office_now"] is False
    assert body["backup"]["name"] == "Barbara Backup"
    assert api_as(tenant.manager_user).get(ME).json() == body


@pytest.mark.parametrize(
    ("starts", "until", "field", "message"),
    [
        (NOW - dt.timedelta(hours=1), UNTIL, "availability_from", PAST_START),
        (UNTIL, STARTS, "availability_until", END_BEFORE_START),
        (STARTS, None, "availability_until", NO_END),
    ],
    ids=["start in the past", "end before start", "no end"],
)
def test_api_refuses_a_planned_absence_that_cannot_be(tenant, starts, until, field, message):
    response = api_as(tenant.manager_user).put(
        ME,
        {
            "availability": "out_of_office",
            "availability_from": starts.isoformat(),
            "availability_until": until.isoformat() if until else None,
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {field: [message]}
    assert Person.objects.get(pk=tenant.manager.pk).availability == "in_office"


def test_api_keeps_the_backup_unless_told_otherwise(tenant, backup):
    tenant.manager.backup = backup
    tenant.manager.save(update_fields=["backup"])
    api = api_as(tenant.manager_user)

    kept = api.put(ME, {"availability": "out_of_office"}, format="json").json()
    assert kept["backup"]["id"] == backup.pk and kept["out_of_office_now"] is True
    cleared = api.put(ME, {"availability": "in_office", "backup": None}, format="json").json()
    assert cleared["backup"] is None and cleared["availability_from"] is None


def test_api_availability_is_for_the_staff_only(tenant):
    customer = api_as(tenant.user)
    assert customer.get(ME).status_code == 403
    assert customer.put(ME, {"availability": "out_of_office"}, format="json").status_code == 403
    assert APIClient().get(ME).status_code == 401
    assert api_as(tenant.manager_user).options(ME).status_code == 405  # no description of a route without an id


def test_people_api_reads_in_office_until_the_absence_begins(tenant, clock):
    plan(tenant.manager)
    url = reverse("api:person-detail", args=[tenant.manager.pk])

    staff_view = api_as(tenant.manager_user).get(url).json()
    customer_view = api_as(tenant.user).get(url).json()
    assert staff_view["availability"] == customer_view["availability"] == "in_office"
    assert dt.datetime.fromisoformat(staff_view["availability_from"]) == STARTS
    # The plan is the staff's to know.
    assert customer_view["availability_from"] is customer_view["availability_until"] is None
    out_now = api_as(tenant.manager_user).get("/api/v1/people/", {"availability": "out_of_office"}).json()
    assert tenant.manager.pk not in [row["id"] for row in out_now["results"]]

    clock.move_to(STARTS)
    customer_view = api_as(tenant.user).get(url).json()
    assert customer_view["availability"] == "out_of_office"
    assert dt.datetime.fromisoformat(customer_view["availability_until"]) == UNTIL
    out_now = api_as(tenant.manager_user).get("/api/v1/people/", {"availability": "out_of_office"}).json()
    assert tenant.manager.pk in [row["id"] for row in out_now["results"]]


# --- The team page -------------------------------------------------------------------------------


def card(html: str, name: str) -> str:
    start = html.index(f'<h4 class="person-name">{name}</h4>')
    return html[start : html.index("</article>", start)]


def test_team_page_shows_in_office_before_the_start_and_out_of_office_after(tenant, backup, clock):
    plan(tenant.manager, backup=backup)
    page = f"/accounts/{tenant.account.pk}/"

    staff_card = card(signed_in(tenant.manager_user).get(page).content.decode(), "Home Manager")
    customer_card = card(signed_in(tenant.user).get(page).content.decode(), "Home Manager")
    for html in (staff_card, customer_card):
        assert "availability-in_office" in html and "In office" in html
        assert "While out, contact" not in html
    assert PLANNED in staff_card
    assert "Out of office from" not in customer_card

    clock.move_to(STARTS + dt.timedelta(hours=1))
    for client in (signed_in(tenant.manager_user), signed_in(tenant.user)):
        html = card(client.get(page).content.decode(), "Home Manager")
        assert "availability-out_of_office" in html and "Out of office until Fri 11 Dec, 17:00" in html
        assert "While out, contact <strong>Barbara Backup</strong>" in html
        assert "Out of office from" not in html


def test_team_api_gives_the_plan_to_the_staff_only(tenant, clock):
    plan(tenant.manager)
    url = f"/api/v1/accounts/{tenant.account.pk}/team/"

    staff = api_as(tenant.manager_user).get(url).json()["service"][0]["availability"]
    customer = api_as(tenant.user).get(url).json()["service"][0]["availability"]
    assert staff["code"] == customer["code"] == "in_office"
    assert dt.datetime.fromisoformat(staff["planned_from"]) == STARTS
    assert dt.datetime.fromisoformat(staff["planned_until"]) == UNTIL
    assert customer["planned_from"] is customer["planned_until"] is None

    clock.move_to(STARTS)
    customer = api_as(tenant.user).get(url).json()["service"][0]
    assert customer["availability"]["code"] == "out_of_office" and customer["availability"]["planned_from"] is None


# --- The backup's queue --------------------------------------------------------------------------


@pytest.fixture
def colleague(tenant, foreign):
    """The foreign tenant's manager names the home manager as backup and plans an absence."""
    return plan(foreign.manager, backup=tenant.manager)


def queue_ids(user, now) -> set[int]:
    return set(escalation_selectors.queue_base(user=user, now=now).values_list("pk", flat=True))


def test_backup_gets_the_items_only_once_the_absence_has_begun(tenant, foreign, colleague, clock):
    item = raise_item(foreign, at=NOW)
    assert item.assignee == colleague

    assert item.pk not in queue_ids(tenant.manager_user, NOW)
    assert item.pk in queue_ids(tenant.manager_user, STARTS)
    assert item.pk in queue_ids(tenant.manager_user, UNTIL - dt.timedelta(minutes=1))
    assert item.pk not in queue_ids(tenant.manager_user, UNTIL)
    # Before it begins the item is not even the backup's to see.
    assert signed_in(tenant.manager_user).get(f"/escalations/{item.pk}/").status_code == 404


def test_queue_page_names_the_planned_absence_then_the_one_under_way(tenant, colleague, clock):
    client = signed_in(tenant.manager_user)

    page = client.get("/queue/").content.decode()
    assert (
        "Foreign Manager is out of office from Mon 7 Dec 08:00 until Fri 11 Dec 17:00: "
        "their items come to your queue then." in page
    )
    clock.move_to(STARTS)
    page = client.get("/queue/").content.decode()
    assert "You are covering for Foreign Manager, out of office until Fri 11 Dec 17:00" in page
    clock.move_to(UNTIL)
    assert 'data-testid="queue-covering"' not in client.get("/queue/").content.decode()


# --- The back office -----------------------------------------------------------------------------


def test_person_admin_shows_out_of_office_only_once_it_has_begun(admin_client, tenant, clock):
    plan(tenant.manager)
    url = reverse("admin:teams_person_changelist")

    html = admin_client.get(url).content.decode()
    assert f"In office · out of office from {PLANNED.removeprefix('Out of office from ')}" in html
    out_now = admin_client.get(url, {"availability_now": "out_of_office"}).context["cl"].result_list
    assert tenant.manager not in out_now
    planned = admin_client.get(url, {"availability_now": "planned"}).context["cl"].result_list
    assert tenant.manager in planned

    clock.move_to(STARTS)
    assert "Out of office until Fri 11 Dec 17:00" in admin_client.get(url).content.decode()
    out_now = admin_client.get(url, {"availability_now": "out_of_office"}).context["cl"].result_list
    assert tenant.manager in out_now

"""The review dashboard's one reassign control: rows are ticked, the person is chosen once, and one
POST moves them all (``escalations_bulk_act``), all or nothing, within the reviewed group.

The clock stands still at Tue 13 Jan 2026 10:40 in Denver (MST).
"""

import pytest

from escalations import services
from escalations.models import Escalation, Event
from tests.conftest import clock_at
from tests.escalations.factories import denver, raise_item, stored_state

pytestmark = pytest.mark.django_db

NOW = denver(2026, 1, 13, 10, 40)

clock = clock_at(NOW, autouse=True)


@pytest.fixture
def overdue(tenant, second, foreign, other_director):
    """Three overdue items of the home manager, one of the second manager's, one foreign."""
    items = {f"home{i}": raise_item(tenant, at=denver(2026, 1, 13, 9, i), subject=f"Home {i}") for i in range(3)}
    items["second"] = raise_item(second, at=denver(2026, 1, 13, 9, 30), subject="Second's")
    items["foreign"] = raise_item(foreign, at=denver(2026, 1, 13, 9, 30), subject="Foreign outage")
    return items


def reassign(client, items, assignee, **data):
    return client.post(
        "/review/reassign/",
        {"escalation": [i.pk for i in items], "assignee": assignee.pk, **data},
        HTTP_HX_REQUEST="true",
    )


def text_of(response) -> str:
    assert response.status_code == 200, response.content[:300]
    return response.content.decode()


def test_the_dashboard_has_one_reassign_control_and_a_tick_per_row(director_client, overdue):
    html = text_of(director_client.get("/review/"))
    assert html.count('<select name="assignee"') == 1
    assert 'aria-label="New assignee for the ticked items"' in html
    for name in ("home0", "home1", "home2", "second"):
        pk = overdue[name].pk
        assert f'<input type="checkbox" name="escalation" value="{pk}" form="review-reassign"' in html
    assert html.count('form="review-reassign"') == 4


def test_ticked_items_go_to_the_chosen_person_in_one_post(director_client, overdue, second, tenant):
    items = [overdue["home0"], overdue["home2"]]
    html = text_of(reassign(director_client, items, second.manager, reason="Home is swamped"))
    assert f"2 items are now with Second Manager: #{items[0].pk} and #{items[1].pk}." in html
    for item in items:
        event = Event.objects.get(escalation=item, kind="reassigned")
        assert (event.comment, event.data["from"], event.data["to"]) == (
            "Home is swamped",
            "Home Manager",
            "Second Manager",
        )
        assert Escalation.objects.get(pk=item.pk).assignee == second.manager
    assert Escalation.objects.get(pk=overdue["home1"].pk).assignee == tenant.manager  # not ticked


def test_one_item_refusing_changes_none_and_names_it(director_client, overdue, second, tenant):
    services.escalation_resolve(actor=tenant.manager_user, escalation=overdue["home1"])
    items = [overdue["home0"], overdue["home1"], overdue["second"]]
    before = [stored_state(i) for i in items]
    html = text_of(reassign(director_client, items, second.manager))
    assert "Nothing was changed." in html
    assert f"#{overdue['home1'].pk}: An item that is resolved cannot be reassigned." in html
    assert f"#{overdue['second'].pk}: The item is already assigned to Second Manager." in html
    assert f"#{overdue['home0'].pk}:" not in html
    assert [stored_state(i) for i in items] == before


def test_nothing_ticked_or_nobody_chosen_is_said(director_client, overdue, second):
    html = text_of(director_client.post("/review/reassign/", {"assignee": second.manager.pk}, HTTP_HX_REQUEST="true"))
    assert "Tick the items to reassign first." in html
    before = stored_state(overdue["home0"])
    html = text_of(
        director_client.post("/review/reassign/", {"escalation": overdue["home0"].pk}, HTTP_HX_REQUEST="true")
    )
    assert "Choose someone." in html
    assert stored_state(overdue["home0"]) == before


def test_an_item_outside_the_group_among_the_ticked_is_not_found(director_client, overdue, second):
    items = [overdue["home0"], overdue["foreign"]]
    before = [stored_state(i) for i in items]
    assert reassign(director_client, items, second.manager).status_code == 404
    bogus = director_client.post(
        "/review/reassign/", {"escalation": ["99999999999999999999", "x"], "assignee": second.manager.pk}
    )
    assert bogus.status_code == 404
    assert [stored_state(i) for i in items] == before


def test_without_script_the_dashboard_comes_back_with_the_sentence(director_client, overdue, second):
    response = director_client.post(
        "/review/reassign/",
        {"escalation": [overdue["home0"].pk, overdue["home1"].pk], "assignee": second.manager.pk, "channel": "pager"},
    )
    assert response.status_code == 302 and response["Location"] == "/review/?channel=pager"
    assert "2 items are now with Second Manager" in text_of(director_client.get(response["Location"]))

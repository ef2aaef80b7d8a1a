"""What staff type about an item stays with the staff: the reasons given when escalating or
reassigning, and a handoff's mechanics. The customer reads a plain account of who has the item."""

import datetime as dt

import pytest

from escalations import selectors, services
from escalations.models import Escalation, Event
from tests.clients import api_as, signed_in
from tests.escalations.factories import denver, raise_item
from tests.teams.factories import AssignmentFactory, PersonFactory, RoleFactory

pytestmark = pytest.mark.django_db

TUE_10 = denver(2026, 1, 13, 10, 0)
MIN = dt.timedelta(minutes=1)
REASON = "Dana is swamped after the Boulder outage"


@pytest.fixture
def luis(tenant):
    """A second service manager on the account, who takes items over."""
    person = PersonFactory(name="Luis Ortega")
    AssignmentFactory(account=tenant.account, person=person, role=RoleFactory(code="service-manager"))
    return person


def raised(tenant):
    """An item the home manager holds (Luis serves the account too)."""
    return raise_item(tenant, at=TUE_10, actor=tenant.manager_user, assignee=tenant.manager)


def customer_timeline(tenant, item) -> list[str]:
    return [e.comment for e in selectors.timeline(user=tenant.user, escalation=item)]


def test_a_reassignment_reason_stays_internal_and_the_customer_reads_who_has_the_item(tenant, manager, luis):
    item = raised(tenant)
    services.escalation_reassign(actor=manager, escalation=item, assignee=luis, reason=REASON, now=TUE_10 + MIN)

    assert customer_timeline(tenant, item)[-1] == "Your service manager for this item is now Luis Ortega."
    assert all(REASON not in text for text in customer_timeline(tenant, item))
    staff_view = selectors.timeline(user=manager, escalation=item)
    assert (staff_view[-1].comment, staff_view[-1].data["from"]) == (REASON, "Home Manager")


def test_a_reason_the_staff_chose_to_share_reaches_the_customer(tenant, manager, luis):
    item = raised(tenant)
    services.escalation_reassign(
        actor=manager, escalation=item, assignee=luis, reason="Luis knows your switch", tell_customer=True,
        now=TUE_10 + MIN,
    )
    assert customer_timeline(tenant, item)[-1] == (
        "Your service manager for this item is now Luis Ortega.\nLuis knows your switch"
    )


def test_an_escalation_reason_stays_internal_everywhere_the_customer_looks(tenant, manager, director, customer):
    item = raise_item(tenant, at=TUE_10)
    services.escalation_escalate(actor=manager, escalation=item, reason=REASON, now=TUE_10 + MIN)

    assert customer_timeline(tenant, item)[-1] == "Your item is now with Home Director, Director."
    page = customer.get(f"/escalations/{item.pk}/").content.decode()
    api = api_as(tenant.user)
    body = api.get(f"/api/v1/escalations/{item.pk}/").json()
    events = api.get(f"/api/v1/escalations/{item.pk}/timeline/").json()
    assert REASON not in page
    assert body["escalation_reason"] == ""
    assert all(REASON not in e["comment"] and "from" not in e["data"] for e in events)
    # The staff still read why.
    assert api_as(manager).get(f"/api/v1/escalations/{item.pk}/").json()["escalation_reason"] == REASON


def test_the_api_shares_a_reason_only_when_asked(tenant, manager, director):
    item = raise_item(tenant, at=TUE_10)
    response = api_as(manager).post(
        f"/api/v1/escalations/{item.pk}/escalate/", {"reason": "Needs the director", "tell_customer": True},
        format="json",
    )
    assert response.status_code == 200
    assert customer_timeline(tenant, item)[-1] == "Your item is now with Home Director, Director.\nNeeds the director"


def test_the_item_page_says_which_words_the_customer_will_read(tenant, staff):
    item = raise_item(tenant, at=TUE_10)
    page = staff.get(f"/escalations/{item.pk}/").content.decode()
    assert page.count("the customer will read this") >= 3  # acknowledge comment, both reasons, comments
    assert 'name="tell_customer"' in page
    assert "Staff only (an internal note)" in page


def test_the_item_page_shares_a_reassignment_reason_only_when_ticked(tenant, staff, luis):
    item = raised(tenant)
    staff.post(f"/escalations/{item.pk}/reassign/", {"assignee": luis.pk, "reason": REASON})
    assert Escalation.objects.get(pk=item.pk).assignee == luis
    assert all(REASON not in text for text in customer_timeline(tenant, item))


def test_a_handoffs_mechanics_never_reach_the_customer(tenant, manager, luis):
    item = raised(tenant)
    moved = services.escalations_hand_over(
        actor=manager, escalations=[item], assignee=luis, role_name="Service Manager",
        reason="Handoff #2: Service Manager passes from Home Manager to Luis Ortega.", now=TUE_10 + MIN,
    )
    assert [m.pk for m in moved] == [item.pk]
    assert customer_timeline(tenant, item)[-1] == "Your service manager for this item is now Luis Ortega."
    assert not any("Handoff #" in text for text in customer_timeline(tenant, item))
    assert Event.objects.filter(escalation=item, comment__startswith="Handoff #2").exists()
    assert signed_in(tenant.user).get(f"/escalations/{item.pk}/").content.decode().count("Handoff #") == 0


def test_a_handoff_moving_a_proposal_keeps_its_history_entry_from_the_customer(tenant, manager, luis):
    from dossiers import selectors as dossier_selectors
    from dossiers import services as dossier_services
    from tests.dossiers.factories import ProposalFactory

    proposal = ProposalFactory(account=tenant.account, owner=tenant.manager)
    dossier_services.dossier_save(
        actor=manager, account=tenant.account, part=dossier_services.PROPOSALS, instance=proposal,
        values={"owner": luis}, note="Handoff #2: Service Manager passes from Home Manager to Luis Ortega.",
        check=False, internal=True,
    )
    customer_notes = [c.note for c in dossier_selectors.change_list(user=tenant.user, account=tenant.account)]
    staff_notes = [c.note for c in dossier_selectors.change_list(user=manager, account=tenant.account)]
    assert not any("Handoff #2" in note for note in customer_notes)
    assert any("Handoff #2" in note for note in staff_notes)

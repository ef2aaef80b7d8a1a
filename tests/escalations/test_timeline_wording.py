"""Each timeline event says, in a sentence, who acted and what changed, with people by name; the
customer's lines say who has the item now and never why it moved, how, or who had it before.
The item page's and the queue's success messages are sentences naming the item and the outcome."""

import datetime as dt

import pytest

from escalations import selectors, services
from handoffs import services as handoff_services
from handoffs.checklist import seed_checklist
from handoffs.models import ChecklistTemplateItem
from tests.clients import api_as, signed_in
from tests.conftest import clock_at
from tests.escalations.factories import denver, raise_item
from tests.teams.factories import AssignmentFactory, PersonFactory, RoleFactory, UserFactory

pytestmark = pytest.mark.django_db

TUE_10 = denver(2026, 1, 13, 10, 0)
MIN = dt.timedelta(minutes=1)
REASON = "Dana is swamped after the Boulder outage"

clock = clock_at(TUE_10, autouse=True)


@pytest.fixture
def luis(tenant):
    """A second service manager on the account, who takes items over."""
    person = PersonFactory(name="Luis Ortega", user=UserFactory(username="lortega"))
    AssignmentFactory(account=tenant.account, person=person, role=RoleFactory(code="service-manager"))
    return person


def raised(tenant):
    return raise_item(tenant, at=TUE_10, actor=tenant.manager_user, assignee=tenant.manager)


def lines(user, item) -> list[str]:
    return [e.line for e in selectors.timeline(user=user, escalation=item)]


def customer_texts(tenant, item) -> list[str]:
    """Everything of the timeline a customer reads: each line and each comment."""
    return [text for e in selectors.timeline(user=tenant.user, escalation=item) for text in (e.line, e.comment)]


def test_an_escalation_names_the_director_and_who_escalated(tenant, manager, director):
    item = raise_item(tenant, at=TUE_10)
    services.escalation_escalate(actor=manager, escalation=item, reason=REASON, now=TUE_10 + MIN)

    assert lines(manager, item)[-1] == "Escalated to Home Director by Home Manager"
    assert lines(tenant.user, item)[-1] == "Escalated to Home Director"
    assert all(REASON not in text for text in customer_texts(tenant, item))


def test_an_automatic_escalation_says_so_to_the_staff_only(tenant, manager, director):
    item = raise_item(tenant, at=TUE_10)
    services.escalation_auto_escalate(escalation=item, now=TUE_10 + MIN)

    assert lines(manager, item)[-1] == "Escalated automatically to Home Director"
    assert lines(tenant.user, item)[-1] == "Escalated to Home Director"
    assert not any("automatically" in text or "Unanswered" in text for text in customer_texts(tenant, item))


def test_a_manual_reassignment_says_from_whom_to_whom_and_by_whom(tenant, director, luis):
    item = raised(tenant)
    services.escalation_reassign(actor=director.user, escalation=item, assignee=luis, reason=REASON, now=TUE_10 + MIN)

    assert lines(director.user, item)[-1] == "Reassigned from Home Manager to Luis Ortega by Home Director"
    assert lines(tenant.user, item)[-1] == "Reassigned to Luis Ortega"
    assert not any(REASON in text or "Home Manager" in text for text in customer_texts(tenant, item)[2:])


def test_a_handoff_move_says_who_took_over_from_whom_and_who_ran_the_handoff(tenant, director, luis):
    seed_checklist(ChecklistTemplateItem)
    item = raised(tenant)
    handoff = handoff_services.handoff_start(
        actor=director.user,
        role=tenant.assignment.role,
        outgoing=tenant.manager,
        incoming=luis,
        effective_date=TUE_10.date(),
        accounts=[tenant.account],
        now=TUE_10,
    )
    handoff_services.handoff_transfer_open_items(actor=director.user, handoff=handoff, now=TUE_10 + MIN)

    assert lines(director.user, item)[-1] == "Luis Ortega took over from Home Manager (handoff by Home Director)"
    assert lines(tenant.user, item)[-1] == "Reassigned to Luis Ortega"
    assert not any("Handoff" in text or "handoff" in text for text in customer_texts(tenant, item))


def test_the_item_page_and_the_api_read_the_lines(tenant, manager, director, luis):
    item = raised(tenant)
    services.escalation_reassign(actor=manager, escalation=item, assignee=luis, reason=REASON, now=TUE_10 + MIN)

    staff_page = signed_in(director.user).get(f"/escalations/{item.pk}/").content.decode()
    assert (
        '<strong class="event-line">Reassigned from Home Manager to Luis Ortega by Home Manager</strong>' in staff_page
    )
    assert '<strong class="event-line">Raised by Home Manager; assigned to Home Manager</strong>' in staff_page
    customer_page = signed_in(tenant.user).get(f"/escalations/{item.pk}/").content.decode()
    assert '<strong class="event-line">Reassigned to Luis Ortega</strong>' in customer_page
    assert REASON not in customer_page and "Reassigned from" not in customer_page
    fragment = signed_in(manager).get(f"/escalations/{item.pk}/timeline/").content.decode()
    assert "Reassigned from Home Manager to Luis Ortega by Home Manager" in fragment

    staff_api = api_as(director.user).get(f"/api/v1/escalations/{item.pk}/timeline/").json()
    customer_api = api_as(tenant.user).get(f"/api/v1/escalations/{item.pk}/timeline/").json()
    assert staff_api[-1]["line"] == "Reassigned from Home Manager to Luis Ortega by Home Manager"
    assert customer_api[-1]["line"] == "Reassigned to Luis Ortega"


def test_people_are_named_never_by_username(tenant, manager, luis):
    item = raised(tenant)
    services.escalation_acknowledge(actor=manager, escalation=item, now=TUE_10 + MIN)
    services.escalation_reassign(actor=manager, escalation=item, assignee=luis, now=TUE_10 + 2 * MIN)
    services.escalation_comment(actor=luis.user, escalation=item, comment="On it", internal=True, now=TUE_10 + 3 * MIN)

    staff_lines = lines(manager, item)
    assert staff_lines[1:] == [
        "Acknowledged by Home Manager",
        "Reassigned from Home Manager to Luis Ortega by Home Manager",
        "Internal note from Luis Ortega",
    ]
    assert not any(name in line for line in staff_lines for name in ("home.manager", "lortega"))


def test_an_acknowledgement_names_the_promised_day(tenant, manager):
    item = raise_item(tenant, at=TUE_10, channel="email", category="order", subject="Order 7781 late")
    services.escalation_acknowledge(actor=manager, escalation=item, follow_up_on=dt.date(2026, 1, 15), now=TUE_10 + MIN)
    assert lines(tenant.user, item)[-1] == "Acknowledged by Home Manager; follow-up by Thursday 15 January"


# --- Success messages ------------------------------------------------------------------------------


def messages_text(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def test_item_page_messages_name_the_item_and_the_outcome(tenant, manager, director, luis):
    client = signed_in(manager)
    first, second = raised(tenant), raised(tenant)

    page = client.post(f"/escalations/{first.pk}/resolve/", follow=True)
    assert messages_text(page) == f"Escalation #{first.pk} resolved."
    page = client.post(f"/escalations/{second.pk}/reassign/", {"assignee": luis.pk}, follow=True)
    assert messages_text(page) == f"Escalation #{second.pk} reassigned to Luis Ortega."
    page = client.post(
        f"/escalations/{second.pk}/comment/", {"comment": "Spoke to Carla", "internal": "on"}, follow=True
    )
    assert messages_text(page) == f"Internal note added to escalation #{second.pk}."


def test_an_escalation_message_names_the_director(tenant, manager, director):
    item = raise_item(tenant, at=TUE_10)
    page = signed_in(manager).post(f"/escalations/{item.pk}/escalate/", {"reason": REASON}, follow=True)
    assert messages_text(page) == f"Escalation #{item.pk} escalated to Home Director."

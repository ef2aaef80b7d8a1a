"""Regressions of the issue "Every page works on a phone and passes an accessibility audit" that no
other test pinned down:

* colour is never the only signal of state: wherever an item is overdue, at risk, paused or late,
  the page says so in words a screen reader reads too (the icons beside them are ``aria-hidden``),
  not only with a red or amber row;
* feedback reads as sentences with names: escalating from the queue says to whom ("Escalation #12
  escalated to Dana Director.", never "Done: escalate."), and the company's users page and its
  messages name people, never by username ("by service.manager").

Instants are Denver wall clock in January 2026 (MST); the clock stands still at Tue 13 Jan 11:00
unless a test moves it. The home manager reports to Dana Director (``director``).
"""

import datetime as dt
import re

import pytest
from django.urls import reverse

from escalations import services
from handoffs.checklist import seed_checklist
from handoffs.models import ChecklistTemplateItem
from tests.clients import signed_in
from tests.conftest import clock_at
from tests.escalations.factories import denver, raise_item
from tests.handoffs.factories import start_handoff
from tests.postmortems.factories import accepted_postmortem
from tests.teams.factories import MembershipFactory, PersonFactory, RoleFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = denver(2026, 1, 13, 11, 0)
clock = clock_at(NOW, autouse=True)


def words(html: str) -> str:
    """What a screen reader reads of ``html``: ``aria-hidden`` parts and tags dropped, spaces folded."""
    html = re.sub(r'<(\w+)[^>]*aria-hidden="true"[^>]*>.*?</\1>', " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def queue_row(html: str, item) -> str:
    match = re.search(rf'<tr id="row-{item.pk}"[^>]*>(.*?)</tr>', html, re.S)
    assert match, f"no row for #{item.pk} in the queue"
    return match.group(1)


def cell(row: str, css_class: str) -> str:
    match = re.search(rf'<td class="{css_class}"[^>]*>(.*?)</td>', row, re.S)
    assert match, f"no cell {css_class}"
    return match.group(1)


@pytest.fixture
def states(tenant):
    """One of the home manager's items in each state of the queue, at Tue 11:00."""
    manager = tenant.manager_user
    paused = raise_item(tenant, at=denver(2026, 1, 13, 9), channel="voicemail", category="order_escalation",
                        subject="Order 4471 waits on the customer")
    return {
        "overdue": raise_item(tenant, at=denver(2026, 1, 13, 10), subject="DS3 to Boulder bouncing"),  # due 10:30
        "at_risk": raise_item(tenant, at=denver(2026, 1, 13, 10, 40), subject="T1 to Golden down"),  # target 10:55
        "paused": services.escalation_wait(actor=manager, escalation=paused, now=denver(2026, 1, 13, 9, 30)),
        "on_track": raise_item(tenant, at=denver(2026, 1, 13, 10, 30), channel="voicemail", category="expedite",
                               subject="Expedite 12 loops"),  # due 14:30
    }


STATE_WORDS = {"overdue": "Overdue", "at_risk": "At risk", "paused": "Paused", "on_track": "On track"}


def test_the_queue_says_each_rows_state_in_words_beside_its_colour_and_symbol(states, staff):
    html = staff.get("/queue/").content.decode()

    for state, item in states.items():
        row = queue_row(html, item)
        assert f'<tr id="row-{item.pk}" class="q-row state-{state}"' in html  # the colour
        state_cell = cell(row, "q-state-cell")
        assert words(state_cell) == STATE_WORDS[state], (state, state_cell)
        assert re.search(r'class="q-icon" aria-hidden="true">\S+</span>', state_cell), f"no symbol for {state}"
    # The time left says it again, in words.
    assert "overdue by 30 min" in words(queue_row(html, states["overdue"]))
    assert "clock stopped" in words(queue_row(html, states["paused"]))


def test_the_side_panel_says_the_state_in_words(states, staff):
    for state, item in states.items():
        html = staff.get(f"/queue/{item.pk}/panel/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="queue-panel")
        state_dd = re.search(r"<dt>State</dt><dd>(.*?)</dd>", html.content.decode(), re.S).group(1)
        assert words(state_dd).startswith(STATE_WORDS[state]), (state, words(state_dd))


def test_the_directors_review_says_overdue_and_at_risk_in_words(states, director_client):
    html = director_client.get("/review/").content.decode()

    rows = {}
    for state in ("overdue", "at_risk"):
        item = states[state]
        match = re.search(rf'<tr id="item-{item.pk}" class="([^"]*)">(.*?)</tr>', html, re.S)
        assert match, f"no row for the {state} item"
        rows[state] = (match.group(1), words(match.group(2)))
    assert rows["overdue"][0] == "overdue" and "overdue by 30 minutes" in rows["overdue"][1]
    assert rows["at_risk"][0] == "at-risk" and "at risk · due in 10 minutes" in rows["at_risk"][1]
    assert "overdue" not in rows["at_risk"][1]


def list_row(html: str, subject: str) -> str:
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S):
        if subject in row:
            return words(row)
    raise AssertionError(f"no row for {subject!r}")


@pytest.mark.parametrize("who", ["staff", "customer"])
def test_the_escalation_list_says_overdue_and_paused_in_words(states, who, request):
    client = request.getfixturevalue(who)
    html = client.get("/escalations/").content.decode()

    assert list_row(html, "DS3 to Boulder bouncing").endswith("overdue")
    assert list_row(html, "Order 4471 waits on the customer").endswith("(paused)")
    for subject in ("T1 to Golden down", "Expedite 12 loops"):
        row = list_row(html, subject)
        assert "overdue" not in row and "(paused)" not in row, row


def test_an_items_page_says_it_is_overdue_in_words(states, staff, customer):
    for client in (staff, customer):
        html = client.get(f"/escalations/{states['overdue'].pk}/").content.decode()
        due = re.search(r'<strong id="item-due" class="error">[^<]*</strong>([^<]*)', html)
        assert due and "(overdue)" in due.group(1)
        paused = client.get(f"/escalations/{states['paused'].pk}/").content.decode()
        assert "(clock stopped; moves out when work resumes)" in paused


def test_an_overdue_post_mortem_is_said_overdue_in_the_list(tenant, clock):
    pm = accepted_postmortem(tenant, now=NOW)
    clock.move_to(denver(2026, 3, 2, 10))  # weeks after its due date (signed in then: sessions expire)

    for user in (tenant.manager_user, tenant.user):
        html = signed_in(user).get("/postmortems/").content.decode()
        row = re.search(rf'<tr id="pm-{pm.pk}" class="overdue">(.*?)</tr>', html, re.S)
        assert row, "the overdue post-mortem's row"
        due = re.search(r'<td data-label="Due">(.*?)</td>', row.group(1), re.S).group(1)
        assert words(due) == "Wed 21 Jan 2026 overdue", words(due)


def test_a_late_handoff_is_said_late_in_the_list(tenant, director, clock):
    seed_checklist(ChecklistTemplateItem)
    incoming = PersonFactory(name="Ivan Incoming", reports_to=director, user=UserFactory(username="ivan.incoming"))
    start_handoff(
        actor=director.user, outgoing=tenant.manager, incoming=incoming, role=RoleFactory(code="service-manager"),
        accounts=[tenant.account], effective_date=dt.date(2026, 2, 2),
    )
    html = signed_in(director.user).get(reverse("handoff_list")).content.decode()
    assert "late" not in list_row(html, "Ivan Incoming").split()

    clock.move_to(denver(2026, 2, 4, 10))  # past its effective date, still open

    html = signed_in(director.user).get(reverse("handoff_list")).content.decode()
    assert "late" in list_row(html, "Ivan Incoming").split()


# --- Sentences with names ------------------------------------------------------------------------------


def test_escalating_from_the_queue_says_to_whom_in_a_sentence(tenant, staff, director):
    from_row = raise_item(tenant, at=denver(2026, 1, 13, 10, 50), subject="Pager T1 down")
    from_panel = raise_item(tenant, at=denver(2026, 1, 13, 10, 55), subject="Pager DS3 down")

    def escalate(item, target):
        response = staff.post(f"/queue/{item.pk}/escalate/", {"reason": "Third outage this week"},
                              HTTP_HX_REQUEST="true", HTTP_HX_TARGET=target)
        assert response.status_code == 200, response.content[:300]
        return response.content.decode()

    # The row's menu: the sentence goes to the queue's feedback line (out of band).
    html = escalate(from_row, f"row-{from_row.pk}")
    said = words(html.split('<div id="queue-feedback" hx-swap-oob="innerHTML">', 1)[1])
    assert said.startswith(f"Escalation #{from_row.pk} escalated to Home Director."), said
    # The side panel: the sentence heads the panel.
    said = words(escalate(from_panel, "queue-panel").split("<template>", 1)[0])
    assert f"Escalation #{from_panel.pk} escalated to Home Director." in said, said
    assert "Done" not in said and "escalate." not in said


def test_the_company_users_page_and_its_messages_name_people_not_usernames(tenant, customer):
    tenant.user.first_name, tenant.user.last_name, tenant.user.email = "Cora", "Customer", "cora@home.example"
    tenant.user.save()
    pat = UserFactory(username="pat.p42", first_name="Pat", last_name="Porter", email="porter@home.example")
    colleague = MembershipFactory(company=tenant.company, user=pat)
    users_url = f"/companies/{tenant.company.pk}/users/"

    html = customer.get(users_url).content.decode()
    table = words(html.split("<table", 1)[1].split("</table>", 1)[0])
    assert "Pat Porter" in table and "Cora Customer" in table
    assert "pat.p42" not in html and tenant.user.username not in table
    assert f'data-confirm="Remove Pat Porter from {tenant.company.name}?"' in html

    saved = customer.post(f"{users_url}{colleague.pk}/", {"can_view_team": "on"}, follow=True)
    assert "Permissions of Pat Porter saved." in words(saved.content.decode())
    removed = customer.post(f"{users_url}{colleague.pk}/", {"remove": "1"}, follow=True)
    assert f"Pat Porter was removed from {tenant.company.name}." in words(removed.content.decode())
    assert "pat.p42" not in removed.content.decode()

"""The queue's side panel (one item with its timeline and its action forms, answered in place), the
Undo of a resolution (service, queue and API), and the queue's defects fixed with them: no bulk bar
on an empty queue, no reassigning to oneself, a refused bulk action said once.

The clock stands still at Tue 13 Jan 2026 11:00 in Denver (MST) unless a test moves it.
"""

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied

from accountteam.models import Notification
from escalations import rules, services
from escalations.models import Escalation, Event
from tests.clients import api_as, signed_in
from tests.conftest import clock_at
from tests.escalations.factories import EscalationFactory, denver, director_of, raise_item, stored_state
from tests.teams.factories import AssignmentFactory, PersonFactory, RoleFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = denver(2026, 1, 13, 11, 0)
# The panel, 10 measured on SQLite: session, user, membership, staff profile, the item (company,
# account, assignee with their calendar and director joined), its timeline, its row in my queue (the
# people I back up, then the row), the unread notices of the header's bell, the people to reassign to.
PANEL_MAX_QUERIES = 12

clock = clock_at(NOW, autouse=True)


def reload(item) -> Escalation:
    return Escalation.objects.get(pk=item.pk)


def kinds(item) -> list[str]:
    return list(Event.objects.filter(escalation=item).order_by("at", "pk").values_list("kind", flat=True))


@pytest.fixture
def pager(tenant):
    return raise_item(tenant, at=denver(2026, 1, 13, 10, 50), subject="Pager T1 down")


@pytest.fixture
def letter(tenant):
    return raise_item(tenant, at=denver(2026, 1, 13, 10, 30), channel="email", subject="Letter about order 4471")


@pytest.fixture
def colleague(tenant):
    """A second service manager on the home account, with a portal user."""
    person = PersonFactory(name="Olga Other", user=UserFactory(username="olga.other"))
    AssignmentFactory(account=tenant.account, person=person, role=RoleFactory(code="sales-executive"))
    return person


def panel(client, item, **params):
    return client.get(f"/queue/{item.pk}/panel/", params, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="queue-panel")


def panel_act(client, item, action, data=None):
    return client.post(f"/queue/{item.pk}/{action}/", data or {}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="queue-panel")


def html_of(response, template="escalations/partials/_item_panel.html") -> str:
    assert response.status_code == 200, response.content[:500]
    assert [t.name for t in response.templates][0] == template
    return response.content.decode()


def oob_row(html: str) -> str:
    """The item's row, swapped out of band after an action in the panel."""
    _, found, row = html.partition("<template>")
    assert found, "no row out of band"
    assert 'hx-swap-oob="true"' in row
    return row


# --- The panel ---------------------------------------------------------------------------------------


def test_the_panel_shows_the_item_with_its_timeline_and_its_actions(pager, staff, manager):
    services.escalation_comment(actor=manager, escalation=pager, comment="Vendor ticket 8812", internal=True)
    html = html_of(panel(staff, pager))
    assert "<html" not in html
    assert f'<article class="item-panel" data-id="{pager.pk}"' in html
    assert "Pager T1 down" in html and "Home Telecom · account" in html
    assert "Raised by" in html and "Vendor ticket 8812" in html  # the timeline, with internal notes
    for action in ("acknowledge", "respond", "wait", "resolve", "cancel", "reassign", "comment"):
        assert f'hx-post="/queue/{pager.pk}/{action}/" hx-target="#queue-panel"' in html, action
    assert "Overdue" not in html and "On track" in html  # due 11:20 (target 11:05): in its state
    assert "<template>" not in html  # no row out of band when it is only opened


def test_the_panel_opens_on_the_form_a_rows_menu_asked_for(letter, staff):
    html = html_of(panel(staff, letter, act="acknowledge"))
    assert 'name="follow_up_on" min=' in html and "required autofocus" in html
    html = html_of(panel(staff, letter, act="reassign"))
    assert '<details class="panel-form" open>\n      <summary>Reassign</summary>' in html
    assert "autofocus" in html.split("<summary>Reassign</summary>")[1].split("</details>")[0]
    assert "autofocus" not in html_of(panel(staff, letter, act="bogus"))


def test_the_panel_is_for_staff_and_their_items_only(pager, tenant, foreign, staff):
    theirs = raise_item(foreign, at=denver(2026, 1, 13, 10))
    assert signed_in(tenant.user).get(f"/queue/{pager.pk}/panel/").status_code == 404
    assert staff.get(f"/queue/{theirs.pk}/panel/").status_code == 404
    assert staff.post(f"/queue/{pager.pk}/panel/").status_code == 405


def test_without_script_the_panel_is_a_page_of_its_own(pager, staff):
    response = staff.get(f"/queue/{pager.pk}/panel/")
    html = html_of(response, "escalations/queue_item.html")
    assert "<html" in html and 'id="queue-panel"' in html and "css/queue.css" in html
    assert f'action="/queue/{pager.pk}/resolve/"' in html  # every form posts without script too


def test_acknowledging_in_the_panel_answers_the_panel_with_the_sentence_and_the_row(letter, staff):
    html = html_of(panel_act(staff, letter, "acknowledge", {"follow_up_on": "2026-01-15"}))
    told = f"Escalation #{letter.pk} acknowledged; the customer was told you will reply by Thursday 15 January."
    panel_part = html.partition("<template>")[0]
    assert told in panel_part
    assert 'data-testid="panel-status">Acknowledged<' in panel_part
    assert "Acknowledged by Home Manager; follow-up by Thursday 15 January" in panel_part  # the timeline
    row = oob_row(html)
    assert f'<tr id="row-{letter.pk}" class="q-row state-on_track"' in row
    assert '<span class="status status-acknowledged">Acknowledged</span>' in row
    assert reload(letter).follow_up_on == dt.date(2026, 1, 15)


def test_a_refusal_in_the_panel_is_said_there_and_changes_nothing(letter, staff):
    before = stored_state(letter)
    html = html_of(panel_act(staff, letter, "acknowledge"))
    assert 'role="alert"' in html and "must name the date" in html
    assert stored_state(letter) == before


def test_reassigning_in_the_panel_moves_the_item_out_of_my_queue(pager, staff, colleague):
    html = html_of(panel_act(staff, pager, "reassign", {"assignee": str(colleague.pk), "reason": "Holiday"}))
    assert f"Escalation #{pager.pk} reassigned to Olga Other." in html
    assert f'<tr id="row-{pager.pk}" class="q-row gone" hx-swap-oob="true">' in oob_row(html)
    assert "Not in your queue" in html
    assert reload(pager).assignee == colleague


def test_notes_from_the_panel_are_internal(pager, staff):
    html = html_of(panel_act(staff, pager, "comment", {"comment": "Checked the loop"}))
    assert f"Internal note added to escalation #{pager.pk}." in html
    assert Event.objects.get(escalation=pager, kind="note").internal is True


def test_the_panel_stays_within_its_query_budget(pager, staff, manager, django_assert_max_num_queries):
    for i in range(10):
        services.escalation_comment(actor=manager, escalation=pager, comment=f"Note {i}", internal=True)
    with django_assert_max_num_queries(PANEL_MAX_QUERIES):
        response = panel(staff, pager, act="reassign")
    assert response.status_code == 200


# --- Resolve, with a confirmation and an Undo -----------------------------------------------------------


def test_resolving_in_the_panel_asks_first_and_offers_the_undo(pager, staff):
    html = html_of(panel(staff, pager))
    assert f'data-confirm="Resolve escalation #{pager.pk}? The customer is told it is resolved."' in html
    assert f'data-confirm="Cancel escalation #{pager.pk}? The customer is told, and it cannot be undone."' in html
    html = html_of(panel_act(staff, pager, "resolve"))
    assert f"Escalation #{pager.pk} resolved." in html
    assert f'hx-post="/queue/{pager.pk}/undo-resolve/" hx-target="#queue-panel"' in html
    assert reload(pager).status == "resolved"
    # Opened again later, the panel still offers it, until ten minutes have passed.
    assert "you can take that back until 11:10" in html_of(panel(staff, pager))


def test_undo_in_the_panel_reopens_the_item_as_it_was(pager, staff, manager):
    services.escalation_acknowledge(actor=manager, escalation=pager, now=NOW)
    html_of(panel_act(staff, pager, "resolve"))
    notices = Notification.objects.count()
    html = html_of(panel_act(staff, pager, "undo-resolve"))
    assert f"Escalation #{pager.pk} is open again; its resolution was undone." in html
    assert "Resolution undone by Home Manager; the item is open again" in html
    assert f'<tr id="row-{pager.pk}" class="q-row state-' in oob_row(html)  # back in the queue
    item = reload(pager)
    assert (item.status, item.resolved_at) == ("acknowledged", None)
    event = Event.objects.filter(escalation=pager).order_by("at", "pk").last()
    assert (event.kind, event.comment, event.internal) == ("resumed", "Resolution undone.", False)
    assert Notification.objects.count() == notices  # the customer is not told again


def test_undo_from_the_feedback_line_answers_the_line_and_refreshes_the_queue(pager, staff):
    staff.post(f"/queue/{pager.pk}/resolve/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET=f"row-{pager.pk}")
    response = staff.post(f"/queue/{pager.pk}/undo-resolve/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="queue-feedback")
    html = html_of(response, "escalations/partials/_queue_feedback.html")
    assert f"Escalation #{pager.pk} is open again; its resolution was undone." in html
    assert response["HX-Trigger"] == "queue-changed"
    assert reload(pager).status == "new"


def test_undo_expires_after_ten_minutes(pager, staff, clock):
    html_of(panel_act(staff, pager, "resolve"))
    clock.move_to(NOW + rules.UNDO_RESOLVE_WINDOW)
    assert "take that back" not in html_of(panel(staff, pager))
    before = stored_state(pager)
    html = html_of(panel_act(staff, pager, "undo-resolve"))
    assert "A resolution can be undone within 10 minutes only; this item was resolved longer ago." in html
    assert stored_state(pager) == before


def test_undo_is_refused_for_someone_elses_resolution(pager, staff, colleague):
    services.escalation_resolve(actor=colleague.user, escalation=pager, now=NOW)
    assert "take that back" not in html_of(panel(staff, pager))
    before = stored_state(pager)
    html = html_of(panel_act(staff, pager, "undo-resolve"))
    assert "Only the person who resolved the item can undo the resolution." in html
    assert stored_state(pager) == before


def test_undo_without_script_comes_back_to_the_panel_page(pager, staff):
    staff.post(f"/queue/{pager.pk}/resolve/")
    page = staff.get(f"/queue/{pager.pk}/panel/")
    assert "you can take that back until 11:10" in page.content.decode()
    response = staff.post(f"/queue/{pager.pk}/undo-resolve/")
    assert response.status_code == 302 and response["Location"] == f"/queue/{pager.pk}/panel/"
    assert "is open again; its resolution was undone." in staff.get(response["Location"]).content.decode()


# --- The service ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "before, expected",
    [
        ("new", "new"),
        ("acknowledged", "acknowledged"),
        ("responded", "in_progress"),
        ("waiting", "waiting_on_customer"),
    ],
)
def test_undo_restores_the_status_the_item_had(pager, manager, before, expected):
    at = denver(2026, 1, 13, 10, 55)
    if before == "acknowledged":
        services.escalation_acknowledge(actor=manager, escalation=pager, now=at)
    elif before == "responded":
        services.escalation_respond(actor=manager, escalation=pager, now=at)
    elif before == "waiting":
        services.escalation_wait(actor=manager, escalation=pager, now=at)
    due = reload(pager).next_deadline_at
    services.escalation_resolve(actor=manager, escalation=pager, now=NOW)
    item = services.escalation_undo_resolve(actor=manager, escalation=pager, now=NOW + dt.timedelta(minutes=9))
    stored = reload(pager)
    assert (item.status, stored.status, stored.resolved_at) == (expected, expected, None)
    assert stored.next_deadline_at == due  # the deadlines as the clock stood
    if before == "waiting":
        assert stored.paused_at == at  # the clock stopped since the wait began
        assert stored.status_before_wait == "new"


def test_undo_lets_the_sweep_handle_what_fell_due_while_it_was_resolved(pager, manager):
    # Due 11:20 (a pager item raised 10:50); resolved 11:15, undone 11:24: the due point is owed.
    services.escalation_resolve(actor=manager, escalation=pager, now=denver(2026, 1, 13, 11, 15))
    item = services.escalation_undo_resolve(actor=manager, escalation=pager, now=denver(2026, 1, 13, 11, 24))
    assert item.next_action_at == denver(2026, 1, 13, 11, 15)


def test_undo_refuses_an_open_item_and_a_customer(pager, tenant, manager):
    with pytest.raises(
        rules.TransitionError, match="Only a resolved item can have its resolution undone; this one is new."
    ):
        services.escalation_undo_resolve(actor=manager, escalation=pager)
    services.escalation_resolve(actor=manager, escalation=pager, now=NOW)
    with pytest.raises(PermissionDenied, match="Only the carrier's staff"):
        services.escalation_undo_resolve(actor=tenant.user, escalation=pager)
    assert reload(pager).status == "resolved"


def test_a_second_resolution_can_be_undone_again_but_only_its_own(pager, manager, colleague):
    services.escalation_resolve(actor=manager, escalation=pager, now=NOW)
    services.escalation_undo_resolve(actor=manager, escalation=pager, now=NOW + dt.timedelta(minutes=1))
    services.escalation_resolve(actor=colleague.user, escalation=pager, now=NOW + dt.timedelta(minutes=2))
    with pytest.raises(rules.TransitionError, match="Only the person who resolved the item"):
        services.escalation_undo_resolve(actor=manager, escalation=pager, now=NOW + dt.timedelta(minutes=3))
    services.escalation_undo_resolve(actor=colleague.user, escalation=pager, now=NOW + dt.timedelta(minutes=3))
    assert kinds(pager) == ["raised", "resolved", "resumed", "resolved", "resumed"]


def test_a_postmortems_tracking_item_is_not_undone_here(tenant, manager, staff):
    item = EscalationFactory(account=tenant.account, assignee=tenant.manager, category="postmortem", channel="email")
    services.escalation_resolve(actor=manager, escalation=item, now=NOW, notify_customer=False)
    with pytest.raises(rules.TransitionError, match="A post-mortem's tracking item follows its post-mortem"):
        services.escalation_undo_resolve(actor=manager, escalation=item, now=NOW)
    assert "take that back" not in html_of(panel(staff, item))
    assert reload(item).status == "resolved"


def test_the_customer_reads_that_the_resolution_was_undone(pager, tenant, manager):
    services.escalation_resolve(actor=manager, escalation=pager, now=NOW)
    services.escalation_undo_resolve(actor=manager, escalation=pager, now=NOW + dt.timedelta(minutes=1))
    html = signed_in(tenant.user).get(f"/escalations/{pager.pk}/").content.decode()
    assert "Resolution undone by Home Manager; the item is open again" in html
    assert "Resolution undone." in html


# --- The API ----------------------------------------------------------------------------------------------


def test_api_undo_resolve(pager, tenant, manager, colleague, clock):
    url = f"/api/v1/escalations/{pager.pk}/undo-resolve/"
    assert api_as(manager).post(url).status_code == 409  # not resolved
    services.escalation_resolve(actor=manager, escalation=pager, now=NOW)
    response = api_as(tenant.user).post(url)
    assert response.status_code == 403
    assert api_as(colleague.user).post(url).status_code == 409  # not their resolution
    response = api_as(manager).post(url)
    assert response.status_code == 200, response.content
    assert (response.json()["id"], response.json()["status"], response.json()["resolved_at"]) == (pager.pk, "new", None)
    services.escalation_resolve(actor=manager, escalation=pager, now=NOW)
    clock.move_to(NOW + dt.timedelta(minutes=10))
    response = api_as(manager).post(url)
    assert response.status_code == 409
    assert "within 10 minutes only" in response.json()["detail"]


# --- The queue's defects --------------------------------------------------------------------------------


def test_an_empty_queue_shows_no_bulk_bar(tenant, staff):
    html = staff.get("/queue/").content.decode()
    assert "Nothing here" in html
    assert 'id="bulk-form"' not in html and "Reassign the selected items to" not in html
    body = staff.get("/queue/", {"channel": "meeting"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="queue-body")
    assert 'id="bulk-form"' not in body.content.decode()


def test_a_queue_with_items_shows_the_bulk_bar(pager, staff):
    assert 'id="bulk-form"' in staff.get("/queue/").content.decode()


def option_ids(html: str, select_marker: str) -> set[int]:
    chunk = html.split(select_marker, 1)[1].split("</select>", 1)[0]
    return {int(v) for v in re.findall(r'<option value="(\d+)"', chunk)}


def test_the_reassign_lists_never_offer_me_nor_the_items_assignee(pager, tenant, staff, colleague):
    director = director_of(tenant.manager)
    bulk = option_ids(staff.get("/queue/").content.decode(), 'aria-label="Reassign the selected items to"')
    assert tenant.manager.pk not in bulk and colleague.pk in bulk and director.pk in bulk
    single = option_ids(html_of(panel(staff, pager)), 'id="panel-reassign-to"')
    assert tenant.manager.pk not in single and colleague.pk in single
    # Someone else's item: neither I nor they are offered.
    covered = services.escalation_reassign(actor=tenant.manager_user, escalation=pager, assignee=colleague, now=NOW)
    single = option_ids(html_of(panel(staff, covered)), 'id="panel-reassign-to"')
    assert tenant.manager.pk not in single and colleague.pk not in single and director.pk in single


def test_reassigning_to_myself_is_refused(pager, tenant, staff):
    before = stored_state(pager)
    html = html_of(panel_act(staff, pager, "reassign", {"assignee": str(tenant.manager.pk)}))
    assert "Select a valid choice." in html
    response = staff.post(
        "/queue/bulk/", {"ids": [pager.pk], "action": "reassign", "assignee": tenant.manager.pk}, HTTP_HX_REQUEST="true"
    )
    assert "Select a valid choice." in response.content.decode()
    assert stored_state(pager) == before


def test_a_refused_bulk_acknowledgement_is_said_once_above_the_list_naming_the_items(tenant, staff):
    pagers = [raise_item(tenant, at=denver(2026, 1, 13, 10, 40 + i), subject=f"Pager {i}") for i in range(2)]
    letters = [
        raise_item(tenant, at=denver(2026, 1, 13, 10, 30 + i), channel="email", subject=f"Letter {i}") for i in range(2)
    ]
    chosen = [pagers[1], letters[0], letters[1]]
    before = [stored_state(item) for item in [*pagers, *letters]]
    response = staff.post(
        "/queue/bulk/", {"ids": [i.pk for i in chosen], "action": "acknowledge"}, HTTP_HX_REQUEST="true"
    )
    html = html_of(response, "escalations/partials/_queue_body.html")
    assert html.count("Nothing was changed.") == 1
    error = html.split('data-testid="bulk-error">', 1)[1].split("</p>", 1)[0]
    assert f"#{letters[0].pk}: An acknowledgement of written correspondence must name the date" in error
    assert f"#{letters[1].pk}:" in error and f"#{pagers[1].pk}:" not in error
    rows = html.split('<table class="queue', 1)[1]
    assert 'role="alert"' not in rows and "must name the date" not in rows  # nothing inside the rows
    # The chosen rows stay ticked, to add the date and send again; the others do not.
    for item in [*pagers, *letters]:
        box = f'value="{item.pk}" form="bulk-form" aria-label="Select item {item.pk}" checked>'
        assert (box in html) == (item in chosen), item
    assert [stored_state(item) for item in [*pagers, *letters]] == before


def test_a_bulk_action_without_script_comes_back_to_the_queue_with_the_sentence(tenant, staff):
    item = raise_item(tenant, at=denver(2026, 1, 13, 10, 40), subject="Pager 0")
    response = staff.post("/queue/bulk/", {"ids": [item.pk], "action": "acknowledge", "channel": "pager"})
    assert response.status_code == 302 and response["Location"] == "/queue/?channel=pager"
    assert "1 item acknowledged." in staff.get(response["Location"]).content.decode()

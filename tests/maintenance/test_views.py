"""The network notice pages: the list and the notice page for staff and for customers (theirs
only, their own accounts only), the publish, edit, cancel and status forms (staff only: a customer
gets 404), the team and account pages' current notices, the post-mortem link of a restored
outage, the navigation, and the query budgets."""

import datetime as dt
import html
import re

import pytest
from django.urls import reverse

from maintenance import services
from maintenance.models import NetworkNotice, Status
from tests.clients import signed_in as login
from tests.teams.test_views import HOME_MAX_QUERIES

from .factories import GCR, NOW, STARTS, publish_maintenance, publish_outage

pytestmark = pytest.mark.django_db

LIST = "/maintenance/"
NEW = "/maintenance/new/"
# session, user, memberships (tenancy), staff profile, the header (memberships, unread count), the
# count, the page of notices and their accounts (one prefetch): measured 9.
LIST_MAX_QUERIES = 9
# The same framing; the notice, its accounts and its history (two prefetches): measured 9.
DETAIL_MAX_QUERIES = 9


def page(notice, action="") -> str:
    return f"/maintenance/{notice.pk}/{action + '/' if action else ''}"


def text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


# --- The list ---------------------------------------------------------------------------------------


def test_staff_see_every_current_notice_with_its_accounts(tenant, foreign, admin, maintenance):
    other = publish_maintenance(admin.user, [foreign.account], reference="GCR-2026-2000", title="Foreign work")

    body = text(login(tenant.manager_user).get(LIST))

    assert GCR in body and "GCR-2026-2000" in body
    assert tenant.account.number in body and foreign.account.number in body
    assert f'href="/maintenance/{other.pk}/"' in login(tenant.manager_user).get(LIST).content.decode()


def test_a_customer_sees_only_their_companys_notices(tenant, foreign, admin, maintenance):
    publish_maintenance(admin.user, [foreign.account], reference="GCR-2026-2000", title="Foreign work")
    shared = publish_maintenance(admin.user, [tenant.account, foreign.account], reference="GCR-2026-3000")

    response = login(tenant.user).get(LIST)

    body = text(response)
    assert GCR in body and "GCR-2026-3000" in body and "GCR-2026-2000" not in body
    assert foreign.account.number not in body  # the shared notice lists the reader's accounts only
    assert login(tenant.user).get(page(shared)).status_code == 200


def test_the_tabs_split_current_and_finished(tenant, maintenance, outage):
    services.notice_cancel(actor=tenant.manager_user, notice=maintenance, reason="Off")
    client = login(tenant.manager_user)

    assert GCR not in text(client.get(LIST))
    assert GCR in text(client.get(LIST, {"status": "finished"}))
    assert "MO-2026-0001" in text(client.get(LIST, {"status": "all", "kind": "outage"}))
    assert GCR not in text(client.get(LIST, {"status": "all", "kind": "outage"}))


def test_the_search_finds_by_reference_title_and_account(tenant, maintenance, outage):
    client = login(tenant.manager_user)

    assert "MO-2026-0001" not in text(client.get(LIST, {"q": "gcr-2026"}))
    assert GCR in text(client.get(LIST, {"q": "router"}))
    assert GCR in text(client.get(LIST, {"q": tenant.account.number}))


def test_a_customer_cannot_find_a_notice_by_another_companys_account(tenant, foreign, admin):
    publish_maintenance(admin.user, [tenant.account, foreign.account])

    assert "No notices to show" in text(login(tenant.user).get(LIST, {"q": foreign.account.number}))


def test_a_bad_filter_is_said_on_the_page(tenant, maintenance):
    response = login(tenant.manager_user).get(LIST, {"status": "soon", "q": "x\x00"})

    assert response.status_code == 200
    assert "Search: Null characters are not allowed." in text(response)


def test_the_list_answers_htmx_with_its_rows(tenant, maintenance):
    response = login(tenant.manager_user).get(LIST, HTTP_HX_REQUEST="true")

    assert "<table" in response.content.decode() and "<html" not in response.content.decode()


@pytest.mark.parametrize("who", ["manager_user", "user"])
def test_list_query_budget(tenant, admin, who, django_assert_max_num_queries):
    for n in range(30):
        publish_maintenance(admin.user, [tenant.account], reference=f"GCR-{n:04d}")
    client = login(getattr(tenant, who))

    with django_assert_max_num_queries(LIST_MAX_QUERIES):
        response = client.get(LIST)

    assert response.content.decode().count('data-testid="notice-') == 25


# --- The notice page ----------------------------------------------------------------------------------


def test_the_notice_page_shows_window_impact_history_and_calendar(tenant, maintenance):
    body = text(login(tenant.user).get(page(maintenance)))

    assert "Thu 5 Mar 2026, 01:00 MST to Thu 5 Mar 2026, 05:00 MST" in body
    assert "Two interruptions of up to 10 minutes." in body
    assert "Published" in body and "Add to your calendar (.ics)" in body
    assert "Update the customers" not in body  # the actions are the staff's


def test_a_customer_gets_404_on_another_companys_notice_and_on_every_staff_page(tenant, foreign, admin):
    theirs = publish_maintenance(admin.user, [foreign.account])
    mine = publish_maintenance(admin.user, [tenant.account], reference="GCR-2")
    client = login(tenant.user)

    assert client.get(page(theirs)).status_code == 404
    assert client.get(f"/maintenance/{theirs.pk}.ics").status_code == 404
    assert client.get(NEW).status_code == 404
    for action in ("edit", "cancel", "status"):
        assert client.post(page(mine, action), {"reason": "x", "message": "x", "status": "restored"}).status_code == 404
    mine.refresh_from_db()
    assert mine.status == Status.SCHEDULED


@pytest.mark.parametrize("who", ["manager_user", "user"])
def test_detail_query_budget(tenant, admin, second_account, who, django_assert_max_num_queries):
    notice = publish_maintenance(admin.user, [tenant.account, second_account])
    for n in range(5):
        services.notice_update(actor=admin.user, notice=notice, title=f"Title {n}", message=f"Change {n}")
    client = login(getattr(tenant, who))

    with django_assert_max_num_queries(DETAIL_MAX_QUERIES):
        response = client.get(page(notice))

    assert "Change 4" in text(response)


def test_a_restored_outage_offers_a_post_mortem_request_for_the_account(tenant, outage):
    services.outage_status_update(actor=tenant.manager_user, notice=outage, status=Status.RESTORED, message="Back")

    content = login(tenant.user).get(page(outage)).content.decode()

    assert f'href="{reverse("postmortem_request")}?account={tenant.account.pk}"' in content


def test_an_outage_under_way_offers_no_post_mortem_yet(tenant, outage):
    assert 'data-testid="postmortem-links"' not in login(tenant.user).get(page(outage)).content.decode()


# --- Staff forms ----------------------------------------------------------------------------------------


def publish_form(tenant, **values) -> dict:
    return {
        "kind": "maintenance", "reference": GCR, "title": "Core router upgrade", "starts_at": "2026-03-05T01:00",
        "ends_at": "2026-03-05T05:00", "impact": "Short interruptions.", "accounts": [tenant.account.pk],
    } | values


def test_staff_publish_a_maintenance_from_the_form(tenant):
    client = login(tenant.manager_user)
    assert client.get(NEW).status_code == 200

    response = client.post(NEW, publish_form(tenant))

    notice = NetworkNotice.objects.get()
    assert response.status_code == 302 and response["Location"] == page(notice)
    assert (notice.reference, notice.starts_at) == (GCR, STARTS)
    assert "published" in text(client.get(page(notice)))


def test_a_refused_publication_comes_back_with_the_messages_beside_the_fields(tenant, maintenance):
    response = login(tenant.manager_user).post(NEW, publish_form(tenant, ends_at="2026-03-04T05:00"))

    assert response.status_code == 400
    body = text(response)
    assert f"{GCR} is already published." in body and "The end must come after the start." in body
    assert NetworkNotice.objects.count() == 1


def test_staff_publish_an_outage_from_the_form(tenant):
    response = login(tenant.manager_user).post(
        NEW, publish_form(tenant, kind="outage", reference="", ends_at="", starts_at="2026-03-02T09:00")
    )

    assert response.status_code == 302
    assert NetworkNotice.objects.get().reference == "MO-2026-0001"


def test_staff_change_the_window_from_the_edit_form(tenant, maintenance):
    client = login(tenant.manager_user)
    assert "Core router upgrade, Denver POP" in client.get(page(maintenance, "edit")).content.decode()

    response = client.post(page(maintenance, "edit"), {
        "title": "Core router upgrade", "starts_at": "2026-03-05T02:00", "ends_at": "2026-03-05T05:00",
        "impact": "Short interruptions.", "description": "", "message": "Starts an hour later.",
    })

    assert response.status_code == 302
    maintenance.refresh_from_db()
    assert maintenance.starts_at == STARTS + dt.timedelta(hours=1)
    assert "Starts an hour later." in text(client.get(page(maintenance)))


def test_an_edit_without_a_message_is_refused_on_the_form(tenant, maintenance):
    response = login(tenant.manager_user).post(page(maintenance, "edit"), {
        "title": "New", "starts_at": "2026-03-05T01:00", "ends_at": "2026-03-05T05:00", "impact": "x",
    })

    assert response.status_code == 400
    assert "This field is required." in text(response)


def test_cancel_refused_then_done_post_redirect_get(tenant, maintenance):
    client = login(tenant.manager_user)

    refused = client.post(page(maintenance, "cancel"), {"reason": ""})
    assert refused.status_code == 302 and refused["Location"].endswith("#cancel")
    assert "This field is required." in text(client.get(page(maintenance)))

    done = client.post(page(maintenance, "cancel"), {"reason": "Vendor recall"})
    assert done.status_code == 302
    maintenance.refresh_from_db()
    assert maintenance.status == Status.CANCELLED
    assert "Vendor recall" in text(client.get(page(maintenance)))


def test_the_status_form_moves_an_outage_on_and_a_conflict_is_a_message(tenant, outage):
    client = login(tenant.manager_user)

    client.post(page(outage, "status"), {"status": "identified", "message": "Found it"})
    outage.refresh_from_db()
    assert outage.status == Status.IDENTIFIED

    client.post(page(outage, "status"), {"status": "investigating", "message": "Lost it"})
    assert "cannot go back to investigating" in text(client.get(page(outage)))


# --- Team page, account page, navigation -------------------------------------------------------------


def test_the_team_page_shows_the_current_notices_of_the_company(tenant, maintenance, outage):
    services.outage_status_update(actor=tenant.manager_user, notice=outage, status=Status.RESTORED, message="Back")

    response = login(tenant.user).get("/")

    content = response.content.decode()
    assert f'data-testid="current-notice-{maintenance.pk}"' in content
    assert f'data-testid="current-notice-{outage.pk}"' not in content  # restored: no longer current
    assert "Thu 5 Mar 2026, 01:00 MST" in text(response)


def test_the_team_page_shows_no_section_without_current_notices(tenant):
    assert 'data-testid="network-notices"' not in login(tenant.user).get("/").content.decode()


def test_the_team_page_stays_within_its_budget_with_notices(tenant, admin, django_assert_max_num_queries):
    for n in range(5):
        publish_maintenance(admin.user, [tenant.account], reference=f"GCR-{n:04d}")
    client = login(tenant.user)

    with django_assert_max_num_queries(HOME_MAX_QUERIES):
        response = client.get("/")

    assert response.content.decode().count('data-testid="current-notice-') == 5


def test_the_account_page_shows_its_current_notices(tenant, second_account, admin):
    notice = publish_maintenance(admin.user, [second_account])

    client = login(tenant.user)

    assert f"current-notice-{notice.pk}" not in client.get(f"/accounts/{tenant.account.pk}/").content.decode()
    assert f"current-notice-{notice.pk}" in client.get(f"/accounts/{second_account.pk}/").content.decode()


@pytest.mark.parametrize("who", ["manager_user", "user"])
def test_the_menu_links_the_notices(tenant, who):
    assert 'data-testid="nav-maintenance"' in login(getattr(tenant, who)).get("/").content.decode()


def test_a_finished_notice_has_no_actions(tenant, maintenance, clock):
    clock.move_to(NOW + dt.timedelta(days=5))
    services.notice_update(actor=tenant.manager_user, notice=maintenance, title="Done", message="Over")

    assert 'data-testid="notice-actions"' not in login(tenant.manager_user).get(page(maintenance)).content.decode()


def test_the_outage_publish_form_is_preselected(tenant):
    content = login(tenant.manager_user).get(NEW, {"kind": "outage"}).content.decode()

    assert re.search(r'value="outage"[^>]*checked', content)


def test_an_outage_notice_shows_when_it_began(tenant, admin):
    notice = publish_outage(admin.user, [tenant.account])

    assert "Began Mon 2 Mar 2026, 09:00 MST" in text(login(tenant.user).get(page(notice)))

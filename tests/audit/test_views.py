"""The audit trail page (/audit/) and its CSV: carrier admins read it all, a company's user
managers their companies' events (never another company's, never the carrier's internal ones),
anyone else gets a 404; filters with bounds, newest first, paginated; the CSV streams at most
``MAX_ROWS`` rows."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from accountteam.models import AuditAction
from audit import exports
from tests.audit.factories import AuditEventFactory
from tests.clients import signed_in
from tests.teams.factories import MembershipFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGE = "/audit/"
# The session, the user, their membership and staff profile, the header's counts; the companies to
# filter on, the readable companies, the count and the page of events: whatever the number of rows.
PAGE_MAX_QUERIES = 11
CSV = "/audit/export.csv"


def shown(response) -> set[int]:
    return {event.pk for event in response.context["page"]}


def csv_rows(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


# --- Who reads what --------------------------------------------------------------------------------


def test_a_carrier_admin_reads_every_event_newest_first(trail, admin):
    response = signed_in(admin.user).get(PAGE)

    assert response.status_code == 200
    assert [e.pk for e in response.context["page"]] == [
        trail[name].pk for name in ("staff_availability", "foreign_sign_in", "home_policy", "home_token",
                                    "home_sign_in")
    ]
    html = response.content.decode()
    assert 'class="striped responsive"' in html and "Foreign Telecom" in html
    assert "API token “Home script” made." in html  # the summary with its facts


def test_a_user_manager_reads_their_companys_events_only(trail, customer):
    response = customer.get(PAGE)

    assert response.status_code == 200
    assert shown(response) == {trail["home_sign_in"].pk, trail["home_token"].pk}
    html = response.content.decode()
    assert "Foreign Telecom" not in html and "foreign.user" not in html
    assert "Ada Admin" not in html  # the carrier's internal edit of the company's policy


def test_a_user_manager_asking_for_another_companys_events_is_refused_the_filter(trail, customer, foreign):
    response = customer.get(PAGE, {"company": foreign.company.pk})

    assert response.status_code == 200
    assert response.context["filter_form"].errors["company"]
    assert shown(response) == {trail["home_sign_in"].pk, trail["home_token"].pk}  # their own, as unfiltered


def test_a_manager_of_two_companies_reads_both_and_may_pick_one(trail, tenant, foreign):
    MembershipFactory(user=tenant.user, company=foreign.company, is_default=False, can_manage_users=True)
    client = signed_in(tenant.user)

    assert shown(client.get(PAGE)) == {trail["home_sign_in"].pk, trail["home_token"].pk,
                                       trail["foreign_sign_in"].pk}
    assert shown(client.get(PAGE, {"company": foreign.company.pk})) == {trail["foreign_sign_in"].pk}


def test_a_customer_user_without_the_manage_users_right_gets_404(trail, tenant):
    plain = UserFactory(username="plain.user")
    MembershipFactory(user=plain, company=tenant.company, can_manage_users=False)
    client = signed_in(plain)

    assert client.get(PAGE).status_code == 404
    assert client.get(CSV).status_code == 404


def test_staff_other_than_carrier_admins_get_404(trail, staff, director_client):
    assert staff.get(PAGE).status_code == 404
    assert director_client.get(PAGE).status_code == 404
    assert staff.get(CSV).status_code == 404


def test_signing_in_is_needed(db, client):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/auth/login/" in response["Location"]


def test_the_menu_offers_the_trail_to_admins_and_user_managers_only(tenant, admin, customer, staff):
    url = reverse("audit_list")
    assert f'href="{url}"' in signed_in(admin.user).get("/").content.decode()
    assert f'href="{url}"' in customer.get("/").content.decode()
    assert f'href="{url}"' not in staff.get("/").content.decode()
    plain = UserFactory(username="plain.user")
    MembershipFactory(user=plain, company=tenant.company, can_manage_users=False)
    assert f'href="{url}"' not in signed_in(plain).get("/").content.decode()


# --- Filters -----------------------------------------------------------------------------------------


def test_filters_by_action_actor_company_and_days(trail, admin, tenant):
    client = signed_in(admin.user)
    today = timezone.localdate()

    failed = client.get(PAGE, {"action": "sign_in.failed", "date_to": "1999-01-01"})
    assert shown(failed) == {trail["foreign_sign_in"].pk}
    # The download takes the filters in use (not the refused one).
    assert f'href="{CSV}?action=sign_in.failed"' in failed.content.decode()
    assert shown(client.get(PAGE, {"actor": "home user"})) == {trail["home_sign_in"].pk, trail["home_token"].pk}
    assert shown(client.get(PAGE, {"company": tenant.company.pk})) == {
        trail["home_sign_in"].pk, trail["home_token"].pk, trail["home_policy"].pk}
    yesterday = (timezone.localtime(trail["home_sign_in"].at)).date()
    assert shown(client.get(PAGE, {"date_from": yesterday, "date_to": yesterday})) == {trail["home_sign_in"].pk}
    assert trail["home_sign_in"].pk not in shown(client.get(PAGE, {"date_from": today + dt.timedelta(days=1)}))


@pytest.mark.parametrize("params, field", [
    ({"date_from": "1999-12-31"}, "date_from"),
    ({"date_to": "2101-01-01"}, "date_to"),
    ({"date_from": "not-a-date"}, "date_from"),
    ({"date_from": "2026-05-02", "date_to": "2026-05-01"}, "date_to"),
    ({"action": "sign_in.whatever"}, "action"),
    ({"actor": "a\x00b"}, "actor"),
    ({"actor": "x" * 201}, "actor"),
    ({"company": "abc"}, "company"),
])
def test_a_filter_the_trail_cannot_use_is_an_error_above_the_list(trail, admin, params, field):
    response = signed_in(admin.user).get(PAGE, params)

    assert response.status_code == 200
    assert field in response.context["filter_form"].errors
    assert 'role="alert"' in response.content.decode()
    assert len(shown(response)) == 5  # the refused filter is left out


def test_the_list_is_paginated_and_keeps_its_filters(admin):
    AuditEventFactory.create_batch(55, action=AuditAction.EXPORT_DOWNLOADED)
    client = signed_in(admin.user)

    first = client.get(PAGE, {"action": "export.downloaded"})
    assert len(first.context["page"]) == 50
    assert "?action=export.downloaded&page=2" in first.content.decode()
    assert len(client.get(PAGE, {"action": "export.downloaded", "page": 2}).context["page"]) == 5


def test_htmx_gets_the_rows_only(trail, admin):
    response = signed_in(admin.user).get(PAGE, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert 'data-testid="audit-list"' in html and "<html" not in html


def test_every_cell_is_labelled_for_the_phones_card_layout(trail, admin):
    html = signed_in(admin.user).get(PAGE).content.decode()
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]

    assert body.count("<td") == body.count("<td data-label=") > 0


@pytest.mark.parametrize("count", [3, 30])
def test_the_page_stays_within_its_query_budget(admin, tenant, count, django_assert_max_num_queries):
    AuditEventFactory.create_batch(count, company_id=tenant.company.pk, actor=tenant.user)
    client = signed_in(admin.user)

    with django_assert_max_num_queries(PAGE_MAX_QUERIES):
        assert client.get(PAGE).status_code == 200


@pytest.mark.parametrize("count", [3, 30])
def test_the_managers_page_stays_within_its_query_budget(customer, tenant, count, django_assert_max_num_queries):
    AuditEventFactory.create_batch(count, company_id=tenant.company.pk, actor=tenant.user)

    with django_assert_max_num_queries(PAGE_MAX_QUERIES):
        assert customer.get(PAGE).status_code == 200


# --- CSV ---------------------------------------------------------------------------------------------


def test_the_csv_holds_the_filtered_events_newest_first(trail, admin):
    response = signed_in(admin.user).get(CSV, {"company": trail["home_sign_in"].company_id})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="audit-trail-')
    rows = csv_rows(response)
    assert [r["action"] for r in rows] == ["response_policy.updated", "api_token.created", "sign_in.succeeded"]
    assert rows[1]["summary"] == "API token “Home script” made."
    assert rows[1]["actor"] == "Home User" and rows[1]["company"] == "Home Telecom"
    assert rows[1]["at"].endswith("+00:00")


def test_a_managers_csv_holds_their_companys_events_only(trail, customer):
    rows = csv_rows(customer.get(CSV))

    assert {r["company"] for r in rows} == {"Home Telecom"}
    assert {r["action"] for r in rows} == {"sign_in.succeeded", "api_token.created"}


def test_the_csv_stops_at_its_row_limit(admin, monkeypatch):
    monkeypatch.setattr(exports, "MAX_ROWS", 3)
    AuditEventFactory.create_batch(5)

    assert len(csv_rows(signed_in(admin.user).get(CSV))) == 3


def test_a_cell_a_spreadsheet_would_run_is_quoted(admin):
    AuditEventFactory(action=AuditAction.SIGN_IN_FAILED, actor_name="=HYPERLINK(\"x\")")

    [row] = csv_rows(signed_in(admin.user).get(CSV))
    assert row["actor"] == "'=HYPERLINK(\"x\")"


def test_a_bad_filter_of_the_csv_answers_400_with_its_messages(admin):
    response = signed_in(admin.user).get(CSV, {"date_from": "1999-01-01"})

    assert response.status_code == 400
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["field", "message"] and rows[1][0] == "date_from"


def test_downloading_the_csv_is_itself_in_the_trail(admin):
    b"".join(signed_in(admin.user).get(CSV).streaming_content)

    [event] = [e for e in signed_in(admin.user).get(PAGE).context["page"]]
    assert event.action == AuditAction.EXPORT_DOWNLOADED and event.details["file"].startswith("audit-trail-")


def test_an_inactive_staff_profile_is_no_admin(tenant):
    person = PersonFactory(name="Former Admin", is_carrier_admin=True, is_active=False,
                           user=UserFactory(username="former.admin"))
    assert signed_in(person.user).get(PAGE).status_code == 404

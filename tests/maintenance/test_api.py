"""The network notices API (/api/v1/network-notices/): reads for everyone in their scope, writes for
the carrier's staff, with their status codes and bodies (400 with field messages, 403 for a
customer's write, 404 out of scope, 409 for a state that does not allow it), the idempotent
create, and the list's and detail's query budgets."""

import datetime as dt

import pytest

from accountteam.models import Notification
from maintenance import services
from maintenance.models import NetworkNotice, Status
from tests.clients import api_as

from .factories import GCR, NOW, STARTS, publish_maintenance

pytestmark = pytest.mark.django_db

API = "/api/v1/network-notices/"


def url(notice, action="") -> str:
    return f"{API}{notice.pk}/{action}/" if action else f"{API}{notice.pk}/"


def body(tenant, **values) -> dict:
    return {
        "kind": "maintenance", "reference": GCR, "title": "Core router upgrade",
        "starts_at": "2026-03-05T08:00:00Z", "ends_at": "2026-03-05T12:00:00Z",
        "impact": "Short interruptions.", "accounts": [tenant.account.pk],
    } | values


def test_staff_publish_a_maintenance(tenant):
    response = api_as(tenant.manager_user).post(API, body(tenant, message="Plan around it"), format="json")

    assert response.status_code == 201, response.content
    data = response.json()
    notice = NetworkNotice.objects.get()
    assert data["id"] == notice.pk
    assert (data["kind"], data["reference"], data["status"], data["starts_at"]) == (
        "maintenance", GCR, "scheduled", "2026-03-05T01:00:00-07:00",
    )
    assert [a["number"] for a in data["accounts"]] == [tenant.account.number]
    assert [(u["event"], u["message"]) for u in data["updates"]] == [("published", "Plan around it")]
    assert Notification.objects.filter(recipient=tenant.user, kind="maintenance_published").exists()


def test_staff_publish_an_outage_and_get_its_reference(tenant):
    response = api_as(tenant.manager_user).post(
        API, body(tenant, kind="outage", reference="", ends_at=None, starts_at="2026-03-02T16:30:00Z"), format="json"
    )

    assert response.status_code == 201, response.content
    assert (response.json()["reference"], response.json()["ends_at"]) == ("MO-2026-0001", None)


def test_a_create_sent_twice_with_one_key_publishes_once(tenant):
    client = api_as(tenant.manager_user)

    first = client.post(API, body(tenant), format="json", HTTP_IDEMPOTENCY_KEY="nms-4711")
    again = client.post(API, body(tenant), format="json", HTTP_IDEMPOTENCY_KEY="nms-4711")

    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert NetworkNotice.objects.count() == 1
    assert Notification.objects.filter(recipient=tenant.user).count() == 1


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"reference": ""}, "reference"),
        ({"ends_at": "2026-03-05T07:00:00Z"}, "ends_at"),
        ({"starts_at": "9999-01-01T00:00:00Z"}, "starts_at"),
        ({"starts_at": "yesterday"}, "starts_at"),
        ({"title": "x" * 201}, "title"),
        ({"impact": ""}, "impact"),
        ({"kind": "rumour"}, "kind"),
        ({"accounts": []}, "accounts"),
        ({"accounts": [999999]}, "accounts"),
        ({"kind": "outage", "reference": "", "ends_at": None, "starts_at": "2026-03-09T00:00:00Z"}, "starts_at"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(tenant, values, field):
    response = api_as(tenant.manager_user).post(API, body(tenant, **values), format="json")

    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not NetworkNotice.objects.exists()


def test_a_duplicate_gcr_is_a_400_under_reference(tenant, maintenance):
    response = api_as(tenant.manager_user).post(API, body(tenant), format="json")

    assert response.status_code == 400
    assert response.json() == {"reference": [f"{GCR} is already published."]}


def test_another_companys_account_is_a_400_not_a_lookup(tenant, foreign):
    response = api_as(tenant.manager_user).post(API, body(tenant, accounts=[foreign.account.pk]), format="json")

    assert response.status_code == 400
    assert "accounts" in response.json()


def test_a_customer_reads_theirs_and_cannot_write(tenant, foreign, admin, maintenance):
    theirs = publish_maintenance(admin.user, [foreign.account], reference="GCR-9")
    client = api_as(tenant.user)

    listed = client.get(API).json()
    assert [n["reference"] for n in listed["results"]] == [GCR]
    assert client.get(url(maintenance)).status_code == 200
    assert client.get(url(theirs)).status_code == 404
    assert client.post(API, body(tenant), format="json").status_code == 403
    assert client.patch(url(maintenance), {"title": "Mine now", "message": "x"}, format="json").status_code == 403
    assert client.post(url(maintenance, "cancel"), {"reason": "x"}, format="json").status_code == 403
    assert client.post(url(theirs, "cancel"), {"reason": "x"}, format="json").status_code == 404
    maintenance.refresh_from_db()
    assert maintenance.status == Status.SCHEDULED


def test_a_customer_reads_only_their_own_accounts_and_no_staff_names(tenant, foreign, admin):
    shared = publish_maintenance(admin.user, [tenant.account, foreign.account])

    data = api_as(tenant.user).get(url(shared)).json()

    assert [a["number"] for a in data["accounts"]] == [tenant.account.number]
    assert data["updates"][0]["actor"] is None
    assert api_as(admin.user).get(url(shared)).json()["updates"][0]["actor"] == admin.name


def test_staff_change_the_window_with_a_message(tenant, maintenance):
    response = api_as(tenant.manager_user).patch(
        url(maintenance), {"starts_at": "2026-03-05T09:00:00Z", "message": "An hour later."}, format="json"
    )

    assert response.status_code == 200, response.content
    update = response.json()["updates"][-1]
    assert update["event"] == "changed"
    assert update["changes"] == {"starts_at": ["2026-03-05T08:00:00+00:00", "2026-03-05T09:00:00+00:00"]}


def test_a_change_needs_a_message_and_a_put_is_not_served(tenant, maintenance):
    client = api_as(tenant.manager_user)

    assert client.patch(url(maintenance), {"title": "New"}, format="json").json() == {
        "message": ["This field is required."]
    }
    assert client.put(url(maintenance), body(tenant), format="json").status_code == 405


def test_nothing_changed_is_a_400(tenant, maintenance):
    response = api_as(tenant.manager_user).patch(url(maintenance), {"message": "Nothing"}, format="json")

    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_cancel_then_cancel_again_is_a_409(tenant, maintenance):
    client = api_as(tenant.manager_user)

    assert client.post(url(maintenance, "cancel"), {}, format="json").json() == {"reason": ["This field is required."]}
    assert client.post(url(maintenance, "cancel"), {"reason": "Recall"}, format="json").json()["status"] == "cancelled"
    again = client.post(url(maintenance, "cancel"), {"reason": "Recall"}, format="json")
    assert again.status_code == 409
    assert again.json() == {"detail": "The maintenance is cancelled."}


def test_an_outage_status_moves_on_and_restored_sets_the_end(tenant, outage, clock):
    client = api_as(tenant.manager_user)

    identified = client.post(url(outage, "status"), {"status": "identified", "message": "Backhoe"}, format="json")
    assert identified.json()["status"] == "identified"
    clock.move_to(NOW + dt.timedelta(hours=2))
    restored = client.post(url(outage, "status"), {"status": "restored", "message": "Spliced"}, format="json")

    assert restored.status_code == 200
    assert restored.json()["ends_at"] == "2026-03-02T12:00:00-07:00"
    back = client.post(url(outage, "status"), {"status": "investigating", "message": "?"}, format="json")
    assert back.status_code == 409


def test_a_status_on_a_maintenance_is_a_409_and_a_bad_status_a_400(tenant, maintenance, outage):
    client = api_as(tenant.manager_user)

    on_maintenance = client.post(url(maintenance, "status"), {"status": "restored", "message": "x"}, format="json")
    assert on_maintenance.status_code == 409
    assert "status" in client.post(url(outage, "status"), {"status": "done", "message": "x"}, format="json").json()
    late = client.post(url(outage, "status"), {"status": "restored", "message": "x",
                                               "restored_at": "2026-03-03T00:00:00Z"}, format="json")
    assert late.status_code == 400 and "restored_at" in late.json()


def test_the_list_filters_by_status_kind_and_search(tenant, maintenance, outage):
    client = api_as(tenant.manager_user)
    services.notice_cancel(actor=tenant.manager_user, notice=maintenance, reason="Off")

    def refs(**params):
        return [n["reference"] for n in client.get(API, params).json()["results"]]

    assert refs() == ["MO-2026-0001"]
    assert refs(status="finished") == [GCR]
    assert refs(status="cancelled") == [GCR]
    assert sorted(refs(status="all")) == [GCR, "MO-2026-0001"]
    assert refs(status="all", kind="maintenance") == [GCR]
    assert refs(status="all", q="fiber") == ["MO-2026-0001"]
    bad = client.get(API, {"status": "soon"})
    assert bad.status_code == 400 and list(bad.json()) == ["status"]
    assert list(client.get(API, {"q": "\x00"}).json()) == ["q"]


def test_an_unknown_notice_is_a_404(tenant):
    assert api_as(tenant.manager_user).get(f"{API}999999/").status_code == 404


@pytest.mark.parametrize("who", ["manager_user", "user"])
def test_list_and_detail_query_budgets(tenant, admin, second_account, who, django_assert_max_num_queries):
    for n in range(20):
        notice = publish_maintenance(admin.user, [tenant.account, second_account], reference=f"GCR-{n:04d}")
    services.notice_update(actor=admin.user, notice=notice, title="Changed", message="x")
    client = api_as(getattr(tenant, who))

    with django_assert_max_num_queries(6):
        assert len(client.get(API).json()["results"]) == 20
    with django_assert_max_num_queries(6):
        assert client.get(url(notice)).json()["title"] == "Changed"


def test_the_start_is_given_in_the_callers_terms_and_stored_as_the_instant(tenant):
    api_as(tenant.manager_user).post(API, body(tenant, starts_at="2026-03-05T01:00:00-07:00"), format="json")

    assert NetworkNotice.objects.get().starts_at == STARTS

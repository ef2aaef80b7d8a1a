"""The webhook API (/api/v1/webhooks/): carrier admins register, change, rotate and remove
endpoints, read the delivery log and replay; anyone else reads empty lists, gets 404 for any
endpoint or delivery and 403 for a create, before the body is read."""

import datetime as dt
import json

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from escalations.services import escalation_create
from maintenance.services import notice_publish
from tests.clients import api_as
from webhooks import services
from webhooks.models import Delivery, Endpoint

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("guidelines")]

ENDPOINTS = "/api/v1/webhooks/endpoints/"
DELIVERIES = "/api/v1/webhooks/deliveries/"
# Measured 2 (the count, the page with the endpoints joined), 3 with the caller's staff profile.
DELIVERY_LIST_MAX_QUERIES = 3


@pytest.fixture
def admin_api(admin):
    return api_as(admin.user)


def raise_item(tenant, subject="Circuit down"):
    return escalation_create(actor=tenant.user, account=tenant.account, channel="pager", category="repair",
                             subject=subject)


def test_an_admin_registers_an_endpoint_and_reads_its_secret_only_in_the_answer(admin_api, admin, settings):
    settings.WEBHOOKS_ALLOW_HTTP = False
    answer = admin_api.post(ENDPOINTS, {"name": "NOC bridge", "url": "https://noc.example/hooks",
                                        "events": ["maintenance.published", "escalation.raised"]}, format="json")

    assert answer.status_code == 201, answer.content
    made = answer.json()
    assert made["secret"].startswith("whsec_")
    assert made["events"] == ["escalation.raised", "maintenance.published"]  # in the catalogue's order
    assert (made["created_by"], made["is_active"], made["consecutive_failures"]) == (admin.name, True, 0)
    endpoint = Endpoint.objects.get()
    assert endpoint.secret == made["secret"] and endpoint.created_by == admin
    assert "secret" not in admin_api.get(f"{ENDPOINTS}{endpoint.pk}/").json()
    assert "secret" not in admin_api.get(ENDPOINTS).json()["results"][0]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"url": "http://noc.example/hooks"}, "url", "The address must start with https://."),
        ({"url": "https://user:pw@noc.example/hooks"}, "url", "Leave the user name and password out of the address"),
        ({"url": "noc.example"}, "url", "Enter a web address such as https://example.com/portal-events."),
        ({"events": []}, "events", "Choose at least one event."),
        ({"name": "  "}, "name", "This field may not be blank."),
        ({"name": "x" * 101}, "name", "Ensure this field has no more than 100 characters."),
    ],
)
def test_bad_input_is_a_400_with_the_message_under_its_field(admin_api, settings, body, field, message):
    settings.WEBHOOKS_ALLOW_HTTP = False
    good = {"name": "NOC bridge", "url": "https://noc.example/hooks", "events": ["escalation.raised"]}

    answer = admin_api.post(ENDPOINTS, good | body, format="json")

    assert answer.status_code == 400
    assert list(answer.json()) == [field]
    assert message in answer.json()[field][0]
    assert not Endpoint.objects.exists()


def test_an_unknown_event_is_a_400_under_events(admin_api):
    answer = admin_api.post(ENDPOINTS, {"name": "N", "url": "https://noc.example/", "events": ["escalation.boom"]},
                            format="json")

    assert answer.status_code == 400
    assert list(answer.json()) == ["events"]


def test_plain_http_is_accepted_where_the_setting_allows_it(admin_api, settings):
    settings.WEBHOOKS_ALLOW_HTTP = True

    answer = admin_api.post(ENDPOINTS, {"name": "Dev", "url": "http://127.0.0.1:9000/hooks",
                                        "events": ["escalation.raised"]}, format="json")

    assert answer.status_code == 201


def test_an_admin_changes_rotates_and_removes_an_endpoint(admin_api, endpoint):
    url = f"{ENDPOINTS}{endpoint.pk}/"
    patched = admin_api.patch(url, {"events": ["handoff.completed"], "is_active": False}, format="json")
    assert patched.status_code == 200
    assert (patched.json()["events"], patched.json()["is_active"]) == (["handoff.completed"], False)
    assert admin_api.put(url, {"name": "Renamed"}, format="json").status_code == 400  # PUT names every field
    put = admin_api.put(url, {"name": "Renamed", "url": endpoint.url, "events": ["escalation.overdue"]},
                        format="json")
    assert (put.status_code, put.json()["name"], put.json()["is_active"]) == (200, "Renamed", False)

    rotated = admin_api.post(f"{url}rotate-secret/")
    assert rotated.status_code == 200
    assert rotated.json()["secret"] != endpoint.plain_secret
    assert rotated.json()["secret_rotated_at"] is not None
    endpoint.refresh_from_db()
    assert endpoint.secret == rotated.json()["secret"]

    assert admin_api.delete(url).status_code == 204
    assert admin_api.get(url).status_code == 404
    assert not Delivery.objects.exists()


def test_switching_an_endpoint_on_again_clears_its_run_of_failures(admin_api, endpoint):
    Endpoint.objects.filter(pk=endpoint.pk).update(is_active=False, consecutive_failures=10,
                                                   disabled_at=timezone.now())

    answer = admin_api.patch(f"{ENDPOINTS}{endpoint.pk}/", {"is_active": True}, format="json")

    assert (answer.json()["is_active"], answer.json()["consecutive_failures"], answer.json()["disabled_at"]) == (
        True, 0, None
    )


@pytest.mark.parametrize("who", ["customer", "manager", "director"])
def test_anyone_but_a_carrier_admin_sees_no_endpoint_and_writes_none(tenant, director, endpoint, who):
    user = {"customer": tenant.user, "manager": tenant.manager_user, "director": director.user}[who]
    client = api_as(user)
    raise_item(tenant)
    delivery = Delivery.objects.get()
    one, log = f"{ENDPOINTS}{endpoint.pk}/", f"{DELIVERIES}{delivery.pk}/"

    assert client.get(ENDPOINTS).json()["results"] == []
    assert client.get(DELIVERIES).json()["results"] == []
    assert client.get(one).status_code == 404
    assert client.get(log).status_code == 404
    # Refused before the body is read: a create is a 403 whatever it sends; an object is not theirs: 404.
    assert client.post(ENDPOINTS, {}, format="json").status_code == 403
    assert client.post(ENDPOINTS, {"name": "x", "url": "https://x.example", "events": ["escalation.raised"]},
                       format="json").status_code == 403
    assert client.patch(one, {"is_active": False}, format="json").status_code == 404
    assert client.delete(one).status_code == 404
    assert client.post(f"{one}rotate-secret/").status_code == 404
    assert client.post(f"{log}replay/").status_code == 404
    endpoint.refresh_from_db()
    assert endpoint.is_active


def test_signed_out_is_a_401(endpoint):
    assert APIClient().get(ENDPOINTS).status_code == 401
    assert APIClient().get(DELIVERIES).status_code == 401


def test_the_delivery_log_filters_and_shows_the_payload(admin_api, tenant, endpoint):
    item = raise_item(tenant)
    notice_publish(actor=tenant.manager_user, kind="outage", title="Cut", impact="Down",
                   starts_at=timezone.now() - dt.timedelta(hours=1), accounts=[tenant.account])

    listed = admin_api.get(DELIVERIES, {"endpoint": endpoint.pk, "event": "escalation.raised"}).json()
    assert [d["event"] for d in listed["results"]] == ["escalation.raised"]
    assert admin_api.get(DELIVERIES, {"status": "failed"}).json()["results"] == []
    assert admin_api.get(DELIVERIES, {"endpoint": endpoint.pk + 1}).json()["results"] == []
    bad = admin_api.get(DELIVERIES, {"status": "lost"})
    assert (bad.status_code, list(bad.json())) == (400, ["status"])

    one = admin_api.get(f"{DELIVERIES}{listed['results'][0]['id']}/").json()
    delivery = Delivery.objects.get(event="escalation.raised")
    assert one["payload"] == json.loads(delivery.body)
    assert one["payload"]["data"]["id"] == item.pk
    assert (one["uuid"], one["status"], one["attempts"], one["endpoint_name"]) == (
        str(delivery.uuid), "pending", 0, "NOC bridge"
    )


def test_replay_answers_202_and_sends_it_after_commit(admin_api, tenant, endpoint, receiver, eager_tasks,
                                                      django_capture_on_commit_callbacks):
    raise_item(tenant)
    delivery = Delivery.objects.get()
    url = f"{DELIVERIES}{delivery.pk}/replay/"
    refused = admin_api.post(url)
    assert (refused.status_code, list(refused.json())) == (409, ["detail"])  # still pending

    Delivery.objects.filter(pk=delivery.pk).update(status="failed", attempts=8, max_attempts=8)
    with django_capture_on_commit_callbacks(execute=True):
        answer = admin_api.post(url)

    assert answer.status_code == 202
    assert answer.json()["status"] == "pending"  # as it was answered; sent after the commit
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("succeeded", 9)
    assert [r.headers["X-Portal-Delivery"] for r in receiver.requests] == [str(delivery.uuid)]


def test_replay_of_a_delivery_to_an_endpoint_switched_off_is_a_409(admin_api, admin, tenant, endpoint):
    raise_item(tenant)
    delivery = Delivery.objects.get()
    Delivery.objects.filter(pk=delivery.pk).update(status="failed")
    services.endpoint_update(actor=admin.user, endpoint=endpoint, is_active=False)

    answer = admin_api.post(f"{DELIVERIES}{delivery.pk}/replay/")

    assert answer.status_code == 409
    assert "switched off" in answer.json()["detail"]


@pytest.mark.parametrize("count", [3, 30])
def test_the_delivery_log_stays_within_its_query_budget(admin_api, tenant, endpoint, count,
                                                        django_assert_max_num_queries):
    for n in range(count):
        raise_item(tenant, subject=f"Item {n}")

    with django_assert_max_num_queries(DELIVERY_LIST_MAX_QUERIES):
        answer = admin_api.get(DELIVERIES)
    assert answer.json()["count"] == count


def test_the_schema_documents_the_payload_of_every_event(db):
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    components = schema["components"]["schemas"]

    payload = components["WebhookPayload"]
    assert [ref["$ref"].rsplit("/", 1)[1] for ref in payload["oneOf"]] == [
        "EscalationWebhook", "HandoffWebhook", "PostMortemWebhook", "MaintenanceWebhook",
    ]
    assert payload["discriminator"]["propertyName"] == "event"
    assert len(payload["discriminator"]["mapping"]) == 9
    assert set(components["EscalationWebhookData"]["properties"]) >= {
        "id", "subject", "company", "account", "channel", "category", "status", "due_at", "url",
    }
    assert {"/api/v1/webhooks/endpoints/", "/api/v1/webhooks/endpoints/{id}/",
            "/api/v1/webhooks/endpoints/{id}/rotate-secret/", "/api/v1/webhooks/deliveries/",
            "/api/v1/webhooks/deliveries/{id}/", "/api/v1/webhooks/deliveries/{id}/replay/"} <= set(schema["paths"])
    created = schema["paths"]["/api/v1/webhooks/endpoints/"]["post"]["responses"]
    assert {"201", "400", "401", "403"} <= set(created)


# Measured 2 (the count, the page: the owner joined, both counts as subqueries), 3 with the caller's
# staff profile.
ENDPOINT_LIST_MAX_QUERIES = 3


@pytest.mark.parametrize("count", [2, 12])
def test_the_endpoint_list_stays_within_its_query_budget(admin_api, admin, receiver, count,
                                                         django_assert_max_num_queries):
    for n in range(count):
        services.endpoint_create(actor=admin.user, name=f"Receiver {n}", url=receiver.url,
                                 events=["escalation.raised"])

    with django_assert_max_num_queries(ENDPOINT_LIST_MAX_QUERIES):
        answer = admin_api.get(ENDPOINTS)
    assert answer.json()["count"] == count

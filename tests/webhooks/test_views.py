"""The webhook pages: carrier admins list, register (the secret shown once), change, remove and
rotate endpoints, read the delivery log and replay; to anyone else every page is a 404, and the
menu does not offer them."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from escalations.services import escalation_create
from tests.clients import signed_in
from webhooks.models import Delivery, Endpoint
from webhooks.services import endpoint_create

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("guidelines")]


@pytest.fixture
def admin_client(admin):
    return signed_in(admin.user)


def delivery_of(tenant) -> Delivery:
    escalation_create(actor=tenant.user, account=tenant.account, channel="pager", category="repair",
                      subject="Circuit down")
    return Delivery.objects.get()


def html(response) -> str:
    return response.content.decode()


def test_the_list_shows_each_endpoint_in_a_responsive_table(admin_client, endpoint):
    page = html(admin_client.get(reverse("webhook_list")))

    assert 'class="striped responsive"' in page
    row = page.split(f'data-testid="endpoint-{endpoint.pk}"', 1)[1].split("</tr>", 1)[0]
    assert row.count("<td") == row.count("data-label=") == 6
    assert "NOC bridge" in row and endpoint.url in row
    assert endpoint.plain_secret not in page
    assert 'data-testid="nav-webhooks"' in page


def test_registering_shows_the_secret_once(admin_client, admin, receiver):
    form = html(admin_client.get(reverse("webhook_create")))
    for name in ("name", "url"):
        assert re.search(rf'<label for="id_{name}">', form)
    assert "<legend>Events</legend>" in form

    answer = admin_client.post(reverse("webhook_create"), {
        "name": "NOC bridge", "url": receiver.url, "events": ["escalation.raised", "escalation.overdue"],
        "is_active": "on",
    })

    endpoint = Endpoint.objects.get()
    assert answer.status_code == 200
    assert endpoint.secret in html(answer)
    assert "no-cache" in answer["Cache-Control"] and "no-store" in answer["Cache-Control"]
    assert (endpoint.events, endpoint.created_by) == (["escalation.raised", "escalation.overdue"], admin)
    assert endpoint.secret not in html(admin_client.get(reverse("webhook_detail", args=[endpoint.pk])))


def test_a_refused_registration_shows_each_message_beside_its_field(admin_client, settings):
    settings.WEBHOOKS_ALLOW_HTTP = False

    blank = admin_client.post(reverse("webhook_create"), {"name": "", "url": "https://noc.example/hooks"})
    assert blank.status_code == 400 and 'data-testid="error-name"' in html(blank)

    answer = admin_client.post(reverse("webhook_create"), {"name": "NOC", "url": "http://noc.example/hooks"})

    page = html(answer)
    assert answer.status_code == 400
    assert re.search(r'data-testid="error-url">The address must start with https://', page)
    assert re.search(r'data-testid="error-events">Choose at least one event', page)
    assert not Endpoint.objects.exists()


def test_changing_removing_and_rotating(admin_client, endpoint):
    edit = reverse("webhook_edit", args=[endpoint.pk])
    assert admin_client.get(edit).status_code == 200
    answer = admin_client.post(edit, {"name": "Renamed", "url": endpoint.url, "events": ["handoff.completed"]})
    assert answer.status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.name, endpoint.events, endpoint.is_active) == ("Renamed", ["handoff.completed"], False)

    rotated = admin_client.post(reverse("webhook_rotate_secret", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    assert endpoint.secret != endpoint.plain_secret and endpoint.secret in html(rotated)

    assert admin_client.post(reverse("webhook_delete", args=[endpoint.pk])).status_code == 302
    assert not Endpoint.objects.exists()


def test_the_delivery_log_and_a_delivery_with_its_body(admin_client, tenant, endpoint):
    delivery = delivery_of(tenant)

    log = html(admin_client.get(reverse("webhook_detail", args=[endpoint.pk])))
    row = log.split(f'data-testid="delivery-{delivery.pk}"', 1)[1].split("</tr>", 1)[0]
    assert row.count("<td") == row.count("data-label=") == 6
    assert "escalation.raised" in row

    filtered = admin_client.get(reverse("webhook_detail", args=[endpoint.pk]), {"status": "failed"},
                                HTTP_HX_REQUEST="true")
    assert "Nothing was sent to this endpoint yet." in html(filtered)
    bad = html(admin_client.get(reverse("webhook_detail", args=[endpoint.pk]), {"status": "lost\x00"}))
    assert 'class="error" role="alert"' in bad

    page = html(admin_client.get(reverse("webhook_delivery", args=[delivery.pk])))
    assert str(delivery.uuid) in page and "&quot;event&quot;: &quot;escalation.raised&quot;" in page
    assert 'data-testid="replay-form"' not in page  # still pending


def test_replay_from_the_page(admin_client, tenant, endpoint, receiver, eager_tasks,
                              django_capture_on_commit_callbacks):
    delivery = delivery_of(tenant)
    Delivery.objects.filter(pk=delivery.pk).update(status="failed", attempts=1, max_attempts=1)
    assert 'data-testid="replay-form"' in html(admin_client.get(reverse("webhook_delivery", args=[delivery.pk])))

    with django_capture_on_commit_callbacks(execute=True):
        answer = admin_client.post(reverse("webhook_delivery_replay", args=[delivery.pk]))

    assert answer.status_code == 302
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("succeeded", 2)
    assert len(receiver.requests) == 1


def test_a_refused_replay_is_said_as_a_message(admin_client, tenant, endpoint):
    delivery = delivery_of(tenant)

    answer = admin_client.post(reverse("webhook_delivery_replay", args=[delivery.pk]), follow=True)

    assert "still being sent" in html(answer)


@pytest.mark.parametrize("who", ["customer", "manager", "director"])
def test_every_webhook_page_is_a_404_to_anyone_but_a_carrier_admin(tenant, director, endpoint, who):
    user = {"customer": tenant.user, "manager": tenant.manager_user, "director": director.user}[who]
    client = signed_in(user)
    delivery = delivery_of(tenant)
    pages = [
        reverse("webhook_list"), reverse("webhook_create"), reverse("webhook_detail", args=[endpoint.pk]),
        reverse("webhook_edit", args=[endpoint.pk]), reverse("webhook_delivery", args=[delivery.pk]),
    ]
    actions = [
        reverse("webhook_delete", args=[endpoint.pk]), reverse("webhook_rotate_secret", args=[endpoint.pk]),
        reverse("webhook_delivery_replay", args=[delivery.pk]),
    ]

    assert [client.get(url).status_code for url in pages] == [404] * len(pages)
    assert [client.post(url).status_code for url in actions + pages[1:2]] == [404] * (len(actions) + 1)
    assert 'data-testid="nav-webhooks"' not in html(client.get("/"))
    assert Endpoint.objects.get().secret == endpoint.plain_secret


# Measured, the same for 2 or 12 rows: the list 7 (session, user, staff profile and the page's own
# counts, the endpoints with their owner and both counts in one query); the endpoint's page 9 (the
# endpoint, the log's count and page, its deliveries with their endpoint joined).
LIST_PAGE_MAX_QUERIES = 7
DETAIL_PAGE_MAX_QUERIES = 9


@pytest.mark.parametrize("count", [2, 12])
def test_the_pages_stay_within_their_query_budgets(admin_client, admin, tenant, receiver, count,
                                                   django_assert_max_num_queries):
    for n in range(count):
        endpoint, _secret = endpoint_create(actor=admin.user, name=f"Receiver {n}", url=receiver.url,
                                            events=["escalation.raised"])
    for n in range(count):
        escalation_create(actor=tenant.user, account=tenant.account, channel="pager", category="repair",
                          subject=f"Item {n}")

    with django_assert_max_num_queries(LIST_PAGE_MAX_QUERIES):
        assert admin_client.get(reverse("webhook_list")).status_code == 200
    with django_assert_max_num_queries(DETAIL_PAGE_MAX_QUERIES):
        assert admin_client.get(reverse("webhook_detail", args=[endpoint.pk])).status_code == 200


def test_an_endpoint_the_portal_switched_off_says_why_and_what_to_do(admin_client, endpoint):
    Endpoint.objects.filter(pk=endpoint.pk).update(is_active=False, consecutive_failures=10,
                                                   disabled_at=timezone.now())

    page = html(admin_client.get(reverse("webhook_detail", args=[endpoint.pk])))
    listed = html(admin_client.get(reverse("webhook_list")))

    assert 'data-testid="endpoint-disabled"' in page and "after 10 deliveries in a row failed" in page
    assert "Switched off by the portal" in listed

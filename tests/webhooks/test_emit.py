"""What an event costs the request (or the sweep) that makes it: nothing is sent there, only rows
are stored, in one INSERT for many events, after at most one query for the subscriptions (none
while they are cached). With no endpoint an event costs nothing at all, so the pinned budgets of the
other apps (tests/escalations/test_sweep.py, test_queue.py, …) hold as they were."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

import webhooks
from escalations.models import Escalation
from escalations.sweep import escalations_sweep
from tests.escalations.test_sweep import (
    ESCALATE,
    ESCALATION_SWEEP_BASE_QUERIES,
    MINUTE,
    QUERIES_PER_AUTO_ESCALATION,
    RAISED,
    REMINDER_SWEEP_QUERIES,
    TARGET,
    raise_pager,
    sweep_through,
)
from webhooks import services, subscriptions
from webhooks.delivering import deliveries_due, deliveries_expire
from webhooks.events import WebhookEvent
from webhooks.models import Delivery

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("guidelines")]

AT = dt.datetime(2026, 3, 2, 17, 0, tzinfo=dt.UTC)


def events(n: int, name: str = "escalation.warned") -> list[WebhookEvent]:
    return [WebhookEvent(name=name, occurred_at=AT, data={"id": i}) for i in range(n)]


def statements(function, *args, **kwargs) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        function(*args, **kwargs)
    return [q["sql"] for q in ctx.captured_queries]


def test_with_no_endpoint_an_event_costs_one_query_then_none_while_cached(db, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert webhooks.emit_many(events(3)) == 0
    with django_assert_num_queries(0):
        assert webhooks.emit_many(events(500)) == 0


def test_the_data_of_an_event_nobody_wants_is_never_built(db):
    def expensive():
        raise AssertionError("built for nobody")

    assert webhooks.emit_many([WebhookEvent(name="escalation.warned", occurred_at=AT, data=expensive)]) == 0


def test_many_events_are_one_query_for_the_subscriptions_and_one_insert(admin, receiver):
    services.endpoint_create(actor=admin.user, name="NOC", url=receiver.url, events=["escalation.warned"])
    cache.clear()
    ten = statements(webhooks.emit_many, events(10))
    forty = statements(webhooks.emit_many, events(40))  # the subscriptions are cached now

    assert [q.split()[0] for q in ten] == ["SELECT", "INSERT"]
    assert [q.split()[0] for q in forty] == ["INSERT"]
    assert Delivery.objects.count() == 50


def test_events_nobody_subscribed_to_are_not_stored(admin, receiver):
    services.endpoint_create(actor=admin.user, name="NOC", url=receiver.url, events=["escalation.overdue"])

    assert webhooks.emit_many(events(5, "escalation.warned") + events(2, "escalation.overdue")) == 2


def test_a_change_to_an_endpoint_is_seen_by_the_next_event(admin, receiver):
    assert subscriptions.subscribed() == {}  # cached: nobody
    endpoint, _secret = services.endpoint_create(actor=admin.user, name="NOC", url=receiver.url,
                                                 events=["escalation.warned"])
    assert webhooks.emit_many(events(1)) == 1

    services.endpoint_update(actor=admin.user, endpoint=endpoint, events=["escalation.overdue"])
    assert webhooks.emit_many(events(1)) == 0

    services.endpoint_delete(actor=admin.user, endpoint=endpoint)
    assert subscriptions.subscribed() == {}


def test_an_unreachable_cache_costs_the_one_query_never_the_event(admin, receiver, monkeypatch):
    services.endpoint_create(actor=admin.user, name="NOC", url=receiver.url, events=["escalation.warned"])

    def down(*args, **kwargs):
        raise ConnectionRefusedError("cache down")

    monkeypatch.setattr(subscriptions.cache, "get", down)
    monkeypatch.setattr(subscriptions.cache, "set", down)

    assert webhooks.emit_many(events(2)) == 2


def test_a_stale_cached_endpoint_does_not_fail_the_change_that_made_the_event(admin, receiver):
    """An endpoint deleted while another process still had it cached: that process's delivery row is
    stored (no constraint to refuse it) and dropped by the housekeeping, never an error."""
    endpoint, _secret = services.endpoint_create(actor=admin.user, name="NOC", url=receiver.url,
                                                 events=["escalation.warned"])
    stale = subscriptions.subscribed()
    services.endpoint_delete(actor=admin.user, endpoint=endpoint)
    cache.set(subscriptions.KEY, stale)

    assert webhooks.emit_many(events(1)) == 1
    assert deliveries_due(now=AT + dt.timedelta(days=1)) == []
    assert deliveries_expire() == 1


# --- The sweep: a batch's warnings, overdue notices and automatic escalations in one INSERT ---------


@pytest.fixture
def subscribed(admin, receiver):
    services.endpoint_create(actor=admin.user, name="NOC", url=receiver.url,
                             events=["escalation.warned", "escalation.overdue", "escalation.escalated"])


def _queries_of_one_sweep(now) -> list[str]:
    return statements(escalations_sweep, now=now)


def test_the_sweep_emits_a_batch_s_warnings_in_one_insert_for_10_or_40_items(tenant, director, subscribed,
                                                                              settings):
    settings.ESCALATION_GRACE_MINUTES = None
    for n in range(10):
        raise_pager(tenant, subject=f"Morning {n}")
    ten = _queries_of_one_sweep(TARGET)
    sweep_through(ESCALATE)
    afternoon = RAISED + dt.timedelta(hours=4)
    for n in range(40):
        raise_pager(tenant, at=afternoon, subject=f"Afternoon {n}")
    Delivery.objects.all().delete()
    forty = _queries_of_one_sweep(afternoon + 15 * MINUTE)

    # The sweep's own budget, plus the one INSERT of the deliveries (the subscriptions are cached).
    assert len(ten) == len(forty) == REMINDER_SWEEP_QUERIES + 1
    assert sum(q.lstrip().upper().startswith(f"INSERT INTO \"{Delivery._meta.db_table}\"".upper()) for q in forty) == 1
    assert Delivery.objects.filter(event="escalation.warned").count() == 40
    assert not Delivery.objects.exclude(event="escalation.warned").exists()


def test_a_sweep_run_twice_emits_each_point_once(tenant, director, subscribed):
    for n in range(3):
        raise_pager(tenant, subject=f"Item {n}")
    sweep_through(TARGET, TARGET, TARGET + MINUTE)

    assert Delivery.objects.filter(event="escalation.warned").count() == 3


def test_automatic_escalations_are_emitted_with_the_batch_in_one_insert(tenant, director, subscribed, settings):
    settings.ESCALATION_GRACE_MINUTES = None
    for n in range(10):
        raise_pager(tenant, subject=f"Morning {n}")
    sweep_through(TARGET, RAISED + 30 * MINUTE)
    assert Delivery.objects.filter(event="escalation.overdue").count() == 10

    ten = _queries_of_one_sweep(ESCALATE)

    assert len(ten) == ESCALATION_SWEEP_BASE_QUERIES + 10 * QUERIES_PER_AUTO_ESCALATION + 1
    assert Delivery.objects.filter(event="escalation.escalated").count() == 10
    assert Escalation.objects.filter(level=2).count() == 10

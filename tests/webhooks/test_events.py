"""Every event is emitted where it happens, once, in the documented shape, and without what the
customers may not read: internal notes, staff-only reasons, the handoff's note, the analysis'
internal notes. (The endpoint subscribes to everything; nothing is sent here: the deliveries wait
in the log for the worker, which tests/webhooks/test_delivery.py drives.)"""

import datetime as dt
import json

import pytest
import time_machine
from django.db import transaction
from rest_framework import serializers

from escalations import customer_actions
from escalations import services as escalation_services
from handoffs import services as handoff_services
from handoffs.checklist import seed_checklist
from handoffs.models import ChecklistTemplateItem
from maintenance.models import Kind
from maintenance.services import notice_publish
from postmortems import services as postmortem_services
from postmortems.models import ComplexityPolicy
from postmortems.rules import DEFAULT_BUSINESS_DAYS
from tests.handoffs.factories import ready_to_complete, start_handoff
from tests.teams.factories import PersonFactory, RoleFactory, UserFactory
from webhooks import payloads, services
from webhooks.models import Delivery

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("guidelines")]

SECRET_WORDS = "INTERNAL-ONLY"


def bodies(event: str | None = None) -> list[dict]:
    rows = Delivery.objects.order_by("pk")
    if event:
        rows = rows.filter(event=event)
    return [json.loads(row.body) for row in rows]


def same_keys(data, serializer) -> list[str]:
    """Where ``data`` has keys the serializer does not document, or lacks ones it does."""
    problems = []
    fields = serializer.fields if isinstance(serializer, serializers.Serializer) else serializer.child.fields
    rows = data if isinstance(data, list) else [data]
    for row in rows:
        if set(row) != set(fields):
            problems.append(f"{sorted(set(row) ^ set(fields))}")
        for name, field in fields.items():
            nested = field.child if isinstance(field, serializers.ListSerializer) else field
            if isinstance(nested, serializers.Serializer) and row.get(name) is not None:
                problems += same_keys(row[name], nested)
    return problems


def conforms(body: dict) -> None:
    envelope = payloads.ENVELOPES[body["event"]](data=body)
    assert envelope.is_valid(), envelope.errors
    assert same_keys(body, payloads.ENVELOPES[body["event"]]()) == []
    assert SECRET_WORDS not in json.dumps(body)


def raise_item(tenant, **extra):
    return escalation_services.escalation_create(
        actor=tenant.user, account=tenant.account, channel="pager", category="repair", subject="Circuit down",
        description=f"{SECRET_WORDS}? no: the customer's own words are not sent either", **extra,
    )


def test_each_change_of_an_item_is_its_event_in_the_documented_shape(tenant, director, endpoint):
    item = raise_item(tenant)
    escalation_services.escalation_comment(actor=tenant.manager_user, escalation=item, comment=SECRET_WORDS,
                                           internal=True)
    escalation_services.escalation_acknowledge(actor=tenant.manager_user, escalation=item, comment=SECRET_WORDS)
    escalation_services.escalation_escalate(actor=tenant.manager_user, escalation=item, reason=SECRET_WORDS)
    escalation_services.escalation_resolve(actor=director.user, escalation=item, comment=SECRET_WORDS)

    assert [b["event"] for b in bodies()] == [
        "escalation.raised", "escalation.acknowledged", "escalation.escalated", "escalation.resolved",
    ]
    for body in bodies():
        conforms(body)
        assert body["data"]["id"] == item.pk
    escalated, resolved = bodies()[2:]
    assert (escalated["data"]["level"], escalated["data"]["status"]) == (2, "acknowledged")
    assert resolved["data"]["status"] == "resolved" and resolved["data"]["resolved_at"] is not None


def test_a_cancelled_item_and_a_comment_emit_nothing(tenant, endpoint):
    item = raise_item(tenant)
    escalation_services.escalation_comment(actor=tenant.manager_user, escalation=item, comment="Working on it")
    escalation_services.escalation_cancel(actor=tenant.manager_user, escalation=item)

    assert [b["event"] for b in bodies()] == ["escalation.raised"]


@time_machine.travel(dt.datetime(2025, 6, 11, 16, 0, tzinfo=dt.UTC), tick=False)  # a Wednesday
def test_a_promise_on_a_new_item_acknowledges_it(tenant, endpoint):
    item = escalation_services.escalation_create(
        actor=tenant.user, account=tenant.account, channel="email", category="billing", subject="Invoice",
    )
    monday = dt.date(2025, 6, 16)
    escalation_services.escalation_promise(actor=tenant.manager_user, escalation=item, follow_up_on=monday)
    escalation_services.escalation_promise(actor=tenant.manager_user, escalation=item,
                                           follow_up_on=monday + dt.timedelta(days=1))

    assert [b["event"] for b in bodies()] == ["escalation.raised", "escalation.acknowledged"]


def test_a_customer_taking_an_item_to_the_director_is_an_escalation(tenant, director, endpoint):
    item = raise_item(tenant)
    customer_actions.escalation_customer_escalate(actor=tenant.user, escalation=item, reason="Nobody called back")

    [body] = bodies("escalation.escalated")
    conforms(body)
    assert body["data"]["level"] == 2


def test_an_event_reaches_only_the_endpoints_subscribed_to_it(tenant, admin, endpoint, receiver):
    services.endpoint_create(actor=admin.user, name="Only resolutions", url=receiver.url,
                             events=["escalation.resolved"])
    services.endpoint_create(actor=admin.user, name="Switched off", url=receiver.url,
                             events=["escalation.raised"], is_active=False)

    raise_item(tenant)

    assert list(Delivery.objects.values_list("endpoint__name", "event")) == [("NOC bridge", "escalation.raised")]


def test_a_change_that_rolls_back_leaves_no_delivery(tenant, endpoint):
    with pytest.raises(RuntimeError), transaction.atomic():
        raise_item(tenant)
        raise RuntimeError("the caller's transaction fails later")

    assert not Delivery.objects.exists()


# --- Handoffs, post-mortems, network notices -------------------------------------------------------


@pytest.fixture
def handoff_done(tenant, director, endpoint):
    seed_checklist(ChecklistTemplateItem)
    with time_machine.travel(dt.datetime(2026, 3, 2, 17, 0, tzinfo=dt.UTC), tick=False) as clock:
        incoming = PersonFactory(name="Ivan Incoming", email="ivan@carrier.example", reports_to=director,
                                 user=UserFactory(username="ivan.incoming"))
        handoff = start_handoff(actor=director.user, outgoing=tenant.manager, incoming=incoming,
                                role=RoleFactory(code="service-manager"), accounts=[tenant.account],
                                note=SECRET_WORDS)
        ready_to_complete(handoff, actor=director.user)
        clock.move_to(dt.datetime(2026, 3, 16, 16, 0, tzinfo=dt.UTC))
        return handoff_services.handoff_complete(actor=director.user, handoff=handoff)


def test_a_completed_handoff_names_who_takes_over_which_accounts_from_when(tenant, handoff_done):
    [body] = bodies("handoff.completed")
    conforms(body)
    assert body["data"]["incoming"] == {"name": "Ivan Incoming", "email": "ivan@carrier.example"}
    assert body["data"]["effective_date"] == "2026-03-16"
    assert [a["number"] for a in body["data"]["accounts"]] == [tenant.account.number]
    assert body["data"]["url"] == f"https://portal.example/handoffs/{handoff_done.pk}/"


def test_a_published_post_mortem_is_announced_per_version_without_its_internal_notes(tenant, endpoint):
    for complexity, days in DEFAULT_BUSINESS_DAYS.items():
        ComplexityPolicy.objects.get_or_create(complexity=complexity, defaults={"business_days": days})
    now = dt.datetime(2026, 1, 13, 17, 0, tzinfo=dt.UTC)
    pm = postmortem_services.postmortem_request(
        actor=tenant.user, account=tenant.account, ticket_number="TT-4471", circuit_id="DS3 101",
        event_start=now - dt.timedelta(hours=12), event_end=now - dt.timedelta(hours=1), impact="Down", now=now,
    )
    actor = tenant.manager_user
    postmortem_services.postmortem_accept(actor=actor, postmortem=pm, complexity="low", now=now)
    postmortem_services.postmortem_note_add(actor=actor, postmortem=pm, at=now - dt.timedelta(hours=2),
                                            source="noc", text=SECRET_WORDS, internal=True, now=now)
    postmortem_services.postmortem_analysis_update(actor=actor, postmortem=pm, summary="S", root_cause="R",
                                                   restoration="Fixed")
    postmortem_services.preventive_action_add(actor=actor, postmortem=pm, description="Never again",
                                              owner=tenant.manager, due_on=now.date())
    version = postmortem_services.postmortem_publish(actor=actor, postmortem=pm, now=now)

    [body] = bodies("postmortem.published")
    conforms(body)
    assert (body["data"]["id"], body["data"]["version"], body["data"]["ticket_number"]) == (pm.pk, 1, "TT-4471")
    assert body["data"]["escalation"] == pm.tracking_id
    assert body["data"]["pdf_url"] == f"https://portal.example/postmortems/{pm.pk}/versions/1/pdf/"
    assert version.number == 1
    # Its tracking item was resolved by the publication: that is an event of its own.
    assert [b["data"]["id"] for b in bodies("escalation.resolved")] == [pm.tracking_id]


def test_a_published_maintenance_lists_its_accounts(tenant, admin, endpoint):
    starts = dt.datetime.now(dt.UTC) + dt.timedelta(days=3)
    notice = notice_publish(
        actor=admin.user, kind=Kind.MAINTENANCE, reference="GCR-2026-1187", title="Core router upgrade",
        starts_at=starts, ends_at=starts + dt.timedelta(hours=4), impact="Two short interruptions.",
        description=f"{SECRET_WORDS}? the description stays on the page", accounts=[tenant.account],
    )

    [body] = bodies("maintenance.published")
    conforms(body)
    assert (body["data"]["id"], body["data"]["reference"], body["data"]["kind"]) == (
        notice.pk, "GCR-2026-1187", "maintenance"
    )
    assert body["data"]["accounts"] == [{
        "id": tenant.account.pk, "number": tenant.account.number,
        "company": {"id": tenant.company.pk, "name": tenant.company.name},
    }]


def test_an_outage_has_no_end_yet(tenant, admin, endpoint):
    notice_publish(actor=admin.user, kind=Kind.OUTAGE, title="Fiber cut", impact="Down",
                   starts_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1), accounts=[tenant.account])

    [body] = bodies("maintenance.published")
    conforms(body)
    assert body["data"]["ends_at"] is None and body["data"]["reference"].startswith("MO-")

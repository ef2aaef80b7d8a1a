"""Factories and helpers for post-mortem tests.

Post-mortems that tests act on go through the services, the way a customer requests them and the
service manager works them (request → accept → notes, analysis, preventive actions → publish).
``PostMortemFactory`` only builds rows (with a bare tracking item) for list and query-budget tests.

Every instant is on the conftest's "Denver office" calendar (Mon–Fri 08:00–17:00, US holidays).
``NOW`` is Tuesday 13 January 2026, 10:00 MST; Monday 19 January 2026 is Martin Luther King Jr.
Day, a US holiday, so a medium (5 business days) analysis accepted at ``NOW`` is due on
Wednesday 21 January, not Tuesday 20.
"""

import datetime as dt

import factory

from postmortems import services
from postmortems.models import PostMortem
from tests.escalations.factories import EscalationFactory, denver
from tests.escalations.factories import stored_state as tracking_state

NOW = denver(2026, 1, 13, 10, 0)
EVENT_START = denver(2026, 1, 12, 20, 0)
EVENT_END = denver(2026, 1, 13, 6, 0)  # 10 hours: above the default 8-hour threshold
ROOT_CAUSE = "A backhoe cut the fibre between the Boulder and Denver central offices."

ANALYSIS = {
    "summary": "DS3 101 was down for ten hours overnight.",
    "root_cause": ROOT_CAUSE,
    "restoration": "Traffic was rerouted over the ring at 05:40, the fibre spliced at 06:00.",
    "recommendations": "Order a diverse second route for the Boulder site.",
}


# What the post-mortem's own actions write on it.
FIELDS = (
    "status", "manager_id", "ticket_number", "circuit_id", "event_start", "event_end", "impact", "questions",
    "complexity", "business_days", "due_on", "accepted_at", "decline_reason", "summary", "root_cause",
    "restoration", "recommendations", "review_comment",
)


def stored_state(pm: PostMortem) -> dict:
    """The post-mortem as stored now: its fields, notes, preventive actions and versions, and its tracking
    item (with its timeline and the notices sent). A refused action leaves all of it as it was:
    ``assert stored_state(pm) == before``."""
    stored = PostMortem.objects.get(pk=pm.pk)
    return {
        "fields": {name: getattr(stored, name) for name in FIELDS},
        "notes": list(stored.notes.order_by("pk").values_list("pk", "at", "source", "text", "internal")),
        "actions": list(
            stored.actions.order_by("pk").values_list("pk", "description", "owner", "due_on", "state", "done_note")
        ),
        "versions": list(stored.versions.order_by("pk").values_list("pk", "number", "root_cause")),
        "tracking": tracking_state(stored.tracking),
    }


def request_postmortem(
    tenant,
    *,
    actor=None,
    account=None,
    now=NOW,
    start=EVENT_START,
    end=EVENT_END,
    ticket_number="TT-4471",
    circuit_id="DS3 101/T3/DNVR-BLDR",
    impact="Both Boulder sites lost voice and data.",
    questions="Why did the ring not switch over at once?",
) -> PostMortem:
    """A post-mortem requested by the tenant's customer user (or ``actor``) at ``now``."""
    return services.postmortem_request(
        actor=actor or tenant.user,
        account=account or tenant.account,
        ticket_number=ticket_number,
        circuit_id=circuit_id,
        event_start=start,
        event_end=end,
        impact=impact,
        questions=questions,
        now=now,
    )


def accepted_postmortem(tenant, *, complexity="medium", now=NOW, **kwargs) -> PostMortem:
    pm = request_postmortem(tenant, now=now, **kwargs)
    return services.postmortem_accept(actor=tenant.manager_user, postmortem=pm, complexity=complexity, now=now)


def ready_postmortem(tenant, *, now=NOW, action_due=dt.date(2026, 2, 13), owner=None, **kwargs) -> PostMortem:
    """Accepted, with a public and an internal note, every analysis section and one preventive
    action: ready to submit or publish."""
    pm = accepted_postmortem(tenant, now=now, **kwargs)
    actor = tenant.manager_user
    services.postmortem_note_add(
        actor=actor, postmortem=pm, at=EVENT_START, source="noc", text="Loss of signal alarm on DS3 101.", now=now
    )
    services.postmortem_note_add(
        actor=actor, postmortem=pm, at=EVENT_START + dt.timedelta(minutes=5), source="repair_centre",
        text="Internal: the on-call tech did not answer the first page.", internal=True, now=now,
    )
    services.postmortem_analysis_update(actor=actor, postmortem=pm, **ANALYSIS)
    services.preventive_action_add(
        actor=actor, postmortem=pm, description="Mark the fibre route with the utility locator.",
        owner=owner or tenant.manager, due_on=action_due,
    )
    return PostMortem.objects.get(pk=pm.pk)


def published_postmortem(tenant, *, now=NOW, **kwargs) -> PostMortem:
    pm = ready_postmortem(tenant, now=now, **kwargs)
    services.postmortem_publish(actor=tenant.manager_user, postmortem=pm, now=now)
    return PostMortem.objects.get(pk=pm.pk)


class PostMortemFactory(factory.django.DjangoModelFactory):
    """A stored post-mortem (and a bare tracking item) for list tests: no notices, no events."""

    class Meta:
        model = PostMortem

    account = None  # required: pass the tenant's account
    company = factory.LazyAttribute(lambda o: o.account.company)
    manager = None  # required
    tracking = factory.LazyAttribute(
        lambda o: EscalationFactory(
            account=o.account, assignee=o.manager, channel="email", category="postmortem", policy_mode="manager_sets"
        )
    )
    requested_at = NOW
    ticket_number = factory.Sequence(lambda n: f"TT-{5000 + n}")
    circuit_id = factory.Sequence(lambda n: f"DS1 {n}/T1/DNVR")
    event_start = EVENT_START
    event_end = EVENT_END
    impact = "Voice down."

"""The demo's review plan for Front Range Fiber: four items, the touch point held last month with
two action items (one done), its next occurrence overdue; seeding again adds nothing."""

import pytest

from demo import teams
from demo.touchpoints import seed_demo_touchpoints
from touchpoints.models import ActionItem, Occurrence, PlanItem

pytestmark = pytest.mark.django_db


def test_the_demo_plan_is_seeded_once():
    teams.seed_demo()
    assert seed_demo_touchpoints() == 4
    items = {i.kind: i for i in PlanItem.objects.filter(company__name="Front Range Fiber")}
    assert {k: i.cadence_months for k, i in items.items()} == {
        "touch_point": 1, "service_review": 3, "infrastructure_review": 3, "executive_review": 12,
    }
    touch = items["touch_point"]
    assert touch.occurrences.get(status="held").meeting.account.number == "7001-0001"
    following = touch.occurrences.get(status="open")
    assert following.owner.name == "Ana Gómez" and following.is_overdue()
    assert items["service_review"].occurrences.get().owner.name == "Dana Whitfield"
    assert sorted(ActionItem.objects.values_list("state", flat=True)) == ["done", "open"]
    assert seed_demo_touchpoints() == 0
    assert Occurrence.objects.count() == 5

"""Compliance arithmetic on a hand-built week with known answers, computed by the database.

Every item is raised and worked through ``escalations.services`` with explicit ``now=`` values
(Denver wall clock, January 2026, MST). The review looks at Mon 12 – Fri 16 Jan from Fri 16 Jan
12:00. Pager items (manager in office) have a target of 15 and a due time of 30 business minutes;
voicemail is due in 4 business hours with no target.

| item | who | channel · category | what happened | target | due | first response |
|---|---|---|---|---|---|---|
| A | Home Manager | pager · repair | answered 10 min after | met | met | 600 s |
| B | Home Manager | pager · repair | answered after 20 min | missed | met | 1200 s |
| C | Home Manager | pager · repair | answered after 45 min | missed | missed | 2700 s |
| D | Home Manager | pager · repair | paused 60 min (waiting on customer), answered after 80 | missed | met | 4800 s |
| E | Home Manager | pager · repair | never answered, past due | missed | missed | — |
| F | Home Manager | voicemail · expedite | resolved after 1 h without a response | — | met | 3600 s |
| G | Home Manager | pager · repair | raised 10 min before "now" | undecided | undecided | — |
| H | Dana Director | pager · repair | escalated to the director, she answered after 1 h | missed | missed | 3600 s |
| I | Second Manager | voicemail · billing | answered after 3 h | — | met | 10800 s |
| J | Second Manager | pager · repair | cancelled unanswered | not counted | not counted | — |

Outside the review: L (Home, the Friday before, week 2026-W02, answered in 5 min) and K
(the foreign director's group, answered in 5 min).
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from escalations import services
from reviews import compliance, rules, selectors
from tests.escalations.factories import denver, raise_item

pytestmark = pytest.mark.django_db

NOW = denver(2026, 1, 16, 12, 0)
WEEK = rules.Period(dt.date(2026, 1, 12), dt.date(2026, 1, 16))


@pytest.fixture
def week(tenant, second, director, foreign, other_director):
    home = tenant.manager_user
    items = {}

    def pager(key, at, who=tenant, **kwargs):
        items[key] = raise_item(who, at=at, subject=f"Item {key}", **kwargs)
        return items[key]

    services.escalation_respond(
        actor=home, escalation=pager("A", denver(2026, 1, 13, 10)), now=denver(2026, 1, 13, 10, 10)
    )
    services.escalation_respond(
        actor=home, escalation=pager("B", denver(2026, 1, 13, 11)), now=denver(2026, 1, 13, 11, 20)
    )
    services.escalation_respond(
        actor=home, escalation=pager("C", denver(2026, 1, 13, 13)), now=denver(2026, 1, 13, 13, 45)
    )
    paused = pager("D", denver(2026, 1, 14, 10))
    services.escalation_wait(actor=home, escalation=paused, now=denver(2026, 1, 14, 10, 10))
    services.escalation_resume(actor=home, escalation=paused, now=denver(2026, 1, 14, 11, 10))
    services.escalation_respond(actor=home, escalation=paused, now=denver(2026, 1, 14, 11, 20))
    pager("E", denver(2026, 1, 14, 14))
    resolved = pager("F", denver(2026, 1, 15, 9), channel="voicemail", category="expedite")
    services.escalation_resolve(actor=home, escalation=resolved, now=denver(2026, 1, 15, 10))
    pager("G", denver(2026, 1, 16, 11, 50))
    escalated = pager("H", denver(2026, 1, 15, 10))
    services.escalation_escalate(
        actor=home, escalation=escalated, reason="Customer asked", now=denver(2026, 1, 15, 10, 45)
    )
    services.escalation_respond(actor=director.user, escalation=escalated, now=denver(2026, 1, 15, 11))

    voicemail = pager("I", denver(2026, 1, 13, 9), who=second, channel="voicemail", category="billing")
    services.escalation_respond(actor=second.manager_user, escalation=voicemail, now=denver(2026, 1, 13, 12))
    cancelled = pager("J", denver(2026, 1, 13, 9), who=second)
    services.escalation_cancel(actor=second.manager_user, escalation=cancelled, now=denver(2026, 1, 13, 9, 5))

    services.escalation_respond(
        actor=home, escalation=pager("L", denver(2026, 1, 9, 10)), now=denver(2026, 1, 9, 10, 5)
    )
    services.escalation_respond(
        actor=foreign.manager_user,
        escalation=pager("K", denver(2026, 1, 13, 10), who=foreign),
        now=denver(2026, 1, 13, 10, 5),
    )
    return items


def report(user, period=WEEK, **kwargs):
    return compliance.compliance_report(selectors.review_scope(user=user, **kwargs), period=period, now=NOW)


def counts(figures) -> tuple:
    return (
        figures.items,
        figures.with_target,
        figures.met_target,
        figures.missed_target,
        figures.met_due,
        figures.missed_due,
        figures.escalated,
    )


def by_label(rows) -> dict:
    return {f.label: f for f in rows}


def test_paused_item_meets_its_due_time_because_resuming_moved_it(week):
    paused = week["D"]
    paused.refresh_from_db()
    assert paused.paused_business_seconds == 3600
    assert paused.due_at.astimezone(dt.UTC) == denver(2026, 1, 14, 11, 30).astimezone(dt.UTC)
    # Wall clock it was answered 80 minutes after it arrived, 50 minutes past the original due time.
    assert paused.first_response_at - paused.received_at == dt.timedelta(minutes=80)


def test_figures_per_person(week, director):
    people = by_label(report(director.user).by["person"])
    assert list(people) == ["Dana Director", "Home Manager", "Second Manager"]
    home = people["Home Manager"]
    assert counts(home) == (7, 6, 1, 4, 4, 2, 0)
    assert home.met_target_rate == pytest.approx(1 / 5)
    assert home.met_due_rate == pytest.approx(4 / 6)
    # A 600, B 1200, C 2700, F 3600, D 4800: the median is C; p90 is 60 % of the way from F to D.
    assert home.median_first_response_seconds == pytest.approx(2700)
    assert home.p90_first_response_seconds == pytest.approx(4320)

    dana = people["Dana Director"]
    assert counts(dana) == (1, 1, 0, 1, 0, 1, 1)
    assert (dana.met_target_rate, dana.met_due_rate) == (0, 0)
    assert dana.median_first_response_seconds == pytest.approx(3600)

    second = people["Second Manager"]
    assert counts(second) == (2, 1, 0, 0, 1, 0, 0)  # the cancelled item counts neither way
    assert second.met_target_rate is None
    assert second.met_due_rate == 1
    assert second.median_first_response_seconds == second.p90_first_response_seconds == pytest.approx(10800)


def test_figures_of_the_whole_group(week, director):
    total = report(director.user).total
    assert counts(total) == (10, 8, 1, 5, 5, 3, 1)
    assert total.met_target_rate == pytest.approx(1 / 6)
    assert total.met_due_rate == pytest.approx(5 / 8)
    # 600, 1200, 2700, 3600, 3600, 4800, 10800
    assert total.median_first_response_seconds == pytest.approx(3600)
    assert total.p90_first_response_seconds == pytest.approx(7200)


def test_figures_per_channel(week, director):
    channels = report(director.user).by["channel"]
    assert [f.key for f in channels] == ["pager", "voicemail"]
    pager, voicemail = channels
    assert counts(pager) == (8, 8, 1, 5, 3, 3, 1)
    assert pager.median_first_response_seconds == pytest.approx(2700)
    assert pager.p90_first_response_seconds == pytest.approx(4320)
    assert (voicemail.label, counts(voicemail)) == ("Voicemail", (2, 0, 0, 0, 2, 0, 0))
    assert voicemail.met_target_rate is None
    assert voicemail.median_first_response_seconds == pytest.approx(7200)
    assert voicemail.p90_first_response_seconds == pytest.approx(10080)


def test_figures_per_category(week, director):
    categories = {f.key: f for f in report(director.user).by["category"]}
    assert list(categories) == ["expedite", "repair", "billing"]  # the portal's order of categories
    assert counts(categories["repair"]) == (8, 8, 1, 5, 3, 3, 1)
    assert counts(categories["expedite"]) == (1, 0, 0, 0, 1, 0, 0)
    assert categories["billing"].label == "Billing"
    assert counts(categories["billing"]) == (1, 0, 0, 0, 1, 0, 0)


def test_figures_per_customer_company(week, director, tenant, second):
    companies = by_label(report(director.user).by["company"])
    assert list(companies) == ["Home Telecom", "Second Telecom"]
    assert companies["Home Telecom"].key == tenant.company.pk
    assert counts(companies["Home Telecom"]) == (8, 7, 1, 5, 4, 3, 1)
    assert counts(companies["Second Telecom"]) == (2, 1, 0, 0, 1, 0, 0)
    assert companies["Home Telecom"].median_first_response_seconds == pytest.approx(3150)  # 2700 and 3600


def test_weekly_trend_is_the_share_met_due_per_iso_week(week, director):
    period = rules.Period(dt.date(2026, 1, 5), dt.date(2026, 1, 16))
    trend = report(director.user, period=period).trend
    assert [(p.label, p.met_due, p.missed_due) for p in trend] == [("2026-W02", 1, 0), ("2026-W03", 5, 3)]
    assert trend[0].met_due_rate == 1
    assert trend[1].met_due_rate == pytest.approx(5 / 8)


def test_trend_shows_weeks_without_items_as_gaps(week, director):
    period = rules.Period(dt.date(2025, 12, 29), dt.date(2026, 1, 16))
    trend = report(director.user, period=period).trend
    assert [p.label for p in trend] == ["2026-W01", "2026-W02", "2026-W03"]
    assert trend[0].met_due_rate is None


def test_only_items_received_in_the_period_count(week, director):
    friday = rules.Period(dt.date(2026, 1, 9), dt.date(2026, 1, 9))
    assert counts(report(director.user, period=friday).total) == (1, 1, 1, 0, 1, 0, 0)
    saturday = rules.Period(dt.date(2026, 1, 17), dt.date(2026, 1, 17))
    empty = report(director.user, period=saturday).total
    assert counts(empty) == (0, 0, 0, 0, 0, 0, 0)
    assert empty.met_due_rate is None and empty.median_first_response_seconds is None


def test_another_directors_group_is_not_counted(week, director, other_director):
    assert "Foreign Manager" not in by_label(report(director.user).by["person"])
    theirs = report(other_director.user)
    assert [f.label for f in theirs.by["person"]] == ["Foreign Manager"]
    assert counts(theirs.total) == (1, 1, 1, 0, 1, 0, 0)


def test_carrier_admin_sees_every_group_or_picks_one(week, admin, director, other_director):
    everyone = report(admin.user)
    assert counts(everyone.total)[0] == 11
    assert {f.label for f in everyone.by["person"]} == {
        "Dana Director",
        "Home Manager",
        "Second Manager",
        "Foreign Manager",
    }
    picked = report(admin.user, director=other_director.pk)
    assert counts(picked.total)[0] == 1


def test_the_same_figures_come_from_either_database(week, director):
    # On PostgreSQL the percentiles come from percentile_cont, elsewhere from the sorted values:
    # both interpolate the same way.
    total = report(director.user).total
    values = sorted([600, 1200, 2700, 3600, 3600, 4800, 10800])
    assert total.p90_first_response_seconds == pytest.approx(rules.percentile(values, 0.9))
    assert connection.vendor in {"postgresql", "sqlite"}


def test_figures_come_from_aggregate_queries_one_per_table(week, director):
    scope = selectors.review_scope(user=director.user)
    assert str(scope.zone) == "America/Denver"  # resolved once per request, before the figures
    with CaptureQueriesContext(connection) as captured:
        compliance.compliance_report(scope, period=WEEK, now=NOW)
    sql = [q["sql"] for q in captured.captured_queries]
    # The whole, person, channel, category, company and the weekly trend: six aggregate queries.
    assert sum("COUNT(" in q for q in sql[:6]) == 6
    if connection.vendor == "postgresql":
        assert len(sql) == 6
        assert sum("percentile_cont(0.5) WITHIN GROUP" in q for q in sql) == 5
    else:
        # SQLite has no percentile_cont: one more query fetches the answered items' times.
        assert len(sql) == 7

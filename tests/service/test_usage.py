"""The month's figures: hours used against the package, by activity, the months before, and the
list of companies a staff member serves; and the pure rules behind them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from service import rules, selectors
from service.catalogue import ACTIVITIES
from service.models import Activity

from .factories import MONTH, TODAY, log, make_package

pytestmark = pytest.mark.django_db


# --- The catalogue --------------------------------------------------------------------------------------


def test_the_catalogue_is_the_client_service_partner_s_task_list_in_its_groups():
    rows = list(Activity.objects.order_by("sort_order").values_list("group", "name_en"))

    assert len(rows) == 23
    groups = [g for i, (g, _n) in enumerate(rows) if i == 0 or rows[i - 1][0] != g]
    assert groups == ["relationship", "incident", "configuration", "service_level", "finance"]
    assert [n for g, n in rows if g == "finance"] == [
        "Proactively manage bill production", "Process service credits", "Resolve billing enquiries",
    ]
    assert [n for g, n in rows if g == "incident"] == [
        "Incident and problem trending and reporting", "Escalation management (via the Network Operations Center)",
    ]
    assert ("configuration", "Undertake a quarterly review of infrastructure monitoring") in rows
    assert ("service_level", "Implementation of the SDP (Service Development Plan)") in rows
    assert [code for code, *_ in ACTIVITIES] == list(Activity.objects.order_by("sort_order").values_list("code",
                                                                                                          flat=True))


def test_activity_names_read_in_the_reader_s_language():
    billing = Activity.objects.get(code="billing-enquiries")

    with translation.override("es"):
        assert billing.name == "Resolver las consultas de facturación"
        assert billing.get_group_display() in ("Finance", "Finanzas")
    with translation.override("pt-br"):
        assert billing.name == "Resolver as consultas de faturamento"


# --- Rules ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "problem"), [
    ("0.25", None), ("24", None), ("7.75", None), ("abc", "Enter a number of hours."),
    ("NaN", "Enter a number of hours."), (None, "Enter a number of hours."), ("1e3", "At most 24 hours in one entry."),
])
def test_entry_hours(value, problem):
    assert rules.entry_hours_problem(value) == problem


@pytest.mark.parametrize(("used", "included", "reached", "state", "percent"), [
    ("0", "20", [], "ok", 0),
    ("15.75", "20", [], "ok", 78),
    ("15.99", "20", [], "ok", 79),
    ("16", "20", [80], "warning", 80),
    ("20", "20", [80, 100], "warning", 100),
    ("20.25", "20", [80, 100], "over", 101),
    ("5", None, [], "none", None),
])
def test_thresholds_and_states(used, included, reached, state, percent):
    used, included = Decimal(used), Decimal(included) if included else None
    assert rules.thresholds_reached(used, included) == reached
    assert rules.usage_state(used, included) == state
    assert rules.percent_used(used, included) == percent


def test_months_and_weeks():
    assert rules.parse_month("2026-12") == dt.date(2026, 12, 1)
    assert [rules.parse_month(t) for t in ("2026-13", "1999-01", "2026-1", "", None, "2026-12\x00")] == [None] * 6
    assert rules.month_end(dt.date(2028, 2, 10)) == dt.date(2028, 2, 29)
    assert rules.months_before(dt.date(2026, 2, 1), 3) == [dt.date(2026, 2, 1), dt.date(2026, 1, 1),
                                                           dt.date(2025, 12, 1)]
    assert rules.week_start(dt.date(2026, 12, 13)) == dt.date(2026, 12, 7)
    assert rules.week_days(dt.date(2026, 12, 7))[-1] == dt.date(2026, 12, 13)


def test_hours_are_written_without_needless_decimals_in_the_reader_s_language():
    assert [rules.hours_text(Decimal(v)) for v in ("20.00", "16.50", "0.25")] == ["20", "16.5", "0.25"]
    with translation.override("es"):
        assert rules.hours_text(Decimal("16.50")) == "16,5"


def test_a_month_counts_against_the_package_running_on_its_last_day():
    class P:
        def __init__(self, name, start, end=None):
            self.name, self.start_date, self.end_date = name, start, end

    silver = P("silver", dt.date(2026, 1, 1), dt.date(2026, 6, 15))
    gold = P("gold", dt.date(2026, 6, 16))
    assert rules.package_for_month([gold, silver], dt.date(2026, 6, 1)).name == "gold"
    assert rules.package_for_month([silver], dt.date(2026, 6, 1)).name == "silver"  # ended during the month
    assert rules.package_for_month([gold, silver], dt.date(2025, 12, 1)) is None


# --- Usage --------------------------------------------------------------------------------------------------


def test_the_month_by_activity_shows_the_package_s_activities_and_the_overrun(tenant, admin):
    make_package(tenant.company, actor=admin.user, hours="4",
                 codes=["service-reviews", "sla-reporting", "billing-enquiries"])
    log(tenant.manager_user, tenant.company, hours="2.5")
    log(tenant.manager_user, tenant.company, hours="2", code="billing-enquiries", date=TODAY - dt.timedelta(days=1))
    log(tenant.manager_user, tenant.company, hours="3", date=dt.date(2026, 11, 20))  # last month

    usage = selectors.month_usage(company=tenant.company, month=MONTH)

    assert (usage.used, usage.included, usage.percent, usage.state, usage.over_by) == (
        Decimal("4.5"), Decimal("4"), 112, "over", Decimal("0.5")
    )
    assert [(r.activity.code, r.hours, r.in_package) for r in usage.by_activity] == [
        ("service-reviews", Decimal("2.5"), True), ("sla-reporting", Decimal("0"), True),
        ("billing-enquiries", Decimal("2"), True),
    ]


def test_time_on_an_activity_the_package_dropped_is_still_counted(tenant, package):
    log(tenant.manager_user, tenant.company, hours="1", code="portal-training")
    package.activities.set(Activity.objects.filter(code="service-reviews"))

    usage = selectors.month_usage(company=tenant.company, month=MONTH)

    assert [(r.activity.code, r.in_package) for r in usage.by_activity] == [
        ("portal-training", False), ("service-reviews", True),
    ]
    assert usage.used == 1


def test_the_months_before_are_totals_against_each_month_s_package(tenant, admin):
    silver = make_package(tenant.company, actor=admin.user, name="Silver", hours="10",
                          start=dt.date(2026, 1, 1), end=dt.date(2026, 10, 31))
    make_package(tenant.company, actor=admin.user, name="Gold", hours="20", start=dt.date(2026, 11, 1))
    log(tenant.manager_user, tenant.company, hours="9", date=dt.date(2026, 10, 5))
    log(tenant.manager_user, tenant.company, hours="5", date=dt.date(2026, 11, 5))

    history = selectors.usage_history(company=tenant.company, month=MONTH, months=3)

    assert [(u.month, u.package.name if u.package else None, u.used) for u in history] == [
        (dt.date(2026, 12, 1), "Gold", 0), (dt.date(2026, 11, 1), "Gold", 5), (dt.date(2026, 10, 1), "Silver", 9),
    ]
    assert history[2].percent == 90 and history[2].package == silver


def test_the_staff_list_shows_the_companies_served_fullest_first(tenant, package, admin, foreign,
                                                                 foreign_package):
    log(admin.user, foreign.company, hours="9")  # 90% of Foreign Silver's 10 hours
    log(admin.user, tenant.company, hours="2")

    rows = selectors.usage_list(user=admin.user, month=MONTH)
    mine = selectors.usage_list(user=tenant.manager_user, month=MONTH)

    assert [(u.company.name, u.used, u.percent) for u in rows] == [
        ("Foreign Telecom", 9, 90), ("Home Telecom", 2, 10),
    ]
    assert [u.company.name for u in mine] == ["Home Telecom"]


def test_usage_is_read_by_staff_who_serve_the_company_and_the_customer_s_user_administrators(tenant, foreign):
    from django.http import Http404

    from tests.teams.factories import MembershipFactory, UserFactory

    plain = MembershipFactory(user=UserFactory(username="plain.user"), company=tenant.company).user

    assert selectors.usage_company_get(user=tenant.user, pk=tenant.company.pk) == tenant.company
    assert selectors.usage_company_get(user=tenant.manager_user, pk=tenant.company.pk) == tenant.company
    for user, company in ((plain, tenant.company), (tenant.user, foreign.company),
                          (tenant.manager_user, foreign.company)):
        with pytest.raises(Http404):
            selectors.usage_company_get(user=user, pk=company.pk)


def test_the_demo_gives_front_range_fiber_its_package_and_this_month_s_entries_once(db):
    from django.core.management import call_command

    from service.models import ServicePackage, TimeEntry

    call_command("seed_demo", verbosity=0)
    before = (ServicePackage.objects.count(), TimeEntry.objects.count())
    call_command("seed_demo", verbosity=0)

    package = ServicePackage.objects.get(company__name="Front Range Fiber")
    assert (package.name, package.hours_per_month) == ("Managed Service Gold", 20)
    assert package.activities.count() == 21
    assert before == (ServicePackage.objects.count(), TimeEntry.objects.count())
    assert TimeEntry.objects.filter(company__name="Front Range Fiber", escalation__isnull=False).count() == 1
    assert before[1] == 6
    usage = selectors.month_usage(company=package.company, month=rules.month_start(TODAY))
    assert usage.used == Decimal("8")


def test_hours_by_activity_over_any_period(tenant, package):
    log(tenant.manager_user, tenant.company, hours="2", date=dt.date(2026, 11, 30))
    log(tenant.manager_user, tenant.company, hours="1", code="billing-enquiries", date=dt.date(2026, 12, 1))
    log(tenant.manager_user, tenant.company, hours="0.5", date=dt.date(2026, 12, 2))

    rows = selectors.hours_by_activity(company=tenant.company, first=dt.date(2026, 11, 1), last=dt.date(2026, 12, 1))

    assert [(a.code, h) for a, h in rows] == [("service-reviews", Decimal("2")), ("billing-enquiries", Decimal("1"))]

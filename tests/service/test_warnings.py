"""At 80% and at 100% of a month's package hours the account's service people (service manager,
client support manager) and their directors are warned, once each per month and threshold; the
next month warns again. Overrun is never refused."""

import datetime as dt

import pytest

from accountteam.models import Notification, UserSettings
from service import services
from tests.teams.factories import AssignmentFactory, PersonFactory, RoleFactory

from .factories import DENVER, MONTH, TODAY, log

pytestmark = pytest.mark.django_db


def warnings() -> list[tuple[str, str]]:
    return sorted(Notification.objects.filter(kind="service_hours").values_list("key", "email"))


@pytest.fixture
def people(tenant, director):
    """The home manager (reports to Home Director) and a client support manager without a sign-in,
    who reports to nobody."""
    csm = PersonFactory(name="Cora Support", email="cora@carrier.example")
    AssignmentFactory(account=tenant.account, person=csm, role=RoleFactory(code="client-support-manager"))
    return {"manager": tenant.manager, "director": director, "csm": csm}


def keys(company, threshold, *people, month="2026-12") -> list[tuple[str, str]]:
    return sorted((f"service:{company.pk}:{month}:{threshold}:{p.pk}", p.email) for p in people)


def test_below_80_percent_nobody_is_warned(tenant, package, people):
    log(tenant.manager_user, tenant.company, hours="15.75")

    assert warnings() == []


def test_reaching_80_percent_warns_the_service_people_and_their_director_once(tenant, package, people,
                                                                              django_capture_on_commit_callbacks):
    log(tenant.manager_user, tenant.company, hours="10")
    with django_capture_on_commit_callbacks() as callbacks:
        log(tenant.manager_user, tenant.company, hours="6", date=TODAY - dt.timedelta(days=1))
    log(tenant.manager_user, tenant.company, hours="1", date=TODAY - dt.timedelta(days=2))

    expected = keys(tenant.company, 80, people["manager"], people["director"], people["csm"])
    assert warnings() == expected
    assert callbacks, "the e-mails go out after the commit"
    notice = Notification.objects.get(key=expected[0][0])
    assert notice.subject == "Home Telecom has used 80% of its service hours for December 2026"
    assert notice.body == (
        "16 of the 20 hours of the package “Managed Service Gold” are used in December 2026.\n"
        "Overrun is allowed and shown on the usage page; the work goes on."
    )
    assert notice.url == f"/service/companies/{tenant.company.pk}/?month=2026-12"
    assert notice.to_staff


def test_reaching_100_percent_warns_once_more_and_overrun_is_logged(tenant, package, people):
    log(tenant.manager_user, tenant.company, hours="16")
    log(tenant.manager_user, tenant.company, hours="4", date=TODAY - dt.timedelta(days=1))
    log(tenant.manager_user, tenant.company, hours="3", date=TODAY - dt.timedelta(days=2))

    staff = (people["manager"], people["director"], people["csm"])
    assert warnings() == sorted(keys(tenant.company, 80, *staff) + keys(tenant.company, 100, *staff))
    full = Notification.objects.get(key=f"service:{tenant.company.pk}:2026-12:100:{people['manager'].pk}")
    assert full.subject == "Home Telecom has used all its service hours for December 2026"


def test_jumping_past_both_thresholds_sends_both_warnings(tenant, package, people):
    log(tenant.manager_user, tenant.company, hours="21")

    assert {key.split(":")[3] for key, _email in warnings()} == {"80", "100"}


def test_dropping_below_and_rising_again_warns_no_more_in_the_month(tenant, package, people):
    entry = log(tenant.manager_user, tenant.company, hours="17")
    services.time_entry_delete(actor=tenant.manager_user, entry=entry)
    log(tenant.manager_user, tenant.company, hours="17")

    assert len(warnings()) == 3


def test_the_next_month_warns_again(tenant, package, people, clock):
    log(tenant.manager_user, tenant.company, hours="16")
    clock.move_to(dt.datetime(2027, 1, 5, 10, 0, tzinfo=DENVER))
    log(tenant.manager_user, tenant.company, hours="16", date=dt.date(2027, 1, 5))

    staff = (people["manager"], people["director"], people["csm"])
    assert warnings() == sorted(keys(tenant.company, 80, *staff) + keys(tenant.company, 80, *staff, month="2027-01"))


def test_time_logged_late_for_last_month_warns_about_last_month(tenant, package, people):
    log(tenant.manager_user, tenant.company, hours="16", date=dt.date(2026, 11, 30))

    assert warnings() == keys(tenant.company, 80, *people.values(), month="2026-11")


def test_a_week_s_sheet_and_a_changed_entry_warn_too(tenant, package, people):
    from decimal import Decimal

    from .factories import MONDAY, activity

    rows = [{"company": tenant.company, "activity": activity("service-reviews"), "date": MONDAY, "hours": Decimal(8)}
            for _ in range(2)]
    entries = services.time_entries_create_week(actor=tenant.manager_user, week=MONDAY, rows=rows)
    assert warnings() == keys(tenant.company, 80, *people.values())

    services.time_entry_update(actor=tenant.manager_user, entry=entries[0], hours=Decimal(12))
    assert len(warnings()) == 6


def test_people_no_longer_on_the_account_and_other_companies_are_not_warned(tenant, package, people, foreign):
    gone = PersonFactory(name="Gone Manager")
    AssignmentFactory(account=tenant.account, person=gone, role=RoleFactory(code="service-manager"),
                      start_date=dt.date(2025, 1, 1), end_date=dt.date(2025, 6, 30))
    sales = PersonFactory(name="Sales Person")
    AssignmentFactory(account=tenant.account, person=sales, role=RoleFactory(code="sales-executive"))

    log(tenant.manager_user, tenant.company, hours="16")

    emails = {email for _key, email in warnings()}
    assert gone.email not in emails and sales.email not in emails and foreign.manager.email not in emails


def test_a_small_package_warns_at_its_own_thresholds(tenant, admin, people):
    from .factories import make_package

    make_package(tenant.company, actor=admin.user, start=MONTH, hours="1")
    log(tenant.manager_user, tenant.company, hours="0.75")
    assert warnings() == []  # 75%

    log(tenant.manager_user, tenant.company, hours="0.25", date=TODAY - dt.timedelta(days=1))
    assert len(warnings()) == 6  # 100%: both thresholds at once, to each of three people


def test_each_person_reads_the_warning_in_their_language(tenant, package, people):
    UserSettings.objects.create(user=people["director"].user, language="es")

    log(tenant.manager_user, tenant.company, hours="16")

    director = Notification.objects.get(key__endswith=f":80:{people['director'].pk}")
    manager = Notification.objects.get(key__endswith=f":80:{people['manager'].pk}")
    assert (director.language, manager.language) == ("es", "en")
    assert "diciembre" in director.subject and "December 2026" in manager.subject

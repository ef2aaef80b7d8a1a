"""The demo data set (``manage.py seed_demo``) and the benchmark data (``--scale N``)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command

from demo import teams as demo
from teams.models import Account, Assignment, Company, Membership, Person, Role

pytestmark = pytest.mark.django_db

User = get_user_model()

# Measured 79 queries for seed_scale(30) on SQLite once the demo data exists: 64 of them are
# the role and calendar upserts (16 update_or_create, each with its savepoint), the rest
# bulk inserts and their read-backs. 30 companies write 334 rows (30 companies, 60 accounts,
# 240 assignments, 4 people), so row-by-row inserts could not stay under this bound.
SCALE_30_MAX_QUERIES = 80

DENVER = ZoneInfo("America/Denver")


def counts() -> dict[str, int]:
    return {
        "roles": Role.objects.count(),
        "people": Person.objects.count(),
        "companies": Company.objects.count(),
        "accounts": Account.objects.count(),
        "assignments": Assignment.objects.count(),
        "memberships": Membership.objects.count(),
        "users": User.objects.count(),
        "email addresses": EmailAddress.objects.count(),
    }


def scale_companies():
    return Company.objects.filter(name__startswith="Scale ")


# --- seed_demo -------------------------------------------------------------------------------------


def test_seed_demo_twice_gives_identical_counts():
    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")

    assert counts() == first
    assert first == {
        "roles": 11, "people": 16, "companies": 4, "accounts": 7, "assignments": 53,
        "memberships": 6, "users": 11, "email addresses": 11,
    }


def test_seed_demo_reports_its_counts(capsys):
    call_command("seed_demo")

    out = capsys.readouterr().out
    assert "Demo data ready: 11 roles, 16 people, 4 companies, 7 accounts, 53 assignments" in out


def test_seed_demo_users_can_authenticate_with_the_demo_password():
    call_command("seed_demo")
    call_command("seed_demo")  # a second run must not break the passwords

    assert len(demo.DEMO_SIGN_INS) == 11
    for username in demo.DEMO_SIGN_INS:
        user = authenticate(username=username, password="demo-pass-123")
        assert user is not None, username
        assert user.username == username
        assert EmailAddress.objects.get(user=user, primary=True).verified
    assert authenticate(username="clec.user", password="wrong-pass-123") is None


def test_seed_demo_staff_without_sign_in_have_no_user():
    call_command("seed_demo")

    tsc = Person.objects.get(email="tsc@carrier.example")
    assert tsc.user is None
    assert not User.objects.filter(username="tsc").exists()


def test_seed_demo_only_the_carrier_admin_reaches_the_back_office():
    call_command("seed_demo")

    assert set(User.objects.filter(is_staff=True).values_list("username", flat=True)) == {"carrier.admin"}
    assert Person.objects.get(user__username="carrier.admin").is_carrier_admin


def test_role_catalogue_holds_the_eleven_roles_each_sales_or_service():
    call_command("seed_demo")

    roles = {role.code: role for role in Role.objects.all()}
    assert len(roles) == 11
    assert {role.team for role in roles.values()} == {"sales", "service"}
    assert sorted(code for code, role in roles.items() if role.team == "sales") == [
        "account-director", "sales-director", "sales-engineer", "sales-executive",
    ]
    assert roles["service-manager"].name == "Service Manager"
    assert roles["service-manager"].team == "service"
    assert roles["service-manager"].also_known_as == "Service Delivery Specialist"
    assert roles["duty-manager"].name == "Duty Manager"
    assert roles["sales-executive"].name == "Sales Executive"
    assert roles["technical-service-center"].also_known_as == "TSC, 24x7"
    assert roles["technical-service-center"].allows_multiple is True
    assert roles["service-manager"].allows_multiple is False


def test_service_manager_works_denver_office_hours_and_reports_to_the_service_director():
    call_command("seed_demo")

    manager = Person.objects.select_related("calendar").get(user__username="service.manager")
    director = Person.objects.get(user__username="service.director")
    calendar = manager.calendar
    assert manager.name == "Dana Whitfield"
    assert manager.reports_to == director
    assert calendar.time_zone == "America/Denver"
    assert calendar.holiday_country == "US"
    for day in ("mon", "tue", "wed", "thu", "fri"):
        assert calendar.weekly_hours[day] == [["08:00", "17:00"]]
    assert calendar.weekly_hours["sat"] == [] and calendar.weekly_hours["sun"] == []


def test_service_manager_calendar_opens_at_8_closes_at_17_and_keeps_us_holidays():
    call_command("seed_demo")

    spec = Person.objects.get(user__username="service.manager").calendar_spec
    monday = dt.date(2025, 3, 3)
    assert not spec.is_open(dt.datetime.combine(monday, dt.time(7, 59), DENVER))
    assert spec.is_open(dt.datetime.combine(monday, dt.time(8, 0), DENVER))
    assert spec.is_open(dt.datetime.combine(monday, dt.time(16, 59), DENVER))
    assert not spec.is_open(dt.datetime.combine(monday, dt.time(17, 0), DENVER))
    assert not spec.is_open(dt.datetime(2025, 3, 8, 10, 0, tzinfo=DENVER))  # Saturday
    assert not spec.is_open(dt.datetime(2025, 7, 4, 10, 0, tzinfo=DENVER))  # Independence Day


def test_seed_demo_gives_front_range_fiber_a_service_manager_and_duty_manager():
    call_command("seed_demo")

    account = Account.objects.get(number="7001-0001")
    holders = {
        a.role.code: a.person.name for a in Assignment.objects.filter(account=account).select_related(
            "role", "person"
        )
    }
    assert holders["service-manager"] == "Dana Whitfield"
    assert holders["duty-manager"] == "Tom Becker"
    assert account.company.name == "Front Range Fiber"


def test_seed_demo_clec_admin_belongs_to_two_companies_with_front_range_default():
    call_command("seed_demo")

    memberships = {
        m.company.name: m for m in Membership.objects.filter(user__username="clec.admin").select_related(
            "company"
        )
    }
    assert set(memberships) == {"Front Range Fiber", "Prairie Voice Resale"}
    assert memberships["Front Range Fiber"].is_default and memberships["Front Range Fiber"].can_manage_users
    assert not memberships["Prairie Voice Resale"].is_default
    assert not memberships["Prairie Voice Resale"].can_escalate


# --- seed_demo --scale N ---------------------------------------------------------------------


def test_scale_adds_companies_with_two_accounts_and_full_teams():
    call_command("seed_demo")
    before = counts()

    call_command("seed_demo", scale=30)

    assert scale_companies().count() == 30
    assert counts()["companies"] == before["companies"] + 30
    assert counts()["accounts"] == before["accounts"] + 60
    assert counts()["assignments"] == before["assignments"] + 240
    for company in scale_companies().prefetch_related("accounts__assignments__role"):
        accounts = list(company.accounts.all())
        assert len(accounts) == 2, company
        for account in accounts:
            codes = sorted(a.role.code for a in account.assignments.all())
            assert codes == ["sales-director", "sales-executive", "service-director", "service-manager"]


def test_scale_service_managers_report_to_a_director_on_the_mountain_calendar():
    call_command("seed_demo", scale=30)

    account = Account.objects.get(number="SCALE000007-2")
    manager = Assignment.objects.get(account=account, role__code="service-manager").person
    assert manager.reports_to.title == "Director"
    assert manager.calendar.name == "US Mountain"


def test_repeating_scale_adds_nothing():
    call_command("seed_demo", scale=30)
    first = counts()

    call_command("seed_demo", scale=30)

    assert counts() == first


def test_a_larger_scale_adds_only_the_missing_companies():
    call_command("seed_demo", scale=30)
    before = counts()

    call_command("seed_demo", scale=35)

    assert scale_companies().count() == 35
    assert counts()["accounts"] == before["accounts"] + 10
    assert counts()["assignments"] == before["assignments"] + 40


def test_scale_inserts_in_bulk_within_a_bounded_number_of_queries(django_assert_max_num_queries):
    demo.seed_demo()

    with django_assert_max_num_queries(SCALE_30_MAX_QUERIES):
        added = demo.seed_scale(30)

    assert added == {"companies": 30, "accounts": 60, "assignments": 240}


def test_negative_scale_is_a_command_error():
    with pytest.raises(CommandError, match="--scale must be zero or more"):
        call_command("seed_demo", "--scale=-1")

    assert not Company.objects.exists()


def test_scale_with_another_prefix_adds_its_own_companies():
    demo.seed_scale(3)

    added = demo.seed_scale(3, prefix="Bench")

    assert added["companies"] == 3 and added["accounts"] == 6


def test_the_latin_american_users_read_spanish_and_portuguese_in_their_own_zones():
    from accountteam.models import UserSettings

    call_command("seed_demo")

    latam = UserSettings.objects.get(user__username="latam.user")
    brasil = UserSettings.objects.get(user__username="brasil.user")
    assert (latam.language, latam.time_zone) == ("es", "America/Argentina/Buenos_Aires")
    assert (brasil.language, brasil.time_zone) == ("pt-br", "America/Sao_Paulo")
    pampa = Company.objects.get(name="Pampa Conecta S.A.")
    manager = Assignment.objects.get(account__number="7004-0001", role__code="service-manager").person
    assert manager.name == "Martín Sosa" and manager.calendar.holiday_country == "AR"
    seller = Assignment.objects.get(account__number="7004-0002", role__code="sales-executive").person
    assert seller.calendar.holiday_country == "BR" and seller.calendar.time_zone == "America/Sao_Paulo"
    assert set(Membership.objects.filter(company=pampa).values_list("user__username", flat=True)) == {
        "latam.user", "brasil.user"}

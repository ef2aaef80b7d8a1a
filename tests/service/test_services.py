"""Logging time and setting packages up: who may, what is checked (bounds, quarter hours, the
company's package and its activities, links of the same company, 24 hours a day) and the week's
time sheet saved all or nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from service import rules, services
from service.models import Activity, ServicePackage, TimeEntry
from tests.dossiers.factories import MeetingFactory
from tests.teams.factories import AccountFactory, AssignmentFactory, PersonFactory, RoleFactory, UserFactory

from .factories import MONDAY, TODAY, activity, log, make_package

pytestmark = pytest.mark.django_db


def errors_of(excinfo) -> dict:
    return excinfo.value.message_dict


def raise_pager(tenant, subject="Circuit down"):
    from escalations.services import escalation_create

    return escalation_create(actor=tenant.user, account=tenant.account, channel="pager", category="repair",
                             subject=subject)


# --- One entry ------------------------------------------------------------------------------------------


def test_a_service_manager_logs_time_for_a_company_they_serve(tenant, package):
    entry = log(tenant.manager_user, tenant.company, hours="1.25", code="touch-point-calls", note="Monthly call.")

    stored = TimeEntry.objects.get()
    assert stored == entry
    assert (stored.person, stored.company, stored.activity.code) == (tenant.manager, tenant.company,
                                                                      "touch-point-calls")
    assert (stored.date, stored.hours, stored.note) == (TODAY, Decimal("1.25"), "Monthly call.")
    assert stored.created_by == tenant.manager_user


@pytest.mark.parametrize(("hours", "message"), [
    ("0", "Enter more than 0 hours."),
    ("-1", "Enter more than 0 hours."),
    ("24.25", "At most 24 hours in one entry."),
    ("1.1", "Log time in quarter hours (0.25, 0.5, 0.75, 1, …)."),
    ("0.3", "Log time in quarter hours (0.25, 0.5, 0.75, 1, …)."),
])
def test_hours_come_in_quarter_hours_up_to_a_day(tenant, package, hours, message):
    with pytest.raises(ValidationError) as excinfo:
        log(tenant.manager_user, tenant.company, hours=hours)

    assert errors_of(excinfo) == {"hours": [message]}
    assert not TimeEntry.objects.exists()


def test_a_whole_day_is_the_most_one_entry_holds(tenant, package):
    assert log(tenant.manager_user, tenant.company, hours="24").hours == Decimal("24")


def test_a_person_s_day_holds_24_hours_whatever_the_companies(tenant, package, foreign, admin):
    make_package(foreign.company, actor=admin.user)
    AssignmentFactory(account=foreign.account, person=tenant.manager, role=RoleFactory(code="service-manager"))
    log(tenant.manager_user, tenant.company, hours="20")

    with pytest.raises(ValidationError) as excinfo:
        log(tenant.manager_user, foreign.company, hours="4.25")

    assert errors_of(excinfo) == {"hours": ["Your time on 10 Dec 2026 would add up to 24.25 hours; a day has 24."]}
    assert log(tenant.manager_user, foreign.company, hours="4").hours == 4


def test_time_is_logged_once_spent_and_within_the_portal_s_dates(tenant, package):
    with pytest.raises(ValidationError) as future:
        log(tenant.manager_user, tenant.company, date=TODAY + dt.timedelta(days=1))
    with pytest.raises(ValidationError) as ancient:
        log(tenant.manager_user, tenant.company, date=dt.date(1999, 12, 31))

    assert errors_of(future) == {"date": ["Time is logged once it is spent: the day cannot be after today."]}
    assert errors_of(ancient)["date"] == ["Enter a date between 1 Jan 2000 and 31 Dec 2100."]


def test_a_company_the_person_does_not_serve_is_refused(tenant, foreign, foreign_package):
    with pytest.raises(ValidationError) as excinfo:
        log(tenant.manager_user, foreign.company)

    assert errors_of(excinfo) == {"company": ["Choose a company you serve."]}


def test_a_carrier_admin_logs_time_for_any_company(admin, foreign, foreign_package):
    assert log(admin.user, foreign.company).person == admin


def test_time_needs_a_package_running_that_day_that_covers_the_activity(tenant, admin):
    make_package(tenant.company, actor=admin.user, codes=["service-reviews"], start=dt.date(2026, 12, 1))

    with pytest.raises(ValidationError) as before:
        log(tenant.manager_user, tenant.company, date=dt.date(2026, 11, 30))
    with pytest.raises(ValidationError) as not_covered:
        log(tenant.manager_user, tenant.company, code="billing-enquiries")

    assert errors_of(before) == {"company": ["Home Telecom has no service package on 30 Nov 2026."]}
    assert errors_of(not_covered) == {
        "activity": ["The package “Managed Service Gold” does not cover “Resolve billing enquiries”."]
    }


def test_an_activity_no_longer_offered_takes_no_new_time(tenant, package):
    Activity.objects.filter(code="portal-training").update(is_active=False)

    with pytest.raises(ValidationError) as excinfo:
        log(tenant.manager_user, tenant.company, code="portal-training")

    assert errors_of(excinfo) == {"activity": ["“Portal training” is no longer offered."]}


def test_an_entry_links_an_escalation_a_meeting_or_a_post_mortem_of_its_company(tenant, package, foreign):
    item = raise_pager(tenant)
    meeting = MeetingFactory(account=tenant.account)

    on_item = log(tenant.manager_user, tenant.company, code="escalation-management", escalation=item)
    on_meeting = log(tenant.manager_user, tenant.company, meeting=meeting)

    assert (on_item.escalation, on_item.link) == (item, item)
    assert on_meeting.link == meeting


def test_a_link_to_another_company_s_item_or_two_links_are_refused(tenant, package, foreign):
    foreign_item = raise_pager(foreign)
    foreign_meeting = MeetingFactory(account=foreign.account)
    item = raise_pager(tenant, subject="Another")

    with pytest.raises(ValidationError) as other_item:
        log(tenant.manager_user, tenant.company, escalation=foreign_item)
    with pytest.raises(ValidationError) as other_meeting:
        log(tenant.manager_user, tenant.company, meeting=foreign_meeting)
    with pytest.raises(ValidationError) as two:
        log(tenant.manager_user, tenant.company, escalation=item, meeting=MeetingFactory(account=tenant.account))

    assert errors_of(other_item) == {"escalation": ["This escalation is another company's."]}
    assert errors_of(other_meeting) == {"meeting": ["This meeting is another company's."]}
    assert errors_of(two) == {
        "meeting": ["Link the entry to one item at most: an escalation, a meeting or a post-mortem."]
    }
    assert not TimeEntry.objects.exists()


def test_a_note_is_bounded(tenant, package):
    with pytest.raises(ValidationError) as excinfo:
        log(tenant.manager_user, tenant.company, note="x" * 4001)

    assert errors_of(excinfo) == {"note": ["At most 4,000 characters (this has 4,001)."]}


def test_customers_cannot_log_time(tenant, package):
    with pytest.raises(PermissionDenied):
        log(tenant.user, tenant.company)


# --- Change and delete ------------------------------------------------------------------------------------


def test_the_person_who_logged_an_entry_changes_it_checked_again(tenant, package):
    entry = log(tenant.manager_user, tenant.company, hours="1")

    services.time_entry_update(actor=tenant.manager_user, entry=entry, hours=Decimal("2.5"), note="Longer.")
    with pytest.raises(ValidationError) as excinfo:
        services.time_entry_update(actor=tenant.manager_user, entry=entry, hours=Decimal("2.4"))

    entry.refresh_from_db()
    assert (entry.hours, entry.note) == (Decimal("2.5"), "Longer.")
    assert errors_of(excinfo) == {"hours": ["Log time in quarter hours (0.25, 0.5, 0.75, 1, …)."]}


def test_changing_an_entry_counts_its_own_hours_once_in_the_day(tenant, package):
    entry = log(tenant.manager_user, tenant.company, hours="20")

    services.time_entry_update(actor=tenant.manager_user, entry=entry, hours=Decimal("24"))

    entry.refresh_from_db()
    assert entry.hours == 24


def test_a_note_can_change_after_the_package_dropped_the_activity(tenant, package):
    entry = log(tenant.manager_user, tenant.company, code="portal-training")
    package.activities.remove(activity("portal-training"))

    services.time_entry_update(actor=tenant.manager_user, entry=entry, note="Corrected.")
    with pytest.raises(ValidationError):
        services.time_entry_update(actor=tenant.manager_user, entry=entry, date=TODAY - dt.timedelta(days=1))


def test_a_colleague_cannot_change_or_delete_someone_else_s_entry(tenant, package, director):
    entry = log(tenant.manager_user, tenant.company)

    with pytest.raises(PermissionDenied):
        services.time_entry_update(actor=director.user, entry=entry, hours=Decimal("3"))
    with pytest.raises(PermissionDenied):
        services.time_entry_delete(actor=director.user, entry=entry)
    services.time_entry_delete(actor=tenant.manager_user, entry=entry)

    assert not TimeEntry.objects.exists()


# --- The week's time sheet --------------------------------------------------------------------------------


def row(company, code="service-reviews", day=MONDAY, hours="1", note="", **extra) -> dict:
    return {"company": company, "activity": activity(code), "date": day, "hours": Decimal(hours), "note": note,
            **extra}


def test_a_week_of_rows_is_saved_at_once(tenant, package):
    entries = services.time_entries_create_week(actor=tenant.manager_user, week=MONDAY, rows=[
        row(tenant.company, day=MONDAY, hours="2"),
        row(tenant.company, code="touch-point-calls", day=MONDAY + dt.timedelta(days=2), hours="0.5"),
        row(tenant.company, code="billing-enquiries", day=TODAY, hours="1.75", note="Invoice questions."),
    ])

    assert len(entries) == 3
    assert list(TimeEntry.objects.order_by("date").values_list("date", "hours")) == [
        (MONDAY, Decimal("2")), (dt.date(2026, 12, 9), Decimal("0.5")), (TODAY, Decimal("1.75")),
    ]


def test_one_bad_row_refuses_the_whole_week_with_each_row_s_messages(tenant, package, foreign):
    with pytest.raises(rules.SheetRefused) as excinfo:
        services.time_entries_create_week(actor=tenant.manager_user, week=TODAY, rows=[
            row(tenant.company, hours="2"),
            row(tenant.company, hours="1.1"),
            row(tenant.company, day=MONDAY - dt.timedelta(days=1)),
            row(foreign.company),
        ])

    assert excinfo.value.rows == [
        {},
        {"hours": ["Log time in quarter hours (0.25, 0.5, 0.75, 1, …)."]},
        {"date": ["Pick a day of the week of 7 Dec 2026."]},
        {"company": ["Choose a company you serve."]},
    ]
    assert excinfo.value.message_dict == {"entries": ["Nothing was saved: correct rows 2, 3, 4."]}
    assert not TimeEntry.objects.exists()


def test_the_rows_of_one_day_add_up_to_24_hours_at_most(tenant, package):
    log(tenant.manager_user, tenant.company, hours="10", date=MONDAY)

    with pytest.raises(rules.SheetRefused) as excinfo:
        services.time_entries_create_week(actor=tenant.manager_user, week=MONDAY, rows=[
            row(tenant.company, hours="8"), row(tenant.company, hours="6.5"), row(tenant.company, day=TODAY),
        ])

    assert excinfo.value.rows == [
        {}, {"hours": ["Your time on 7 Dec 2026 would add up to 24.5 hours; a day has 24."]}, {},
    ]
    assert TimeEntry.objects.count() == 1


def test_an_empty_or_oversized_sheet_is_refused(tenant, package):
    with pytest.raises(ValidationError) as empty:
        services.time_entries_create_week(actor=tenant.manager_user, week=MONDAY, rows=[])
    with pytest.raises(ValidationError) as too_many:
        services.time_entries_create_week(actor=tenant.manager_user, week=MONDAY,
                                          rows=[row(tenant.company, hours="0.25")] * 51)

    assert errors_of(empty) == {"entries": ["Fill in at least one row."]}
    assert errors_of(too_many) == {"entries": ["At most 50 rows at once."]}


# --- Packages --------------------------------------------------------------------------------------------------


def package_values(**extra) -> dict:
    return {"name": "Managed Service Gold", "hours_per_month": Decimal("20"),
            "activities": list(Activity.objects.filter(code__in=["service-reviews", "sla-reporting"])),
            "start_date": dt.date(2026, 1, 1)} | extra


def test_the_company_s_service_director_sets_its_package_up(tenant, service_director):
    package = services.package_create(actor=service_director.user, company=tenant.company, **package_values())

    assert (package.company, package.name, package.hours_per_month) == (tenant.company, "Managed Service Gold", 20)
    assert {a.code for a in package.activities.all()} == {"service-reviews", "sla-reporting"}
    assert package.created_by == service_director.user


def test_a_service_manager_or_another_company_s_director_may_not_set_a_package_up(tenant, foreign, service_director):
    with pytest.raises(PermissionDenied):
        services.package_create(actor=tenant.manager_user, company=tenant.company, **package_values())
    with pytest.raises(PermissionDenied):
        services.package_create(actor=service_director.user, company=foreign.company, **package_values())
    assert not ServicePackage.objects.exists()


@pytest.mark.parametrize(("values", "errors"), [
    ({"hours_per_month": Decimal("0")}, {"hours_per_month": ["Enter more than 0 hours."]}),
    ({"hours_per_month": Decimal("744.25")},
     {"hours_per_month": ["At most 744 hours a month (the hours of a 31-day month)."]}),
    ({"hours_per_month": Decimal("20.1")},
     {"hours_per_month": ["Give the hours in quarter hours (for example 20 or 12.5)."]}),
    ({"name": "  "}, {"name": ["Give the package a name."]}),
    ({"activities": []}, {"activities": ["Choose at least one activity the package covers."]}),
    ({"end_date": dt.date(2025, 12, 31)}, {"end_date": ["The package cannot end before it starts."]}),
])
def test_a_package_s_values_are_checked(tenant, admin, values, errors):
    with pytest.raises(ValidationError) as excinfo:
        services.package_create(actor=admin.user, company=tenant.company, **package_values(**values))

    assert errors_of(excinfo) == errors


def test_a_company_has_one_package_at_a_time(tenant, admin, package):
    with pytest.raises(ValidationError) as excinfo:
        services.package_create(actor=admin.user, company=tenant.company,
                                **package_values(name="Platinum", start_date=dt.date(2027, 1, 1)))

    assert errors_of(excinfo) == {"start_date": [
        "Home Telecom has the package “Managed Service Gold” from 1 Jan 2026: give it an end date before this one "
        "starts."
    ]}
    services.package_update(actor=admin.user, package=package, end_date=dt.date(2026, 12, 31))
    platinum = services.package_create(actor=admin.user, company=tenant.company,
                                       **package_values(name="Platinum", start_date=dt.date(2027, 1, 1)))
    assert platinum.pk and ServicePackage.objects.count() == 2


def test_changing_a_package_keeps_what_is_not_given(tenant, admin, package):
    services.package_update(actor=admin.user, package=package, hours_per_month=Decimal("32.5"))

    package.refresh_from_db()
    assert (package.name, package.hours_per_month, package.activities.count()) == (
        "Managed Service Gold", Decimal("32.5"), Activity.objects.count()
    )


def test_a_director_without_the_company_s_service_director_role_may_not_change_its_package(tenant, director,
                                                                                          package):
    other = PersonFactory(name="Other Director", user=UserFactory(username="other.director"))
    AssignmentFactory(account=AccountFactory(), person=other, role=RoleFactory(code="service-director"))

    with pytest.raises(PermissionDenied):
        services.package_update(actor=other.user, package=package, name="Renamed")
    with pytest.raises(PermissionDenied):
        services.package_update(actor=director.user, package=package, name="Renamed")

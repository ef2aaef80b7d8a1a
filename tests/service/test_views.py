"""The service pages: the staff's week time sheet (all rows or none), one entry logged from an
escalation, a meeting or a post-mortem, changed or deleted by its author; the usage pages for staff
and for the customer's user administrators (never the entries' notes); the package set-up; the
links in the other apps' pages and the menu; customers elsewhere get 404; the query budgets."""

import datetime as dt
import html
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from service.models import ServicePackage, TimeEntry
from tests.clients import signed_in as login
from tests.dossiers.factories import MeetingFactory
from tests.teams.factories import AccountFactory, AssignmentFactory, MembershipFactory, RoleFactory, UserFactory

from .factories import MONDAY, TODAY, activity, log, make_package

pytestmark = pytest.mark.django_db

SHEET = "/service/time/"
NEW = "/service/time/new/"
USAGE = "/service/usage/"
NOTE = "Internal: the customer was difficult about the credits."


def text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


def sheet_data(rows: dict[int, dict], *, days=7) -> dict:
    """The time sheet's form: row ``i`` filled with ``rows[i]``, the others left as they came."""
    data = {"rows-TOTAL_FORMS": str(days), "rows-INITIAL_FORMS": "0", "rows-MIN_NUM_FORMS": "0",
            "rows-MAX_NUM_FORMS": "50"}
    for i in range(days):
        data[f"rows-{i}-date"] = (MONDAY + dt.timedelta(days=i)).isoformat()
        for name, value in rows.get(i, {}).items():
            data[f"rows-{i}-{name}"] = value
    return data


def filled(company, code="service-reviews", hours="1", note="") -> dict:
    return {"company": company.pk, "activity": activity(code).pk, "hours": hours, "note": note}


def raise_pager(tenant, subject="Circuit down"):
    from escalations.services import escalation_create

    return escalation_create(actor=tenant.user, account=tenant.account, channel="pager", category="repair",
                             subject=subject)


# --- The time sheet ------------------------------------------------------------------------------------------


def test_the_time_sheet_shows_the_week_s_entries_and_a_row_per_day(staff, tenant, package):
    log(tenant.manager_user, tenant.company, hours="1.5", date=MONDAY, note="Weekly call.")
    log(tenant.manager_user, tenant.company, hours="3", date=MONDAY - dt.timedelta(days=1), note="Last week.")

    response = staff.get(SHEET)

    assert response.status_code == 200
    page = text(response)
    assert "Week of Mon 7 Dec 2026 to Sun 13 Dec 2026 · 1.5 h logged" in page
    assert "Weekly call." in page and "Last week." not in page
    assert len(response.context["formset"].forms) == 7
    assert 'name="rows-6-date"' in response.content.decode()

    earlier = text(staff.get(SHEET, {"week": "2026-12-02"}))
    assert "Week of Mon 30 Nov 2026 to Sun 6 Dec 2026 · 3 h logged" in earlier


def test_saving_the_sheet_logs_every_filled_row_in_one_go(staff, tenant, package):
    response = staff.post(SHEET, sheet_data({
        0: filled(tenant.company, hours="2"),
        2: filled(tenant.company, code="touch-point-calls", hours="0.75", note="Call."),
    }))

    assert response.status_code == 302
    assert response["Location"] == f"{SHEET}?week=2026-12-07"
    assert list(TimeEntry.objects.order_by("date").values_list("date", "hours", "note")) == [
        (MONDAY, Decimal("2"), ""), (dt.date(2026, 12, 9), Decimal("0.75"), "Call."),
    ]
    assert "2 entries saved." in text(staff.get(response["Location"]))


def test_one_bad_row_sends_the_whole_sheet_back_with_its_error_beside_the_field(staff, tenant, package):
    response = staff.post(SHEET, sheet_data({
        0: filled(tenant.company, hours="2", note="Kept as typed."),
        1: filled(tenant.company, hours="1.1"),
        5: filled(tenant.company, hours="1"),  # Saturday 12 December: after today
    }))

    assert response.status_code == 200
    assert not TimeEntry.objects.exists()
    forms = response.context["formset"].forms
    assert forms[0].errors == {}
    assert forms[1].errors == {"hours": ["Log time in quarter hours (0.25, 0.5, 0.75, 1, …)."]}
    assert forms[5].errors == {"date": ["Time is logged once it is spent: the day cannot be after today."]}
    page = text(response)
    assert "Nothing was saved: correct rows 2, 3." in page
    assert "Kept as typed." in page


def test_an_untouched_sheet_saves_nothing_and_says_so(staff, package):
    response = staff.post(SHEET, sheet_data({}))

    assert response.status_code == 200
    assert "Fill in at least one row." in text(response)


def test_a_row_naming_a_company_the_person_does_not_serve_is_an_error_on_the_row(staff, tenant, package, foreign):
    response = staff.post(SHEET, sheet_data({0: filled(foreign.company)}))

    assert response.status_code == 200
    assert "company" in response.context["formset"].forms[0].errors
    assert not TimeEntry.objects.exists()


# --- One entry ---------------------------------------------------------------------------------------------------


def test_log_time_from_an_escalation_for_its_company_then_back_to_the_item(staff, tenant, package):
    item = raise_pager(tenant)
    page = staff.get(reverse("escalation_detail", args=[item.pk])).content.decode()
    assert f'href="{NEW}?escalation={item.pk}"' in page

    form = staff.get(NEW, {"escalation": item.pk})
    assert form.status_code == 200
    assert form.context["form"].initial["activity"] == activity("escalation-management").pk
    assert list(form.context["form"].fields["company"].choices)[1:] == [(tenant.company.pk, "Home Telecom")]
    assert f"For escalation #{item.pk}: Circuit down" in text(form)

    response = staff.post(f"{NEW}?escalation={item.pk}", {
        "company": tenant.company.pk, "activity": activity("escalation-management").pk,
        "date": TODAY.isoformat(), "hours": "0.5", "note": "Chased the repair centre.",
    })

    assert response.status_code == 302 and response["Location"] == reverse("escalation_detail", args=[item.pk])
    entry = TimeEntry.objects.get()
    assert (entry.escalation, entry.hours, entry.person) == (item, Decimal("0.5"), tenant.manager)


def test_log_time_from_a_meeting_and_a_post_mortem(staff, tenant, package):
    meeting = MeetingFactory(account=tenant.account, kind="executive_review")
    dossier = staff.get(reverse("dossier", args=[tenant.account.pk])).content.decode()
    assert f'href="{NEW}?meeting={meeting.pk}"' in dossier

    form = staff.get(NEW, {"meeting": meeting.pk})
    assert form.context["form"].initial["activity"] == activity("executive-reviews").pk
    response = staff.post(f"{NEW}?meeting={meeting.pk}", {
        "company": tenant.company.pk, "activity": activity("executive-reviews").pk, "date": TODAY.isoformat(),
        "hours": "1",
    })
    assert response["Location"] == reverse("dossier", args=[tenant.account.pk]) + "#meetings"
    assert TimeEntry.objects.get().meeting == meeting


def test_the_customer_s_pages_offer_no_time_logging(customer, tenant, package):
    item = raise_pager(tenant)

    assert "log-time" not in customer.get(reverse("escalation_detail", args=[item.pk])).content.decode()
    assert customer.get(NEW, {"escalation": item.pk}).status_code == 404


def test_another_company_s_item_is_a_404_on_the_log_time_page(staff, foreign):
    item = raise_pager(foreign)

    assert staff.get(NEW, {"escalation": item.pk}).status_code == 404
    assert staff.get(NEW, {"meeting": "abc"}).status_code == 404


def test_a_refused_entry_shows_its_error_beside_the_field(staff, tenant, package):
    response = staff.post(NEW, {"company": tenant.company.pk, "activity": activity("service-reviews").pk,
                                "date": TODAY.isoformat(), "hours": "25"})

    assert response.status_code == 200
    assert response.context["form"].errors == {"hours": ["At most 24 hours in one entry."]}


def test_the_author_changes_and_deletes_an_entry(staff, tenant, package):
    entry = log(tenant.manager_user, tenant.company, hours="1", date=MONDAY)
    url = reverse("service_time_entry_edit", args=[entry.pk])

    assert staff.get(url).status_code == 200
    response = staff.post(url, {"company": tenant.company.pk, "activity": activity("sla-reporting").pk,
                                "date": MONDAY.isoformat(), "hours": "1.25", "note": "Report."})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.activity.code, entry.hours, entry.note) == ("sla-reporting", Decimal("1.25"), "Report.")

    delete = reverse("service_time_entry_delete", args=[entry.pk])
    assert "Delete the entry" in text(staff.get(delete))
    assert staff.post(delete).status_code == 302
    assert not TimeEntry.objects.exists()


def test_a_colleague_s_entry_is_refused_and_a_foreign_one_not_found(tenant, package, director_client, foreign,
                                                                    foreign_package, admin):
    entry = log(tenant.manager_user, tenant.company)
    foreign_entry = log(admin.user, foreign.company)

    assert director_client.get(reverse("service_time_entry_edit", args=[entry.pk])).status_code == 403
    assert director_client.post(reverse("service_time_entry_delete", args=[entry.pk])).status_code == 403
    assert director_client.get(reverse("service_time_entry_edit", args=[foreign_entry.pk])).status_code == 404
    assert TimeEntry.objects.count() == 2


# --- Usage ------------------------------------------------------------------------------------------------------


def test_the_customer_s_user_administrator_reads_the_hours_by_activity_never_the_notes(customer, tenant, package):
    log(tenant.manager_user, tenant.company, hours="16.5", note=NOTE)
    log(tenant.manager_user, tenant.company, hours="1", date=dt.date(2026, 11, 3), note="November.")

    response = customer.get(USAGE)

    assert response.status_code == 200
    page = text(response)
    assert "Service hours: Home Telecom" in page
    assert "Managed Service Gold" in page and "16.5 of 20 h (82%)" in page
    assert "Service reviews" in page
    assert "80% or more used" in page
    assert "November 2026" in page
    assert NOTE not in page and "November." not in page and "Home Manager" not in page
    assert customer.get(reverse("service_company_usage", args=[tenant.company.pk])).status_code == 200
    november = text(customer.get(USAGE, {"month": "2026-11"}))
    assert "1 of 20 h (5%)" in november


def test_a_customer_user_without_the_user_administration_right_gets_404(tenant, package):
    plain = UserFactory(username="plain.user")
    MembershipFactory(user=plain, company=tenant.company, can_manage_users=False)
    client = login(plain)

    assert client.get(USAGE).status_code == 404
    assert client.get(reverse("service_company_usage", args=[tenant.company.pk])).status_code == 404
    assert "nav-service-hours" not in client.get("/").content.decode()


def test_customers_get_404_on_the_staff_pages(customer, tenant, package):
    entry = log(tenant.manager_user, tenant.company)
    package_url = reverse("service_package_edit", args=[package.pk])

    for url in (SHEET, NEW, reverse("service_time_entry_edit", args=[entry.pk]),
                reverse("service_time_entry_delete", args=[entry.pk]), package_url,
                reverse("service_package_create", args=[tenant.company.pk])):
        assert customer.get(url).status_code == 404, url
    assert customer.post(SHEET, sheet_data({0: filled(tenant.company)})).status_code == 404


def test_staff_see_their_companies_with_usage_bars_and_each_company_s_entries(staff, tenant, package, foreign,
                                                                            foreign_package):
    log(tenant.manager_user, tenant.company, hours="21", note=NOTE)

    listing = staff.get(USAGE)
    assert listing.status_code == 200
    page = text(listing)
    assert "Home Telecom" in page and "21 of 20 h (105%)" in page and "1 h over" in page
    assert "Foreign Telecom" not in page
    assert '<progress value="21.00" max="20.00" class="usage usage-over"' in listing.content.decode()

    detail = text(staff.get(reverse("service_company_usage", args=[tenant.company.pk])))
    assert NOTE in detail and "Home Manager" in detail
    assert staff.get(reverse("service_company_usage", args=[foreign.company.pk])).status_code == 404


def test_a_bad_month_is_said_on_the_page(staff, package):
    response = staff.get(USAGE, {"month": "2026-13"})

    assert response.status_code == 200
    assert "Give a month as YYYY-MM, for example 2026-12." in text(response)


# --- Package set-up ------------------------------------------------------------------------------------------------


def test_the_service_director_sets_the_package_up_on_its_page(tenant, service_director):
    client = login(service_director.user)
    url = reverse("service_package_create", args=[tenant.company.pk])

    assert client.get(url).status_code == 200
    response = client.post(url, {
        "name": "Managed Service Silver", "hours_per_month": "12.5", "start_date": "2026-12-01",
        "activities": [activity("service-reviews").pk, activity("billing-enquiries").pk],
    })

    assert response.status_code == 302
    package = ServicePackage.objects.get()
    assert (package.name, package.hours_per_month, package.activities.count()) == (
        "Managed Service Silver", Decimal("12.5"), 2)
    edit = client.post(reverse("service_package_edit", args=[package.pk]), {
        "name": "Managed Service Silver", "hours_per_month": "12.3", "start_date": "2026-12-01",
        "activities": [activity("service-reviews").pk],
    })
    assert edit.status_code == 200
    assert edit.context["form"].errors == {
        "hours_per_month": ["Give the hours in quarter hours (for example 20 or 12.5)."]
    }


def test_a_service_manager_may_not_set_the_package_up(staff, tenant, package):
    assert staff.get(reverse("service_package_create", args=[tenant.company.pk])).status_code == 403
    assert staff.get(reverse("service_package_edit", args=[package.pk])).status_code == 403
    assert "Change the package" not in text(staff.get(reverse("service_company_usage", args=[tenant.company.pk])))


# --- Menu ------------------------------------------------------------------------------------------------------------


def test_the_menu_offers_the_time_sheet_to_staff_and_service_hours_to_customer_administrators(staff, customer):
    staff_page = staff.get("/").content.decode()
    customer_page = customer.get("/").content.decode()

    assert 'data-testid="nav-time-sheet"' in staff_page and 'data-testid="nav-service-hours"' in staff_page
    assert 'data-testid="nav-time-sheet"' not in customer_page
    assert 'data-testid="nav-service-hours"' in customer_page
    # In the user's menu, not the top bar (the director's top bar fits one line at 1366 px).
    menu = staff_page[staff_page.index('<details class="dropdown">'):]
    assert 'data-testid="nav-time-sheet"' in menu


# --- Query budgets ---------------------------------------------------------------------------------------------------


def test_the_time_sheet_costs_the_same_few_queries_however_many_entries_and_companies(
    staff, tenant, package, admin, django_assert_max_num_queries
):
    for number in range(4):
        account = AccountFactory(company__name=f"Served {number}")
        AssignmentFactory(account=account, person=tenant.manager, role=RoleFactory(code="service-manager"))
        make_package(account.company, actor=admin.user)
        for day in range(3):
            log(tenant.manager_user, account.company, date=MONDAY + dt.timedelta(days=day),
                escalation=None, note=f"{number}/{day}")

    with django_assert_max_num_queries(12):
        assert staff.get(SHEET).status_code == 200
    data = sheet_data({i: filled(tenant.company, hours="0.25") for i in range(4)})
    with django_assert_max_num_queries(18):
        response = staff.post(SHEET, data)
    assert response.status_code == 302


def test_the_usage_pages_cost_the_same_few_queries(staff, customer, tenant, package, admin,
                                                    django_assert_max_num_queries):
    for number in range(4):
        account = AccountFactory(company__name=f"Served {number}")
        AssignmentFactory(account=account, person=tenant.manager, role=RoleFactory(code="service-manager"))
        make_package(account.company, actor=admin.user)
        log(tenant.manager_user, account.company, hours="2")
    for day in range(5):
        log(tenant.manager_user, tenant.company, date=MONDAY - dt.timedelta(days=day * 7))

    with django_assert_max_num_queries(12):
        assert staff.get(USAGE).status_code == 200
    with django_assert_max_num_queries(15):
        assert staff.get(reverse("service_company_usage", args=[tenant.company.pk])).status_code == 200
    with django_assert_max_num_queries(12):
        assert customer.get(USAGE).status_code == 200


# --- Back office ----------------------------------------------------------------------------------------------------


def test_the_back_office_refuses_an_overlapping_package_as_the_pages_do(admin_client, tenant, package):
    response = admin_client.post(reverse("admin:service_servicepackage_add"), {
        "company": tenant.company.pk, "name": "Platinum", "hours_per_month": "10",
        "activities": [activity("service-reviews").pk], "start_date": "2026-06-01",
    })

    assert response.status_code == 200
    assert "has the package “Managed Service Gold” from 1 Jan 2026" in html.unescape(response.content.decode())
    assert ServicePackage.objects.count() == 1
    assert admin_client.get(reverse("admin:service_activity_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:service_timeentry_changelist")).status_code == 200

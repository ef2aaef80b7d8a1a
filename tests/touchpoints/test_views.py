"""The pages: the owner's list (overdue first), a company's plan (staff, and read-only for the
company's own users), holding a review and marking action items done, the queue's line and the
director's review section, within their query budgets."""

import datetime as dt

import pytest

from tests.clients import signed_in
from tests.dossiers.factories import ContactFactory
from tests.escalations.test_queue import PAGE_MAX_QUERIES
from tests.reviews.test_views import DASHBOARD_MAX_QUERIES
from tests.teams.factories import AccountFactory, AssignmentFactory, MembershipFactory, UserFactory
from touchpoints import services
from touchpoints.models import ActionItem, Occurrence
from touchpoints.selectors import reviews_due_counts

from .conftest import NOW, hold

pytestmark = pytest.mark.django_db


def _overdue_item(tenant, director, kind="touch_point", due=dt.date(2026, 2, 20)):
    return services.plan_item_create(actor=director.user, company=tenant.company, kind=kind, cadence_months=1,
                                     owner_role=tenant.assignment.role, first_due_on=due)


def test_the_owners_page_lists_overdue_first_then_by_due_date(tenant, director, item):
    late = _overdue_item(tenant, director).occurrences.get()
    response = signed_in(tenant.manager_user).get("/touchpoints/")
    assert response.status_code == 200
    assert [o.pk for o in response.context["occurrences"]] == [late.pk, item.occurrences.get().pk]
    assert b"overdue" in response.content


def test_the_owners_page_lists_their_open_action_items_and_marks_one_done(tenant, director, occurrence):
    held = hold(occurrence, director.user, action_items=[
        {"description": "Send the quote", "owner": tenant.manager, "due_on": dt.date(2026, 3, 9)},
    ])
    client = signed_in(tenant.manager_user)
    assert b"Send the quote" in client.get("/touchpoints/").content
    action = held.action_items.get()
    response = client.post(f"/touchpoints/actions/{action.pk}/done/", {"note": "Sent", "next": "mine"})
    assert response.status_code == 302 and response["Location"] == "/touchpoints/"
    action.refresh_from_db()
    assert action.is_done and action.done_note == "Sent"


def test_a_director_adds_to_the_plan_from_the_page(tenant, director):
    client = signed_in(director.user)
    url = f"/touchpoints/companies/{tenant.company.pk}/items/new/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"kind": "executive_review", "cadence_months": "12",
                                 "owner_role": "service-manager", "first_due_on": "2026-06-01"})
    assert response.status_code == 302
    assert tenant.company.review_plan.get().kind == "executive_review"


def test_the_owner_is_refused_on_the_plan_form(tenant):
    response = signed_in(tenant.manager_user).post(
        f"/touchpoints/companies/{tenant.company.pk}/items/new/",
        {"kind": "executive_review", "cadence_months": "12", "owner_role": "service-manager",
         "first_due_on": "2026-06-01"},
    )
    assert response.status_code == 200
    assert "director" in str(response.context["form"].non_field_errors())
    assert not tenant.company.review_plan.exists()


def _hold_post(tenant, **extra):
    data = {
        "account": tenant.account.pk, "starts_at": "2026-03-02T09:00", "duration_minutes": "45",
        "agenda": "Orders", "minutes": "All on track.",
        "actions-TOTAL_FORMS": "2", "actions-INITIAL_FORMS": "0", "actions-MIN_NUM_FORMS": "0",
        "actions-MAX_NUM_FORMS": "20",
        "actions-0-description": "Quote the augment", "actions-0-owner": tenant.manager.pk,
        "actions-0-due_on": "2026-03-09",
    }
    return data | extra


def test_the_owner_holds_a_review_from_its_page(tenant, occurrence):
    rita = ContactFactory(account=tenant.account, name="Rita Ops")
    client = signed_in(tenant.manager_user)
    page = client.get(f"/touchpoints/occurrences/{occurrence.pk}/")
    assert page.context["can_hold"]
    assert f"Rita Ops ({tenant.account.number})" in page.content.decode()
    response = client.post(f"/touchpoints/occurrences/{occurrence.pk}/hold/", _hold_post(tenant, contacts=[rita.pk]))
    assert response.status_code == 302
    occurrence.refresh_from_db()
    assert occurrence.status == Occurrence.Status.HELD
    assert list(occurrence.meeting.contacts.all()) == [rita]
    assert occurrence.action_items.get().description == "Quote the augment"


def test_a_half_filled_action_item_on_the_page_saves_nothing(tenant, occurrence):
    response = signed_in(tenant.manager_user).post(
        f"/touchpoints/occurrences/{occurrence.pk}/hold/", _hold_post(tenant, **{"actions-1-description": "Who?"})
    )
    assert response.status_code == 400
    occurrence.refresh_from_db()
    assert occurrence.is_open and not ActionItem.objects.exists()


def test_customers_read_their_plan_and_held_reviews_without_any_form(tenant, director, occurrence, customer):
    hold(occurrence, director.user, action_items=[
        {"description": "Send the quote", "owner": tenant.manager, "due_on": dt.date(2026, 3, 9)},
    ])
    response = customer.get("/touchpoints/")
    assert response.status_code == 302 and response["Location"] == f"/touchpoints/companies/{tenant.company.pk}/"
    plan = customer.get(response["Location"])
    assert plan.status_code == 200
    assert b"/edit/" not in plan.content and b"items/new" not in plan.content
    page = customer.get(f"/touchpoints/occurrences/{occurrence.pk}/")
    assert page.status_code == 200
    assert b"All orders on track." in page.content and b"Send the quote" in page.content
    assert page.context["form"] is None and b"Mark done" not in page.content
    following = Occurrence.objects.get(status="open")
    assert customer.get(f"/touchpoints/occurrences/{following.pk}/").status_code == 404  # not held yet
    action = occurrence.action_items.get()
    assert customer.post(f"/touchpoints/actions/{action.pk}/done/").status_code == 404
    assert customer.post(f"/touchpoints/occurrences/{following.pk}/hold/").status_code == 404


def test_owner_names_need_the_team_right(tenant, director, occurrence):
    user = UserFactory(username="no.team")
    MembershipFactory(user=user, company=tenant.company, can_view_team=False)
    page = signed_in(user).get(f"/touchpoints/companies/{tenant.company.pk}/")
    assert page.status_code == 200 and not page.context["show_owners"]
    assert tenant.manager.name.encode() not in page.content


def test_another_companys_plan_is_404(tenant, foreign, customer, director):
    assert customer.get(f"/touchpoints/companies/{foreign.company.pk}/").status_code == 404
    assert signed_in(tenant.manager_user).get(f"/touchpoints/companies/{foreign.company.pk}/").status_code == 404


def test_the_queue_shows_a_line_of_reviews_due(tenant, director, item):
    _overdue_item(tenant, director)
    services.plan_item_create(actor=director.user, company=tenant.company, kind="executive_review",
                              cadence_months=12, owner_role=tenant.assignment.role, first_due_on=dt.date(2026, 3, 4))
    response = signed_in(tenant.manager_user).get("/queue/")
    body = response.content.decode()
    assert 'data-testid="queue-reviews-due"' in body
    assert "1 review overdue; 1 review due this week" in body
    assert 'href="/touchpoints/"' in body


def test_the_queue_line_is_one_query_and_absent_with_nothing_due(tenant, django_assert_num_queries):
    with django_assert_num_queries(2):  # the staff profile, then the one COUNT
        counts = reviews_due_counts(user=tenant.manager_user, now=NOW)
    assert counts.total == 0
    assert b"queue-reviews-due" not in signed_in(tenant.manager_user).get("/queue/").content


@pytest.mark.parametrize("count", [2, 20])
def test_the_queue_stays_within_its_budget_with_reviews_due(tenant, director, count, django_assert_max_num_queries):
    for n in range(count):
        company_account = AccountFactory(number=f"R-{n}")
        AssignmentFactory(account=company_account, person=tenant.manager, role=tenant.assignment.role)
        services.plan_item_create(actor=director.user, company=company_account.company, kind="touch_point",
                                  cadence_months=1, owner_role=tenant.assignment.role,
                                  first_due_on=dt.date(2026, 2, 20) if n % 2 else dt.date(2026, 3, 4))
    client = signed_in(tenant.manager_user)
    with django_assert_max_num_queries(PAGE_MAX_QUERIES):
        response = client.get("/queue/")
    assert response.context["reviews_due"].total == count
    assert b"queue-reviews-due" in response.content


def test_the_directors_review_lists_the_groups_overdue_reviews(tenant, director, item, director_client):
    late = _overdue_item(tenant, director).occurrences.get()
    response = director_client.get("/review/")
    assert response.status_code == 200
    assert [o.pk for o in response.context["reviews_overdue"]] == [late.pk]
    assert "Reviews overdue in your group" in response.content.decode()


@pytest.mark.parametrize("count", [2, 20])
def test_the_directors_review_stays_within_its_budget(tenant, director, director_client, count,
                                                      django_assert_max_num_queries):
    for n in range(count):
        account = AccountFactory(number=f"R-{n}")
        AssignmentFactory(account=account, person=tenant.manager, role=tenant.assignment.role)
        _overdue_item(tenant, director) if n == 0 else services.plan_item_create(
            actor=director.user, company=account.company, kind="touch_point", cadence_months=1,
            owner_role=tenant.assignment.role, first_due_on=dt.date(2026, 2, 2),
        )
    with django_assert_max_num_queries(DASHBOARD_MAX_QUERIES):
        response = director_client.get("/review/")
    assert len(response.context["reviews_overdue"]) == count


def test_a_bystander_sees_no_plan_of_companies_they_do_not_serve(tenant, item, bystander):
    client = signed_in(bystander.user)
    assert client.get(f"/touchpoints/companies/{tenant.company.pk}/").status_code == 404
    assert client.get(f"/touchpoints/occurrences/{item.occurrences.get().pk}/").status_code == 404
    assert client.get(f"/touchpoints/items/{item.pk}/edit/").status_code == 404

"""The escalation pages: raising from the form, the item page with status, due time and
timeline, staff actions by form POST, messages for refused actions, and scoping.

The clock stands still at Tue 13 Jan 2026 10:00 in Denver (MST); pages show Denver time.
"""

import pytest
from django.utils.html import escape

from escalations.models import Escalation, Event
from tests.conftest import clock_at
from tests.escalations.factories import denver, director_of, raise_item, stored_state

pytestmark = pytest.mark.django_db

TUE_10 = denver(2026, 1, 13, 10, 0)


clock = clock_at(TUE_10, autouse=True)


def messages_text(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def events_of(item) -> list[str]:
    return list(Event.objects.filter(escalation=item).order_by("at", "pk").values_list("kind", flat=True))


@pytest.fixture
def item(tenant):
    return raise_item(tenant, at=TUE_10, channel="email", subject="Order 4471 missed its date")


# --- Raising -----------------------------------------------------------------------------------------


def test_customer_raises_an_escalation_from_the_form_and_lands_on_its_page(tenant, customer):
    form = customer.get(f"/escalations/new/?account={tenant.account.pk}")
    assert form.status_code == 200
    assert form.context["form"]["account"].value() == str(tenant.account.pk)
    response = customer.post(
        "/escalations/new/",
        {
            "account": tenant.account.pk,
            "channel": "pager",
            "category": "repair",
            "subject": "DS3 to Boulder bouncing",
            "description": "Since 07:40",
        },
    )
    item = Escalation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/escalations/{item.pk}/"
    assert (item.raised_by, item.assignee, item.channel) == (tenant.user, tenant.manager, "pager")

    page = customer.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "DS3 to Boulder bouncing" in html
    assert '<span class="status status-new" id="item-status">New</span>' in html
    assert "Tue 13 Jan 2026, 10:30 MST" in html  # 30 business minutes after 10:00
    assert 'class="event event-raised"' in html
    assert "Since 07:40" in html
    assert f"Escalation #{item.pk} raised and assigned to {tenant.manager.name}." in messages_text(page)


def test_raise_form_with_a_missing_subject_shows_the_error_and_raises_nothing(tenant, customer):
    response = customer.post(
        "/escalations/new/", {"account": tenant.account.pk, "channel": "pager", "category": "repair"}
    )
    assert response.status_code == 200
    assert "subject" in response.context["form"].errors
    assert not Escalation.objects.exists()


def test_raise_form_refuses_another_companys_account(tenant, foreign, customer):
    response = customer.post(
        "/escalations/new/",
        {"account": foreign.account.pk, "channel": "pager", "category": "repair", "subject": "Not mine"},
    )
    assert response.status_code == 200
    assert "account" in response.context["form"].errors
    assert not Escalation.objects.exists()


def test_customer_without_the_escalation_right_cannot_open_the_raise_form(tenant, customer):
    tenant.membership.can_escalate = False
    tenant.membership.save()
    assert customer.get("/escalations/new/").status_code == 403


def test_team_page_offers_raise_an_escalation_to_users_with_the_right(tenant, customer):
    link = f'href="/escalations/new/?account={tenant.account.pk}"'
    html = customer.get("/").content.decode()
    assert link in html
    assert f"Raise an escalation for {tenant.account.number}" in html
    assert link in customer.get(f"/accounts/{tenant.account.pk}/").content.decode()


def test_team_page_hides_raise_an_escalation_without_the_right(tenant, customer):
    tenant.membership.can_escalate = False
    tenant.membership.save()
    html = customer.get("/").content.decode()
    assert tenant.account.number in html  # the team is still shown
    assert "Raise an escalation" not in html


# --- Staff actions -----------------------------------------------------------------------------------


def test_staff_acknowledge_with_a_follow_up_date_from_the_item_page(item, staff):
    page = staff.get(f"/escalations/{item.pk}/")
    assert f'action="/escalations/{item.pk}/acknowledge/"' in page.content.decode()
    response = staff.post(
        f"/escalations/{item.pk}/acknowledge/", {"follow_up_on": "2026-01-15", "comment": "Calling Thursday"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/escalations/{item.pk}/"
    item = Escalation.objects.get(pk=item.pk)
    assert (item.status, str(item.follow_up_on)) == ("acknowledged", "2026-01-15")
    page = staff.get(f"/escalations/{item.pk}/")
    html = page.content.decode()
    assert (
        f"Escalation #{item.pk} acknowledged; the customer was told you will reply by Thursday 15 January."
        in messages_text(page)
    )
    assert "Follow-up promised by Thursday 15 January 2026" in html
    assert "Thu 15 Jan 2026, 17:00 MST" in html  # the next deadline: that day's close of business
    assert "Calling Thursday" in html


def test_acknowledging_an_email_without_a_follow_up_date_shows_why_and_changes_nothing(item, staff):
    before = stored_state(item)
    response = staff.post(f"/escalations/{item.pk}/acknowledge/", {"comment": "Got it"}, follow=True)
    assert "must name the date" in messages_text(response)
    assert Escalation.objects.get(pk=item.pk).status == "new"
    assert events_of(item) == ["raised"]
    assert stored_state(item) == before


def test_invalid_transition_shows_an_error_message_and_changes_nothing(item, staff):
    before = stored_state(item)
    response = staff.post(f"/escalations/{item.pk}/resume/", {"comment": "Back on it"}, follow=True)
    assert response.redirect_chain == [(f"/escalations/{item.pk}/", 302)]
    assert "An item that is new cannot be resumed." in messages_text(response)
    assert escape("An item that is new cannot be resumed.") in response.content.decode()
    stored = Escalation.objects.get(pk=item.pk)
    assert (stored.status, stored.paused_business_seconds, stored.due_at) == ("new", 0, item.due_at)
    assert events_of(item) == ["raised"]
    assert stored_state(item) == before


def test_staff_work_an_item_through_wait_resume_escalate_and_resolve(tenant, item, staff, clock):
    director = director_of(tenant.manager)
    for minute, (action, data) in enumerate(
        [("wait", {}), ("resume", {}), ("escalate", {"reason": "Repeat miss"}), ("resolve", {"comment": "Done"})],
        start=1,
    ):
        clock.move_to(denver(2026, 1, 13, 10, minute))
        assert staff.post(f"/escalations/{item.pk}/{action}/", data).status_code == 302
    stored = Escalation.objects.get(pk=item.pk)
    assert (stored.status, stored.level, stored.assignee) == ("resolved", 2, director)
    assert events_of(item) == ["raised", "waiting", "resumed", "escalated", "resolved"]


def test_staff_internal_note_is_not_shown_on_the_customers_page(item, staff, customer):
    staff.post(f"/escalations/{item.pk}/comment/", {"comment": "Vendor ticket 8812", "internal": "on"})
    staff.post(f"/escalations/{item.pk}/comment/", {"comment": "We are on it"})
    assert "Vendor ticket 8812" in staff.get(f"/escalations/{item.pk}/").content.decode()
    customer_html = customer.get(f"/escalations/{item.pk}/").content.decode()
    assert "We are on it" in customer_html
    assert "Vendor ticket 8812" not in customer_html


def test_customer_comments_from_the_item_page_but_cannot_act_as_staff(item, customer):
    assert customer.post(f"/escalations/{item.pk}/comment/", {"comment": "Any news?"}).status_code == 302
    before = stored_state(item)
    assert customer.post(f"/escalations/{item.pk}/acknowledge/", {"follow_up_on": "2026-01-15"}).status_code == 403
    assert customer.post(f"/escalations/{item.pk}/comment/", {"comment": "psst", "internal": "on"}).status_code == 403
    assert events_of(item) == ["raised", "comment"]
    assert Escalation.objects.get(pk=item.pk).status == "new"
    assert stored_state(item) == before


def test_customer_page_has_no_staff_actions(item, customer):
    html = customer.get(f"/escalations/{item.pk}/").content.decode()
    assert f"/escalations/{item.pk}/acknowledge/" not in html
    assert f"/escalations/{item.pk}/comment/" in html


# --- Scoping -----------------------------------------------------------------------------------------


def test_foreign_item_page_is_404(foreign, customer, staff):
    other = raise_item(foreign, at=TUE_10)
    before = stored_state(other)
    assert customer.get(f"/escalations/{other.pk}/").status_code == 404
    assert staff.get(f"/escalations/{other.pk}/").status_code == 404
    assert staff.post(f"/escalations/{other.pk}/resolve/").status_code == 404
    assert customer.post(f"/escalations/{other.pk}/comment/", {"comment": "Hi"}).status_code == 404
    assert events_of(other) == ["raised"]
    assert stored_state(other) == before


def test_list_page_shows_only_the_customers_company_items(tenant, foreign, customer):
    own = raise_item(tenant, at=TUE_10, subject="Ours")
    raise_item(foreign, at=TUE_10, subject="Theirs")
    response = customer.get("/escalations/")
    assert [i.pk for i in response.context["page"]] == [own.pk]
    assert "Theirs" not in response.content.decode()

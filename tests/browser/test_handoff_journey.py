"""A handoff in a real browser: the service director hands Dana Whitfield's Service Manager role over
to Luis Ortega for all her accounts, effective today; ticks the checklist, transfers her open
escalations, confirms for Luis and completes. The customer then finds Luis on the team page.

Demo data: Dana (``service.manager``) is Front Range Fiber's service manager on 7001-0001 and
7001-0002 and reports to Marcus Oyelaran (``service.director``); Luis has no sign-in.
"""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from escalations import services as escalation_services
from escalations.models import Escalation
from handoffs.models import ChecklistItem, Handoff, Step
from teams.models import Account, Person

pytestmark = pytest.mark.journey


@pytest.fixture
def customer_page(new_page, sign_in):
    """clec.user (Front Range Fiber) signed in, in a browser context of their own."""
    customer = new_page()
    sign_in(customer, "clec.user")
    return customer


def raise_for_dana(number: str, subject: str) -> Escalation:
    return escalation_services.escalation_create(
        actor=get_user_model().objects.get(username="clec.user"),
        account=Account.objects.get(number=number),
        channel="pager",
        category="expedite",  # not a repair: out of hours that would go to the duty manager
        subject=subject,
    )


def service_managers(page) -> list[str]:
    return page.locator('article.person-card[data-role="service-manager"] h4.person-name').all_inner_texts()


def test_director_hands_dana_over_to_luis_and_the_customer_sees_luis(
    demo, live_server, page, customer_page, sign_in, eager_tasks, mailoutbox
):
    open_work = [raise_for_dana("7001-0001", "T1 to Golden CO down"),
                 raise_for_dana("7001-0002", "DS3 to Colorado Springs bouncing")]
    assert {e.assignee.name for e in open_work} == {"Dana Whitfield"}
    luis = Person.objects.get(name="Luis Ortega")

    # --- Start: Service Manager, Dana → Luis, effective today (the default), all accounts ------------
    sign_in(page, "service.director")
    page.goto(f"{live_server.url}/handoffs/new/")
    page.locator("select[name=role]").select_option("service-manager")
    page.locator("select[name=outgoing]").select_option(label="Dana Whitfield")
    page.locator("select[name=incoming]").select_option(label="Luis Ortega")
    expect(page.get_by_role("radio", name="All accounts held in the role")).to_be_checked()
    page.get_by_role("button", name="Start the handoff").click()

    expect(page).to_have_url(re.compile(rf"{re.escape(live_server.url)}/handoffs/\d+/$"))
    expect(page.get_by_role("heading", name="Service Manager: Dana Whitfield → Luis Ortega")).to_be_visible()
    handoff = Handoff.objects.get()
    assert sorted(r.account.number for r in handoff.accounts.all()) == ["7001-0001", "7001-0002"]
    expect(page.get_by_test_id("account-progress")).to_have_text(["0 of 8", "0 of 8"])

    # The customer is told while the handoff runs.
    customer_page.reload()
    expect(customer_page.get_by_test_id("team-changing").first).to_contain_text(
        "Luis Ortega takes over from Dana Whitfield as your Service Manager"
    )

    # --- Tick every item ticked by hand, with an evidence note -----------------------------------------
    by_hand = ChecklistItem.objects.filter(handoff_account__handoff=handoff).exclude(step=Step.TRANSFER)
    for item in by_hand.order_by("handoff_account__account__number", "sort_order"):
        row = page.get_by_test_id(f"item-{item.pk}")
        row.locator("summary").click()
        row.get_by_label("Evidence note").fill(f"Covered with Luis: {item.title.lower()}.")
        row.get_by_role("button", name="Done", exact=True).click()
        expect(page.get_by_test_id(f"item-{item.pk}")).to_have_class(re.compile(r"\bdone\b"))
    expect(page.get_by_test_id("account-progress")).to_have_text(["7 of 8", "7 of 8"])

    # --- Transfer Dana's open escalations ------------------------------------------------------------
    page.get_by_role("button", name="Transfer all open work to Luis Ortega").click()
    expect(page.get_by_role("status")).to_contain_text("Transferred 2 escalation(s) and 0 proposal(s).")
    expect(page.get_by_test_id("no-open-work")).to_be_visible()
    expect(page.get_by_test_id("account-progress")).to_have_text(["8 of 8", "8 of 8"])
    assert {e.assignee_id for e in Escalation.objects.filter(pk__in=[e.pk for e in open_work])} == {luis.pk}

    # --- Confirm for Luis, then complete -----------------------------------------------------------------
    page.get_by_role("button", name="Confirm on behalf of Luis Ortega").click()
    expect(page.get_by_role("status")).to_contain_text("Confirmed.")
    page.get_by_role("button", name="Complete the handoff").click()
    expect(page.get_by_test_id("handoff-status")).to_have_text("Completed")
    expect(page.locator("body")).not_to_contain_text("{{")

    # --- The customer's team page: Luis is the Service Manager, Dana is gone -----------------------------
    customer_page.reload()
    expect(customer_page.get_by_role("heading", name="Your account team")).to_be_visible()
    expect(customer_page.get_by_test_id("team-changing")).to_have_count(0)
    expect(customer_page.locator('article.person-card[data-role="service-manager"]')).to_have_count(2)
    assert service_managers(customer_page) == ["Luis Ortega", "Luis Ortega"]
    expect(customer_page.locator("h4.person-name", has_text="Dana Whitfield")).to_have_count(0)
    assert any(
        m.to == ["noc@frontrangefiber.example"] and m.subject.endswith("Your new Service Manager: Luis Ortega")
        for m in mailoutbox
    )

"""The raise form's sub-topic in a real browser: it appears only for a category that has
sub-topics, lists only that category's, and routes the item (static/js/raise.js, no inline script)."""

import pytest
from playwright.sync_api import expect

from escalations.models import Escalation, RoutingRule
from escalations.policies import seed_routing

pytestmark = pytest.mark.journey

SUBJECT = "OC48 ring to our new Golden switch"


def test_sub_topic_follows_the_category_and_routes_the_item(demo, live_server, page, sign_in):
    seed_routing(RoutingRule)  # a transactional test's flush undid the data migration's rows
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    sign_in(page, "clec.user")
    page.goto(f"{live_server.url}/escalations/new/")
    page.get_by_label("Account").select_option(label="7001-0001 · Front Range Fiber – Denver Metro")
    category, topic = page.get_by_label("What is it about?"), page.locator("select[name=topic]")

    category.select_option(label="Maintenance and repair escalation")
    expect(topic).to_be_hidden()
    expect(page.locator("label[for=id_topic]")).to_be_hidden()

    category.select_option(label="ICA question")
    expect(topic).to_be_visible()
    expect(topic.locator("option")).to_have_text(
        [
            "Not sure, or neither",
            "A new Interconnection Agreement or an amendment",
            "A question on a signed Interconnection Agreement",
        ]
    )

    category.select_option(label="Project coordination")
    expect(topic.locator("option")).to_have_count(3)
    topic.select_option(label="Installing new OC systems (OC48, OC12, …)")
    page.get_by_label("How are you contacting us?").select_option(label="Email or letter")
    page.get_by_label("Subject").fill(SUBJECT)
    page.get_by_role("button", name="Raise").click()

    expect(page.get_by_role("heading", name=SUBJECT)).to_be_visible()
    item = Escalation.objects.get(subject=SUBJECT)
    assert (item.topic, item.assignee.name) == ("new_oc_system", "Priya Raman")  # the sales executive
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_a_hidden_sub_topic_is_not_sent(demo, live_server, page, sign_in):
    seed_routing(RoutingRule)
    sign_in(page, "clec.user")
    page.goto(f"{live_server.url}/escalations/new/")
    page.get_by_label("Account").select_option(label="7001-0001 · Front Range Fiber – Denver Metro")
    category = page.get_by_label("What is it about?")
    category.select_option(label="ICA question")
    page.locator("select[name=topic]").select_option(label="A new Interconnection Agreement or an amendment")
    category.select_option(label="Outage information")  # no sub-topics: the choice goes away
    page.get_by_label("Subject").fill("Outage in Boulder")
    page.get_by_role("button", name="Raise").click()

    expect(page.get_by_role("heading", name="Outage in Boulder")).to_be_visible()
    assert Escalation.objects.get(subject="Outage in Boulder").topic == ""

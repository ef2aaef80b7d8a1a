"""Written correspondence end to end, with a real SMTP exchange over loopback: clec.user writes to
the inbound address (the mail server pipes it to ``manage.py receive_mail``); the item is in the
service manager's queue with its clock started when the mail arrived; she acknowledges it in the
browser and the acknowledgement reaches the customer by SMTP, with the item's reply address; the
customer's reply to that e-mail, piped in the same way, is on the item's timeline."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import io
import re
import socket
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from escalations.models import Escalation
from mailin.models import InboundMessage

from .nav import menu

pytestmark = pytest.mark.journey

INBOUND = "support@portal.localhost"
CUSTOMER = "noc@frontrangefiber.example"  # clec.user's verified address in the demo


class Collect:
    """The SMTP server's handler: every message it is handed, as bytes."""

    def __init__(self):
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((list(envelope.rcpt_tos), envelope.original_content or envelope.content))
        return "250 OK"


@pytest.fixture
def smtp(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.INBOUND_EMAIL_ADDRESS = INBOUND
    settings.INBOUND_OWN_HOSTS = ["mx.portal.localhost"]
    yield handler
    controller.stop()


def pipe(raw: bytes) -> str:
    """What the mail server does: the message on the command's standard input."""
    out = io.StringIO()
    stdin = io.TextIOWrapper(io.BytesIO(raw))
    import sys

    before, sys.stdin = sys.stdin, stdin
    try:
        call_command("receive_mail", stdout=out)
    finally:
        sys.stdin = before
    return out.getvalue()


def mail_from_customer(*, to: str, subject: str, body: str, received: dt.datetime, **headers) -> bytes:
    message = EmailMessage()
    message["Received"] = (
        f"from mail.frontrangefiber.example by mx.portal.localhost (Postfix) with ESMTPS id 9C1D; "
        f"{format_datetime(received)}"
    )
    message["From"] = f"Front Range NOC <{CUSTOMER}>"
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(received)
    message["Message-ID"] = make_msgid(domain="frontrangefiber.example")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message.as_bytes()


def test_a_customers_email_becomes_an_item_and_the_reply_to_its_acknowledgement_lands_on_it(
    demo, live_server, page, sign_in, smtp, eager_tasks
):
    arrived = timezone.now().replace(microsecond=0) - dt.timedelta(minutes=4)
    # Front Range Fiber has two accounts: the sub-address names the one the mail is about.
    out = pipe(
        mail_from_customer(
            to="Summit Support <support+7001-0001@portal.localhost>",
            subject="Order 5521-B missed its install date",
            body="The install was due yesterday; nobody came.\n\n-- \nFront Range NOC",
            received=arrived,
        )
    )
    item = Escalation.objects.get(subject="Order 5521-B missed its install date")
    assert "delivered" in out, out
    assert (item.channel, item.received_at, item.raised_by.username) == ("email", arrived, "clec.user")
    assert item.assignee.user.username == "service.manager"

    # The customer was told the item's number at once, an automatic reply over SMTP.
    [(_to, raw_ack)] = [(to, raw) for to, raw in smtp.messages if to == [CUSTOMER]]
    ack = email.message_from_bytes(raw_ack, policy=email.policy.default)
    assert f"#{item.pk}" in ack["Subject"] and ack["Auto-Submitted"] == "auto-replied"

    sign_in(page, "service.manager")
    menu(page).get_by_role("link", name="My queue").click()
    row = page.locator(f"#row-{item.pk}")
    expect(row).to_contain_text("Order 5521-B missed its install date")
    page.goto(f"{live_server.url}/escalations/{item.pk}/")
    expect(page.locator("main")).to_contain_text("The install was due yesterday; nobody came.")
    friday = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    page.locator("#follow_up_on").fill(friday)
    page.get_by_label("Comment (the customer will read this)").fill("The crew is booked; I will confirm the slot.")
    page.get_by_role("button", name="Acknowledge", exact=True).click()
    expect(page.locator("main")).to_contain_text("acknowledged")

    # The acknowledgement reaches the customer by SMTP, threaded, with the item's reply address.
    [raw] = [raw for to, raw in smtp.messages if to == [CUSTOMER] and raw != raw_ack]
    acknowledged = email.message_from_bytes(raw, policy=email.policy.default)
    assert "The crew is booked" in acknowledged.get_body(("plain",)).get_content()
    reply_to = acknowledged["Reply-To"].addresses[0].addr_spec
    assert re.fullmatch(rf"support\+r\.{item.pk}-[0-9a-f]{{16}}@portal\.localhost", reply_to)

    # Her answer to it, from her mail client, lands on the item's timeline.
    pipe(
        mail_from_customer(
            to=reply_to,
            subject=f"Re: {acknowledged['Subject']}",
            received=timezone.now().replace(microsecond=0),
            body="Thursday morning works for us.\n\nOn Wed, Dana Whitfield wrote:\n> The crew is booked.",
            In_Reply_To=acknowledged["Message-ID"],
            References=acknowledged["References"],
        )
    )
    page.reload()
    timeline = page.locator("ol.timeline")
    expect(timeline).to_contain_text("Thursday morning works for us.")
    expect(timeline).not_to_contain_text("The crew is booked.\n>")
    assert InboundMessage.objects.filter(escalation=item).count() == 2

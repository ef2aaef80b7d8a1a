"""Factories for the mail taken in. A message row is made directly (not through the parser), with a
tiny RFC 822 original whose headers say what the row says."""

import datetime as dt

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from mailin.models import InboundAttachment, InboundMessage


def rfc822(message) -> bytes:
    name = f"{message.sender_name} " if message.sender_name else ""
    return (
        f"Message-ID: {message.message_id}\r\n"
        f"From: {name}<{message.sender}>\r\n"
        f"To: {message.recipient}\r\n"
        f"Subject: {message.subject}\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "\r\n"
        f"{message.text}\r\n"
    ).encode()


class InboundMessageFactory(factory.django.DjangoModelFactory):
    """A message in quarantine from someone the portal does not know."""

    class Meta:
        model = InboundMessage

    message_id = factory.Sequence(lambda n: f"<m{n}@customer.example>")
    source = InboundMessage.Source.PIPE
    received_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=1))
    sender = factory.Sequence(lambda n: f"sender{n}@customer.example")
    sender_name = "Carla Customer"
    recipient = "support@portal.localhost"
    subject = "Circuit 12345 down"
    text = "Our circuit 12345 has been down since 9:00.\nPlease call us."
    status = InboundMessage.Status.QUARANTINED
    reason = InboundMessage.Reason.UNKNOWN_SENDER
    raw = factory.LazyAttribute(lambda o: ContentFile(rfc822(o), name="message.eml"))
    size = factory.LazyAttribute(lambda o: o.raw.size)


class InboundAttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InboundAttachment

    message = factory.SubFactory(InboundMessageFactory)
    name = "trace.txt"
    content_type = "text/plain"
    size = 1200

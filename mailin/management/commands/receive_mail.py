import sys

from django.core.management.base import BaseCommand, CommandError

from mailin.models import InboundMessage
from mailin.services import message_deliver


class Command(BaseCommand):
    help = (
        "Deliver one RFC 5322 message read from standard input, as a mail server pipes it "
        "(Postfix: `portal unix - n n - - pipe user=portal argv=/srv/portal/bin/receive-mail`). Exit 0 when it "
        "was delivered, quarantined, ignored as automatic mail or already delivered; non-zero only when it "
        "could not be stored (the mail server then keeps it and retries)."
    )

    def handle(self, *args, **options):
        raw = sys.stdin.buffer.read()
        if not raw.strip():
            raise CommandError("No message on standard input.")
        try:
            outcome = message_deliver(raw=raw, source=InboundMessage.Source.PIPE)
        except Exception as exc:  # the mail server retries: say why on stderr, exit non-zero
            raise CommandError(f"The message could not be stored: {exc}") from exc
        self.stdout.write(f"Message {outcome.message.pk}: {outcome}.")

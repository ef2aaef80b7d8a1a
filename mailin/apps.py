from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailinConfig(AppConfig):
    """Written correspondence taken in: e-mail piped by the mail server, polled from an IMAP
    mailbox or dropped into ``var/inbox/``, delivered onto escalations, or quarantined for staff."""

    name = "mailin"
    verbose_name = _("Incoming e-mail")

"""Dates and times as each language writes them. ``FORMATS`` lists the date formats of the
templates (``|date:"…"``, localised by ``accountteam.templatetags.local_dates``) so that
makemessages extracts them; ``local_format`` does the same for Python code."""

from django.utils import dateformat
from django.utils.translation import pgettext, pgettext_lazy

FORMATS = (
    pgettext_lazy("date format", "j M Y"),
    pgettext_lazy("date format", "D j M, H:i T"),
    pgettext_lazy("date format", "j M Y H:i"),
    pgettext_lazy("date format", "D j M Y, H:i T"),
    pgettext_lazy("date format", "D j M H:i"),
    pgettext_lazy("date format", "l j F Y, H:i T"),
    pgettext_lazy("date format", "j M Y, H:i T"),
    pgettext_lazy("date format", "D j M Y"),
    pgettext_lazy("date format", "l j F, H:i T"),
    pgettext_lazy("date format", "l j F"),
    pgettext_lazy("date format", "l j F Y"),
    pgettext_lazy("date format", "r"),
    pgettext_lazy("date format", "j M Y H:i T"),
    pgettext_lazy("date format", "H:i T"),
    pgettext_lazy("date format", "D j M"),
    pgettext_lazy("date format", "l j F Y, H:i"),
    pgettext_lazy("date format", "j M, H:i"),
    pgettext_lazy("date format", "j M H:i T"),
    pgettext_lazy("date format", "j F Y"),
    pgettext_lazy("date format", "j F Y H:i T"),
    pgettext_lazy("date format", "T"),
    pgettext_lazy("date format", "H:i"),
    pgettext_lazy("date format", "D j M, H:i"),
    pgettext_lazy("date format", "D j M H:i T"),
    # Translators: a day inside a sentence, as a Django date format (d: the day with two digits,
    # M: the month in three letters, Y: the year), e.g. “05 Mar 2025”.
    pgettext_lazy("date format", "d M Y"),
    # Translators: a day and time inside a sentence, as a Django date format (d: the day with two
    # digits, M: the month in three letters, Y: the year, H:i: the time), e.g. “05 Mar 2025 14:30”.
    pgettext_lazy("date format", "d M Y H:i"),
    # Translators: a day and time inside a sentence, without the year, as a Django date format (d: the
    # day with two digits, M: the month in three letters, H:i: the time), e.g. “05 Mar 14:30”.
    pgettext_lazy("date format", "d M H:i"),
    # Translators: a day and month inside a sentence, as a Django date format (d: the day with two
    # digits, M: the month in three letters), e.g. “05 Mar”.
    pgettext_lazy("date format", "d M"),
    # Translators: one day as the review's period, as a Django date format (D: the weekday in three
    # letters, d: the day with two digits, M: the month in three letters, Y: the year), e.g. “Wed 05 Mar
    # 2025”.
    pgettext_lazy("date format", "D d M Y"),
    # Translators: a day in words inside a sentence, as a Django date format (l: the weekday, d: the day
    # with two digits, F: the month, Y: the year), e.g. “Wednesday 05 March 2025”. Escape literal
    # letters: "l d \d\e F \d\e Y".
    pgettext_lazy("date format", "l d F Y"),
    # Translators: a month and its year, as a Django date format (F: the month, Y: the year), e.g.
    # “March 2025”. Escape literal letters: "F \d\e Y".
    pgettext_lazy("date format", "F Y"),
)


def local_format(value, fmt: str) -> str:
    """``value`` (a date or an aware datetime, already in the reader's zone) in ``fmt`` as the
    active language writes it; ``fmt`` must be one of ``FORMATS``."""
    return dateformat.format(value, pgettext("date format", fmt))

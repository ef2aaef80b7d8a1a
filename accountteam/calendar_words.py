"""Day and month names as Django's date formats write them, carried in the portal's own catalogues
so that they read right in the middle of a sentence: Django's Brazilian Portuguese writes
"Sexta-feira, 4 de Dezembro", Portuguese writes "sexta-feira, 4 de dezembro". The portal's
catalogues (LOCALE_PATHS) come before Django's, so these entries replace its names. Nothing calls
these tables: they exist for the message extraction, with the same messages and contexts as
``django.utils.dates``."""

from django.utils.translation import gettext_noop, pgettext_lazy

WEEKDAYS = [
    gettext_noop("Monday"), gettext_noop("Tuesday"), gettext_noop("Wednesday"), gettext_noop("Thursday"),
    gettext_noop("Friday"), gettext_noop("Saturday"), gettext_noop("Sunday"),
]
WEEKDAYS_ABBR = [
    gettext_noop("Mon"), gettext_noop("Tue"), gettext_noop("Wed"), gettext_noop("Thu"), gettext_noop("Fri"),
    gettext_noop("Sat"), gettext_noop("Sun"),
]
MONTHS = [
    gettext_noop("January"), gettext_noop("February"), gettext_noop("March"), gettext_noop("April"),
    gettext_noop("May"), gettext_noop("June"), gettext_noop("July"), gettext_noop("August"),
    gettext_noop("September"), gettext_noop("October"), gettext_noop("November"), gettext_noop("December"),
]
MONTHS_3 = [
    gettext_noop("jan"), gettext_noop("feb"), gettext_noop("mar"), gettext_noop("apr"), gettext_noop("may"),
    gettext_noop("jun"), gettext_noop("jul"), gettext_noop("aug"), gettext_noop("sep"), gettext_noop("oct"),
    gettext_noop("nov"), gettext_noop("dec"),
]
MONTHS_AP = [
    pgettext_lazy("abbrev. month", "Jan."), pgettext_lazy("abbrev. month", "Feb."),
    pgettext_lazy("abbrev. month", "March"), pgettext_lazy("abbrev. month", "April"),
    pgettext_lazy("abbrev. month", "May"), pgettext_lazy("abbrev. month", "June"),
    pgettext_lazy("abbrev. month", "July"), pgettext_lazy("abbrev. month", "Aug."),
    pgettext_lazy("abbrev. month", "Sept."), pgettext_lazy("abbrev. month", "Oct."),
    pgettext_lazy("abbrev. month", "Nov."), pgettext_lazy("abbrev. month", "Dec."),
]
MONTHS_ALT = [
    pgettext_lazy("alt. month", "January"), pgettext_lazy("alt. month", "February"),
    pgettext_lazy("alt. month", "March"), pgettext_lazy("alt. month", "April"),
    pgettext_lazy("alt. month", "May"), pgettext_lazy("alt. month", "June"),
    pgettext_lazy("alt. month", "July"), pgettext_lazy("alt. month", "August"),
    pgettext_lazy("alt. month", "September"), pgettext_lazy("alt. month", "October"),
    pgettext_lazy("alt. month", "November"), pgettext_lazy("alt. month", "December"),
]

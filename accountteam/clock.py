"""The carrier's day: the one place a calendar date is read off the clock."""

from __future__ import annotations

from django.utils import timezone


def carrier_today(at=None):
    """The carrier's calendar date (its configured zone) at ``at`` or now.

    Assignment periods are dates in the carrier's zone: which one is current must not depend
    on the time zone of whoever is looking.
    """
    return timezone.localdate(at or timezone.now(), timezone.get_default_timezone())

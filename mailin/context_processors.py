"""The navigation's count of the mail waiting in the quarantine: one COUNT, for staff only."""

from teams.scoping import staff_person

from .selectors import quarantine_count


def quarantine(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or staff_person(user) is None:
        return {}
    return {"quarantined_mail": quarantine_count(user=user)}

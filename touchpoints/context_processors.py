"""The queue's line of reviews due: one COUNT query, for staff only, and only when a page shows it
(the value is lazy, so every other page pays nothing)."""

from django.utils.functional import SimpleLazyObject

from teams.scoping import staff_person

from .selectors import reviews_due_counts


def reviews_due(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or staff_person(user) is None:
        return {}
    return {"reviews_due": SimpleLazyObject(lambda: reviews_due_counts(user=user))}

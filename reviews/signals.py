"""Whether the header shows "Review": decided at sign-in and kept in the session, like the time
zone, so that no page pays a query for it (the pages themselves check on every request)."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from teams.models import Person
from teams.scoping import staff_person

SESSION_KEY = "can_review"


def can_review(user) -> bool:
    """Carrier admins and directors (people with at least one active report)."""
    person = staff_person(user)
    if person is None:
        return False
    return person.is_carrier_admin or Person.objects.filter(reports_to=person, is_active=True).exists()


@receiver(user_logged_in)
def _remember_review_access(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = can_review(user)

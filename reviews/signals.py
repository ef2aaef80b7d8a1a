"""Whether the header shows "Review": decided at sign-in and kept in the session, like the time
zone, so that no page pays a query for it (the pages themselves check on every request)."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .selectors import can_review

SESSION_KEY = "can_review"


@receiver(user_logged_in)
def _remember_review_access(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = can_review(user)

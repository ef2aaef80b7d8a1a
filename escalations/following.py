"""Following items: a company's users choose to get an item's customer notices (``customer_notices``)
or to stop getting them. The raiser follows their item from the start, without a row, until they
stop; anyone else follows with a row. Staff do not follow: an item's notices reach them as its
assignee."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import BooleanField, Case, Exists, OuterRef, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from teams.scoping import staff_person

from .models import Escalation, Follow

# The English texts (message ids, translated where they are raised: ``gettext(STAFF_DO_NOT_FOLLOW)``).
STAFF_DO_NOT_FOLLOW = gettext_noop(
    "Only the customer's users follow items; staff get the item's notices as its assignee."
)
NOT_YOURS = gettext_noop("This item is not one of your company's.")


@transaction.atomic
def escalation_follow(*, user, escalation: Escalation, following: bool, now: dt.datetime | None = None) -> Follow:
    """A customer user who can see ``escalation`` follows it (``following``) or stops following it;
    a raiser who stops keeps a row saying so. Doing it twice changes nothing more. Staff are refused
    (PermissionDenied), and so is a user who cannot see the item."""
    now = now or timezone.now()
    if staff_person(user) is not None:
        raise PermissionDenied(_(STAFF_DO_NOT_FOLLOW))
    if not Escalation.objects.visible_to(user).filter(pk=escalation.pk).exists():
        raise PermissionDenied(_(NOT_YOURS))
    follow, _created = Follow.objects.update_or_create(
        escalation_id=escalation.pk,
        user=user,
        defaults={"following": following},
        create_defaults={"following": following, "created_at": now},
    )
    return follow


def with_following(items, *, user):
    """``items`` with ``following``, for a customer user, computed in the query (no query per row):
    they chose to follow, or they raised it and did not stop. The customer's ``visible_to`` already
    holds their escalation right in the item's company, which ``customer_notices.follower_ids``
    also asks of a follower."""
    rows = Follow.objects.filter(escalation=OuterRef("pk"), user=user)
    chose = Exists(rows.filter(following=True))
    stopped = Exists(rows.filter(following=False))
    # A Case, not a bare boolean expression: ``raised_by = user`` is NULL for an item without a
    # raiser, and NULL must read as "not following", never as "unknown".
    return items.annotate(
        following=Case(
            When(Q(chose) | (Q(raised_by=user) & ~Q(stopped)), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )

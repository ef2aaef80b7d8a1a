"""What follows from changes to teams' rows on a lower floor's records."""

from __future__ import annotations

from django.db.models.signals import post_delete
from django.dispatch import receiver

from accountteam.tokens import api_tokens_revoke_all

from .models import Membership


@receiver(post_delete, sender=Membership, dispatch_uid="teams.last_membership_revokes_tokens")
def revoke_tokens_after_last_membership(sender, instance, **kwargs):
    """A user removed from their last company (by ``membership_remove``, the back office, or a
    company deleted) loses API access at once: their API tokens are revoked."""
    if not Membership.objects.filter(user_id=instance.user_id).exists():
        api_tokens_revoke_all(user_id=instance.user_id, reason="left the last company")

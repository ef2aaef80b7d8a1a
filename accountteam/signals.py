"""A changed password revokes the user's API tokens, by whatever route it changed (allauth's
pages, the back office, ``set_password`` and ``save``): the user model's save is watched."""

from __future__ import annotations

from django.conf import settings
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from .tokens import api_tokens_revoke_all

FLAG = "_api_tokens_revoke_on_save"


def _is_hash_upgrade(user, update_fields) -> bool:
    # Django re-hashes a password when its hasher changed (on sign-in) and saves only the password
    # after clearing ``_password``, "so hash upgrades are not considered password changes".
    return update_fields is not None and set(update_fields) == {"password"} and getattr(user, "_password", 1) is None


@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="accountteam.password_change_noted")
def note_password_change(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or instance.pk is None or (update_fields is not None and "password" not in update_fields):
        return
    if _is_hash_upgrade(instance, update_fields):
        return
    stored = sender._default_manager.filter(pk=instance.pk).values_list("password", flat=True).first()
    setattr(instance, FLAG, stored is not None and stored != instance.password)


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="accountteam.password_change_revokes_tokens")
def revoke_tokens_after_password_change(sender, instance, created=False, **kwargs):
    if getattr(instance, FLAG, False):
        setattr(instance, FLAG, False)
        api_tokens_revoke_all(user_id=instance.pk, reason="password changed")

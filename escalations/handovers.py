"""Rows of the apps above escalations that follow an item when it changes hands.

A post-mortem names the service manager of its tracking item: when a reassignment (by hand,
``services.escalation_reassign``, or by a handoff, ``services.escalations_hand_over``) moves the
item to another person, the post-mortem must name them too. Escalations does not know the apps
above it, so they register a follower here (postmortems, in ``PostmortemsConfig.ready``), and the
services announce the move with ``items_handed_over``, in the transaction that moved the items.
(An escalation to the director does not: the director steps in; the post-mortem stays the
manager's.)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Protocol


class Follower(Protocol):
    def __call__(self, *, actor, escalations: Sequence, assignee, now: dt.datetime) -> object: ...


_FOLLOWERS: list[Callable[..., object]] = []


def hand_over_followers_register(follower: Follower) -> None:
    """Add a follower: called with the items that moved (``escalations``), their new ``assignee``,
    the ``actor`` and ``now``, inside the transaction that moved them."""
    if follower not in _FOLLOWERS:
        _FOLLOWERS.append(follower)


def items_handed_over(*, actor, escalations: Sequence, assignee, now: dt.datetime) -> None:
    """Tell the followers that ``escalations`` are now ``assignee``'s."""
    if not escalations:
        return
    for follower in _FOLLOWERS:
        follower(actor=actor, escalations=escalations, assignee=assignee, now=now)

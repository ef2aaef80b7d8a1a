"""The routing table read the other way round: what each role on a team is contacted for. Pure
(no ORM, no clock): the rows and the roles held on the account are parameters."""

from __future__ import annotations

from collections.abc import Iterable

from . import rules


def _answerer(rows, *, company_id, category: str, topic: str, held: frozenset[str]) -> str | None:
    route = rules.pick_route(rows, company_id=company_id, category=category, topic=topic)
    return rules.first_held(route, {code: code for code in held})


def answered_by(
    rows: list[rules.RouteRow], *, company_id, held: Iterable[str], categories: Iterable[str]
) -> dict[str, list[tuple[str, str]]]:
    """Role code → the (category, sub-topic) pairs that role answers on an account whose team
    holds the roles ``held``, in the order of ``categories``. The routing is the one the raise
    uses (``rules.pick_route``: the company's rows over the carrier's, then the first role held).

    A category whose sub-topics all go to the same role is listed once, with sub-topic "";
    otherwise each sub-topic is listed under its own role, and the category without a sub-topic
    only where it goes to yet another role."""
    held = frozenset(held)
    duties: dict[str, list[tuple[str, str]]] = {}

    def add(role: str | None, category: str, topic: str) -> None:
        if role is not None:
            duties.setdefault(role, []).append((category, topic))

    for category in categories:
        generic = _answerer(rows, company_id=company_id, category=category, topic="", held=held)
        topics = rules.TOPICS.get(category, ())
        by_topic = {
            topic: _answerer(rows, company_id=company_id, category=category, topic=topic, held=held) for topic in topics
        }
        if set(by_topic.values()) <= {generic}:
            add(generic, category, "")
            continue
        for topic, role in by_topic.items():
            add(role, category, topic)
        if generic not in by_topic.values():
            add(generic, category, "")
    return duties

"""Demo post-mortems for `seed_demo`: one published (with a preventive action still open), one
just requested, shorter than the threshold, and one published for Pampa Conecta's São Paulo
account, written for its Brazilian readers. Idempotent by ticket number.

The published one's story is told in the demo's zone (the portal's default, where the demo users
are): the outage starts at 06:10 local time nine days ago and lasts 11 h 20 min, and its summary is
written from those instants, so the summary and the event's times on the page always agree."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from postmortems import rules, services
from postmortems.models import PostMortem
from teams.models import Account, Person

OUTAGE_STARTS = dt.time(6, 10)  # local time in the demo's zone
OUTAGE_LASTS = dt.timedelta(hours=11, minutes=20)


def _local(instant: dt.datetime, zone) -> str:
    """'06:10 MST on Tuesday 3 March' in ``zone``."""
    at = instant.astimezone(zone)
    return f"{at:%H:%M} {at.tzname()} on {at:%A} {at.day} {at:%B}"


def outage_summary(start: dt.datetime, end: dt.datetime, zone) -> str:
    """TR-88214's summary, from its event's start and end as the demo's zone reads them."""
    local_end = end.astimezone(zone)
    same_day = local_end.date() == start.astimezone(zone).date()
    restored = f"{local_end:%H:%M} {local_end.tzname()}" if same_day else _local(end, zone)
    return (
        f"DS3 101 and its protect path failed together at {_local(start, zone)} and were restored at "
        f"{restored}, {rules.format_duration(end - start)} later."
    )


@transaction.atomic
def seed_demo_postmortems() -> int:
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["clec.user", "service.manager"])}
    account = Account.objects.filter(number="7001-0001").first()
    manager = Person.objects.filter(user__username="service.manager").first()
    if account is None or manager is None or len(users) < 2:
        return 0
    now = timezone.now()
    zone = timezone.get_default_timezone()
    created = 0
    if not PostMortem.objects.filter(ticket_number="TR-88214").exists():
        day = timezone.localdate(now, zone) - dt.timedelta(days=9)
        start = dt.datetime.combine(day, OUTAGE_STARTS, tzinfo=zone)
        end = start + OUTAGE_LASTS
        # Requested the next morning; the service manager accepts it two hours later (a first
        # response the compliance report can measure, not one at the instant of the request).
        requested = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(9, 40), tzinfo=zone)
        accepted = requested + dt.timedelta(hours=2, minutes=5)
        pm = services.postmortem_request(
            actor=users["clec.user"], account=account, ticket_number="TR-88214", circuit_id="DS3 DNVRCO-BLDRCO 101",
            event_start=start, event_end=end,
            impact=f"All voice and data to the Boulder collocation down for {rules.format_duration(end - start)}; "
                   "1,900 end users affected.",
            questions="Why did the protect path not take over? What stops this from happening again?",
            now=requested,
        )
        actor = users["service.manager"]
        services.postmortem_accept(actor=actor, postmortem=pm, complexity="medium", now=accepted)
        for offset, source, text in [
            (dt.timedelta(minutes=0), "noc", "Loss of signal alarms on DS3 101 and its protect path."),
            (dt.timedelta(minutes=25), "repair_centre", "Trouble report opened; technician dispatched to Boulder CO."),
            (dt.timedelta(hours=3), "field", "Fibre sheath cut found at a road crossing; both paths share the duct."),
            (OUTAGE_LASTS, "repair_centre", "Splicing complete; circuit tested clean."),
        ]:
            services.postmortem_note_add(actor=actor, postmortem=pm, at=start + offset, source=source, text=text,
                                         now=accepted)
        services.postmortem_analysis_update(
            actor=actor, postmortem=pm,
            summary=outage_summary(start, end, zone),
            root_cause="A contractor's directional drill cut the fibre duct at the Arapahoe Road crossing. "
                       "The working and protect paths ran in the same duct for 300 m, so both failed.",
            restoration="The repair centre spliced 96 fibres on site and moved the protect path to a "
                        "temporary route while the duct is rebuilt.",
            recommendations="Order diverse entrance facilities for the Boulder collocation.",
        )
        services.preventive_action_add(
            actor=actor, postmortem=pm, description="Re-route the protect path through the north duct.",
            owner=manager, due_on=timezone.localdate() + dt.timedelta(days=14),
        )
        services.postmortem_publish(actor=actor, postmortem=pm, now=start + dt.timedelta(days=6))
        created += 1
    if not PostMortem.objects.filter(ticket_number="TR-90117").exists():
        start = now - dt.timedelta(days=1, hours=4)
        services.postmortem_request(
            actor=users["clec.user"], account=account, ticket_number="TR-90117", circuit_id="DS1 LTTNCO 7742",
            event_start=start, event_end=start + dt.timedelta(hours=2, minutes=40),
            impact="Intermittent errors on one DS1 serving a hospital clinic.",
            questions="Was this related to the maintenance window announced for that night?",
        )
        created += 1
    created += _seed_sao_paulo(now)
    return created


def _seed_sao_paulo(now: dt.datetime) -> int:
    """TT-55120 on Pampa Conecta – São Paulo, requested by brasil.user and published by the
    service director (Martín Sosa, the account's service manager, reports to him); the analysis is
    written in Portuguese, for its readers, and the PDF's own words follow the reader's language."""
    if PostMortem.objects.filter(ticket_number="TT-55120").exists():
        return 0
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["brasil.user", "service.director"])}
    account = Account.objects.filter(number="7004-0002").first()
    owner = Person.objects.filter(email="martin.sosa@carrier.example").first()
    if account is None or owner is None or len(users) < 2:
        return 0
    zone = zoneinfo.ZoneInfo("America/Sao_Paulo")
    start = dt.datetime.combine(timezone.localdate(now, zone) - dt.timedelta(days=20), dt.time(14, 5), tzinfo=zone)
    end = start + dt.timedelta(hours=6, minutes=35)
    pm = services.postmortem_request(
        actor=users["brasil.user"], account=account, ticket_number="TT-55120", circuit_id="E1 SPO-CPS 3310",
        event_start=start, event_end=end,
        impact="Todo o tráfego de voz entre São Paulo e Campinas ficou fora do ar por 6 h 35 min; cerca de "
               "4.000 clientes finais afetados.",
        questions="Por que a rota alternativa não assumiu o tráfego? O que impede que isso se repita?",
        now=start + dt.timedelta(days=1),
    )
    actor = users["service.director"]
    accepted = start + dt.timedelta(days=1, hours=2)
    services.postmortem_accept(actor=actor, postmortem=pm, complexity="medium", now=accepted)
    services.postmortem_analysis_update(
        actor=actor, postmortem=pm,
        summary="O E1 3310 e sua rota de proteção caíram juntos às 14:05 e foram restabelecidos às 20:40, "
                "6 h 35 min depois.",
        root_cause="Uma atualização de software no multiplexador de Campinas reiniciou as duas placas de "
                   "linha ao mesmo tempo; a rota de proteção dependia do mesmo equipamento.",
        restoration="O Centro de Serviço Técnico reverteu a atualização e testou o circuito de ponta a ponta.",
        recommendations="Atualizar as placas de linha uma de cada vez e levar a proteção para outro equipamento.",
    )
    services.preventive_action_add(
        actor=actor, postmortem=pm, description="Mover a rota de proteção para o multiplexador de Jundiaí.",
        owner=owner, due_on=timezone.localdate(now) + dt.timedelta(days=21),
    )
    services.postmortem_publish(actor=actor, postmortem=pm, now=start + dt.timedelta(days=5))
    return 1

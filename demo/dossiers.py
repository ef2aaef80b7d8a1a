"""Demo dossiers for `seed_demo`: profiles, contacts, the agreement and an amendment, the review
meetings and open proposals of the demo accounts (demo/teams.py). Idempotent: a row whose name or
title already exists on its account is left alone, a profile once written is not overwritten, and a
corporate profile is only filled in when empty. Written through ``dossier_save`` so the history
shows where each row came from."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from dossiers import services
from dossiers.models import Amendment, Contact, Meeting, Proposal
from teams.models import Account, Person

PRIYA = "priya.raman@carrier.example"  # Sales Executive of Front Range Fiber and Prairie Voice
HANNAH = "hannah.cole@carrier.example"  # Sales Executive of Mesa Telecom
ELENA = "elena.vasquez@carrier.example"  # Sales Director
DANA = "dana.whitfield@carrier.example"  # Service Manager, Front Range Fiber
LUIS = "luis.ortega@carrier.example"  # Service Manager, Mesa Telecom and Prairie Voice
MARCUS = "marcus.oyelaran@carrier.example"  # Service Director
ANA = "ana.gomez@carrier.example"  # Client Support Manager, Front Range Fiber

COMPANY_PROFILES = {
    "Front Range Fiber": (
        "Facilities-based CLEC founded in 2009, serving about 4,800 small and mid-size businesses along "
        "Colorado's Front Range. Owns 62 route-miles of metro fiber in Denver and Colorado Springs and two "
        "Class 5 switches; buys unbundled loops, EELs and interoffice transport from us to reach buildings "
        "off its network. Privately held; growth funded by a 2023 infrastructure fund investment."
    ),
    "Mesa Telecom": (
        "CLEC serving the Albuquerque and Santa Fe metro areas since 2014: business voice, SIP trunking and "
        "dedicated internet for about 1,900 customers, many of them public-sector and healthcare sites. "
        "Collocated in three of our central offices; resells our DS1 and Ethernet access outside them."
    ),
    "Prairie Voice Resale": (
        "Reseller of local voice and broadband to residential and small-business customers in eastern "
        "Nebraska (about 11,000 lines). Runs no switches of its own: buys our wholesale voice platform and "
        "resold DSL/fiber broadband, and handles billing and first-line support itself."
    ),
    # In the customer's own words: an Argentine company writes its profile in Spanish.
    "Pampa Conecta S.A.": (
        "Operador CLEC argentino fundado en 2012, con red propia de fibra en el Gran Buenos Aires y una "
        "oficina comercial en São Paulo desde 2024. Atiende a unas 2.600 empresas medianas; nos compra "
        "transporte internacional, acceso Ethernet y troncales SIP para llegar a sus clientes en Brasil."
    ),
}


def _ica(signed: dt.date, effective: dt.date, expires: dt.date) -> dict:
    return dict(kind=Amendment.Kind.AGREEMENT, status=Amendment.Status.SIGNED,
                requested_on=signed - dt.timedelta(days=75), signed_on=signed, effective_on=effective,
                expires_on=expires)


# Per account: the sales executive who writes the demo rows, the profile, contacts, agreement and
# amendments, meetings (kind, title, weekday offset, hour, minutes, recurrence, location,
# carrier attendees, customer attendees), proposals.
DOSSIERS = {
    "7001-0001": {
        "actor": PRIYA,
        "profile": dict(
            sales_objectives=(
                "Move the remaining 140 UNE-L customers in Aurora onto EELs before the 2027 rate change.\n"
                "Win the Tech Center fiber build (Proposal: 10G transport ring).\n"
                "Renew the ICA for five years with the current pricing attachment."
            ),
            service_objectives=(
                "Loop installs on the committed date ≥ 95 % (Q3: 91 %).\n"
                "Mean time to repair for DS1/DS3 under 4 hours.\n"
                "Quarterly service review with trouble trends and chronic circuits."
            ),
            network_summary=(
                "A Metaswitch Class 5 switch in Denver with its geo-redundant mate in Colorado Springs; "
                "62 route-miles of metro fiber. Interconnects at our Denver Main and Englewood "
                "tandems over SS7 and, since 2025, SIP. Collocated in six central offices."
            ),
            switches=(
                "DNVRCOMADS0 · Metaswitch CFS · 1800 Stout St, Denver\n"
                "CSPGCOMADS1 · Metaswitch CFS · 2 N Cascade Ave, Colorado Springs (geo-redundant mate)"
            ),
            points_of_interconnection="Denver Main tandem (DNVRCOMA) · 2 × 10G\nEnglewood tandem (ENWDCOCL) · 10G",
            key_locations=(
                "NOC: 1800 Stout St, Suite 400, Denver CO 80202\n"
                "Collocation: Denver Main, Englewood, Aurora, Littleton, Arvada, Lakewood central offices"
            ),
        ),
        "contacts": [
            dict(name="Karen Whitlock", role="VP Network Operations", email="karen.whitlock@frontrangefiber.example",
                 phone="+1 303 555 2101", cell="+1 720 555 2101", is_primary=True),
            dict(name="Dev Patel", role="Carrier Relations Manager", email="dev.patel@frontrangefiber.example",
                 phone="+1 303 555 2102"),
            dict(name="Maria Santos", role="NOC Supervisor", email="noc@frontrangefiber.example",
                 phone="+1 303 555 2199", cell="+1 720 555 2199"),
        ],
        "amendments": [
            dict(title="Interconnection Agreement (Colorado)",
                 **_ica(dt.date(2021, 3, 15), dt.date(2021, 4, 1), dt.date(2027, 3, 31))),
            dict(kind=Amendment.Kind.AMENDMENT, title="Amendment 7: EEL conversion pricing",
                 status=Amendment.Status.IN_NEGOTIATION, requested_on=dt.date(2026, 8, 4)),
        ],
        "meetings": [
            (Meeting.Kind.SERVICE_REVIEW, "Quarterly service review", 10, 60, Meeting.Recurrence.QUARTERLY,
             "Microsoft Teams (link in the invitation)", [DANA, ANA, PRIYA], ["Karen Whitlock", "Maria Santos"]),
            (Meeting.Kind.EXECUTIVE_REVIEW, "Executive review 2026", 14, 90, Meeting.Recurrence.NONE,
             "Front Range Fiber, 1800 Stout St, Denver – boardroom", [ELENA, MARCUS, PRIYA, DANA],
             ["Karen Whitlock", "Dev Patel"]),
        ],
        "proposals": [
            dict(title="10G transport ring for the Denver Tech Center", value=Decimal("486000.00"),
                 stage=Proposal.Stage.PRESENTED, owner=PRIYA,
                 background="Front Range Fiber is building into 14 office towers in the Tech Center and needs "
                            "diverse 10G transport back to Denver Main.",
                 parties="Karen Whitlock, Dev Patel (Front Range Fiber); Priya Raman, Elena Vasquez",
                 commitments="Pricing held until the due date; build survey done by our engineering.",
                 next_step="Answer the diversity questions from the 12 November call", due_date_days=30),
            dict(title="EEL conversion of 140 Aurora loops", value=Decimal("92000.00"),
                 stage=Proposal.Stage.NEGOTIATING, owner=PRIYA,
                 background="Depends on Amendment 7 (EEL conversion pricing).",
                 parties="Dev Patel (Front Range Fiber); Priya Raman",
                 next_step="Agree the conversion schedule (batches of 20 per week)", due_date_days=45),
        ],
    },
    "7001-0002": {
        "actor": PRIYA,
        "profile": dict(
            sales_objectives="Grow transport into the Colorado Springs military and aerospace market.",
            service_objectives="Cut repeat troubles on the Powers Blvd DS3s (four in Q3).",
            network_summary="Geo-redundant switch pair for Denver; 14 route-miles of fiber around Colorado Springs, "
                            "collocated in two central offices.",
            switches="CSPGCOMADS1 · Metaswitch CFS · 2 N Cascade Ave, Colorado Springs",
            points_of_interconnection="Colorado Springs tandem (CSPGCOMA) · 10G",
            key_locations="Collocation: Colorado Springs Main and Powers central offices",
        ),
        "contacts": [
            dict(name="Karen Whitlock", role="VP Network Operations", email="karen.whitlock@frontrangefiber.example",
                 phone="+1 303 555 2101", is_primary=True),
            dict(name="Tom Reyes", role="Colorado Springs Operations Lead", email="tom.reyes@frontrangefiber.example",
                 phone="+1 719 555 2301", cell="+1 719 555 2302"),
        ],
        "amendments": [
            dict(title="Interconnection Agreement (Colorado)",
                 **_ica(dt.date(2021, 3, 15), dt.date(2021, 4, 1), dt.date(2027, 3, 31))),
            dict(kind=Amendment.Kind.AMENDMENT, title="Amendment 8: Colorado Springs collocation augment",
                 status=Amendment.Status.PENDING, requested_on=dt.date(2026, 10, 20)),
        ],
        "meetings": [
            (Meeting.Kind.SERVICE_REVIEW, "Quarterly service review", 11, 60, Meeting.Recurrence.QUARTERLY,
             "Microsoft Teams", [DANA, ANA], ["Tom Reyes"]),
            (Meeting.Kind.EXECUTIVE_REVIEW, "Executive review 2026", 14, 60, Meeting.Recurrence.NONE,
             "Microsoft Teams", [ELENA, PRIYA], ["Karen Whitlock"]),
        ],
        "proposals": [
            dict(title="Diverse DS3 protection for Powers Blvd", value=Decimal("38500.00"),
                 stage=Proposal.Stage.DRAFT, owner=PRIYA,
                 background="Answer to the repeat troubles on the Powers Blvd DS3s.",
                 next_step="Engineering review of the second route", due_date_days=60),
        ],
    },
    "7002-0001": {
        "actor": HANNAH,
        "profile": dict(
            sales_objectives="Bring SIP interconnection to both Albuquerque tandems in 2027.",
            service_objectives="Hold DS1 install intervals at 5 business days; monthly chronic-circuit report.",
            network_summary="One Ribbon C20 softswitch in Albuquerque; collocated in three central offices; "
                            "resells our DS1 and Ethernet access elsewhere.",
            switches="ALBQNMMADS0 · Ribbon C20 · 400 Gold Ave SW, Albuquerque",
            points_of_interconnection="Albuquerque Main tandem (ALBQNMMA) · 4 × DS3",
            key_locations="Office and NOC: 400 Gold Ave SW, Albuquerque NM 87102",
        ),
        "contacts": [
            dict(name="Rosa Delgado", role="Director of Engineering", email="rosa.delgado@mesatelecom.example",
                 phone="+1 505 555 3101", cell="+1 505 555 3102", is_primary=True),
            dict(name="Ben Yazzie", role="Provisioning Manager", email="ben.yazzie@mesatelecom.example",
                 phone="+1 505 555 3110"),
        ],
        "amendments": [
            dict(title="Interconnection Agreement (New Mexico)",
                 **_ica(dt.date(2022, 6, 1), dt.date(2022, 7, 1), dt.date(2028, 6, 30))),
            dict(kind=Amendment.Kind.AMENDMENT, title="Amendment 2: SIP interconnection",
                 status=Amendment.Status.PENDING, requested_on=dt.date(2026, 9, 15)),
        ],
        "meetings": [
            (Meeting.Kind.SERVICE_REVIEW, "Quarterly service review", 12, 60, Meeting.Recurrence.QUARTERLY,
             "Microsoft Teams", [LUIS, HANNAH], ["Rosa Delgado", "Ben Yazzie"]),
            (Meeting.Kind.EXECUTIVE_REVIEW, "Executive review 2026", 15, 60, Meeting.Recurrence.NONE,
             "Mesa Telecom, 400 Gold Ave SW, Albuquerque", [ELENA, HANNAH, MARCUS], ["Rosa Delgado"]),
        ],
        "proposals": [
            dict(title="SIP interconnection at both tandems", value=Decimal("120000.00"),
                 stage=Proposal.Stage.PRESENTED, owner=HANNAH,
                 background="Follows Amendment 2 (SIP interconnection).",
                 parties="Rosa Delgado (Mesa Telecom); Hannah Cole",
                 next_step="Interop test plan", due_date_days=40),
        ],
    },
    "7003-0001": {
        "actor": PRIYA,
        "profile": dict(
            sales_objectives="Move the Omaha base from resold DSL to resold fiber broadband.",
            service_objectives="Billing disputes answered within 48 business hours; fewer order fallouts.",
            network_summary="No switching of its own: our wholesale voice platform and resold broadband.",
            key_locations="Customer care and billing: 1200 Harney St, Omaha NE 68102",
        ),
        "contacts": [
            dict(name="Linda Kowalski", role="General Manager", email="linda.kowalski@prairievoice.example",
                 phone="+1 402 555 4101", is_primary=True),
            dict(name="Jamal Carter", role="Operations and Billing Lead", email="ops@prairievoice.example",
                 phone="+1 402 555 4120", cell="+1 402 555 4121"),
        ],
        "amendments": [
            dict(title="Resale Agreement (Nebraska)",
                 **_ica(dt.date(2020, 9, 1), dt.date(2020, 10, 1), dt.date(2026, 12, 31))),
            dict(kind=Amendment.Kind.AMENDMENT, title="Amendment 4: resold fiber broadband",
                 status=Amendment.Status.IN_NEGOTIATION, requested_on=dt.date(2026, 7, 1)),
        ],
        "meetings": [
            (Meeting.Kind.SERVICE_REVIEW, "Quarterly service review", 13, 60, Meeting.Recurrence.QUARTERLY,
             "Microsoft Teams", [LUIS, PRIYA], ["Jamal Carter"]),
            (Meeting.Kind.EXECUTIVE_REVIEW, "Executive review 2026", 16, 60, Meeting.Recurrence.NONE,
             "Microsoft Teams", [ELENA, PRIYA, MARCUS], ["Linda Kowalski"]),
        ],
        "proposals": [
            dict(title="Resold fiber broadband bundle", value=Decimal("64000.00"),
                 stage=Proposal.Stage.NEGOTIATING, owner=PRIYA,
                 background="Needs Amendment 4; replaces resold DSL in Omaha.",
                 parties="Linda Kowalski (Prairie Voice); Priya Raman",
                 next_step="Agree the volume tiers", due_date_days=21),
        ],
    },
    "7003-0002": {
        "actor": PRIYA,
        "profile": dict(
            sales_objectives="Renew the resale agreement before it expires at the end of 2026.",
            service_objectives="Order fallout below 3 % (Q3: 5.2 %).",
            network_summary="Our wholesale voice platform and resold broadband, as in Omaha.",
            key_locations="Sales office: 301 S 13th St, Lincoln NE 68508",
        ),
        "contacts": [
            dict(name="Linda Kowalski", role="General Manager", email="linda.kowalski@prairievoice.example",
                 phone="+1 402 555 4101", is_primary=True),
            dict(name="Sofia Nguyen", role="Lincoln Office Manager", email="sofia.nguyen@prairievoice.example",
                 phone="+1 402 555 4201"),
        ],
        "amendments": [
            dict(title="Resale Agreement (Nebraska)",
                 **_ica(dt.date(2020, 9, 1), dt.date(2020, 10, 1), dt.date(2026, 12, 31))),
            dict(kind=Amendment.Kind.AMENDMENT, title="Amendment 5: five-year renewal",
                 status=Amendment.Status.PENDING, requested_on=dt.date(2026, 10, 1)),
        ],
        "meetings": [
            (Meeting.Kind.SERVICE_REVIEW, "Quarterly service review", 14, 60, Meeting.Recurrence.QUARTERLY,
             "Microsoft Teams", [LUIS], ["Sofia Nguyen"]),
            (Meeting.Kind.EXECUTIVE_REVIEW, "Executive review 2026", 16, 60, Meeting.Recurrence.NONE,
             "Prairie Voice, 301 S 13th St, Lincoln", [ELENA, PRIYA], ["Linda Kowalski"]),
        ],
        "proposals": [
            dict(title="Five-year resale renewal with volume pricing", value=Decimal("150000.00"),
                 stage=Proposal.Stage.PRESENTED, owner=PRIYA,
                 background="The resale agreement expires on 31 December 2026.",
                 parties="Linda Kowalski (Prairie Voice); Priya Raman, Elena Vasquez",
                 next_step="Send the redlined renewal", due_date_days=14),
        ],
    },
}


def _first_tuesday_after(day: dt.date, weeks: int) -> dt.date:
    start = day + dt.timedelta(weeks=weeks)
    return start + dt.timedelta(days=(1 - start.weekday()) % 7)


def _meeting_start(today: dt.date, hour: int, *, weeks: int) -> dt.datetime:
    """A Tuesday a few weeks from ``today`` at ``hour`` on the carrier's clock."""
    day = _first_tuesday_after(today, weeks)
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=timezone.get_default_timezone())


SERVICE_REVIEW_NOTES = "Agenda: open escalations, trouble trends, orders in flight, projects, forecast."
EXECUTIVE_REVIEW_NOTES = "Relationship review with both leadership teams: the year, the plans, the agreement."


@transaction.atomic
def seed_dossiers() -> int:
    """Fill the demo accounts' dossiers; returns how many rows were added (0 on a second run).
    Accounts or people that do not exist (seed_demo not run first) are skipped."""
    accounts = {a.number: a for a in Account.objects.select_related("company").filter(number__in=DOSSIERS)}
    emails = {PRIYA, HANNAH, ELENA, DANA, LUIS, MARCUS, ANA}
    people = {p.email: p for p in Person.objects.select_related("user").filter(email__in=emails)}
    today = timezone.localdate(timezone.now(), timezone.get_default_timezone())
    added = 0
    first_accounts = {}
    for a in Account.objects.select_related("company").filter(company__name__in=COMPANY_PROFILES).order_by("number"):
        first_accounts.setdefault(a.company.name, a)
    for company, text in COMPANY_PROFILES.items():
        account = first_accounts.get(company)
        if account is not None and not account.company.profile:
            actor = people.get(PRIYA)
            services.company_profile_update(
                actor=actor.user if actor else None, account=account, profile=text, check=False
            )
            added += 1
    for position, (number, data) in enumerate(DOSSIERS.items()):
        account = accounts.get(number)
        if account is None:
            continue
        actor_person = people.get(data["actor"])
        actor = actor_person.user if actor_person else None

        def save(part, instance, values, m2m=None, account=account, actor=actor):
            services.dossier_save(
                actor=actor, account=account, part=part, instance=instance, values=values, m2m=m2m, check=False
            )

        profile = services.profile_for(account)
        if profile.pk is None:
            save(services.PROFILE, profile, data["profile"])
            added += 1
        existing = set(Contact.objects.filter(account=account).values_list("name", flat=True))
        for values in data["contacts"]:
            if values["name"] not in existing:
                save(services.CONTACTS, Contact(), values)
                added += 1
        existing = set(Amendment.objects.filter(account=account).values_list("title", flat=True))
        for values in data["amendments"]:
            if values["title"] not in existing:
                save(services.AMENDMENTS, Amendment(), values)
                added += 1
        contacts = {c.name: c for c in Contact.objects.filter(account=account)}
        existing = set(Meeting.objects.filter(account=account).values_list("title", flat=True))
        for kind, title, hour, minutes, recurrence, location, staff, guests in data["meetings"]:
            if title in existing:
                continue
            # Each account meets on its own Tuesday, so the shared attendees have no clashes.
            weeks = (2 if recurrence else 7) + position
            values = dict(
                kind=kind, title=title, starts_at=_meeting_start(today, hour, weeks=weeks),
                duration_minutes=minutes, recurrence=recurrence, location=location,
                notes=SERVICE_REVIEW_NOTES if kind == Meeting.Kind.SERVICE_REVIEW else EXECUTIVE_REVIEW_NOTES,
            )
            m2m = {
                "people": [people[e] for e in staff if e in people],
                "contacts": [contacts[n] for n in guests if n in contacts],
            }
            save(services.MEETINGS, Meeting(), values, m2m)
            added += 1
        existing = set(Proposal.objects.filter(account=account).values_list("title", flat=True))
        for spec in data["proposals"]:
            owner = people.get(spec["owner"])
            if spec["title"] in existing or owner is None:
                continue
            values = {k: v for k, v in spec.items() if k not in ("owner", "due_date_days")}
            values |= {"owner": owner, "due_date": today + dt.timedelta(days=spec["due_date_days"])}
            save(services.PROPOSALS, Proposal(), values)
            added += 1
    return added

"""Demo and benchmark data. Everything here is idempotent: running it twice changes nothing."""

from __future__ import annotations

import datetime as dt

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction

from accountteam.data_words import in_languages
from accountteam.models import UserSettings
from teams.models import Account, Assignment, BusinessCalendar, Company, Membership, Person, Role

DEMO_PASSWORD = "demo-pass-123"
DEMO_START = dt.date(2024, 1, 1)

# The role catalogue: both editions of the account-team procedure and the customer handbooks.
# Descriptions say, in the seeds' words, what to contact each role for (the team page shows them
# beside the categories the routing table sends to the role).
ROLES = [
    # code, name, team, also known as, allows several, description
    ("sales-executive", "Sales Executive", "sales", "Sales/Interconnection Representative or Executive",
     False, "Your main contact for sales and interconnection, day to day and in an emergency: pricing "
     "inquiries, sales proposals, new Interconnection Agreements and amendments, Bona Fide and Special "
     "Requests, contract compliance."),
    ("sales-director", "Sales Director", "sales", "", False,
     "Directs the sales team; available at a senior level when your needs are not being met."),
    ("account-director", "Account Director", "sales", "Relationship manager", False,
     "Your overall contact for sales: gathers and confirms your requirements, and works with you on "
     "quotes, orders for more services and the credit application."),
    ("sales-engineer", "Sales Engineer", "sales", "", True,
     "Works with you on the technical options and requirements of your services, knows your network "
     "and key locations, and manages the engineering part of your quote. One per product area: Data, "
     "Data Center and Voice."),
    ("service-manager", "Service Manager", "service", "Service Delivery Specialist", False,
     "Orders (acceptance, delays, cancellations), expedites and escalations, questions on your signed "
     "Interconnection Agreement, maintenance and repair escalations, major outages, testing and "
     "post-mortems."),
    ("service-director", "Service Director", "service", "", False,
     "Steps in when the Service Manager's efforts have not solved the problem."),
    ("duty-manager", "Duty Manager", "service", "", False, "After-hours repair assistance."),
    ("client-support-manager", "Client Support Manager", "service", "", False,
     "Looks after your account through its life: your first bill review and any billing concerns, "
     "escalating trouble tickets, regular business reviews."),
    ("customer-care-manager", "Customer Care Manager", "service", "", False,
     "Follows your order from submission to acceptance, keeps you informed of its status and acts as "
     "your advocate; intervals, order changes and expedite fees."),
    ("billing-customer-care", "Billing Customer Care", "service", "", True,
     "Every billing request: investigates it for you, resolves disputes and issues credits."),
    ("technical-service-center", "Technical Service Center", "service", "TSC, 24x7", True,
     "Round-the-clock technical support: trouble tickets and repairs, 24 hours a day, 7 days a week."),
]

WORKDAYS = ("mon", "tue", "wed", "thu", "fri")
WEEKDAYS_8_TO_17 = {d: [["08:00", "17:00"]] for d in WORKDAYS} | {"sat": [], "sun": []}
ROUND_THE_CLOCK = {d: [["00:00", "24:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}

CALENDARS = {
    "US Mountain": ("America/Denver", WEEKDAYS_8_TO_17, "US", ""),
    "US Central": ("America/Chicago", WEEKDAYS_8_TO_17, "US", ""),
    "Argentina": ("America/Argentina/Buenos_Aires",
                  {d: [["09:00", "18:00"]] for d in WORKDAYS} | {"sat": [], "sun": []},
                  "AR", ""),
    "Brasil": ("America/Sao_Paulo",
               {d: [["09:00", "18:00"]] for d in WORKDAYS} | {"sat": [], "sun": []},
               "BR", ""),
    "24x7": ("America/Denver", ROUND_THE_CLOCK, "", ""),
}

# username (or None for staff without a sign-in), name, title, email, phone, pager, cell,
# calendar, reports to (username key), carrier admin
STAFF = [
    ("service.director", "Marcus Oyelaran", "Service Director", "marcus.oyelaran@carrier.example",
     "+1 303 555 0110", "+1 303 555 0910", "+1 720 555 0110", "US Mountain", None, False),
    ("service.manager", "Dana Whitfield", "Service Manager", "dana.whitfield@carrier.example",
     "+1 303 555 0120", "+1 303 555 0920", "+1 720 555 0120", "US Mountain", "service.director", False),
    ("sales.director", "Elena Vasquez", "Sales Director", "elena.vasquez@carrier.example",
     "+1 303 555 0130", "+1 303 555 0930", "+1 720 555 0130", "US Mountain", None, False),
    ("sales.executive", "Priya Raman", "Sales Executive", "priya.raman@carrier.example",
     "+1 303 555 0140", "+1 303 555 0940", "+1 720 555 0140", "US Mountain", "sales.director", False),
    ("duty.manager", "Tom Becker", "Duty Manager", "tom.becker@carrier.example",
     "+1 303 555 0150", "+1 303 555 0950", "+1 720 555 0150", "24x7", "service.director", False),
    ("carrier.admin", "Jordan Lee", "Carrier Administrator", "jordan.lee@carrier.example",
     "+1 303 555 0160", "", "", "US Mountain", None, True),
    ("luis.ortega", "Luis Ortega", "Service Manager", "luis.ortega@carrier.example",
     "+1 312 555 0170", "+1 312 555 0970", "+1 312 555 0171", "US Central", "service.director", False),
    ("hannah.cole", "Hannah Cole", "Sales Executive", "hannah.cole@carrier.example",
     "+1 312 555 0180", "+1 312 555 0980", "+1 312 555 0181", "US Central", "sales.director", False),
    ("ana.gomez", "Ana Gómez", "Client Support Manager", "ana.gomez@carrier.example",
     "+54 11 5555 0190", "", "+54 9 11 5555 0190", "Argentina", "service.director", False),
    ("tsc", "Technical Service Center", "24x7 trouble reporting", "tsc@carrier.example",
     "+1 800 555 0199", "", "", "24x7", None, False),
    ("billing", "Billing Customer Care", "Billing requests, disputes and credits", "billing@carrier.example",
     "+1 800 555 0188", "", "", "US Mountain", None, False),
    ("kenji.mori", "Kenji Mori", "Sales Engineer", "kenji.mori@carrier.example",
     "+1 303 555 0210", "", "+1 720 555 0210", "US Mountain", "sales.director", False),
    ("sofia.marques", "Sofia Marques", "Sales Engineer", "sofia.marques@carrier.example",
     "+1 303 555 0220", "", "+1 720 555 0220", "US Mountain", "sales.director", False),
    ("raul.fernandez", "Raúl Fernández", "Sales Engineer", "raul.fernandez@carrier.example",
     "+1 312 555 0230", "", "+1 312 555 0231", "US Central", "sales.director", False),
    # The Latin American team: Buenos Aires and São Paulo, on their countries' calendars.
    ("martin.sosa", "Martín Sosa", "Service Manager", "martin.sosa@carrier.example",
     "+54 11 5555 0240", "+54 11 5555 0940", "+54 9 11 5555 0240", "Argentina", "service.director", False),
    ("beatriz.lima", "Beatriz Lima", "Sales Executive", "beatriz.lima@carrier.example",
     "+55 11 5555 0250", "+55 11 5555 0950", "+55 11 95555 0250", "Brasil", "sales.director", False),
]
STAFF_WITH_SIGN_IN = {"service.director", "service.manager", "sales.director", "sales.executive",
                      "duty.manager", "carrier.admin"}

COMPANIES = [
    ("Front Range Fiber", "clec", [("7001-0001", "Front Range Fiber – Denver Metro", "CO"),
                                   ("7001-0002", "Front Range Fiber – Colorado Springs", "CO")],
     {"service-manager": "service.manager", "service-director": "service.director",
      "sales-executive": "sales.executive", "sales-director": "sales.director",
      "duty-manager": "duty.manager", "client-support-manager": "ana.gomez",
      "technical-service-center": "tsc"}),
    ("Mesa Telecom", "clec", [("7002-0001", "Mesa Telecom – Albuquerque", "NM")],
     {"service-manager": "luis.ortega", "service-director": "service.director",
      "sales-executive": "hannah.cole", "sales-director": "sales.director",
      "duty-manager": "duty.manager", "technical-service-center": "tsc"}),
    ("Prairie Voice Resale", "reseller", [("7003-0001", "Prairie Voice – Omaha", "NE"),
                                          ("7003-0002", "Prairie Voice – Lincoln", "NE")],
     {"service-manager": "luis.ortega", "service-director": "service.director",
      "sales-executive": "sales.executive", "sales-director": "sales.director",
      "duty-manager": "duty.manager", "billing-customer-care": "billing"}),
    # An Argentine CLEC with an office in São Paulo; its users read the portal in Spanish and
    # Portuguese (LATAM_USERS).
    ("Pampa Conecta S.A.", "clec", [("7004-0001", "Pampa Conecta – Buenos Aires", "Buenos Aires"),
                                    ("7004-0002", "Pampa Conecta – São Paulo", "São Paulo")],
     {"service-manager": "martin.sosa", "service-director": "service.director",
      "sales-executive": "beatriz.lima", "sales-director": "sales.director",
      "duty-manager": "duty.manager", "client-support-manager": "ana.gomez",
      "technical-service-center": "tsc"}),
]
# The language each demo company's invited users start in.
COMPANY_LANGUAGES = {"Pampa Conecta S.A.": "es"}

# Sales engineers, one per product area the company buys: company, [(person, product area)].
SALES_ENGINEERS = {
    "Front Range Fiber": [("kenji.mori", Assignment.ProductArea.DATA),
                          ("sofia.marques", Assignment.ProductArea.DATA_CENTER)],
    "Mesa Telecom": [("raul.fernandez", Assignment.ProductArea.VOICE)],
    "Prairie Voice Resale": [("raul.fernandez", Assignment.ProductArea.VOICE)],
}

# username, email, [(company, permissions, default)]
CUSTOMER_USERS = [
    ("clec.admin", "it-admin@frontrangefiber.example",
     [("Front Range Fiber", dict(can_view_team=True, can_escalate=True, can_request_postmortem=True,
                                 can_manage_users=True), True),
      ("Prairie Voice Resale", dict(can_view_team=True, can_escalate=False,
                                    can_request_postmortem=False, can_manage_users=False), False)]),
    ("clec.user", "noc@frontrangefiber.example",
     [("Front Range Fiber", dict(can_view_team=True, can_escalate=True, can_request_postmortem=True,
                                 can_manage_users=False), True)]),
    ("reseller.user", "ops@prairievoice.example",
     [("Prairie Voice Resale", dict(can_view_team=True, can_escalate=True,
                                    can_request_postmortem=True, can_manage_users=True), True)]),
    ("latam.user", "noc@pampaconecta.example",
     [("Pampa Conecta S.A.", dict(can_view_team=True, can_escalate=True, can_request_postmortem=True,
                                  can_manage_users=True), True)]),
    ("brasil.user", "operacoes@pampaconecta.example",
     [("Pampa Conecta S.A.", dict(can_view_team=True, can_escalate=True, can_request_postmortem=True,
                                  can_manage_users=False), True)]),
]
# username: (language, time zone) of the users who do not read the portal in English.
LATAM_USERS = {"latam.user": ("es", "America/Argentina/Buenos_Aires"),
               "brasil.user": ("pt-br", "America/Sao_Paulo")}

DEMO_SIGN_INS = sorted(STAFF_WITH_SIGN_IN) + [u[0] for u in CUSTOMER_USERS]


def _user(username: str, email: str, *, staff=False, superuser=False):
    User = get_user_model()
    user, _ = User.objects.update_or_create(
        username=username,
        defaults={"email": email, "is_staff": staff, "is_superuser": superuser, "is_active": True},
    )
    user.set_password(DEMO_PASSWORD)
    user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def seed_roles() -> dict[str, Role]:
    roles = {}
    for order, (code, name, team, aka, several, description) in enumerate(ROLES):
        roles[code], _ = Role.objects.update_or_create(
            code=code,
            defaults=dict(team=team, allows_multiple=several, sort_order=(order + 1) * 10)
            | in_languages(Role, name=name, also_known_as=aka, description=description),
        )
    return roles


def seed_calendars() -> dict[str, BusinessCalendar]:
    calendars = {}
    for name, (zone, hours, country, subdivision) in CALENDARS.items():
        calendars[name], _ = BusinessCalendar.objects.update_or_create(
            name=name,
            defaults=dict(time_zone=zone, weekly_hours=hours, holiday_country=country,
                          holiday_subdivision=subdivision),
        )
    return calendars


@transaction.atomic
def seed_demo() -> dict[str, int]:
    """The demo data set: roles, calendars, staff, three companies, their users and teams."""
    roles = seed_roles()
    calendars = seed_calendars()
    people: dict[str, Person] = {}
    for key, name, title, email, phone, pager, cell, calendar, _boss, admin in STAFF:
        user = None
        if key in STAFF_WITH_SIGN_IN:
            user = _user(key, email, staff=admin, superuser=admin)
        people[key], _ = Person.objects.update_or_create(
            email=email,
            defaults=dict(user=user, name=name, title=title, phone=phone, pager=pager, cell=cell,
                          calendar=calendars[calendar], is_carrier_admin=admin, is_active=True),
        )
    for key, *_rest, boss, _admin in STAFF:
        if boss and people[key].reports_to_id != people[boss].pk:
            people[key].reports_to = people[boss]
            people[key].save(update_fields=["reports_to"])
    # Backups: the two service managers cover each other, and so do the sales executives.
    for a, b in (("service.manager", "luis.ortega"), ("sales.executive", "hannah.cole")):
        for person, backup in ((people[a], people[b]), (people[b], people[a])):
            if person.backup_id != backup.pk:
                person.backup = backup
                person.save(update_fields=["backup"])

    companies = {}
    for name, kind, accounts, team in COMPANIES:
        company, _ = Company.objects.update_or_create(
            name=name, defaults={"kind": kind, "default_language": COMPANY_LANGUAGES.get(name, "")}
        )
        companies[name] = company
        for number, account_name, state in accounts:
            account, _ = Account.objects.update_or_create(
                number=number, defaults=dict(company=company, name=account_name, state=state)
            )
            for role_code, person_key in team.items():
                Assignment.objects.get_or_create(
                    account=account, role=roles[role_code], person=people[person_key],
                    start_date=DEMO_START,
                )
            for person_key, area in SALES_ENGINEERS.get(name, []):
                Assignment.objects.update_or_create(
                    account=account, role=roles["sales-engineer"], person=people[person_key],
                    start_date=DEMO_START, defaults={"product_area": area},
                )
    # Earlier demo data made the 24x7 TSC Prairie Voice's billing contact; billing has its own team.
    Assignment.objects.filter(
        role=roles["billing-customer-care"], person=people["tsc"], start_date=DEMO_START,
        account__company=companies["Prairie Voice Resale"],
    ).delete()
    for username, email, memberships in CUSTOMER_USERS:
        user = _user(username, email)
        for company_name, permissions, default in memberships:
            Membership.objects.update_or_create(
                user=user, company=companies[company_name],
                defaults=permissions | {"is_default": default},
            )
        if username in LATAM_USERS:
            language, zone = LATAM_USERS[username]
            UserSettings.objects.update_or_create(user=user, defaults={"language": language, "time_zone": zone})
    return {
        "roles": Role.objects.count(),
        "people": Person.objects.count(),
        "companies": Company.objects.count(),
        "accounts": Account.objects.count(),
        "assignments": Assignment.objects.count(),
    }


def seed_scale(n: int, *, prefix: str = "Scale") -> dict[str, int]:
    """``n`` extra companies with two accounts each and full teams, in bulk inserts.

    Staff are drawn from a pool sized like a real carrier (one service manager per ~40
    accounts). Companies that already exist are left alone, so repeating is harmless.
    """
    roles = seed_roles()
    calendars = seed_calendars()
    calendar = calendars["US Mountain"]
    existing = set(Company.objects.filter(name__startswith=f"{prefix} ").values_list("name", flat=True))
    wanted = [f"{prefix} {i:06d}" for i in range(1, n + 1)]
    new_names = [name for name in wanted if name not in existing]
    pool = max(1, n // 20)
    code = "".join(ch for ch in prefix.upper() if ch.isalnum())[:6] or "S"

    with transaction.atomic():
        directors = _bulk_people(prefix, "director", 2, calendar, title="Director")
        managers = _bulk_people(prefix, "sm", pool, calendar, title="Service Manager",
                                reports_to=directors[0])
        executives = _bulk_people(prefix, "se", pool, calendar, title="Sales Executive",
                                  reports_to=directors[1])
        Company.objects.bulk_create(
            [Company(name=name, kind="clec" if i % 3 else "reseller") for i, name in enumerate(new_names)],
            batch_size=2000,
        )
        created = Company.objects.filter(name__in=new_names).order_by("name")
        accounts = []
        for company in created:
            serial = int(company.name.rsplit(" ", 1)[1])
            for branch in (1, 2):
                accounts.append(Account(company=company, number=f"{code}{serial:06d}-{branch}",
                                        name=f"{company.name} branch {branch}"))
        Account.objects.bulk_create(accounts, batch_size=5000)
        accounts = list(Account.objects.filter(company__in=created).order_by("number"))
        assignments = []
        for i, account in enumerate(accounts):
            slot = (i // 2) % pool
            for role_code, person in (
                ("service-manager", managers[slot]),
                ("service-director", directors[0]),
                ("sales-executive", executives[slot]),
                ("sales-director", directors[1]),
            ):
                assignments.append(Assignment(account=account, role=roles[role_code], person=person,
                                              start_date=DEMO_START))
        Assignment.objects.bulk_create(assignments, batch_size=5000)
    return {"companies": len(new_names), "accounts": len(accounts), "assignments": len(assignments)}


def _bulk_people(prefix, kind, count, calendar, *, title, reports_to=None) -> list[Person]:
    slug = prefix.lower()
    emails = [f"{slug}.{kind}.{i:04d}@carrier.example" for i in range(count)]
    Person.objects.bulk_create(
        [Person(name=f"{prefix} {title} {i:04d}", title=title, email=email, calendar=calendar,
                phone=f"+1 303 555 {i % 10000:04d}", pager=f"+1 303 556 {i % 10000:04d}",
                reports_to=reports_to)
         for i, email in enumerate(emails)],
        ignore_conflicts=True,
        batch_size=2000,
    )
    by_email = {p.email: p for p in Person.objects.filter(email__in=emails)}
    return [by_email[e] for e in emails]

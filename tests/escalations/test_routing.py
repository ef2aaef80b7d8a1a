"""Routing is data: which role answers which category (and sub-topic), the back office that edits
it, the team page that says who does what, the sub-topic on the raise form and in the API, and the
documented tables that cannot drift from the seeded ones.

The clock stands still at Tue 13 Jan 2026 10:00 in Denver (MST).
"""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.urls import reverse

from demo.teams import ROLES
from escalations import routing, rules, services
from escalations.models import Category, Channel, Escalation, ResponsePolicy, RoutingRule, Topic
from escalations.policies import GUIDELINES, ROUTING, seed_routing
from escalations.rules import RouteRow
from teams.models import Assignment, Role
from tests.clients import api_as, signed_in
from tests.conftest import clock_at
from tests.escalations.factories import denver
from tests.teams.factories import AssignmentFactory, PersonFactory, RoleFactory

SALES, SERVICE = "sales-executive", "service-manager"
BCC, CSM, DUTY = "billing-customer-care", "client-support-manager", "duty-manager"
TUE_10 = denver(2026, 1, 13, 10, 0)
TODAY = dt.date(2026, 1, 13)
ROOT = Path(__file__).resolve().parents[2]
# The README's guidelines table and the service manager's guide: both state the seeds.
DOCS = [ROOT / "README.md", ROOT / "docs" / "guide-service-manager.md"]

clock = clock_at(TUE_10, autouse=True)


# --- rules.pick_route: a pure table ------------------------------------------------------------

HOME, OTHER = 7, 8
CARRIER_ROWS = [
    RouteRow(None, "billing", "", (BCC, CSM, SERVICE)),
    RouteRow(None, "pricing", "", (SALES,)),
    RouteRow(None, "ica_question", "", (SALES,)),
    RouteRow(None, "ica_question", "signed_ica", (SERVICE,)),
    RouteRow(None, "repair", "", (SERVICE,)),
]
HOME_ROWS = [
    RouteRow(HOME, "pricing", "", ("account-director",)),
    RouteRow(HOME, "ica_question", "", (CSM,)),
]


@pytest.mark.parametrize(
    ("company_id", "category", "topic", "route"),
    [
        # The carrier's rows, the fallbacks appended once each.
        (OTHER, "billing", "", (BCC, CSM, SERVICE, SALES)),
        (OTHER, "pricing", "", (SALES, SERVICE)),
        (OTHER, "repair", "", (SERVICE, SALES)),
        # A sub-topic's row beats the category's row for any sub-topic...
        (OTHER, "ica_question", "signed_ica", (SERVICE, SALES)),
        (OTHER, "ica_question", "new_ica", (SALES, SERVICE)),
        (OTHER, "ica_question", "", (SALES, SERVICE)),
        # ... a company's own row beats the carrier's, even the carrier's sub-topic row ...
        (HOME, "pricing", "", ("account-director", SERVICE, SALES)),
        (HOME, "ica_question", "signed_ica", (CSM, SERVICE, SALES)),
        # ... and applies to that company only; where it has none, the carrier's row stands.
        (HOME, "billing", "", (BCC, CSM, SERVICE, SALES)),
        # No row at all: the service manager, then the sales executive.
        (OTHER, "testing", "", (SERVICE, SALES)),
    ],
)
def test_pick_route_prefers_the_company_then_the_sub_topic_and_ends_with_the_fallbacks(
    company_id, category, topic, route
):
    rows = CARRIER_ROWS + HOME_ROWS
    assert rules.pick_route(rows, company_id=company_id, category=category, topic=topic) == route


def test_pick_route_ignores_rows_of_other_categories_and_other_companies():
    rows = [RouteRow(OTHER, "billing", "", (CSM,)), RouteRow(None, "pricing", "", (SALES,))]
    assert rules.pick_route(rows, company_id=HOME, category="billing") == (SERVICE, SALES)


def test_first_held_takes_the_first_role_of_the_route_that_someone_holds():
    assert rules.first_held((BCC, CSM, SERVICE), {SERVICE: "sm", CSM: "csm"}) == "csm"
    assert rules.first_held((BCC,), {SERVICE: "sm"}) is None


# --- routing.answered_by: the table read per role (pure) ---------------------------------------


def _seeded_rows() -> list[RouteRow]:
    return [RouteRow(None, category, topic, roles) for category, topic, roles in ROUTING]


def test_answered_by_splits_a_category_by_sub_topic_only_where_the_routing_does():
    duties = routing.answered_by(
        _seeded_rows(), company_id=HOME, held={SALES, SERVICE, BCC}, categories=Category.values
    )
    assert ("ica_question", "new_ica") in duties[SALES]
    assert ("ica_question", "signed_ica") in duties[SERVICE]
    assert ("project_coordination", "new_oc_system") in duties[SALES]
    assert ("project_coordination", "grooming") in duties[SERVICE]
    assert ("pricing", "") in duties[SALES] and ("billing", "") in duties[BCC]
    # The sub-topic-less ICA question goes where new_ica goes: not listed twice.
    assert ("ica_question", "") not in duties[SALES]
    assert duties[BCC] == [("billing", "")]


def test_answered_by_gives_billing_to_the_next_role_held_and_skips_roles_nobody_holds():
    duties = routing.answered_by(_seeded_rows(), company_id=HOME, held={SALES, SERVICE}, categories=["billing"])
    assert duties == {SERVICE: [("billing", "")]}


# --- services.assignee_for on a staffed account -------------------------------------------------


@pytest.fixture
def carrier_routing(db):
    """The carrier's routing (a transactional test's flush may have undone the data migration)."""
    seed_routing(RoutingRule)


@pytest.fixture
def team(tenant, carrier_routing):
    """The home account with a sales executive, a service manager (the tenant's) and billing
    customer care; ``team[code]`` is the person holding that role."""
    people = {SERVICE: tenant.manager}
    for code, name in ((SALES, "Sam Sales"), (BCC, "Bea Billing")):
        people[code] = PersonFactory(name=name)
        AssignmentFactory(account=tenant.account, person=people[code], role=RoleFactory(code=code))
    return people


def _assignee(tenant, category, topic=""):
    assignment = services.assignee_for(account=tenant.account, category=category, on=TODAY, topic=topic)
    return assignment.person


@pytest.mark.parametrize(
    ("category", "topic", "role"),
    [
        ("pricing", "", SALES),
        ("sales_proposal", "", SALES),
        ("bfr_sr", "", SALES),
        ("ica_question", "new_ica", SALES),
        ("ica_question", "", SALES),
        ("contract_compliance", "", SALES),
        ("employee_performance", "", SALES),
        ("ica_question", "signed_ica", SERVICE),
        ("order_escalation", "", SERVICE),
        ("delayed_order", "", SERVICE),
        ("expedite", "", SERVICE),
        ("repair", "", SERVICE),
        ("outage", "", SERVICE),
        ("project_coordination", "new_oc_system", SALES),
        ("project_coordination", "grooming", SERVICE),
        ("project_coordination", "", SERVICE),
        ("billing", "", BCC),
    ],
)
def test_assignee_for_follows_the_seeded_routing(tenant, team, category, topic, role):
    assert _assignee(tenant, category, topic) == team[role]


def test_billing_goes_to_the_client_support_manager_where_there_is_no_billing_customer_care(tenant, carrier_routing):
    csm = PersonFactory(name="Cleo Support")
    AssignmentFactory(account=tenant.account, person=csm, role=RoleFactory(code=CSM))
    assert _assignee(tenant, "billing") == csm


def test_billing_goes_to_the_service_manager_where_neither_billing_role_is_held(tenant, carrier_routing):
    assert _assignee(tenant, "billing") == tenant.manager


def test_a_company_override_wins_for_that_company_only(tenant, foreign, team, carrier_routing):
    RoutingRule.objects.create(company=tenant.company, category="pricing", roles=SERVICE)
    foreign_sales = PersonFactory(name="Foreign Sales")
    AssignmentFactory(account=foreign.account, person=foreign_sales, role=RoleFactory(code=SALES))

    assert _assignee(tenant, "pricing") == tenant.manager
    assert _assignee(foreign, "pricing") == foreign_sales


def test_a_raised_item_keeps_its_sub_topic_and_goes_where_it_routes(tenant, team, clean_slate):
    item = services.escalation_create(
        actor=tenant.user,
        account=tenant.account,
        channel="email",
        category="ica_question",
        topic="signed_ica",
        subject="Clause 4 of our signed ICA",
        now=TUE_10,
    )
    assert (item.topic, item.assignee) == ("signed_ica", tenant.manager)


# --- The back office ----------------------------------------------------------------------------


@pytest.fixture
def carrier_admin_client(admin):
    """The carrier admin of the demo: staff and superuser in the back office."""
    admin.user.is_staff = admin.user.is_superuser = True
    admin.user.save(update_fields=["is_staff", "is_superuser"])
    return signed_in(admin.user)


@pytest.fixture
def role_catalogue(db):
    for order, (code, name, team_code, *_rest) in enumerate(ROLES):
        Role.objects.update_or_create(code=code, defaults=dict(name=name, team=team_code, sort_order=order))


def test_routing_changelist_shows_role_names_in_order_of_preference(admin_client, role_catalogue, carrier_routing):
    response = admin_client.get(reverse("admin:escalations_routingrule_changelist"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Billing Customer Care → Client Support Manager → Service Manager" in html
    assert "A question on a signed Interconnection Agreement" in html  # the sub-topic's label
    assert "Carrier (everyone)" in html


def test_routing_changelist_filters_and_searches_for_the_carrier_admin(
    carrier_admin_client, tenant, role_catalogue, carrier_routing
):
    RoutingRule.objects.create(company=tenant.company, category="billing", roles=CSM)
    url = reverse("admin:escalations_routingrule_changelist")

    own = carrier_admin_client.get(url, {"company__isnull": "False"})
    assert own.status_code == 200
    assert tenant.company.name in own.content.decode()
    for query in ({"q": "billing"}, {"category__exact": "ica_question"}, {"topic__exact": "grooming"}):
        assert carrier_admin_client.get(url, query).status_code == 200


def test_routing_form_explains_the_override_and_lists_the_role_codes(admin_client, role_catalogue):
    response = admin_client.get(reverse("admin:escalations_routingrule_add"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "row of the same category and sub-topic for that company only" in html
    assert "billing-customer-care (Billing Customer Care)" in html


def test_routing_form_refuses_an_unknown_role_code_and_a_sub_topic_of_another_category(admin_client, role_catalogue):
    response = admin_client.post(
        reverse("admin:escalations_routingrule_add"),
        {
            "company": "",
            "category": "repair",
            "topic": "new_ica",
            "roles": "service-manager nobody",
            "sort_order": 5,
        },
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "No role has the code nobody." in html
    assert not RoutingRule.objects.filter(sort_order=5).exists()


def test_response_policy_changelist_shows_the_warning_share(admin_client, clean_slate):
    response = admin_client.get(reverse("admin:escalations_responsepolicy_changelist"))

    assert response.status_code == 200
    assert "column-warn_percent" in response.content.decode()


# --- The team page: who does what ---------------------------------------------------------------


@pytest.fixture
def staffed(tenant, team):
    """The home account's team with descriptions and two sales engineers."""
    Role.objects.filter(code=SALES).update(name="Sales Executive", description="Day-to-day sales contact.")
    Role.objects.filter(code=BCC).update(name="Billing Customer Care", description="Every billing request.")
    engineer = RoleFactory(code="sales-engineer", name="Sales Engineer", allows_multiple=True)
    for name, area in (("Dee Center", "data_center"), ("Vic Voice", "voice")):
        AssignmentFactory(account=tenant.account, role=engineer, person=PersonFactory(name=name), product_area=area)
    return team


def _card(html: str, role_code: str) -> str:
    cards = re.findall(rf'<article class="person-card" data-role="{role_code}">(.*?)</article>', html, re.S)
    assert cards, role_code
    return " ".join(cards)


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_account_page_says_what_to_contact_each_member_for(tenant, staffed):
    html = signed_in(tenant.user).get(f"/accounts/{tenant.account.pk}/").content.decode()

    sales = _text(_card(html, SALES))
    assert "Day-to-day sales contact." in sales
    assert "Contact for: Pricing inquiry, " in sales
    assert "ICA question: a new Interconnection Agreement or an amendment" in sales
    assert "Project coordination: installing new OC systems" in sales
    assert "Billing" not in sales
    service = _text(_card(html, SERVICE))
    assert "Order escalation" in service and "Maintenance and repair escalation" in service
    assert "ICA question: a question on a signed Interconnection Agreement" in service
    assert "Project coordination: grooming or moving existing circuits" in service
    assert "Pricing inquiry" not in service and "Billing," not in service
    assert "Every billing request. Contact for: Billing." in _text(_card(html, BCC))


def test_team_page_shows_a_sales_engineers_product_area(tenant, staffed):
    html = signed_in(tenant.user).get(f"/accounts/{tenant.account.pk}/").content.decode()

    engineers = _text(_card(html, "sales-engineer"))
    assert "Sales Engineer · Data Center" in engineers
    assert "Sales Engineer · Voice" in engineers


def test_customer_home_applies_the_companys_routing_override(tenant, staffed):
    RoutingRule.objects.create(company=tenant.company, category="pricing", roles=SERVICE)

    html = signed_in(tenant.user).get("/").content.decode()

    assert "Pricing inquiry" in _text(_card(html, SERVICE))
    assert "Pricing inquiry" not in _text(_card(html, SALES))


def test_billing_is_listed_under_the_service_manager_when_no_billing_role_is_held(tenant, carrier_routing):
    html = signed_in(tenant.user).get(f"/accounts/{tenant.account.pk}/").content.decode()

    assert "Billing" in _text(_card(html, SERVICE))


def test_team_api_gives_the_product_area_and_its_label(tenant, staffed):
    response = api_as(tenant.user).get(f"/api/v1/accounts/{tenant.account.pk}/team/")

    assert response.status_code == 200
    areas = {(m["person"]["name"], m["product_area"], m["product_area_label"]) for m in response.json()["sales"]}
    assert ("Dee Center", "data_center", "Data Center") in areas
    assert ("Sam Sales", "", "") in areas


def test_assignment_api_takes_a_product_area_and_refuses_an_unknown_one(tenant, admin):
    engineer = RoleFactory(code="sales-engineer", allows_multiple=True)
    person = PersonFactory(name="Dee Data")
    body = {"account": tenant.account.pk, "role": engineer.code, "person": person.pk, "start_date": "2026-02-01"}
    api = api_as(admin.user)

    bad = api.post("/api/v1/assignments/", {**body, "product_area": "fibre"}, format="json")
    good = api.post("/api/v1/assignments/", {**body, "product_area": "data"}, format="json")

    assert bad.status_code == 400 and "product_area" in bad.json()
    assert good.status_code == 201, good.content
    assert (good.json()["product_area"], good.json()["product_area_label"]) == ("data", "Data")
    assert Assignment.objects.get(pk=good.json()["id"]).product_area == "data"


def test_assignment_back_office_saves_a_product_area(admin_client, tenant):
    engineer = RoleFactory(code="sales-engineer", allows_multiple=True)
    person = PersonFactory(name="Vic Voice")
    response = admin_client.post(
        reverse("admin:teams_assignment_add"),
        {
            "account": tenant.account.pk,
            "role": engineer.pk,
            "person": person.pk,
            "product_area": "voice",
            "start_date": "2026-02-01",
            "end_date": "",
            "note": "",
        },
    )
    assert response.status_code == 302
    assert Assignment.objects.get(person=person).product_area == "voice"


def _import(tmp_path, rows: list[str]):
    from teams.imports import validate_assignment_csv

    path = tmp_path / "assignments.csv"
    path.write_text("\n".join(["account,role,person_email,start_date,product_area", *rows]) + "\n", encoding="utf-8")
    with path.open(encoding="utf-8") as handle:
        return validate_assignment_csv(handle)


def test_assignment_import_reads_the_product_area_by_code_or_name(tmp_path, tenant):
    from teams import services as team_services

    RoleFactory(code="sales-engineer", allows_multiple=True)
    people = [PersonFactory(email=f"se{i}@carrier.example") for i in range(4)]
    number = tenant.account.number
    report = _import(
        tmp_path,
        [
            f"{number},sales-engineer,se0@carrier.example,2026-02-01,data_center",
            f"{number},sales-engineer,se1@carrier.example,2026-02-01,Voz",
            f"{number},sales-engineer,se2@carrier.example,2026-02-01,Data Center",
            f"{number},sales-engineer,se3@carrier.example,2026-02-01,",
        ],
    )

    assert report.ok, report.errors
    team_services.assignments_import(rows=report.rows)
    stored = dict(Assignment.objects.filter(person__in=people).values_list("person__email", "product_area"))
    assert stored == {
        "se0@carrier.example": "data_center",
        "se1@carrier.example": "voice",
        "se2@carrier.example": "data_center",
        "se3@carrier.example": "",
    }


def test_assignment_import_names_a_bad_product_area_and_its_line(tmp_path, tenant):
    RoleFactory(code="sales-engineer", allows_multiple=True)
    PersonFactory(email="se@carrier.example")
    report = _import(tmp_path, [f"{tenant.account.number},sales-engineer,se@carrier.example,2026-02-01,fibre"])

    assert report.errors == [
        (2, "product_area 'fibre' is not one of data (Data), data_center (Data Center), voice (Voice)")
    ]


# --- The sub-topic on the raise page and in the API ----------------------------------------------


def test_raise_page_offers_sub_topics_grouped_by_category_with_its_script(tenant):
    html = signed_in(tenant.user).get(reverse("escalation_raise")).content.decode()

    assert 'name="topic"' in html and "data-topics-of=" in html
    assert '<optgroup label="ICA question">' in html
    assert "js/raise.js" in html
    assert "<script>" not in html  # the Content-Security-Policy allows no inline script


def test_raise_page_routes_by_the_chosen_sub_topic(tenant, team, clean_slate):
    response = signed_in(tenant.user).post(
        reverse("escalation_raise"),
        {
            "account": tenant.account.pk,
            "channel": "email",
            "category": "project_coordination",
            "topic": "new_oc_system",
            "subject": "OC48 to our new switch",
        },
    )

    assert response.status_code == 302, response.content
    item = Escalation.objects.get(subject="OC48 to our new switch")
    assert (item.topic, item.assignee) == ("new_oc_system", team[SALES])


def test_raise_page_refuses_a_sub_topic_of_another_category(tenant, team, clean_slate):
    response = signed_in(tenant.user).post(
        reverse("escalation_raise"),
        {
            "account": tenant.account.pk,
            "channel": "email",
            "category": "repair",
            "topic": "new_ica",
            "subject": "Circuit down",
        },
    )

    assert response.status_code == 200
    assert "This sub-topic does not belong to the chosen category." in response.content.decode()
    assert not Escalation.objects.exists()


def test_api_raises_with_a_sub_topic_and_returns_it(tenant, team, clean_slate):
    response = api_as(tenant.user).post(
        "/api/v1/escalations/",
        {
            "account": tenant.account.pk,
            "channel": "email",
            "category": "ica_question",
            "topic": "signed_ica",
            "subject": "Clause 4",
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    assert response.json()["topic"] == "signed_ica"
    assert response.json()["assignee"]["id"] == tenant.manager.pk


@pytest.mark.parametrize(
    ("category", "topic"), [("repair", "new_ica"), ("ica_question", "grooming"), ("ica_question", "no_such_topic")]
)
def test_api_refuses_a_sub_topic_that_is_not_the_categorys(tenant, team, clean_slate, category, topic):
    response = api_as(tenant.user).post(
        "/api/v1/escalations/",
        {
            "account": tenant.account.pk,
            "channel": "email",
            "category": category,
            "topic": topic,
            "subject": "S",
        },
        format="json",
    )

    assert response.status_code == 400
    assert "topic" in response.json()
    assert not Escalation.objects.exists()


# --- The documented tables match the seeded ones -------------------------------------------------

MANAGER = {"in_office": "in office", "out_of_office": "out of office / no quick phone access", "": "either"}
ROLE_NAMES = {code: name for code, name, *_rest in ROLES}


def _amount(value, unit: str) -> str:
    words = ResponsePolicy.Unit(unit).label
    return f"{value} {words.removesuffix('s') if value == 1 else words}"


def guidelines_doc_table() -> str:
    """The carrier's seeded response policies as the guide's Markdown table."""
    lines = [
        "| channel | category | manager | kind | reminder | due | warning | what customers read |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for policy in ResponsePolicy.objects.filter(company=None).order_by("sort_order"):
        reminder = _amount(policy.target_value, policy.unit) if policy.target_value else "—"
        if policy.target_value:
            warning = "at the reminder"
        elif policy.warn_percent:
            warning = f"at {policy.warn_percent}%"
        else:
            warning = "—"
        lines.append(
            " | ".join(
                [
                    f"| {Channel(policy.channel).label.lower() if policy.channel else 'any'}",
                    Category(policy.category).label.lower() if policy.category else "any",
                    MANAGER[policy.availability],
                    ResponsePolicy.Mode(policy.mode).label.lower(),
                    reminder,
                    _amount(policy.due_value, policy.unit),
                    warning,
                    f"{policy.description} |",
                ]
            )
        )
    return "\n".join(lines)


def routing_doc_table() -> str:
    """``policies.ROUTING`` as the guide's Markdown table."""
    lines = ["| category | sub-topic | answered by (the first one held on the account) |", "|---|---|---|"]
    for category, topic, roles in ROUTING:
        lines.append(
            f"| {Category(category).label} | {Topic(topic).label if topic else 'any'} | "
            f"{' → '.join(ROLE_NAMES[code] for code in roles)} |"
        )
    return "\n".join(lines)


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_the_docs_state_the_seeded_guidelines(db, clean_slate, doc):
    assert ResponsePolicy.objects.filter(company=None).count() == len(GUIDELINES)
    assert guidelines_doc_table() in doc.read_text(encoding="utf-8")


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_the_docs_state_the_seeded_routing(doc):
    assert routing_doc_table() in doc.read_text(encoding="utf-8")


def test_the_seeded_routing_names_only_roles_of_the_catalogue_and_topics_of_their_category():
    for category, topic, roles in ROUTING:
        assert set(roles) <= set(ROLE_NAMES), category
        assert not topic or topic in rules.TOPICS[category], (category, topic)


def test_seeding_the_routing_twice_changes_nothing(carrier_routing, tenant):
    RoutingRule.objects.create(company=tenant.company, category="pricing", roles=SERVICE)
    before = list(RoutingRule.objects.order_by("pk").values_list("company", "category", "topic", "roles"))

    seed_routing(RoutingRule)

    assert list(RoutingRule.objects.order_by("pk").values_list("company", "category", "topic", "roles")) == before
    assert RoutingRule.objects.filter(company=None).count() == len(ROUTING)


def test_a_staff_user_with_a_portal_sign_in_sees_the_same_reasons(tenant, staffed):
    html = signed_in(tenant.manager_user).get(f"/accounts/{tenant.account.pk}/").content.decode()
    assert "Contact for: Billing." in _text(_card(html, BCC))


def test_a_rule_reads_as_words_in_the_back_office_lists():
    rule = RoutingRule(category="repair", roles="service-manager duty-manager")

    assert str(rule) == "Carrier: Maintenance and repair escalation → service manager, then duty manager"

"""The carrier's response-interval guidelines and routing, as seeded into ResponsePolicy and
RoutingRule (see docs/domain)."""

from accountteam.data_words import in_languages

# channel ("" = any), category ("" = any), availability ("" = either), mode, target, due, unit, words
GUIDELINES = [
    (
        "pager",
        "",
        "in_office",
        "interval",
        15,
        30,
        "minutes",
        "Pager: a call back within 15–30 minutes in business hours.",
    ),
    (
        "pager",
        "",
        "out_of_office",
        "interval",
        4,
        8,
        "hours",
        "Pager, when your manager is out of the office or without quick phone access: a call back "
        "within 4–8 business hours.",
    ),
    ("voicemail", "", "in_office", "interval", None, 4, "hours", "Voicemail: returned within 4 business hours."),
    (
        "voicemail",
        "",
        "out_of_office",
        "interval",
        None,
        8,
        "hours",
        "Voicemail, when your manager is out of the office: returned within 8 business hours.",
    ),
    (
        "email",
        "",
        "",
        "interval",
        None,
        1,
        "days",
        "Email and letters: acknowledged within 1 business day, with the date by which you will be contacted.",
    ),
    (
        "email",
        "billing",
        "",
        "interval",
        None,
        2,
        "days",
        "Billing email: acknowledged within 48 business hours, which we read as two business days on "
        "the handler's calendar.",
    ),
    (
        "conference_call",
        "",
        "",
        "scheduled",
        None,
        1,
        "days",
        "Conference call: scheduled as you request, confirmed within 1 business day with an invitation.",
    ),
    (
        "meeting",
        "",
        "",
        "scheduled",
        None,
        1,
        "days",
        "Meeting: scheduled as you request, confirmed within 1 business day with an invitation.",
    ),
    (
        "",
        "complaint",
        "",
        "manager_sets",
        None,
        1,
        "days",
        "Complaint: within 1 business day your manager sets a target date for the situation and tells "
        "you; that date is then the deadline.",
    ),
]

# Which roles answer which category (and sub-topic), most preferred first; the service manager
# and then the sales executive close every route. From the procedure's "who does what".
SALES = "sales-executive"
SERVICE = "service-manager"
ROUTING = [
    # category, topic ("" = any), roles
    ("pricing", "", (SALES,)),
    ("sales_proposal", "", (SALES,)),
    ("bfr_sr", "", (SALES,)),
    ("ica_question", "", (SALES,)),
    ("ica_question", "new_ica", (SALES,)),
    ("ica_question", "signed_ica", (SERVICE,)),
    ("contract_compliance", "", (SALES,)),
    ("employee_performance", "", (SALES,)),
    ("project_coordination", "", (SERVICE,)),
    ("project_coordination", "new_oc_system", (SALES,)),
    ("project_coordination", "grooming", (SERVICE,)),
    ("order_escalation", "", (SERVICE,)),
    ("expedite", "", (SERVICE,)),
    ("delayed_order", "", (SERVICE,)),
    ("repair", "", (SERVICE,)),
    ("outage", "", (SERVICE,)),
    ("testing", "", (SERVICE,)),
    ("cmp_issue", "", (SERVICE,)),
    ("complaint", "", (SERVICE,)),
    ("postmortem", "", (SERVICE,)),
    ("billing", "", ("billing-customer-care", "client-support-manager", SERVICE)),
    ("other", "", (SERVICE,)),
]


def seed_guidelines(ResponsePolicy) -> int:
    """Create or refresh the carrier's rows (company-less); companies' overrides are untouched.
    ``ResponsePolicy`` is passed in so that a data migration can use its historical model (fields
    added after that migration are left to their defaults)."""
    fields = {f.name for f in ResponsePolicy._meta.get_fields()}
    for order, (channel, category, availability, mode, target, due, unit, words) in enumerate(GUIDELINES):
        ResponsePolicy.objects.update_or_create(
            company=None,
            channel=channel,
            category=category,
            availability=availability,
            defaults=_present(
                fields,
                mode=mode,
                target_value=target,
                due_value=due,
                unit=unit,
                sort_order=(order + 1) * 10,
                # A range's lower bound is its warning; a single number warns at 75%.
                warn_percent=None if target else 75,
            )
            | in_languages(ResponsePolicy, description=words),
        )
    return len(GUIDELINES)


def _present(fields: set[str], **values) -> dict:
    return {name: value for name, value in values.items() if name in fields}


def seed_routing(RoutingRule) -> int:
    """Create or refresh the carrier's routing rows (company-less); overrides are untouched."""
    for order, (category, topic, roles) in enumerate(ROUTING):
        RoutingRule.objects.update_or_create(
            company=None,
            category=category,
            topic=topic,
            defaults=dict(roles=" ".join(roles), sort_order=(order + 1) * 10),
        )
    return len(ROUTING)

"""The Client Service Partner's activities as the carrier's task list groups them (see "Regular
service activities" in the domain notes): the work a customer's service package pays for, "limited
by the hours per month included in the package purchased by the customer". The seed's wording is
kept; where it names its own brand, the carrier is named instead (branding is configuration)."""

from accountteam.data_words import in_languages

# code, group, name (its translations are in accountteam.data_words), in the seed's order
ACTIVITIES = [
    # Customer Relationship Management
    ("touch-point-calls", "relationship", "Proactive calls to the customer with regular touch points"),
    ("product-information", "relationship", "Provide product introduction or enhancement information"),
    ("data-center-tours", "relationship", "Customer tours of the carrier's data centers"),
    ("contact-management", "relationship", "Contact management and administration, with new customer contacts"),
    ("customer-queries", "relationship", "Customer queries (for example, what storage capacity is available?)"),
    ("service-guide", "relationship", "The carrier's Service Guide"),
    ("customer-advocate", "relationship", "Customer advocate at the carrier"),
    ("contractual-queries", "relationship", "Contractual queries"),
    ("carrier-changes", "relationship",
     "Informing the customer of the carrier's changes, such as the invoice layout or DCMW"),
    ("portal-training", "relationship", "Portal training"),
    # Incident / Problem Management
    ("incident-trending", "incident", "Incident and problem trending and reporting"),
    ("escalation-management", "incident", "Escalation management (via the Network Operations Center)"),
    # Configuration Management
    ("firewall-review", "configuration", "Coordinate the review of customer firewall rules"),
    ("infrastructure-review", "configuration", "Review customer infrastructure at service reviews"),
    ("monitoring-review", "configuration", "Undertake a quarterly review of infrastructure monitoring"),
    ("contact-list-review", "configuration", "Review the authorized customer contact list"),
    # Service Level Management
    ("service-reviews", "service_level", "Service reviews"),
    ("sla-reporting", "service_level", "SLA monitoring and reporting (via service reviews)"),
    ("executive-reviews", "service_level", "Executive reviews, including product enhancements and business direction"),
    ("service-development-plan", "service_level", "Implementation of the SDP (Service Development Plan)"),
    # Finance
    ("bill-production", "finance", "Proactively manage bill production"),
    ("service-credits", "finance", "Process service credits"),
    ("billing-enquiries", "finance", "Resolve billing enquiries"),
]


def seed_activities(model) -> int:
    """Create the activities not there yet (by code); never overwrite one the carrier edited."""
    existing = set(model.objects.values_list("code", flat=True))
    rows = [
        model(code=code, group=group, sort_order=10 * (i + 1), **in_languages(model, name=name))
        for i, (code, group, name) in enumerate(ACTIVITIES)
        if code not in existing
    ]
    model.objects.bulk_create(rows)
    return len(rows)

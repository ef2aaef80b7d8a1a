"""The carrier's response-interval guidelines, as seeded into ResponsePolicy (see docs/domain)."""

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
    ("email", "billing", "", "interval", None, 48, "hours", "Billing email: acknowledged within 48 business hours."),
    ("conference_call", "", "", "scheduled", None, None, "hours", "Conference call: scheduled as you request."),
    ("meeting", "", "", "scheduled", None, None, "hours", "Meeting: scheduled as you request."),
    (
        "",
        "complaint",
        "",
        "manager_sets",
        None,
        None,
        "days",
        "Complaint: your manager sets a target date for the situation and tells you.",
    ),
]


def seed_guidelines(ResponsePolicy) -> int:
    """Create or refresh the carrier's rows (company-less); companies' overrides are untouched.
    ``ResponsePolicy`` is passed in so that a data migration can use its historical model."""
    for order, (channel, category, availability, mode, target, due, unit, words) in enumerate(GUIDELINES):
        ResponsePolicy.objects.update_or_create(
            company=None,
            channel=channel,
            category=category,
            availability=availability,
            defaults=dict(
                mode=mode, target_value=target, due_value=due, unit=unit, description=words, sort_order=(order + 1) * 10
            ),
        )
    return len(GUIDELINES)

"""The handoff checklist as the carrier's guide lists it (see "Reassignment handoffs" in the
domain notes): what the outgoing person passes on and what the incoming person reviews."""

from accountteam.data_words import in_languages

# code, title (their translations are in accountteam.data_words), description, owner, step
TEMPLATE = [
    ("profile-contacts", "Corporate profile and contacts reviewed",
     "Walk through the customer's corporate profile and every contact: who they are, their role, "
     "how to reach them.", "incoming", ""),
    ("objectives", "Sales and service objectives reviewed",
     "The account's sales and/or service objectives and where they stand.", "incoming", ""),
    ("network", "Network reviewed",
     "Switches, points of interconnection, key locations and the network summary.", "incoming", ""),
    ("ica", "ICA and pending amendments reviewed",
     "The Interconnection Agreement and every amendment still pending or in negotiation.", "incoming", ""),
    ("meetings", "Meeting schedule handed over",
     "Service reviews, executive reviews and quarterly infrastructure reviews, with attendees.", "outgoing", ""),
    ("open-work", "Open issues and proposals transferred",
     "Every open escalation and sales proposal moves to the incoming person, with background, parties, "
     "commitments and timelines. Done by the Transfer step.", "outgoing", "transfer"),
    ("introduction", "Introduction call or meeting with the customer scheduled",
     "Scheduled from the handoff: the customer's contacts and both people receive an invitation.",
     "outgoing", "introduction"),
    ("files", "Files handed over",
     "Emails and documents about the account are in its dossier.", "outgoing", ""),
]


def seed_checklist(model) -> int:
    """Create the template items not there yet (by code); never overwrite an edited item."""
    existing = set(model.objects.values_list("code", flat=True))
    rows = [
        model(code=code, owner=owner, step=step, sort_order=10 * (i + 1),
              **in_languages(model, title=title, description=description))
        for i, (code, title, description, owner, step) in enumerate(TEMPLATE)
        if code not in existing
    ]
    model.objects.bulk_create(rows)
    return len(rows)

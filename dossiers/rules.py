"""Names of the dossier's parts, as the API, the pages and the history call them."""

from django.utils.translation import gettext_lazy as _

PROFILE = "profile"
CONTACTS = "contacts"
AMENDMENTS = "amendments"
MEETINGS = "meetings"
PROPOSALS = "proposals"
FILES = "files"
COMPANY = "company"

# What a reader calls each part (the history's lines, the back office).
PART_LABELS = {
    PROFILE: _("Profile"),
    COMPANY: _("Corporate profile"),
    CONTACTS: _("Contact"),
    AMENDMENTS: _("Agreement"),
    MEETINGS: _("Meeting"),
    PROPOSALS: _("Proposal"),
    FILES: _("File"),
}

# What a reader calls each field of the parts (form labels, the history's before/after rows). Most
# model fields leave their verbose name to Django, which derives it from the field's name and so
# cannot translate it; giving the models verbose names would only churn migrations. These are the
# same words, marked for translation. A field with its own verbose name needs no entry.
FIELD_LABELS = {
    # The account profile, and the company's corporate profile.
    "sales_objectives": _("Sales objectives"),
    "service_objectives": _("Service objectives"),
    "network_summary": _("Network summary"),
    "switches": _("Switches"),
    "points_of_interconnection": _("Points of interconnection"),
    "key_locations": _("Key locations"),
    "profile": _("Profile"),
    # Contacts.
    "name": _("Name"),
    "role": _("Role"),
    "email": _("Email"),
    "phone": _("Phone"),
    # Translators: a contact's mobile phone number.
    "cell": _("Cell"),
    # Agreements and amendments, meetings, proposals and files.
    "kind": _("Kind"),
    "title": _("Title"),
    "status": _("Status"),
    "requested_on": _("Requested on"),
    "signed_on": _("Signed on"),
    "effective_on": _("Effective on"),
    "expires_on": _("Expires on"),
    "document": _("Document"),
    "starts_at": _("Starts at"),
    # Translators: a meeting's length in minutes.
    "duration_minutes": _("Duration minutes"),
    "location": _("Location"),
    "recurrence": _("Recurrence"),
    "repeat_until": _("Repeat until"),
    "notes": _("Notes"),
    "guests": _("Guests"),
    "invitation_due": _("Invitation due"),
    "invitation_sent_at": _("Invitation sent at"),
    "value": _("Value"),
    "stage": _("Stage"),
    "owner": _("Owner"),
    "background": _("Background"),
    "parties": _("Parties"),
    "commitments": _("Commitments"),
    "next_step": _("Next step"),
    "due_date": _("Due date"),
    "section": _("Section"),
    "file": _("File"),
    "internal": _("Internal"),
}


def part_label(part: str) -> str:
    """'Contact' for ``contacts``; a part the portal no longer has reads as its name, capitalised."""
    return PART_LABELS.get(part, (part or "").replace("_", " ").capitalize())

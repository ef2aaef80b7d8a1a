"""Names of the dossier's parts, as the API, the pages and the history call them."""

PROFILE = "profile"
CONTACTS = "contacts"
AMENDMENTS = "amendments"
MEETINGS = "meetings"
PROPOSALS = "proposals"
FILES = "files"
COMPANY = "company"

# What a reader calls each part (the history's lines, the back office).
PART_LABELS = {
    PROFILE: "Profile",
    COMPANY: "Corporate profile",
    CONTACTS: "Contact",
    AMENDMENTS: "Agreement",
    MEETINGS: "Meeting",
    PROPOSALS: "Proposal",
    FILES: "File",
}


def part_label(part: str) -> str:
    """'Contact' for ``contacts``; a part the portal no longer has reads as its name, capitalised."""
    return PART_LABELS.get(part, (part or "").replace("_", " ").capitalize())

"""Names of the dossier's parts, as the API, the pages and the history call them."""

PROFILE = "profile"
CONTACTS = "contacts"
AMENDMENTS = "amendments"
MEETINGS = "meetings"
PROPOSALS = "proposals"
FILES = "files"
COMPANY = "company"

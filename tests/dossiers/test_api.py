"""The dossier API (/api/v1/accounts/{id}/dossier/…): what each caller sees and may change, field
messages for bad input, uploads and scoped downloads, the history, and the query budget.

A customer user without the view-team right sees the account (its number, in the account list)
but not its dossier: 403 on every dossier URL, like the team on the account page. Another
company's account, or one a staff member does not serve, is 404 throughout.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar

from dossiers.models import AccountProfile, Amendment, Change, Contact, DossierFile, Meeting, Proposal
from tests.clients import api_as as api
from tests.dossiers.factories import (
    AmendmentFactory,
    ContactFactory,
    DossierFileFactory,
    MeetingFactory,
    ProposalFactory,
    customer_user,
    upload,
)
from tests.teams.factories import PersonFactory

pytestmark = pytest.mark.django_db

# GET /dossier/ costs the same for one row per part and for ten: measured 11 for staff (staff
# profile, account, five parts, the two attendee prefetches, profile, changes with their actors)
# and 13 for a customer (+ the view-team check and the manage-users check). Bound = 13 + 1.
DOSSIER_API_MAX_QUERIES = 14



MODELS = {"contacts": Contact, "amendments": Amendment, "meetings": Meeting, "proposals": Proposal,
          "files": DossierFile}


def url(account, rest=""):
    return f"/api/v1/accounts/{account.pk}/dossier/{rest}"


@pytest.fixture
def rows(tenant):
    """One row of each part on the home account, and an internal file."""
    contact = ContactFactory(account=tenant.account, name="Karen Whitlock")
    return {
        "contact": contact,
        "amendment": AmendmentFactory(account=tenant.account, kind="agreement", title="ICA", status="signed"),
        "meeting": MeetingFactory(account=tenant.account, people=[tenant.manager], contacts=[contact]),
        "proposal": ProposalFactory(account=tenant.account, owner=tenant.manager),
        "file": DossierFileFactory(account=tenant.account, title="Network diagram"),
        "internal": DossierFileFactory(account=tenant.account, title="Pricing floor", internal=True),
    }


@pytest.fixture
def foreign_rows(foreign):
    contact = ContactFactory(account=foreign.account)
    return {
        "contacts": contact,
        "amendments": AmendmentFactory(account=foreign.account, document=upload()),
        "meetings": MeetingFactory(account=foreign.account, contacts=[contact]),
        "proposals": ProposalFactory(account=foreign.account, owner=foreign.manager),
        "files": DossierFileFactory(account=foreign.account),
    }


# --- Reading --------------------------------------------------------------------------------------


def test_customer_reads_their_dossier_without_internal_files(tenant, rows):
    response = api(tenant.user).get(url(tenant.account))

    assert response.status_code == 200, response.content
    data = response.json()
    assert data["account"]["id"] == tenant.account.pk
    assert data["company"]["name"] == tenant.company.name
    assert [c["name"] for c in data["contacts"]] == ["Karen Whitlock"]
    assert [f["title"] for f in data["files"]] == ["Network diagram"]
    meeting = data["meetings"][0]
    assert meeting["people"] == [tenant.manager.pk] and meeting["contacts"] == [rows["contact"].pk]
    assert {a["side"] for a in meeting["attendees"]} == {"carrier", "customer"}
    assert meeting["ics_url"].endswith(f"/meetings/{rows['meeting'].pk}/ics/")
    assert data["can_edit"] == {
        "profile": False, "contacts": True, "amendments": False, "meetings": False, "proposals": False, "files": False,
    }


def test_staff_on_the_account_read_everything_and_may_edit_every_part(tenant, rows):
    data = api(tenant.manager_user).get(url(tenant.account)).json()

    assert {f["title"] for f in data["files"]} == {"Network diagram", "Pricing floor"}
    assert all(data["can_edit"].values())


def test_files_carry_a_scoped_download_url_not_the_media_url(tenant, rows):
    (row,) = api(tenant.user).get(url(tenant.account, "files/")).json()["results"]

    assert row["download_url"] == f"http://testserver{url(tenant.account)}files/{rows['file'].pk}/download/"
    assert "file" not in row and "/media/" not in str(row)


@pytest.mark.parametrize("part", ["contacts", "amendments", "meetings", "proposals", "files"])
def test_another_companys_dossier_is_not_found_for_a_customer(tenant, foreign, foreign_rows, part):
    client = api(tenant.user)
    row = foreign_rows[part]

    assert client.get(url(foreign.account)).status_code == 404
    assert client.get(url(foreign.account, "history/")).status_code == 404
    assert client.get(url(foreign.account, f"{part}/")).status_code == 404
    assert client.get(url(foreign.account, f"{part}/{row.pk}/")).status_code == 404
    assert client.patch(url(foreign.account, f"{part}/{row.pk}/"), {}, format="json").status_code == 404
    assert client.delete(url(foreign.account, f"{part}/{row.pk}/")).status_code == 404
    # Nor through one's own account: the row is looked up within the account in the URL.
    assert client.get(url(tenant.account, f"{part}/{row.pk}/")).status_code == 404
    assert MODELS[part].objects.filter(pk=row.pk, account=foreign.account).exists()
    assert not Change.objects.exists()


def test_foreign_downloads_and_calendar_files_are_not_found(tenant, foreign, foreign_rows):
    for user in (tenant.user, tenant.manager_user):
        client = api(user)
        assert client.get(url(foreign.account, f"files/{foreign_rows['files'].pk}/download/")).status_code == 404
        doc = url(foreign.account, f"amendments/{foreign_rows['amendments'].pk}/document/")
        assert client.get(doc).status_code == 404
        assert client.get(url(foreign.account, f"meetings/{foreign_rows['meetings'].pk}/ics/")).status_code == 404


def test_staff_who_do_not_serve_the_account_get_404(tenant, foreign, rows):
    client = api(foreign.manager_user)

    assert client.get(url(tenant.account)).status_code == 404
    assert client.get(url(tenant.account, f"contacts/{rows['contact'].pk}/")).status_code == 404
    assert client.post(url(tenant.account, "contacts/"), {"name": "X"}, format="json").status_code == 404
    assert not Contact.objects.filter(name="X").exists() and not Change.objects.exists()


def test_customer_without_the_view_team_right_gets_403_on_the_dossier(tenant, rows):
    client = api(customer_user(tenant, username="no.team", can_view_team=False, can_manage_users=True))

    assert client.get(url(tenant.account)).status_code == 403
    assert client.get(url(tenant.account, "contacts/")).status_code == 403
    assert client.get(url(tenant.account, f"files/{rows['file'].pk}/download/")).status_code == 403
    assert client.post(url(tenant.account, "contacts/"), {"name": "X"}, format="json").status_code == 403
    assert not Contact.objects.filter(name="X").exists() and not Change.objects.exists()


def test_internal_files_are_hidden_from_customers_in_list_detail_and_download(tenant, rows):
    client = api(tenant.user)
    secret = rows["internal"]

    titles = [f["title"] for f in client.get(url(tenant.account, "files/")).json()["results"]]
    assert titles == ["Network diagram"]
    assert client.get(url(tenant.account, f"files/{secret.pk}/")).status_code == 404
    assert client.get(url(tenant.account, f"files/{secret.pk}/download/")).status_code == 404
    assert api(tenant.manager_user).get(url(tenant.account, f"files/{secret.pk}/download/")).status_code == 200


# --- Writing -------------------------------------------------------------------------------------


def test_customer_user_manager_adds_changes_and_removes_contacts(tenant):
    client = api(tenant.user)

    created = client.post(url(tenant.account, "contacts/"), {"name": "Dev Patel", "email": "dev@home.example"},
                          format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    changed = client.patch(url(tenant.account, f"contacts/{pk}/"), {"role": "Carrier relations"}, format="json")
    assert changed.status_code == 200 and changed.json()["role"] == "Carrier relations"
    assert client.delete(url(tenant.account, f"contacts/{pk}/")).status_code == 204

    actions = list(Change.objects.filter(account=tenant.account).order_by("pk").values_list("action", "actor"))
    assert actions == [("created", tenant.user.pk), ("updated", tenant.user.pk), ("deleted", tenant.user.pk)]


def test_customer_user_manager_may_not_change_proposals_or_the_profile(tenant, rows):
    client = api(tenant.user)
    proposal = rows["proposal"]

    assert client.patch(url(tenant.account, f"proposals/{proposal.pk}/"), {"stage": "won"},
                        format="json").status_code == 403
    assert client.delete(url(tenant.account, f"proposals/{proposal.pk}/")).status_code == 403
    assert client.post(url(tenant.account, "proposals/"), {"title": "Mine"}, format="json").status_code == 403
    assert client.patch(url(tenant.account), {"sales_objectives": "Ours"}, format="json").status_code == 403
    assert client.post(url(tenant.account, "files/"), {"file": upload()}, format="multipart").status_code == 403
    proposal.refresh_from_db()
    assert proposal.stage == "presented" and not Change.objects.exists()
    assert list(Proposal.objects.values_list("pk", flat=True)) == [proposal.pk]
    assert not AccountProfile.objects.filter(sales_objectives="Ours").exists()
    assert DossierFile.objects.count() == 2


def test_customer_without_manage_users_gets_403_on_contact_writes(tenant, rows):
    client = api(customer_user(tenant, username="reader"))
    contact = rows["contact"]

    assert client.get(url(tenant.account, "contacts/")).status_code == 200
    assert client.post(url(tenant.account, "contacts/"), {"name": "X"}, format="json").status_code == 403
    assert client.patch(url(tenant.account, f"contacts/{contact.pk}/"), {"name": "Y"}, format="json").status_code == 403
    assert client.delete(url(tenant.account, f"contacts/{contact.pk}/")).status_code == 403
    assert not Change.objects.exists()
    assert list(Contact.objects.values_list("pk", "name")) == [(contact.pk, "Karen Whitlock")]


def test_staff_patch_the_profile_and_the_corporate_profile(tenant):
    response = api(tenant.manager_user).patch(
        url(tenant.account),
        {"sales_objectives": "Win the ring", "switches": "DNVRCOMADS0", "company_profile": "A Denver CLEC"},
        format="json",
    )

    assert response.status_code == 200, response.content
    data = response.json()
    assert data["profile"]["sales_objectives"] == "Win the ring"
    assert data["company"]["profile"] == "A Denver CLEC"
    parts = set(Change.objects.filter(account=tenant.account).values_list("part", flat=True))
    assert parts == {"profile", "company"}


@pytest.mark.parametrize(
    "part, body, field",
    [
        ("contacts", {"name": "Karen", "email": "not-an-email"}, "email"),
        ("contacts", {"email": "karen@home.example"}, "name"),
        ("contacts", {"name": "Karen", "account": 1}, "account"),
        ("meetings", {"title": "Review", "starts_at": "2026-02-03T10:00:00-07:00", "repeat_until": "2026-06-01"},
         "repeat_until"),
        ("meetings", {"title": "Review", "starts_at": "tomorrow"}, "starts_at"),
        ("meetings", {"title": "Review", "starts_at": "2026-02-03T10:00:00-07:00", "duration_minutes": 0},
         "duration_minutes"),
        ("amendments", {"title": "ICA", "effective_on": "2026-02-01", "expires_on": "2025-02-01"}, "expires_on"),
        ("amendments", {"title": "ICA", "status": "pending", "signed_on": "2026-02-01"}, "signed_on"),
        ("amendments", {"title": "ICA", "status": "bogus"}, "status"),
        ("proposals", {"title": "Ring", "owner": 999999}, "owner"),
        ("proposals", {"title": "Ring", "value": "lots"}, "value"),
        ("files", {"title": "No file"}, "file"),
    ],
)
def test_bad_input_answers_400_with_a_message_for_the_field(tenant, part, body, field):
    response = api(tenant.manager_user).post(url(tenant.account, f"{part}/"), body, format="json")

    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert response.json()[field]
    assert not MODELS[part].objects.exists()
    assert not Change.objects.exists()


def test_meeting_attendees_must_be_contacts_of_the_same_account(tenant, foreign, foreign_rows):
    body = {"title": "Review", "starts_at": "2026-02-03T10:00:00-07:00", "contacts": [foreign_rows["contacts"].pk]}
    response = api(tenant.manager_user).post(url(tenant.account, "meetings/"), body, format="json")

    assert response.status_code == 400
    assert "contacts" in response.json()
    assert not Meeting.objects.filter(account=tenant.account).exists() and not Change.objects.exists()


def test_customer_cannot_invite_people_they_cannot_see_even_when_editing_contacts(tenant, foreign):
    # Customers may not write meetings at all; the scoped look-up is the second line of defence.
    body = {"title": "Review", "starts_at": "2026-02-03T10:00:00-07:00", "people": [foreign.manager.pk]}
    assert api(tenant.user).post(url(tenant.account, "meetings/"), body, format="json").status_code == 403
    assert not Meeting.objects.exists() and not Change.objects.exists()


def test_staff_create_a_recurring_meeting_with_attendees(tenant, rows):
    body = {
        "kind": "service_review", "title": "Quarterly service review", "starts_at": "2026-02-03T10:00:00-07:00",
        "duration_minutes": 45, "recurrence": "QUARTERLY", "repeat_until": "2027-02-03",
        "people": [tenant.manager.pk], "contacts": [rows["contact"].pk],
    }
    response = api(tenant.manager_user).post(url(tenant.account, "meetings/"), body, format="json")

    assert response.status_code == 201, response.content
    meeting = Meeting.objects.get(pk=response.json()["id"])
    assert list(meeting.people.all()) == [tenant.manager] and list(meeting.contacts.all()) == [rows["contact"]]
    assert response.json()["ends_at"] == "2026-02-03T10:45:00-07:00"


def test_proposal_owner_defaults_to_the_staff_member_creating_it(tenant):
    response = api(tenant.manager_user).post(url(tenant.account, "proposals/"), {"title": "Ring"}, format="json")

    assert response.status_code == 201, response.content
    assert response.json()["owner"] == tenant.manager.pk and response.json()["owner_name"] == tenant.manager.name
    assert Proposal.objects.get().owner == tenant.manager


def test_put_replaces_a_contact(tenant, rows):
    contact = rows["contact"]
    response = api(tenant.manager_user).put(
        url(tenant.account, f"contacts/{contact.pk}/"), {"name": "Karen W.", "role": "CTO"}, format="json"
    )

    assert response.status_code == 200, response.content
    contact.refresh_from_db()
    assert (contact.name, contact.role, contact.email) == ("Karen W.", "CTO", contact.email)


# --- Files --------------------------------------------------------------------------------------------


def test_file_upload_and_download_round_trip(tenant):
    content = b"%PDF-1.4\n" + bytes(range(256)) * 4
    client = api(tenant.manager_user)
    response = client.post(
        url(tenant.account, "files/"),
        {"file": upload("POI diagram.pdf", content), "section": "network", "kind": "document"},
        format="multipart",
    )

    assert response.status_code == 201, response.content
    row = response.json()
    assert row["title"] == "POI diagram.pdf" and row["added_by"] == tenant.manager.name
    assert row["file_name"].endswith(".pdf")
    download = api(tenant.user).get(row["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content
    assert download["Content-Disposition"].startswith("attachment;")
    change = Change.objects.get(part="files")
    assert change.actor == tenant.manager_user and change.changes["section"] == [None, "network"]


def test_replacing_a_file_keeps_it_when_none_is_sent_and_records_a_new_one(tenant):
    row = DossierFileFactory(account=tenant.account, title="Diagram")
    client = api(tenant.manager_user)

    kept = client.patch(url(tenant.account, f"files/{row.pk}/"), {"title": "Diagram v1"}, format="multipart")
    assert kept.status_code == 200, kept.content
    replaced = client.patch(url(tenant.account, f"files/{row.pk}/"), {"file": upload("v2.pdf", b"%PDF-1.4 v2")},
                            format="multipart")
    assert replaced.status_code == 200
    row.refresh_from_db()
    assert row.title == "Diagram v1" and row.file.read() == b"%PDF-1.4 v2"
    assert list(Change.objects.order_by("pk").values_list("changes", flat=True))[0] == {
        "title": ["Diagram", "Diagram v1"]
    }


def test_amendment_document_upload_and_download(tenant):
    client = api(tenant.manager_user)
    response = client.post(
        url(tenant.account, "amendments/"),
        {"title": "Amendment 7", "status": "signed", "signed_on": "2026-01-05",
         "document": upload("a7.pdf", b"%PDF-1.4 A7")},
        format="multipart",
    )

    assert response.status_code == 201, response.content
    assert response.json()["document_name"].endswith(".pdf")
    download = api(tenant.user).get(response.json()["document_url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 A7"
    no_document = AmendmentFactory(account=tenant.account)
    assert client.get(url(tenant.account, f"amendments/{no_document.pk}/document/")).status_code == 404


# --- History and calendar ------------------------------------------------------------------------


def test_history_is_paginated_newest_first_and_filterable_by_part(tenant, rows):
    client = api(tenant.manager_user)
    for n in range(3):
        client.patch(url(tenant.account, f"contacts/{rows['contact'].pk}/"), {"role": f"Role {n}"}, format="json")
    client.delete(url(tenant.account, f"proposals/{rows['proposal'].pk}/"))

    data = client.get(url(tenant.account, "history/")).json()
    assert data["count"] == 4
    first = data["results"][0]
    assert (first["action"], first["part"], first["actor"]) == ("deleted", "proposals", tenant.manager.name)
    assert data["results"][1]["changes"] == {"role": ["Role 1", "Role 2"]}
    only_contacts = client.get(url(tenant.account, "history/"), {"part": "contacts"}).json()
    assert only_contacts["count"] == 3


def test_meeting_ics_from_the_api_parses_and_accepts_a_calendar_accept_header(tenant, rows):
    response = api(tenant.user).get(url(tenant.account, f"meetings/{rows['meeting'].pk}/ics/"),
                                    HTTP_ACCEPT="text/calendar")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["summary"]).startswith(rows["meeting"].title)


# --- Query budget -------------------------------------------------------------------------------------


def _dossier_queries(user, account):
    user = type(user).objects.get(pk=user.pk)  # a fresh user: nothing memoised from an earlier request
    with CaptureQueriesContext(connection) as queries:
        response = api(user).get(url(account))
    assert response.status_code == 200
    return queries


def _more_rows(tenant, n):
    for _ in range(n):
        contact = ContactFactory(account=tenant.account)
        MeetingFactory(account=tenant.account, people=[tenant.manager, PersonFactory()], contacts=[contact])
        AmendmentFactory(account=tenant.account)
        ProposalFactory(account=tenant.account, owner=PersonFactory())
        DossierFileFactory(account=tenant.account)
        api(tenant.manager_user).patch(url(tenant.account, f"contacts/{contact.pk}/"), {"role": "x"}, format="json")


def test_dossier_api_query_count_is_the_same_for_one_and_ten_rows_per_part(
    tenant, rows, django_assert_max_num_queries
):
    few = [len(_dossier_queries(u, tenant.account)) for u in (tenant.user, tenant.manager_user)]
    _more_rows(tenant, 9)
    many = [len(_dossier_queries(u, tenant.account)) for u in (tenant.user, tenant.manager_user)]

    assert few == many == [13, 11]
    for user in (tenant.user, tenant.manager_user):
        with django_assert_max_num_queries(DOSSIER_API_MAX_QUERIES):
            api(type(user).objects.get(pk=user.pk)).get(url(tenant.account))
    assert DossierFile.objects.filter(account=tenant.account).count() == 11


def test_a_fetched_row_can_be_sent_back_with_put(tenant, rows):
    client = api(tenant.manager_user)
    body = client.get(url(tenant.account, f"meetings/{rows['meeting'].pk}/")).json()
    body["location"] = "Denver office"

    response = client.put(url(tenant.account, f"meetings/{rows['meeting'].pk}/"), body, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["location"] == "Denver office" and response.json()["sequence"] == 1

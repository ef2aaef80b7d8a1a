"""The dossier pages: sections and edit controls per viewer, adding/changing/removing rows through
the generic part forms (POST-redirect-GET with a message; errors re-rendered), the profile form,
scoped downloads, the history page and the page's query budget."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dossiers.models import AccountProfile, Change, Contact, DossierFile, Meeting, Proposal
from tests.clients import signed_in
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

# The dossier page costs the same with one row per part as with ten: measured 16 for staff and
# 18 for a customer user. Session and user (2), the active membership, the staff profile, the
# account, the five parts with the two attendee prefetches, the profile, the recent changes (with
# their actors) and the header's unread notices; staff add the menu's count of mail in quarantine;
# a customer adds the view-team and manage-users checks and the header's company switcher.
# Bound = 18 + 1.
DOSSIER_PAGE_MAX_QUERIES = 19



def page(account):
    return reverse("dossier", args=[account.pk])


@pytest.fixture
def rows(tenant):
    contact = ContactFactory(account=tenant.account, name="Karen Whitlock", is_primary=True)
    return {
        "contact": contact,
        "agreement": AmendmentFactory(account=tenant.account, kind="agreement", title="Colorado ICA",
                                      status="signed", document=upload("ica.pdf", b"%PDF-1.4 ICA")),
        "amendment": AmendmentFactory(account=tenant.account, title="Amendment 7", status="in_negotiation"),
        "meeting": MeetingFactory(account=tenant.account, title="Quarterly service review", recurrence="QUARTERLY",
                                  people=[tenant.manager], contacts=[contact]),
        "open": ProposalFactory(account=tenant.account, title="10G ring", owner=tenant.manager),
        "closed": ProposalFactory(account=tenant.account, title="Old DS3 deal", stage="lost", owner=tenant.manager),
        "file": DossierFileFactory(account=tenant.account, title="POI diagram", section="network"),
        "internal": DossierFileFactory(account=tenant.account, title="Pricing floor memo", internal=True),
    }


# --- The page ----------------------------------------------------------------------------------------


def test_staff_see_every_section_and_the_edit_controls(tenant, rows):
    response = signed_in(tenant.manager_user).get(page(tenant.account))

    assert response.status_code == 200
    html = response.content.decode()
    for text in ("Corporate profile", "Objectives", "Network", "Karen Whitlock", "Colorado ICA", "In negotiation",
                 "Quarterly service review", "Quarterly", "10G ring", "Closed proposals (1)", "Old DS3 deal",
                 "POI diagram", "Pricing floor memo", "Changes"):
        assert text in html, text
    assert reverse("dossier_profile_edit", args=[tenant.account.pk]) in html
    assert reverse("dossier_part_create", args=[tenant.account.pk, "proposals"]) in html
    assert reverse("meeting_ics", args=[rows["meeting"].pk]) in html
    assert reverse("dossier_file_download", args=[tenant.account.pk, rows["file"].pk]) in html
    assert "/media/" not in html


def test_customer_sees_their_dossier_without_internal_files_and_edits_only_contacts(tenant, rows):
    html = signed_in(tenant.user).get(page(tenant.account)).content.decode()

    assert "POI diagram" in html and "Pricing floor memo" not in html
    assert reverse("dossier_part_create", args=[tenant.account.pk, "contacts"]) in html
    assert reverse("dossier_part_edit", args=[tenant.account.pk, "contacts", rows["contact"].pk]) in html
    for part in ("amendments", "meetings", "proposals", "files"):
        assert reverse("dossier_part_create", args=[tenant.account.pk, part]) not in html
    assert reverse("dossier_profile_edit", args=[tenant.account.pk]) not in html


def test_customer_without_manage_users_sees_no_edit_controls(tenant, rows):
    html = signed_in(customer_user(tenant, username="reader")).get(page(tenant.account)).content.decode()

    assert "Karen Whitlock" in html
    assert "/new/" not in html and "/delete/" not in html


def test_the_account_page_links_to_the_dossier(tenant):
    html = signed_in(tenant.user).get(reverse("account_detail", args=[tenant.account.pk])).content.decode()
    assert page(tenant.account) in html


def test_another_companys_dossier_and_its_rows_are_not_found(tenant, foreign):
    contact = ContactFactory(account=foreign.account)
    row = DossierFileFactory(account=foreign.account)
    meeting = MeetingFactory(account=foreign.account)
    edit = reverse("dossier_part_edit", args=[foreign.account.pk, "contacts", contact.pk])
    delete = reverse("dossier_part_delete", args=[foreign.account.pk, "contacts", contact.pk])
    # Nor through one's own account: the row is looked up within the account in the URL.
    through_own = reverse("dossier_part_edit", args=[tenant.account.pk, "contacts", contact.pk])
    for user in (tenant.user, tenant.manager_user):
        client = signed_in(user)
        assert client.get(page(foreign.account)).status_code == 404
        assert client.get(reverse("dossier_history", args=[foreign.account.pk])).status_code == 404
        assert client.get(edit).status_code == 404
        assert client.post(delete).status_code == 404
        assert client.get(reverse("dossier_file_download", args=[foreign.account.pk, row.pk])).status_code == 404
        assert client.get(reverse("meeting_ics", args=[meeting.pk])).status_code == 404
        assert client.get(through_own).status_code == 404
    assert Contact.objects.filter(pk=contact.pk).exists() and not Change.objects.exists()


def test_customer_without_view_team_gets_403(tenant, rows):
    client = signed_in(customer_user(tenant, username="no.team", can_view_team=False, can_manage_users=True))

    assert client.get(page(tenant.account)).status_code == 403
    assert client.get(reverse("dossier_part_create", args=[tenant.account.pk, "contacts"])).status_code == 403
    assert client.get(reverse("dossier_file_download", args=[tenant.account.pk, rows["file"].pk])).status_code == 403
    # Per-meeting calendar files are looked up by id alone: outside the visible dossiers, 404.
    assert client.get(reverse("meeting_ics", args=[rows["meeting"].pk])).status_code == 404


def test_an_unknown_part_does_not_route(tenant):
    response = signed_in(tenant.manager_user).get(f"/accounts/{tenant.account.pk}/dossier/secrets/new/")
    assert response.status_code == 404


def test_sign_in_is_required(tenant):
    response = Client().get(page(tenant.account))
    assert response.status_code == 302 and "/auth/login/" in response["Location"]


# --- Adding, changing, removing -------------------------------------------------------------------------


def test_customer_user_manager_adds_a_contact_and_is_sent_back_with_a_message(tenant):
    client = signed_in(tenant.user)
    response = client.post(
        reverse("dossier_part_create", args=[tenant.account.pk, "contacts"]),
        {"name": "Dev Patel", "role": "Carrier relations", "email": "dev@home.example"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == page(tenant.account) + "#contacts"
    assert "Contact “Dev Patel” added." in response.content.decode()
    change = Change.objects.get()
    assert change.actor == tenant.user and change.changes["email"] == [None, "dev@home.example"]


def test_form_errors_re_render_with_the_field_message(tenant):
    response = signed_in(tenant.user).post(
        reverse("dossier_part_create", args=[tenant.account.pk, "contacts"]), {"name": "", "email": "nope"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "This field is required." in html and "Enter a valid email address." in html
    assert 'aria-invalid="true"' in html
    assert not Contact.objects.exists() and not Change.objects.exists()


def test_model_rules_show_as_form_errors(tenant):
    response = signed_in(tenant.manager_user).post(
        reverse("dossier_part_create", args=[tenant.account.pk, "meetings"]),
        {"kind": "service_review", "title": "Review", "starts_at": "2026-02-03T10:00", "duration_minutes": 60,
         "recurrence": "", "repeat_until": "2026-06-01"},
    )

    assert response.status_code == 200
    assert "Only a recurring meeting repeats until a date" in response.content.decode()
    assert not Meeting.objects.exists() and not Change.objects.exists()


def test_editing_a_meeting_records_the_field_changes_and_keeps_the_uid(tenant, rows):
    meeting = rows["meeting"]
    uid = meeting.uid
    response = signed_in(tenant.manager_user).post(
        reverse("dossier_part_edit", args=[tenant.account.pk, "meetings", meeting.pk]),
        {"kind": "service_review", "title": "Quarterly service review", "starts_at": "2026-02-03T11:00",
         "duration_minutes": 60, "location": "Denver office", "recurrence": "QUARTERLY", "repeat_until": "",
         "people": [tenant.manager.pk], "contacts": [rows["contact"].pk], "notes": ""},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    meeting.refresh_from_db()
    assert meeting.uid == uid and meeting.sequence == 1 and meeting.location == "Denver office"
    change = Change.objects.get()
    assert change.action == "updated" and change.actor == tenant.manager_user
    assert set(change.changes) == {"starts_at", "location"}
    assert change.changes["location"] == ["Microsoft Teams", "Denver office"]


def test_the_edit_form_shows_the_stored_values(tenant, rows):
    html = signed_in(tenant.manager_user).get(
        reverse("dossier_part_edit", args=[tenant.account.pk, "meetings", rows["meeting"].pk])
    ).content.decode()

    assert 'value="2026-02-03T10:00"' in html
    assert re.search(rf'<option value="{tenant.manager.pk}" selected>', html)


def test_removing_asks_first_then_removes_and_records(tenant, rows):
    client = signed_in(tenant.manager_user)
    url = reverse("dossier_part_delete", args=[tenant.account.pk, "proposals", rows["open"].pk])

    assert "Remove proposal “10G ring”?" in client.get(url).content.decode()
    assert Proposal.objects.filter(pk=rows["open"].pk).exists()
    response = client.post(url, follow=True)
    assert "Proposal “10G ring” removed." in response.content.decode()
    assert not Proposal.objects.filter(pk=rows["open"].pk).exists()
    assert Change.objects.get().changes["title"] == ["10G ring", None]


def test_customer_user_manager_gets_403_on_proposal_and_profile_forms(tenant, rows):
    client = signed_in(tenant.user)
    proposal = [tenant.account.pk, "proposals", rows["open"].pk]

    assert client.get(reverse("dossier_part_edit", args=proposal)).status_code == 403
    assert client.post(reverse("dossier_part_delete", args=proposal)).status_code == 403
    profile = reverse("dossier_profile_edit", args=[tenant.account.pk])
    assert client.post(profile, {"sales_objectives": "x"}).status_code == 403
    assert not Change.objects.exists()
    assert Proposal.objects.filter(pk=rows["open"].pk, title="10G ring").exists()
    assert not AccountProfile.objects.filter(sales_objectives="x").exists()


def test_customer_without_manage_users_gets_403_on_contact_forms(tenant, rows):
    client = signed_in(customer_user(tenant, username="reader"))

    create = reverse("dossier_part_create", args=[tenant.account.pk, "contacts"])
    assert client.get(create).status_code == 403
    assert client.post(create, {"name": "X"}).status_code == 403
    delete = reverse("dossier_part_delete", args=[tenant.account.pk, "contacts", rows["contact"].pk])
    assert client.post(delete).status_code == 403
    assert list(Contact.objects.values_list("pk", flat=True)) == [rows["contact"].pk]
    assert not Change.objects.exists()


def test_profile_form_saves_the_profile_and_the_corporate_profile(tenant):
    client = signed_in(tenant.manager_user)
    response = client.post(
        reverse("dossier_profile_edit", args=[tenant.account.pk]),
        {"company_profile": "Denver CLEC since 2009", "sales_objectives": "Win the ring", "switches": "DNVR1\nDNVR2"},
        follow=True,
    )

    html = response.content.decode()
    assert "The profile is saved." in html and "Denver CLEC since 2009" in html
    assert "<li>DNVR1</li><li>DNVR2</li>" in html
    assert set(Change.objects.values_list("part", flat=True)) == {"profile", "company"}
    # Saving again unchanged adds nothing to the history.
    client.post(reverse("dossier_profile_edit", args=[tenant.account.pk]),
                {"company_profile": "Denver CLEC since 2009", "sales_objectives": "Win the ring",
                 "switches": "DNVR1\nDNVR2"})
    assert Change.objects.count() == 2


def test_file_upload_through_the_page_and_download(tenant):
    client = signed_in(tenant.manager_user)
    response = client.post(
        reverse("dossier_part_create", args=[tenant.account.pk, "files"]),
        {"title": "Email from Karen", "kind": "email", "section": "general",
         "file": upload("karen.eml", b"From: karen@home.example\r\n\r\nHello", "message/rfc822")},
    )

    assert response.status_code == 302
    row = DossierFile.objects.get()
    assert row.added_by == tenant.manager_user
    html = signed_in(tenant.user).get(page(tenant.account)).content.decode()
    assert "Email from Karen" in html and tenant.manager.name in html
    download = signed_in(tenant.user).get(reverse("dossier_file_download", args=[tenant.account.pk, row.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).endswith(b"Hello")
    assert 'attachment; filename="karen' in download["Content-Disposition"]


def test_the_file_field_names_the_stored_file_without_a_media_link(tenant, rows):
    html = signed_in(tenant.manager_user).get(
        reverse("dossier_part_edit", args=[tenant.account.pk, "files", rows["file"].pk])
    ).content.decode()

    assert "network-diagram" in html and "/media/" not in html


def test_internal_file_download_is_not_found_for_customers(tenant, rows):
    url = reverse("dossier_file_download", args=[tenant.account.pk, rows["internal"].pk])
    assert signed_in(tenant.user).get(url).status_code == 404
    assert signed_in(tenant.manager_user).get(url).status_code == 200


def test_amendment_document_download(tenant, rows):
    url = reverse("dossier_amendment_document", args=[tenant.account.pk, rows["agreement"].pk])
    response = signed_in(tenant.user).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 ICA"
    none = reverse("dossier_amendment_document", args=[tenant.account.pk, rows["amendment"].pk])
    assert signed_in(tenant.user).get(none).status_code == 404


# --- History ---------------------------------------------------------------------------------------------


def test_history_shows_who_when_and_each_field_before_and_after(tenant, rows):
    client = signed_in(tenant.manager_user)
    client.post(reverse("dossier_part_edit", args=[tenant.account.pk, "contacts", rows["contact"].pk]),
                {"name": "Karen Whitlock", "role": "CTO", "email": rows["contact"].email, "is_primary": "on"})
    client.post(reverse("dossier_part_delete", args=[tenant.account.pk, "proposals", rows["closed"].pk]))

    html = signed_in(tenant.user).get(page(tenant.account)).content.decode()
    assert f"<strong>{tenant.manager.name}</strong> changed contact “Karen Whitlock”" in html
    assert "<del>Network Operations</del>" in html and "<ins>CTO</ins>" in html
    assert "removed proposal “Old DS3 deal”" in html and "<del>Old DS3 deal</del>" in html


def test_history_page_paginates_and_serves_the_next_rows_to_htmx(tenant, rows):
    client = signed_in(tenant.manager_user)
    for n in range(55):
        client.post(reverse("dossier_part_edit", args=[tenant.account.pk, "contacts", rows["contact"].pk]),
                    {"name": "Karen Whitlock", "role": f"Role {n}"})
    url = reverse("dossier_history", args=[tenant.account.pk])

    first = client.get(url).content.decode()
    assert first.count('class="event change') == 50 and "Older changes" in first
    more = client.get(url, {"page": 2}, HTTP_HX_REQUEST="true").content.decode()
    assert more.count('class="event change') == 5 and "<html" not in more and "Older changes" not in more


# --- Query budget ------------------------------------------------------------------------------------


def _page_queries(user, account):
    client = signed_in(get_user_model().objects.get(pk=user.pk))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(page(account))
    assert response.status_code == 200
    return queries


def test_dossier_page_query_count_is_the_same_for_one_and_ten_rows_per_part(
    tenant, rows, django_assert_max_num_queries
):
    few = [len(_page_queries(u, tenant.account)) for u in (tenant.user, tenant.manager_user)]
    staff = signed_in(tenant.manager_user)
    for _ in range(9):
        contact = ContactFactory(account=tenant.account)
        MeetingFactory(account=tenant.account, people=[tenant.manager, PersonFactory()], contacts=[contact],
                       recurrence="MONTHLY")
        AmendmentFactory(account=tenant.account)
        ProposalFactory(account=tenant.account, owner=PersonFactory())
        ProposalFactory(account=tenant.account, owner=PersonFactory(), stage="won")
        DossierFileFactory(account=tenant.account, added_by=tenant.user)
        staff.post(reverse("dossier_part_edit", args=[tenant.account.pk, "contacts", contact.pk]),
                   {"name": contact.name, "role": "CTO"})
    many = [len(_page_queries(u, tenant.account)) for u in (tenant.user, tenant.manager_user)]

    assert few == many == [18, 16]
    client = signed_in(tenant.user)
    with django_assert_max_num_queries(DOSSIER_PAGE_MAX_QUERIES):
        client.get(page(tenant.account))

"""Dossier writes and their history: every change says who, when and, field by field, what it was
before and after, deletions included; and who may write which part."""

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from dossiers import selectors, services
from dossiers.models import AccountProfile, Amendment, CalendarFeed, Change, Contact, DossierFile, Meeting
from tests.dossiers.factories import ContactFactory, customer_user, denver, save, upload

pytestmark = pytest.mark.django_db

MON_9 = denver(2026, 1, 12, 9, 0)


def history(account, **filters):
    return list(Change.objects.filter(account=account, **filters).order_by("pk"))


def test_adding_a_contact_records_who_when_and_each_value(tenant):
    with time_machine.travel(MON_9, tick=False):
        contact = save(tenant.manager_user, tenant.account, "contacts", Contact(),
                       name="Karen Whitlock", role="VP Network", email="karen@customer.example")

    (change,) = history(tenant.account)
    assert change.action == Change.Action.CREATED
    assert change.part == "contacts" and change.object_id == contact.pk and change.label == "Karen Whitlock"
    assert change.actor == tenant.manager_user
    assert change.at == MON_9
    assert change.changes == {
        "name": [None, "Karen Whitlock"],
        "role": [None, "VP Network"],
        "email": [None, "karen@customer.example"],
        "is_primary": [None, False],
    }


def test_changing_a_row_records_only_the_fields_that_changed_with_before_and_after(tenant):
    contact = save(tenant.manager_user, tenant.account, "contacts", Contact(), name="Dev Patel", role="Engineer")
    with time_machine.travel(MON_9, tick=False):
        save(tenant.user, tenant.account, "contacts", contact, role="Carrier Relations", phone="+1 303 555 2102")

    change = history(tenant.account)[-1]
    assert change.action == Change.Action.UPDATED
    assert change.actor == tenant.user and change.at == MON_9
    assert change.changes == {"role": ["Engineer", "Carrier Relations"], "phone": ["", "+1 303 555 2102"]}


def test_saving_without_a_difference_records_nothing(tenant):
    contact = save(tenant.manager_user, tenant.account, "contacts", Contact(), name="Dev Patel")
    save(tenant.manager_user, tenant.account, "contacts", contact, name="Dev Patel")

    assert len(history(tenant.account)) == 1


def test_removing_a_row_keeps_what_it_held_in_the_history(tenant):
    contact = save(tenant.manager_user, tenant.account, "contacts", Contact(), name="Maria Santos",
                   email="noc@customer.example")
    with time_machine.travel(MON_9, tick=False):
        services.dossier_delete(actor=tenant.user, account=tenant.account, part="contacts", instance=contact)

    assert not Contact.objects.filter(account=tenant.account).exists()
    change = history(tenant.account)[-1]
    assert change.action == Change.Action.DELETED and change.actor == tenant.user and change.at == MON_9
    assert change.label == "Maria Santos"
    assert change.changes == {
        "name": ["Maria Santos", None], "email": ["noc@customer.example", None], "is_primary": [False, None],
    }


def test_meeting_attendees_are_recorded_by_name_and_each_edit_bumps_the_icalendar_sequence(tenant):
    karen = ContactFactory(account=tenant.account, name="Karen Whitlock")
    meeting = save(tenant.manager_user, tenant.account, "meetings", Meeting(), title="Service review",
                   starts_at=denver(2026, 2, 3, 10), m2m={"people": [tenant.manager], "contacts": []})
    assert meeting.sequence == 0
    save(tenant.manager_user, tenant.account, "meetings", meeting, location="Teams", m2m={"contacts": [karen]})

    meeting.refresh_from_db()
    assert meeting.sequence == 1
    change = history(tenant.account)[-1]
    assert change.changes == {"location": ["", "Teams"], "contacts": [[], ["Karen Whitlock"]]}
    assert history(tenant.account)[0].changes["people"] == [None, ["Home Manager"]]


def test_an_amendment_without_a_document_is_recorded_and_its_document_by_file_name(tenant):
    amendment = save(tenant.manager_user, tenant.account, "amendments", Amendment(), title="Amendment 7")
    save(tenant.manager_user, tenant.account, "amendments", amendment, document=upload("amendment-7.pdf"))

    change = history(tenant.account)[-1]
    before, after = change.changes["document"]
    assert before == "" and after.startswith("dossiers/amendments/") and after.endswith(".pdf")


def test_a_new_primary_contact_demotes_the_old_one_and_the_history_says_so(tenant):
    old = save(tenant.manager_user, tenant.account, "contacts", Contact(), name="Old Primary", is_primary=True)
    new = save(tenant.manager_user, tenant.account, "contacts", Contact(), name="New Primary", is_primary=True)

    old.refresh_from_db()
    assert not old.is_primary and new.is_primary
    demoted = history(tenant.account, object_id=old.pk, action=Change.Action.UPDATED)
    assert [c.changes for c in demoted] == [{"is_primary": [True, False]}]
    assert demoted[0].actor == tenant.manager_user


def test_profile_and_corporate_profile_changes_are_recorded(tenant):
    profile = services.profile_for(tenant.account)
    save(tenant.manager_user, tenant.account, "profile", profile, sales_objectives="Win the ring")
    save(tenant.manager_user, tenant.account, "profile", services.profile_for(tenant.account),
         sales_objectives="Win the 10G ring")
    services.company_profile_update(actor=tenant.manager_user, account=tenant.account, profile="A CLEC in Denver")

    created, updated, company = history(tenant.account)
    assert created.part == "profile" and created.action == Change.Action.CREATED
    assert updated.changes == {"sales_objectives": ["Win the ring", "Win the 10G ring"]}
    assert company.part == "company" and company.changes == {"profile": ["", "A CLEC in Denver"]}
    assert AccountProfile.objects.get(account=tenant.account).sales_objectives == "Win the 10G ring"


def test_changes_to_internal_files_are_internal_and_hidden_from_customers(tenant):
    public = save(tenant.manager_user, tenant.account, "files", DossierFile(), title="Network diagram",
                  file=upload("diagram.pdf"))
    secret = save(tenant.manager_user, tenant.account, "files", DossierFile(), title="Pricing floor memo",
                  file=upload("memo.pdf"), internal=True)
    # Made public later: the change that reveals it is still internal (it names the old state).
    save(tenant.manager_user, tenant.account, "files", secret, internal=False)
    save(tenant.manager_user, tenant.account, "files", public, internal=True)

    seen_by_customer = Change.objects.visible_to(tenant.user).filter(account=tenant.account)
    assert [(c.label, c.action) for c in seen_by_customer] == [("Network diagram", "created")]
    assert Change.objects.visible_to(tenant.manager_user).filter(account=tenant.account).count() == 4


def test_the_file_adder_is_recorded_on_the_file(tenant):
    row = save(tenant.manager_user, tenant.account, "files", DossierFile(), title="Diagram", file=upload())
    assert row.added_by == tenant.manager_user


def test_model_rules_refuse_bad_values_with_field_messages(tenant):
    with pytest.raises(ValidationError) as caught:
        save(tenant.manager_user, tenant.account, "meetings", Meeting(), title="Review",
             starts_at=denver(2026, 2, 3, 10), repeat_until=denver(2026, 6, 1).date())
    assert "repeat_until" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        save(tenant.manager_user, tenant.account, "amendments", Amendment(), title="ICA",
             effective_on=denver(2026, 2, 1).date(), expires_on=denver(2025, 2, 1).date())
    assert "expires_on" in caught.value.message_dict
    assert not Meeting.objects.exists() and not Amendment.objects.exists()
    assert not Change.objects.exists()


# --- Who may write ---------------------------------------------------------------------------------


def test_staff_edit_every_part_and_customer_user_managers_only_contacts(tenant):
    for part in ("profile", "contacts", "amendments", "meetings", "proposals", "files"):
        assert selectors.can_edit(user=tenant.manager_user, account=tenant.account, part=part)
    assert selectors.can_edit(user=tenant.user, account=tenant.account, part="contacts")
    for part in ("profile", "amendments", "meetings", "proposals", "files"):
        assert not selectors.can_edit(user=tenant.user, account=tenant.account, part=part)


def test_customer_without_manage_users_or_without_view_team_cannot_edit_contacts(tenant):
    reader = customer_user(tenant, username="reader")
    blind_manager = customer_user(tenant, username="blind.manager", can_manage_users=True, can_view_team=False)

    assert not selectors.can_edit(user=reader, account=tenant.account, part="contacts")
    # Managing users does not open a dossier the user cannot even see.
    assert not selectors.can_edit(user=blind_manager, account=tenant.account, part="contacts")
    with pytest.raises(PermissionDenied):
        save(reader, tenant.account, "contacts", Contact(), name="Someone")
    assert not Contact.objects.exists() and not Change.objects.exists()


# --- Calendar feeds -----------------------------------------------------------------------------------


def test_rotating_a_feed_replaces_its_token(tenant):
    first = services.calendar_feed_get_or_create(user=tenant.user)
    again = services.calendar_feed_get_or_create(user=tenant.user)
    rotated = services.calendar_feed_get_or_create(user=tenant.user, rotate=True)

    assert again.token == first.token
    assert rotated.token != first.token and len(rotated.token) >= 40
    assert CalendarFeed.objects.filter(user=tenant.user).count() == 1

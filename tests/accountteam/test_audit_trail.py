"""The audit trail's rows and its one writer: ``record()`` keeps who, when, from where and for which
company; the rows are append-only (the model, its queryset and, on PostgreSQL, a trigger refuse to
change or delete them) and the back office only reads them."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from accountteam import audit
from accountteam.models import AppendOnlyError, AuditAction, AuditEvent
from tests.audit.factories import AuditEventFactory
from tests.teams.factories import UserFactory

pytestmark = pytest.mark.django_db


def request_from(address="203.0.113.7", user=None, **headers):
    request = RequestFactory().get("/somewhere/", REMOTE_ADDR=address, **headers)
    if user is not None:
        request.user = user
    return request


# --- What record() keeps ---------------------------------------------------------------------------


def test_an_event_keeps_the_actor_the_address_the_browser_and_the_company_of_a_customer(tenant):
    request = request_from(user=tenant.user, HTTP_USER_AGENT="Firefox/140")

    event = audit.record(AuditAction.PASSWORD_CHANGED, request=request, target=f"user:{tenant.user.pk}",
                         summary="Password %(how)s.", details={"how": "changed"})

    event.refresh_from_db()
    assert event.actor == tenant.user
    assert event.actor_name == tenant.user.get_username()
    assert event.ip_address == "203.0.113.7"
    assert event.user_agent == "Firefox/140"
    assert (event.company_id, event.company_name) == (tenant.company.pk, "Home Telecom")
    assert event.summary == "Password %(how)s."  # stored English, with its facts apart
    assert event.summary_text() == "Password changed."
    assert event.internal is False


def test_a_staff_member_acts_for_no_company_and_is_named_as_colleagues_know_them(tenant):
    event = audit.record(AuditAction.AVAILABILITY_CHANGED, actor=tenant.manager_user)

    assert event.company_id is None
    assert event.actor_name == "Home Manager"


def test_a_company_given_is_kept_with_its_name_now(tenant, foreign):
    event = audit.record(AuditAction.MEMBERSHIP_UPDATED, actor=tenant.manager_user, company_id=foreign.company.pk)

    assert (event.company_id, event.company_name) == (foreign.company.pk, "Foreign Telecom")


def test_an_unknown_action_is_refused_rather_than_written(db):
    with pytest.raises(ValueError, match="Unknown audit action"):
        audit.record("membership.updatd")
    assert not AuditEvent.objects.exists()


def test_the_address_is_read_as_the_lockout_reads_it_behind_a_trusted_proxy(db, settings):
    spoofed = request_from(HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert audit.record(AuditAction.SIGN_IN_FAILED, request=spoofed).ip_address == "203.0.113.7"

    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    proxied = request_from(HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert audit.record(AuditAction.SIGN_IN_FAILED, request=proxied).ip_address == "198.51.100.1"


def test_the_user_agent_and_the_texts_are_bounded(db):
    event = audit.record(AuditAction.SIGN_IN_FAILED, request=request_from(HTTP_USER_AGENT="x" * 5000),
                         target="t" * 500, summary="s" * 5000, actor_name="n" * 500)

    assert len(event.user_agent) == 300
    assert (len(event.target), len(event.summary), len(event.actor_name)) == (100, 500, 200)


def test_the_summary_is_shown_in_the_readers_language_with_its_facts(db):
    event = AuditEventFactory(summary="Signed in.", details={})
    broken = AuditEventFactory(summary="Token “%(name)s” made.", details={"other": 1})

    with translation.override("es"):
        assert event.summary_text() == translation.gettext("Signed in.")
    assert broken.summary_text() == "Token “%(name)s” made."  # a missing fact shows the text as stored


# --- Append-only -----------------------------------------------------------------------------------


def test_a_written_event_cannot_be_saved_again(db):
    event = AuditEventFactory()
    event.summary = "Nothing happened."

    with pytest.raises(AppendOnlyError):
        event.save()
    event.refresh_from_db()
    assert event.summary == "Signed in."


def test_an_event_cannot_be_deleted(db):
    event = AuditEventFactory()

    with pytest.raises(AppendOnlyError):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_querysets_update_and_delete_refuse(db):
    AuditEventFactory.create_batch(2)

    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().update(summary="rewritten")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(action=AuditAction.SIGN_IN_SUCCEEDED).delete()
    with pytest.raises(AppendOnlyError), transaction.atomic():
        AuditEvent.objects.bulk_update(list(AuditEvent.objects.all()), ["summary"])
    assert AuditEvent.objects.filter(summary="Signed in.").count() == 2


def test_deleting_a_user_keeps_their_events_under_their_name(db):
    user = UserFactory(username="leaver", first_name="Lee", last_name="Ver")
    event = audit.record(AuditAction.SIGN_IN_SUCCEEDED, actor=user)

    user.delete()

    event.refresh_from_db()
    assert event.actor is None
    assert event.actor_name == "Lee Ver"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the append-only trigger exists on PostgreSQL only")
def test_on_postgresql_the_database_itself_refuses_update_and_delete(db):
    event = AuditEventFactory()
    table = AuditEvent._meta.db_table

    for statement in (f"UPDATE {table} SET summary = 'rewritten' WHERE id = %s", f"DELETE FROM {table} WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [event.pk])
    event.refresh_from_db()
    assert event.summary == "Signed in."


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the append-only trigger exists on PostgreSQL only")
def test_on_postgresql_the_trigger_lets_a_deleted_user_go_and_nothing_else(db):
    user = UserFactory(username="leaver")
    event = audit.record(AuditAction.SIGN_IN_SUCCEEDED, actor=user, summary="Signed in.")
    table = AuditEvent._meta.db_table

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET actor_id = NULL, summary = 'x' WHERE id = %s", [event.pk])
    user.delete()

    event.refresh_from_db()
    assert event.actor_id is None and event.summary == "Signed in."


# --- The back office reads it ------------------------------------------------------------------------


def test_the_back_office_lists_and_shows_events_but_adds_changes_and_deletes_none(admin_client):
    event = AuditEventFactory(actor_name="Ada Admin", details={"name": "Script"})

    listing = admin_client.get(reverse("admin:accountteam_auditevent_changelist"))
    assert listing.status_code == 200 and "Ada Admin" in listing.content.decode()
    shown = admin_client.get(reverse("admin:accountteam_auditevent_change", args=[event.pk]))
    assert shown.status_code == 200
    assert 'name="_save"' not in shown.content.decode()

    assert admin_client.get(reverse("admin:accountteam_auditevent_add")).status_code == 403
    assert admin_client.post(reverse("admin:accountteam_auditevent_change", args=[event.pk]),
                             {"summary": "rewritten"}).status_code == 403
    assert admin_client.post(reverse("admin:accountteam_auditevent_delete", args=[event.pk]),
                             {"post": "yes"}).status_code == 403
    bulk = admin_client.post(reverse("admin:accountteam_auditevent_changelist"),
                             {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"})
    assert bulk.status_code in (200, 302)
    assert AuditEvent.objects.filter(pk=event.pk, summary="Signed in.").exists()

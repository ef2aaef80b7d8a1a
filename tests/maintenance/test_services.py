"""Publishing, changing, cancelling and moving on network notices: what is stored (the notice, its
accounts, its history), who is told (the affected companies' users with the view-team right, in
their language and zone, once), and every refusal with its message under its field."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accountteam.models import Notification, UserSettings
from maintenance import services
from maintenance.models import Kind, NetworkNotice, NoticeUpdate, Status
from maintenance.rules import NoticeConflict
from tests.teams.factories import AccountFactory

from .factories import ENDS, GCR, NOW, STARTS, denver, publish_maintenance, publish_outage

pytestmark = pytest.mark.django_db


def errors_of(exc) -> set[str]:
    return set(exc.value.message_dict)


def notified(notice) -> dict[str, str]:
    """username → the notification kind, for the notices about ``notice``."""
    rows = Notification.objects.filter(key__startswith=f"network-notice:{notice.pk}:").select_related("recipient")
    return {n.recipient.username: n.kind for n in rows}


# --- Publish ----------------------------------------------------------------------------------------


def test_publishing_a_maintenance_stores_it_with_its_accounts_and_history(tenant, second_account):
    notice = publish_maintenance(tenant.manager_user, [tenant.account], reference=" gcr-2026-1187 ",
                                 message="Plan around it.")

    notice.refresh_from_db()
    assert (notice.kind, notice.reference, notice.status) == (Kind.MAINTENANCE, GCR, Status.SCHEDULED)
    assert (notice.starts_at, notice.ends_at, notice.published_at) == (STARTS, ENDS, NOW)
    assert list(notice.accounts.all()) == [tenant.account]
    update = notice.updates.get()
    assert (update.event, update.status, update.actor, update.message) == (
        NoticeUpdate.Event.PUBLISHED, Status.SCHEDULED, tenant.manager_user, "Plan around it.",
    )


def test_the_customers_of_the_affected_company_are_told_and_no_one_else(
    tenant, foreign, colleague, no_team_right
):
    notice = publish_maintenance(tenant.manager_user, [tenant.account])

    assert notified(notice) == {"home.user": "maintenance_published", "home.colleague": "maintenance_published"}
    mail = Notification.objects.get(recipient=tenant.user)
    assert mail.subject == f"Planned maintenance {GCR}: Core router upgrade, Denver POP"
    assert tenant.account.number in mail.body
    assert mail.email_due and mail.url == f"/maintenance/{notice.pk}/"


def test_each_reader_gets_the_times_in_their_zone_and_their_language(tenant, colleague):
    UserSettings.objects.create(user=tenant.user, language="es", time_zone="America/Argentina/Buenos_Aires")

    publish_maintenance(tenant.manager_user, [tenant.account])

    spanish = Notification.objects.get(recipient=tenant.user)
    english = Notification.objects.get(recipient=colleague)
    assert (spanish.language, english.language) == ("es", "en")
    assert "05:00" in spanish.body and "09:00" in spanish.body  # 01:00–05:00 Denver is 05:00–09:00 there
    assert "01:00 MST" in english.body and "05:00 MST" in english.body


def test_a_reader_sees_only_their_own_companys_accounts(tenant, foreign, admin):
    notice = publish_maintenance(admin.user, [tenant.account, foreign.account])

    home = Notification.objects.get(recipient=tenant.user, key__contains=f":{notice.pk}:")
    away = Notification.objects.get(recipient=foreign.user, key__contains=f":{notice.pk}:")
    assert tenant.account.number in home.body and foreign.account.number not in home.body
    assert foreign.account.number in away.body and tenant.account.number not in away.body


def test_choosing_a_company_affects_its_active_accounts(tenant, admin, second_account):
    AccountFactory(company=tenant.company, is_active=False)

    notice = publish_maintenance(admin.user, [], companies=[tenant.company])

    assert set(notice.accounts.all()) == {tenant.account, second_account}


def test_an_account_the_publisher_does_not_serve_is_refused(tenant, foreign):
    with pytest.raises(ValidationError) as exc:
        publish_maintenance(tenant.manager_user, [foreign.account])

    assert errors_of(exc) == {"accounts"}
    assert not NetworkNotice.objects.exists()


def test_a_customer_cannot_publish(tenant):
    with pytest.raises(PermissionDenied):
        publish_maintenance(tenant.user, [tenant.account])


@pytest.mark.parametrize(
    ("values", "fields"),
    [
        ({"reference": ""}, {"reference"}),
        ({"reference": "MO-2026-0001"}, {"reference"}),
        ({"title": "  "}, {"title"}),
        ({"title": "x" * 201}, {"title"}),
        ({"impact": ""}, {"impact"}),
        ({"impact": "x" * 4001}, {"impact"}),
        ({"description": "x" * 20_001}, {"description"}),
        ({"message": "x" * 4001}, {"message"}),
        ({"ends_at": None}, {"ends_at"}),
        ({"ends_at": STARTS}, {"ends_at"}),
        ({"starts_at": denver(2026, 2, 1), "ends_at": denver(2026, 2, 1, 4)}, {"ends_at"}),  # over already
        ({"starts_at": dt.datetime(2200, 1, 1, tzinfo=dt.UTC)}, {"starts_at"}),
        ({"starts_at": None}, {"starts_at"}),
    ],
)
def test_bad_input_is_refused_with_a_message_under_its_field(tenant, values, fields):
    with pytest.raises(ValidationError) as exc:
        publish_maintenance(tenant.manager_user, [tenant.account], **values)

    assert errors_of(exc) == fields
    assert not NetworkNotice.objects.exists() and not Notification.objects.exists()


def test_a_gcr_number_is_published_once(tenant, maintenance):
    with pytest.raises(ValidationError) as exc:
        publish_maintenance(tenant.manager_user, [tenant.account], reference=GCR.lower())

    assert exc.value.message_dict == {"reference": [f"{GCR} is already published."]}


def test_a_maintenance_published_during_its_window_is_in_progress(tenant):
    notice = publish_maintenance(tenant.manager_user, [tenant.account], starts_at=NOW - dt.timedelta(hours=1))

    assert notice.status == Status.IN_PROGRESS


def test_outages_are_numbered_per_year(tenant):
    first = publish_outage(tenant.manager_user, [tenant.account])
    second = publish_outage(tenant.manager_user, [tenant.account], title="Second")

    assert (first.reference, second.reference) == ("MO-2026-0001", "MO-2026-0002")
    assert (first.status, first.ends_at) == (Status.INVESTIGATING, None)
    assert notified(first) == {"home.user": "outage_published"}


@pytest.mark.parametrize(
    ("values", "fields"),
    [
        ({"reference": "GCR-1"}, {"reference"}),
        ({"ends_at": NOW}, {"ends_at"}),
        ({"starts_at": NOW + dt.timedelta(hours=1)}, {"starts_at"}),
        ({"starts_at": None}, {"starts_at"}),
    ],
)
def test_an_outage_has_no_reference_no_end_and_no_future_start_when_published(tenant, values, fields):
    with pytest.raises(ValidationError) as exc:
        publish_outage(tenant.manager_user, [tenant.account], **values)

    assert errors_of(exc) == fields


def test_nothing_affected_is_refused(tenant):
    with pytest.raises(ValidationError) as exc:
        publish_maintenance(tenant.manager_user, [])

    assert errors_of(exc) == {"accounts"}


# --- Change -------------------------------------------------------------------------------------------


def test_a_changed_window_is_recorded_and_told_with_the_message(tenant, maintenance):
    later = STARTS + dt.timedelta(days=1)

    services.notice_update(actor=tenant.manager_user, notice=maintenance, starts_at=later,
                           ends_at=later + dt.timedelta(hours=4), message="Moved a day for a parts delay.")

    maintenance.refresh_from_db()
    assert maintenance.starts_at == later
    update = maintenance.updates.last()
    assert update.event == NoticeUpdate.Event.CHANGED
    assert update.changes == {
        "starts_at": ["2026-03-05T08:00:00+00:00", "2026-03-06T08:00:00+00:00"],
        "ends_at": ["2026-03-05T12:00:00+00:00", "2026-03-06T12:00:00+00:00"],
    }
    change = Notification.objects.get(recipient=tenant.user, kind="maintenance_changed")
    assert change.subject.startswith(f"Planned maintenance {GCR} changed")
    assert "Moved a day for a parts delay." in change.body and "Fri 6 Mar 2026" in change.body
    assert change.key == f"network-notice:{maintenance.pk}:changed:{update.pk}:u{tenant.user.pk}"


def test_ending_the_window_now_completes_the_maintenance(tenant, maintenance, clock):
    clock.move_to(STARTS + dt.timedelta(hours=1))

    services.notice_update(actor=tenant.manager_user, notice=maintenance, ends_at=STARTS + dt.timedelta(hours=1),
                           message="Done early.")

    maintenance.refresh_from_db()
    assert maintenance.status == Status.COMPLETED
    assert maintenance.updates.last().changes["status"] == ["scheduled", "completed"]


@pytest.mark.parametrize(
    ("values", "fields"),
    [
        ({"message": ""}, {"message"}),
        ({"ends_at": STARTS - dt.timedelta(hours=1)}, {"ends_at"}),
        ({"title": ""}, {"title"}),
        ({"starts_at": dt.datetime(1999, 1, 1, tzinfo=dt.UTC)}, {"starts_at"}),
    ],
)
def test_a_bad_change_is_refused_under_its_field_and_changes_nothing(tenant, maintenance, values, fields):
    with pytest.raises(ValidationError) as exc:
        services.notice_update(actor=tenant.manager_user, notice=maintenance, **({"message": "Why"} | values))

    assert errors_of(exc) == fields
    assert maintenance.updates.count() == 1


def test_a_change_that_changes_nothing_is_refused(tenant, maintenance):
    with pytest.raises(ValidationError) as exc:
        services.notice_update(actor=tenant.manager_user, notice=maintenance, title=maintenance.title, message="Hm")

    assert "Nothing changed" in exc.value.messages[0]


def test_an_outage_end_is_not_changed_but_restored(tenant, outage):
    with pytest.raises(ValidationError) as exc:
        services.notice_update(actor=tenant.manager_user, notice=outage, ends_at=NOW, message="Over")

    assert errors_of(exc) == {"ends_at"}


# --- Cancel ---------------------------------------------------------------------------------------------


def test_cancelling_a_maintenance_tells_the_customers_why(tenant, maintenance):
    services.notice_cancel(actor=tenant.manager_user, notice=maintenance, reason="The vendor recalled the software.")

    maintenance.refresh_from_db()
    assert maintenance.status == Status.CANCELLED
    notice = Notification.objects.get(recipient=tenant.user, kind="maintenance_cancelled")
    assert "The vendor recalled the software." in notice.body
    assert notice.subject == f"Planned maintenance {GCR} cancelled: Core router upgrade, Denver POP"


def test_a_cancel_needs_a_reason(tenant, maintenance):
    with pytest.raises(ValidationError) as exc:
        services.notice_cancel(actor=tenant.manager_user, notice=maintenance, reason=" ")

    assert errors_of(exc) == {"reason"}


def test_what_is_over_or_under_way_cannot_be_cancelled_or_changed(tenant, maintenance, outage, clock):
    services.notice_cancel(actor=tenant.manager_user, notice=maintenance, reason="Called off")
    with pytest.raises(NoticeConflict):
        services.notice_cancel(actor=tenant.manager_user, notice=maintenance, reason="Again")
    with pytest.raises(NoticeConflict):
        services.notice_update(actor=tenant.manager_user, notice=maintenance, title="New", message="x")
    with pytest.raises(NoticeConflict):
        services.notice_cancel(actor=tenant.manager_user, notice=outage, reason="Not an outage")
    running = publish_maintenance(tenant.manager_user, [tenant.account], reference="GCR-2", starts_at=NOW)
    with pytest.raises(NoticeConflict):
        services.notice_cancel(actor=tenant.manager_user, notice=running, reason="Too late")


# --- Outage status ------------------------------------------------------------------------------------


def test_an_outage_moves_to_identified_then_restored_which_sets_its_end(tenant, outage, clock):
    services.outage_status_update(actor=tenant.manager_user, notice=outage, status=Status.IDENTIFIED,
                                  message="A backhoe cut the cable.")
    clock.move_to(NOW + dt.timedelta(hours=3))
    services.outage_status_update(actor=tenant.manager_user, notice=outage, status=Status.RESTORED,
                                  message="Spliced.")

    outage.refresh_from_db()
    assert (outage.status, outage.ends_at) == (Status.RESTORED, NOW + dt.timedelta(hours=3))
    subjects = list(
        Notification.objects.filter(recipient=tenant.user, kind="outage_status").order_by("pk").values_list(
            "subject", flat=True
        )
    )
    assert subjects == ["Major outage MO-2026-0001: cause identified", "Major outage MO-2026-0001: service restored"]
    assert [u.event for u in outage.updates.all()] == ["published", "status", "status"]


def test_a_restoration_time_can_be_given(tenant, outage):
    at = NOW - dt.timedelta(minutes=10)

    services.outage_status_update(actor=tenant.manager_user, notice=outage, status=Status.RESTORED,
                                  message="Back", restored_at=at)

    outage.refresh_from_db()
    assert outage.ends_at == at


@pytest.mark.parametrize(
    ("values", "fields"),
    [
        ({"message": ""}, {"message"}),
        ({"status": "completed"}, {"status"}),
        ({"restored_at": NOW - dt.timedelta(hours=5)}, {"restored_at"}),  # before it began
        ({"restored_at": NOW + dt.timedelta(hours=1)}, {"restored_at"}),  # in the future
        ({"status": Status.IDENTIFIED, "restored_at": NOW}, {"restored_at"}),
    ],
)
def test_a_bad_status_update_is_refused_under_its_field(tenant, outage, values, fields):
    with pytest.raises(ValidationError) as exc:
        services.outage_status_update(actor=tenant.manager_user, notice=outage,
                                      **({"status": Status.RESTORED, "message": "Back"} | values))

    assert errors_of(exc) == fields
    outage.refresh_from_db()
    assert outage.status == Status.INVESTIGATING


def test_a_restored_outage_takes_no_more_status(tenant, outage, maintenance):
    services.outage_status_update(actor=tenant.manager_user, notice=outage, status=Status.RESTORED, message="Back")
    with pytest.raises(NoticeConflict):
        services.outage_status_update(actor=tenant.manager_user, notice=outage, status=Status.RESTORED, message="x")
    with pytest.raises(NoticeConflict):
        services.outage_status_update(actor=tenant.manager_user, notice=maintenance, status=Status.RESTORED,
                                      message="x")

"""Dates of account teams have bounds (2000 to 2100): assignments from the API, the service and the
import (``manage.py import_assignments``), and a staff member's out-of-office "until"."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from teams import services
from teams.models import Assignment, Closure
from tests.clients import api_as, signed_in
from tests.teams.factories import PersonFactory, RoleFactory, UserFactory

pytestmark = pytest.mark.django_db

OUT_OF_BOUNDS = "Enter a date between 1 Jan 2000 and 31 Dec 2100."


@pytest.fixture
def seller(db):
    RoleFactory(code="sales-executive")
    return PersonFactory(name="Sally Seller", email="sally@carrier.example")


@pytest.mark.parametrize("field, value", [("start_date", "9999-12-31"), ("end_date", "2101-01-01"),
                                          ("start_date", "1999-12-31")])
def test_the_api_refuses_an_assignment_past_the_bounds(tenant, seller, field, value):
    admin = PersonFactory(user=UserFactory(username="carrier.admin"), is_carrier_admin=True)
    body = {"account": tenant.account.pk, "role": "sales-executive", "person": seller.pk, "start_date": "2026-03-01"}
    response = api_as(admin.user).post("/api/v1/assignments/", body | {field: value}, format="json")

    assert response.status_code == 400
    assert response.json() == {field: [OUT_OF_BOUNDS]}
    assert not Assignment.objects.filter(person=seller).exists()


def test_the_service_refuses_an_assignment_past_the_bounds(tenant, seller):
    with pytest.raises(ValidationError) as refused:
        services.assignment_create(account=tenant.account, role=RoleFactory(code="sales-engineer"), person=seller,
                                   start_date=dt.date(2026, 3, 1), end_date=dt.date(9999, 12, 31))
    assert refused.value.message_dict == {"end_date": [OUT_OF_BOUNDS]}


def test_the_import_reports_dates_past_the_bounds_and_imports_nothing(tenant, seller, tmp_path):
    path = tmp_path / "assignments.csv"
    path.write_text(
        "account,role,person_email,start_date,end_date,note\n"
        f"{tenant.account.number},sales-executive,sally@carrier.example,9999-12-31,,\n"
        f"{tenant.account.number},sales-executive,sally@carrier.example,2026-03-01,2101-01-01,\n",
        encoding="utf-8",
    )
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_assignments", str(path), stdout=io.StringIO(), stderr=err)

    lines = err.getvalue().splitlines()
    assert lines == [
        f"{path}:2: start_date '9999-12-31' is not between 2000-01-01 and 2100-12-31",
        f"{path}:3: end_date '2101-01-01' is not between 2000-01-01 and 2100-12-31",
    ]
    assert not Assignment.objects.filter(person=seller).exists()


def test_out_of_office_until_the_end_of_time_is_refused(tenant):
    response = signed_in(tenant.manager_user).post(
        "/me/availability/", {"availability": "out_of_office", "availability_until": "9999-12-31T23:59"}
    )

    assert response.status_code == 200
    assert OUT_OF_BOUNDS in response.content.decode()
    tenant.manager.refresh_from_db()
    assert tenant.manager.availability_until is None
    with pytest.raises(ValidationError) as refused:
        services.person_set_availability(person=tenant.manager, state="out_of_office",
                                         until=dt.datetime(2101, 1, 2, tzinfo=dt.UTC))
    assert refused.value.message_dict == {"availability_until": [OUT_OF_BOUNDS]}


def test_a_closure_past_the_bounds_does_not_validate(tenant):
    """The back office edits closures inline on their calendar: its forms validate the model."""
    closure = Closure(calendar=tenant.manager.calendar, date=dt.date(9999, 12, 31), reason="Typo")
    with pytest.raises(ValidationError) as refused:
        closure.full_clean()
    assert refused.value.message_dict == {"date": [OUT_OF_BOUNDS]}

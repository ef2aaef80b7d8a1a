"""``manage.py import_assignments FILE.csv``: check every row, then write all rows or none."""

import datetime as dt
import io
import re

import pytest
from django.core.management import CommandError, call_command

from teams.models import Assignment
from tests.teams.factories import AssignmentFactory, PersonFactory, RoleFactory

pytestmark = pytest.mark.django_db

HEADER = "account,role,person_email,start_date,end_date,note"


def write_csv(tmp_path, *lines, name="assignments.csv"):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_import(path):
    """Run the command; return (stdout, stderr, CommandError or None)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_assignments", str(path), stdout=out, stderr=err)
    except CommandError as exc:
        return out.getvalue(), err.getvalue(), exc
    return out.getvalue(), err.getvalue(), None


def error_lines(stderr: str) -> dict[int, str]:
    """``{line number: reason}`` from ``FILE:LINE: reason`` messages on stderr."""
    found = {}
    for message in stderr.splitlines():
        match = re.fullmatch(r"(?P<file>.+?\.csv):(?P<line>\d+): (?P<reason>.+)", message)
        assert match, f"not a FILE:LINE: reason message: {message!r}"
        assert int(match["line"]) not in found, f"line {match['line']} reported twice"
        found[int(match["line"])] = match["reason"]
    return found


@pytest.fixture
def catalogue(tenant, foreign):
    """Roles and people the CSV files refer to (besides the tenants' service managers)."""
    return {
        "sales": RoleFactory(code="sales-executive"),
        "engineer": RoleFactory(code="sales-engineer", name="Sales Engineer", allows_multiple=True),
        "service": RoleFactory(code="service-manager"),
        "alice": PersonFactory(name="Alice Adams", email="alice@carrier.example"),
        "bob": PersonFactory(name="Bob Brown", email="bob@carrier.example"),
        "carol": PersonFactory(name="Carol Clark", email="carol@carrier.example"),
    }


# --- A valid file ----------------------------------------------------------------------------


def test_valid_file_imports_every_row(tenant, foreign, catalogue, tmp_path):
    path = write_csv(
        tmp_path,
        HEADER,
        f"{tenant.account.number},sales-executive,alice@carrier.example,2025-01-01,,Primary seller",
        f"{foreign.account.number},Sales Engineer,BOB@Carrier.Example,2025-02-01,2025-12-31,",
        f"{foreign.account.number},sales-engineer,carol@carrier.example,2025-03-01,,Second engineer",
    )
    before = Assignment.objects.count()

    out, err, error = run_import(path)

    assert error is None, err
    assert err == ""
    assert "Imported 3 assignment(s)" in out
    assert Assignment.objects.count() == before + 3
    alice = Assignment.objects.get(person=catalogue["alice"])
    assert (alice.account, alice.role, alice.start_date, alice.end_date, alice.note) == (
        tenant.account, catalogue["sales"], dt.date(2025, 1, 1), None, "Primary seller"
    )
    bob = Assignment.objects.get(person=catalogue["bob"])
    assert (bob.account, bob.role, bob.start_date, bob.end_date, bob.note) == (
        foreign.account, catalogue["engineer"], dt.date(2025, 2, 1), dt.date(2025, 12, 31), ""
    )
    carol = Assignment.objects.get(person=catalogue["carol"])
    assert (carol.account, carol.role, carol.start_date) == (
        foreign.account, catalogue["engineer"], dt.date(2025, 3, 1)
    )


def test_file_with_only_the_required_columns_imports(tenant, catalogue, tmp_path):
    path = write_csv(
        tmp_path,
        "account,role,person_email,start_date",
        f"{tenant.account.number},sales-executive,alice@carrier.example,2025-01-01",
    )
    _, err, error = run_import(path)
    assert error is None, err
    created = Assignment.objects.get(person=catalogue["alice"])
    assert (created.end_date, created.note) == (None, "")


def test_file_saved_by_excel_with_a_byte_order_mark_imports(tenant, catalogue, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_text(
        f"{HEADER}\r\n{tenant.account.number},sales-executive,alice@carrier.example,2025-01-01,,\r\n",
        encoding="utf-8-sig",
    )
    _, err, error = run_import(path)
    assert error is None, err
    assert Assignment.objects.filter(person=catalogue["alice"]).count() == 1


def test_holder_whose_assignment_ended_can_be_succeeded(tenant, catalogue, tmp_path):
    tenant.assignment.end_date = dt.date(2024, 12, 31)
    tenant.assignment.save()
    path = write_csv(
        tmp_path, HEADER, f"{tenant.account.number},service-manager,alice@carrier.example,2025-01-01,,"
    )
    _, err, error = run_import(path)
    assert error is None, err
    assert Assignment.objects.filter(account=tenant.account, person=catalogue["alice"]).exists()


# --- Bad rows: every one reported, nothing written ---------------------------------------------


def test_file_with_bad_rows_reports_each_by_line_and_writes_nothing(tenant, foreign, catalogue, tmp_path):
    home, away = tenant.account.number, foreign.account.number
    path = write_csv(
        tmp_path,
        HEADER,  # line 1
        f"{home},sales-executive,alice@carrier.example,2025-01-01,,valid",  # 2
        "0000-NOPE,sales-executive,alice@carrier.example,2025-01-01,,",  # 3 unknown account
        f"{home},chief-wizard,alice@carrier.example,2025-01-01,,",  # 4 unknown role
        f"{home},sales-engineer,nobody@carrier.example,2025-01-01,,",  # 5 unknown person
        f"{away},sales-engineer,alice@carrier.example,01/02/2025,,",  # 6 bad date
        f"{away},sales-engineer,bob@carrier.example,2025-06-01,2025-05-01,",  # 7 end before start
        f"{home},service-manager,carol@carrier.example,2025-01-01,,",  # 8 overlaps existing holder
        f"{away},sales-executive,bob@carrier.example,2025-01-01,,",  # 9 valid on its own...
        f"{away},sales-executive,carol@carrier.example,2025-06-01,,",  # 10 ...but conflicts with 9
        f"{away},sales-engineer,carol@carrier.example,2025-01-01,,valid",  # 11
    )
    before = set(Assignment.objects.values_list("pk", flat=True))

    out, err, error = run_import(path)

    assert error is not None
    assert "nothing was imported" in str(error)
    assert "7 bad row(s)" in str(error)
    errors = error_lines(err)
    assert set(errors) == {3, 4, 5, 6, 7, 8, 10}
    assert "0000-NOPE" in errors[3]
    assert "chief-wizard" in errors[4]
    assert "nobody@carrier.example" in errors[5]
    assert "01/02/2025" in errors[6] and "start_date" in errors[6]
    assert "end date is before the start date" in errors[7]
    assert tenant.manager.name in errors[8]
    assert "Bob Brown" in errors[10]
    assert all(str(path) in message for message in err.splitlines())
    assert "Imported" not in out
    assert set(Assignment.objects.values_list("pk", flat=True)) == before


def test_bad_end_date_is_reported_with_its_line(tenant, catalogue, tmp_path):
    path = write_csv(
        tmp_path,
        HEADER,
        f"{tenant.account.number},sales-executive,alice@carrier.example,2025-01-01,2025-02-30,",
    )
    _, err, error = run_import(path)
    assert error is not None
    errors = error_lines(err)
    assert list(errors) == [2]
    assert "end_date" in errors[2] and "2025-02-30" in errors[2]
    assert not Assignment.objects.filter(person=catalogue["alice"]).exists()


def test_same_person_twice_in_one_file_for_a_multi_holder_role_is_reported(tenant, catalogue, tmp_path):
    number = tenant.account.number
    path = write_csv(
        tmp_path,
        HEADER,
        f"{number},sales-engineer,alice@carrier.example,2025-01-01,,",
        f"{number},sales-engineer,alice@carrier.example,2025-03-01,,",
    )
    _, err, error = run_import(path)
    assert error is not None
    errors = error_lines(err)
    assert list(errors) == [3]
    assert "already holds" in errors[3]
    assert not Assignment.objects.filter(person=catalogue["alice"]).exists()


def test_empty_required_cell_is_reported(tenant, catalogue, tmp_path):
    path = write_csv(tmp_path, HEADER, f"{tenant.account.number},sales-executive,,2025-01-01,,")
    before = Assignment.objects.count()
    _, err, error = run_import(path)
    assert error is not None
    errors = error_lines(err)
    assert list(errors) == [2]
    assert "person_email is empty" in errors[2]
    assert Assignment.objects.count() == before


def test_existing_overlap_is_checked_against_the_database_not_only_the_file(tenant, catalogue, tmp_path):
    AssignmentFactory(
        account=tenant.account, role=catalogue["sales"], person=catalogue["bob"],
        start_date=dt.date(2024, 1, 1), end_date=dt.date(2025, 6, 30),
    )
    path = write_csv(
        tmp_path,
        HEADER,
        f"{tenant.account.number},sales-executive,alice@carrier.example,2025-06-30,,",  # overlaps one day
        f"{tenant.account.number},sales-executive,carol@carrier.example,2024-01-01,2023-12-31,",
    )
    _, err, error = run_import(path)
    assert error is not None
    errors = error_lines(err)
    assert set(errors) == {2, 3}
    assert "Bob Brown" in errors[2] and "2025-06-30" in errors[2]
    assert Assignment.objects.filter(role=catalogue["sales"]).count() == 1


# --- Broken files ----------------------------------------------------------------------------


def test_missing_column_header_is_reported_on_line_1_and_writes_nothing(tenant, catalogue, tmp_path):
    path = write_csv(
        tmp_path,
        "account,role,start_date",
        f"{tenant.account.number},sales-executive,2025-01-01",
    )
    before = Assignment.objects.count()
    _, err, error = run_import(path)
    assert error is not None
    errors = error_lines(err)
    assert list(errors) == [1]
    assert "person_email" in errors[1]
    assert Assignment.objects.count() == before


def test_missing_file_is_a_command_error_naming_the_file(tmp_path, db):
    path = tmp_path / "does-not-exist.csv"
    _, _, error = run_import(path)
    assert error is not None
    assert str(path) in str(error)
    assert "Cannot read" in str(error)
    assert "No such file" in str(error)


def test_header_only_file_is_an_error(tenant, catalogue, tmp_path):
    path = write_csv(tmp_path, HEADER)
    before = Assignment.objects.count()
    _, err, error = run_import(path)
    assert error is not None
    errors = error_lines(err)
    assert list(errors) == [1]
    assert "no rows" in errors[1]
    assert Assignment.objects.count() == before


def test_completely_empty_file_is_an_error(db, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("", encoding="utf-8")
    _, err, error = run_import(path)
    assert error is not None
    assert err.strip()


def test_file_that_is_not_utf8_is_a_command_error(tenant, catalogue, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        f"{HEADER}\n{tenant.account.number},sales-executive,alice@carrier.example,2025-01-01,,Caf\xe9\n"
        .encode("latin-1")
    )
    _, _, error = run_import(path)
    assert error is not None
    assert "not UTF-8" in str(error)
    assert not Assignment.objects.filter(person=catalogue["alice"]).exists()


def test_blank_line_in_the_file_does_not_shift_reported_line_numbers(tenant, catalogue, tmp_path):
    number = tenant.account.number
    path = write_csv(
        tmp_path,
        HEADER,  # line 1
        f"{number},sales-executive,alice@carrier.example,2025-01-01,,",  # 2
        "",  # 3
        f"{number},chief-wizard,alice@carrier.example,2025-01-01,,",  # 4 unknown role
    )
    _, err, error = run_import(path)
    assert error is not None
    assert list(error_lines(err)) == [4]
    assert not Assignment.objects.filter(person=catalogue["alice"]).exists()  # line 2 neither



def test_note_longer_than_300_characters_is_reported(tenant, catalogue, tmp_path):
    path = write_csv(
        tmp_path,
        HEADER,
        f"{tenant.account.number},sales-executive,alice@carrier.example,2025-01-01,,{'x' * 301}",
    )
    _, err, error = run_import(path)
    assert error is not None
    errors = error_lines(err)
    assert list(errors) == [2]
    assert "note is longer than 300 characters" in errors[2]
    assert not Assignment.objects.filter(person=catalogue["alice"]).exists()


# --- Size: checks against sets read once ------------------------------------------------------


def _big_file(tmp_path, rows: int, catalogue, prefix: str = "BIG"):
    """``rows`` valid rows: each account its own sales executive (one new account per row)."""
    from tests.teams.factories import AccountFactory

    accounts = [AccountFactory(number=f"{prefix}-{i:06d}") for i in range(rows)]
    lines = [HEADER] + [f"{a.number},sales-executive,alice@carrier.example,2026-02-01,," for a in accounts]
    return write_csv(tmp_path, *lines, name=f"big-{rows}.csv")


def test_checking_a_file_costs_the_same_queries_for_ten_rows_as_for_two_hundred(
    tmp_path, catalogue, django_assert_max_num_queries
):
    from teams.imports import validate_assignment_csv

    small, large = _big_file(tmp_path, 10, catalogue, "SMALL"), _big_file(tmp_path, 200, catalogue, "LARGE")
    for path in (small, large):
        with django_assert_max_num_queries(6), path.open(encoding="utf-8") as handle:
            report = validate_assignment_csv(handle)
        assert report.ok, report.errors


def test_importing_writes_in_batches_whatever_the_number_of_rows(tmp_path, catalogue, django_assert_max_num_queries):
    path = _big_file(tmp_path, 200, catalogue)
    with django_assert_max_num_queries(20):
        out, err, failure = run_import(path)
    assert failure is None, err
    assert Assignment.objects.filter(account__number__startswith="BIG-").count() == 200


def test_two_rows_of_one_file_that_conflict_with_each_other_are_both_named(tmp_path, catalogue, tenant):
    number = tenant.account.number
    path = write_csv(
        tmp_path, HEADER,
        f"{number},sales-executive,alice@carrier.example,2026-02-01,,",
        f"{number},sales-executive,bob@carrier.example,2026-03-01,,",
    )
    out, err, failure = run_import(path)
    assert failure is not None
    assert list(error_lines(err)) == [3]
    assert not Assignment.objects.filter(role__code="sales-executive", account=tenant.account).exists()

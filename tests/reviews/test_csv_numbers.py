"""The review's CSV files hold numbers a spreadsheet reader can take as they are: times in whole
seconds, rates as percentages to one decimal (the column names say so), an empty cell where there
is no figure; and a category with nothing answered (the post-mortems just requested) shows "—" on
the page, never "0 s"."""

import csv
import datetime as dt
import io
import re

import pytest

from escalations import services
from postmortems import services as postmortem_services
from reviews import compliance, exports
from tests.clients import api_as
from tests.conftest import clock_at
from tests.escalations.factories import denver, raise_item

pytestmark = pytest.mark.django_db

NOW = denver(2026, 1, 13, 12, 0)
clock = clock_at(NOW, autouse=True)


@pytest.fixture
def answered(tenant, director):
    """Three pager items of the home manager (Dana Director's group), answered after 287.19… s,
    45 min and 50 min 0.3 s: one met its target and due time, two missed both; and a post-mortem
    request nobody has answered yet."""
    manager = tenant.manager_user
    for minute, after in ((0, dt.timedelta(seconds=287.1929515)), (10, dt.timedelta(minutes=45)),
                          (20, dt.timedelta(minutes=50, seconds=0.3))):
        at = denver(2026, 1, 13, 9, minute)
        services.escalation_respond(actor=manager, escalation=raise_item(tenant, at=at), now=at + after)
    postmortem_services.postmortem_request(
        actor=tenant.user, account=tenant.account, ticket_number="TT-1", circuit_id="DS3 1",
        event_start=denver(2026, 1, 12, 20, 0), event_end=denver(2026, 1, 13, 6, 0), impact="Down all night.",
        now=denver(2026, 1, 13, 9, 30),
    )


def rows_of(response) -> list[dict]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_compliance_csv_has_whole_seconds_and_rates_to_one_decimal(director_client, answered):
    (row,) = rows_of(director_client.get("/review/compliance/?period=7&format=csv&table=person"))

    assert row["met_due_percent"] == "33.3"
    assert row["met_target_percent"] == "33.3"
    assert row["median_first_response_seconds"] == "2700"
    assert row["p90_first_response_seconds"] == "2940"  # 2700 + 0.8 × 300.3, interpolated
    assert "met_due_rate" not in row
    for value in row.values():
        assert not re.fullmatch(r"-?\d+\.\d{2,}", value), f"a raw float in the CSV: {value}"


def test_a_category_with_nothing_answered_has_empty_cells_not_zero(director_client, answered):
    rows = {r["key"]: r for r in rows_of(director_client.get("/review/compliance/?period=7&format=csv&table=category"))}

    postmortems = rows["postmortem"]
    assert postmortems["label"] == "Post-mortem (RCA)"
    assert postmortems["items"] == "1"
    assert postmortems["median_first_response_seconds"] == ""
    assert postmortems["p90_first_response_seconds"] == ""
    assert rows["repair"]["median_first_response_seconds"] == "2700"


def test_the_page_shows_a_dash_for_the_post_mortems_median_never_0_s(director_client, answered):
    html = director_client.get("/review/compliance/?period=7").content.decode()

    by_category = html.split('id="table-category"', 1)[1].split("</table>", 1)[0]
    row = re.search(r"Post-mortem \(RCA\)</th>(.*?)</tr>", by_category, re.S).group(1)
    cells = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    median, p90 = cells[4], cells[5]
    assert (median, p90) == ("—", "—")
    assert "0 s" not in row


def test_the_trend_csv_has_the_share_in_percent(director_client, answered):
    rows = rows_of(director_client.get("/review/compliance/?period=7&format=csv&table=trend"))

    assert [(r["week"], r["met_due_percent"]) for r in rows] == [("2026-W02", ""), ("2026-W03", "33.3")]


def test_the_api_csv_writes_the_same_numbers(answered, director):
    response = api_as(director.user).get("/api/v1/reports/compliance/?group_by=person&period=7&format=csv")

    (row,) = rows_of(response)
    assert (row["met_due_percent"], row["median_first_response_seconds"]) == ("33.3", "2700")
    # The JSON keeps the exact figures.
    body = api_as(director.user).get("/api/v1/reports/compliance/?group_by=person&period=7").json()
    assert body["results"][0]["met_due_rate"] == pytest.approx(1 / 3)


@pytest.mark.parametrize(
    ("seconds", "written"), [(None, None), (0.4, 0), (287.19295150000005, 287), (59.5, 60), (3600.0, 3600)]
)
def test_whole_seconds(seconds, written):
    assert exports.whole_seconds(seconds) == written


@pytest.mark.parametrize(("rate", "written"), [(None, None), (0, 0.0), (1 / 3, 33.3), (2 / 3, 66.7), (1, 100.0)])
def test_percent_to_one_decimal(rate, written):
    assert exports.percent(rate) == written


def test_a_csv_row_keeps_every_count_and_names_its_units():
    figures = compliance.Figures(key=1, label="Home Manager", items=3, met_due=1, missed_due=2,
                                 met_due_rate=1 / 3, median_first_response_seconds=287.19295150000005)

    row = compliance.csv_row(figures.as_dict())

    assert list(row) == list(compliance.CSV_COLUMNS)
    assert row["met_due_percent"] == 33.3 and row["met_target_percent"] is None
    assert row["median_first_response_seconds"] == 287

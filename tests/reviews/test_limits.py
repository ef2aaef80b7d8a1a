"""The review's period is a pair of dates within the portal's bounds (2000 to 2100): the last day
of the calendar is a 400 with a message, not a server error."""

import pytest

from tests.clients import api_as as api
from tests.clients import signed_in
from tests.conftest import clock_at
from tests.escalations.factories import denver

pytestmark = pytest.mark.django_db

clock = clock_at(denver(2026, 1, 16, 12, 0), autouse=True)
OUT_OF_BOUNDS = "Enter a date between 1 Jan 2000 and 31 Dec 2100."


@pytest.mark.parametrize(
    "query, field",
    [("from=9999-12-01&to=9999-12-31", "from"), ("from=2100-12-01&to=9999-12-31", "to"),
     ("from=1999-12-01&to=1999-12-31", "from")],
)
def test_a_period_past_the_bounds_is_400_with_a_message(director, query, field):
    response = api(director.user).get(f"/api/v1/reports/compliance/?{query}")

    assert response.status_code == 400
    assert response.json()[field] == [OUT_OF_BOUNDS]


def test_the_compliance_page_offers_the_bounds(director):
    html = signed_in(director.user).get("/review/compliance/").content.decode()
    assert 'min="2000-01-01" max="2100-12-31"' in html

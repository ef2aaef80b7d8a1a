"""Pure rules of the review (no database): periods, percentiles, the digest's clock and key, and
the chart geometry."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from reviews import charts, rules

TODAY = dt.date(2026, 1, 16)  # a Friday
DENVER = ZoneInfo("America/Denver")


# --- Periods ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "first", "last", "days"),
    [
        ({}, dt.date(2025, 12, 18), TODAY, 30),
        ({"period": "7"}, dt.date(2026, 1, 10), TODAY, 7),
        ({"period": "30"}, dt.date(2025, 12, 18), TODAY, 30),
        ({"period": "90"}, dt.date(2025, 10, 19), TODAY, 90),
        ({"from": "2026-01-01", "to": "2026-01-07"}, dt.date(2026, 1, 1), dt.date(2026, 1, 7), None),
        ({"from": "2026-01-05"}, dt.date(2026, 1, 5), TODAY, None),
        ({"from": "2026-01-05", "to": "2026-01-05"}, dt.date(2026, 1, 5), dt.date(2026, 1, 5), None),
        ({"from": "2026-01-05", "period": "7"}, dt.date(2026, 1, 5), TODAY, None),  # dates win
    ],
)
def test_period_from_parameters(params, first, last, days):
    period = rules.parse_period(params, today=TODAY)
    assert (period.first, period.last, period.days) == (first, last, days)


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        ({"period": "14"}, {"period": "Choose 7, 30, 90 days, or give from and to."}),
        ({"period": "abc"}, {"period": "Choose 7, 30, 90 days, or give from and to."}),
        ({"from": "2026-01-07", "to": "2026-01-01"}, {"to": "The last day is before the first."}),
        ({"from": "2026-1-7"}, {"from": "“2026-1-7” is not a date in the form YYYY-MM-DD."}),
        ({"from": "2026-02-29"}, {"from": "“2026-02-29” is not a valid date."}),
        ({"to": "2026-01-07"}, {"from": "Give the first day of the period as well."}),
        (
            {"from": "x", "to": "y"},
            {
                "from": "“x” is not a date in the form YYYY-MM-DD.",
                "to": "“y” is not a date in the form YYYY-MM-DD.",
            },
        ),
        ({"from": "2024-01-01", "to": "2026-01-02"}, {"from": "A period is at most 731 days."}),
    ],
)
def test_bad_period_says_what_is_wrong_with_each_parameter(params, errors):
    with pytest.raises(rules.ParamError) as raised:
        rules.parse_period(params, today=TODAY)
    assert raised.value.errors == errors


def test_period_bounds_are_local_midnights_across_a_dst_change():
    period = rules.Period(dt.date(2026, 3, 7), dt.date(2026, 3, 8))  # DST starts on Sun 8 Mar
    start, end = period.bounds(DENVER)
    assert start.astimezone(dt.UTC) == dt.datetime(2026, 3, 7, 7, tzinfo=dt.UTC)  # MST
    assert end.astimezone(dt.UTC) == dt.datetime(2026, 3, 9, 6, tzinfo=dt.UTC)  # MDT
    assert period.query() == {"from": "2026-03-07", "to": "2026-03-08"}
    assert rules.Period(TODAY, TODAY, days=7).query() == {"period": "7"}


@pytest.mark.parametrize("value", ["person", "channel", "category", "company", None, ""])
def test_group_by_choices(value):
    assert rules.parse_group_by(value) == (value or "person")


def test_unknown_group_by_is_an_error():
    with pytest.raises(rules.ParamError) as raised:
        rules.parse_group_by("team")
    assert raised.value.errors == {"group_by": "Choose one of person, channel, category, company."}


# --- Figures ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [
        ([], 0.5, None),
        ([42], 0.5, 42),
        ([42], 0.9, 42),
        ([10, 20], 0.5, 15),
        ([30, 10, 20], 0.5, 20),
        ([600, 1200, 2700, 3600, 4800], 0.9, 4320),
        ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9, 9.1),
        ([5, 1], 0, 1),
        ([5, 1], 1, 5),
    ],
)
def test_percentile_interpolates_like_percentile_cont(values, q, expected):
    assert rules.percentile(values, q) == (pytest.approx(expected) if expected is not None else None)


@pytest.mark.parametrize(
    ("seconds", "words"),
    [(None, "—"), (42, "42 s"), (600, "10 min"), (3660, "1 h 01 min"), (2 * 86400 + 3 * 3600, "2 d 3 h")],
)
def test_duration_words(seconds, words):
    assert rules.duration_words(seconds) == words


def test_iso_weeks_of_a_period_start_on_mondays():
    period = rules.Period(dt.date(2025, 12, 31), dt.date(2026, 1, 12))
    assert [rules.week_label(m) for m in rules.iso_weeks(period)] == ["2026-W01", "2026-W02", "2026-W03"]
    assert rules.iso_weeks(period)[0] == dt.date(2025, 12, 29)


# --- Digest clock -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("local", "due"),
    [
        (dt.datetime(2026, 1, 19, 7, 0), True),
        (dt.datetime(2026, 1, 19, 7, 59), True),
        (dt.datetime(2026, 1, 19, 6, 59), False),
        (dt.datetime(2026, 1, 19, 8, 0), False),
        (dt.datetime(2026, 1, 20, 7, 5), False),
        (dt.datetime(2026, 1, 25, 7, 5), False),
    ],
)
def test_digest_is_due_on_monday_in_the_digest_hour(local, due):
    assert rules.digest_due(local.replace(tzinfo=DENVER), hour=7) is due


def test_digest_key_is_the_iso_week_even_across_new_year():
    assert rules.digest_key(5, dt.date(2026, 1, 19)) == "digest:5:2026-W04"
    assert rules.digest_key(5, dt.date(2024, 12, 30)) == "digest:5:2025-W01"  # Monday of ISO 2025-W01


def test_last_week_is_the_iso_week_before():
    assert rules.previous_week(dt.date(2026, 1, 19)) == rules.Period(dt.date(2026, 1, 12), dt.date(2026, 1, 18))
    assert rules.previous_week(dt.date(2026, 1, 21)) == rules.Period(dt.date(2026, 1, 12), dt.date(2026, 1, 18))


# --- Charts -------------------------------------------------------------------------------------------------


def test_line_chart_maps_rates_to_the_plot_and_breaks_at_weeks_without_figures():
    chart = charts.line_chart([("W01", 1.0), ("W02", None), ("W03", 0.5), ("W04", 0.0)], width=340, height=130)
    # Plot from x 44 to 328 (three steps of ~94.7), y 12 (100 %) to 100 (0 %).
    assert [(d.label, d.x, d.y, d.value) for d in chart.dots] == [
        ("W01", 44.0, 12.0, "100%"),
        ("W03", 233.3, 56.0, "50%"),
        ("W04", 328.0, 100.0, "0%"),
    ]
    assert chart.segments == ["44.0,12.0", "233.3,56.0 328.0,100.0"]
    assert [t.label for t in chart.y_ticks] == ["0%", "25%", "50%", "75%", "100%"]
    assert [(t.label, t.anchor) for t in chart.x_ticks] == [
        ("W01", "start"),
        ("W02", "middle"),
        ("W03", "middle"),
        ("W04", "end"),
    ]


def test_line_chart_labels_at_most_a_few_weeks():
    chart = charts.line_chart([(f"W{i:02d}", 0.5) for i in range(1, 27)], max_labels=6)
    assert [t.label for t in chart.x_ticks] == ["W01", "W06", "W11", "W16", "W21", "W26"]
    assert len(chart.dots) == 26


def test_line_chart_without_figures_is_empty():
    assert charts.line_chart([]).empty
    assert charts.line_chart([("W01", None)]).empty


def test_bar_chart_has_one_bar_per_row_scaled_to_the_plot():
    chart = charts.bar_chart([("Ann", 1.0, "2 of 2"), ("Bob", 0.25, "1 of 4"), ("Cy", None, "none")], width=640)
    assert chart.plot_width == 640 - 150 - 56
    assert [(b.label, b.width, b.value, b.y) for b in chart.bars] == [
        ("Ann", 434.0, "100%", 0),
        ("Bob", 108.5, "25%", 28),
        ("Cy", 0, "—", 56),
    ]
    assert chart.height == 3 * 28 - 8
    long = charts.bar_chart([("A very long name for a person in the group", 0.5, "")])
    assert long.bars[0].label.endswith("…") and len(long.bars[0].label) == 22

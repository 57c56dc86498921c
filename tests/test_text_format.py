"""The formatters: one way each to write numbers, values, periods, dates, areas, sources."""

from __future__ import annotations

import doctest
import math
from datetime import date

import pandas as pd

from collab_metrics.text import format as fmt
from collab_metrics.text import labels


def test_doctest() -> None:
    assert doctest.testmod(fmt).failed == 0


def test_missing_values_are_a_dash() -> None:
    for value in (None, math.nan, pd.NA):
        assert fmt.missing(value)
        assert fmt.value_with_unit(value, "%", "sv") == "–"
        assert fmt.value_at(value, "2017", "dagar", "en") == "–"
    assert not fmt.missing(0.0) and not fmt.missing("")
    assert fmt.number(None, "sv") == fmt.percent(math.nan, "en") == "–"


def test_values_with_units_and_periods() -> None:
    assert fmt.value_with_unit(1234.4, "invånare", "sv") == "1\u2009234\u00a0invånare"
    assert fmt.value_with_unit(1234.4, "inhabitants", "en") == "1,234\u00a0inhabitants"
    assert fmt.value_at(8.41851, "2017", "%", "sv", plain=True) == "8,4 % (2017)"
    assert fmt.value_at(8.41851, "2024-09", "%", "en") == "8.4% (September 2024)"
    assert fmt.value_range(22.31, 25.44, "dagar", "sv") == "22,3–25,4\u00a0dagar"
    assert fmt.points(2.8, "sv") == "2,8\u00a0procentenheter"
    assert fmt.points(2.8, "en") == "2.8\u00a0percentage points"
    assert fmt.date(date(2026, 11, 25), "sv") == "25 november 2026"
    assert fmt.date(date(2026, 11, 25), "en") == "25 November 2026"


def test_shares_rates_and_chart_months() -> None:
    assert fmt.share(0.874, "sv") == "87\u00a0%" and fmt.share(0.874, "en") == "87%"
    assert fmt.percent(-0.122, "sv") == "−12,2\u00a0%"
    assert fmt.percent(pd.NA, "sv") == fmt.share(None, "en") == "–"
    assert fmt.points(-2.8, "sv") == "−2,8\u00a0procentenheter"
    assert fmt.month_abbreviation(9, "sv") == "sep" and fmt.month_abbreviation(10, "en") == "Oct"
    assert fmt.short_period(2024, 1, "sv") == "jan 2024"


def test_area_and_source_names() -> None:
    assert fmt.area_name("0010") == "Region Blekinge"
    assert fmt.area_name("0000") == "Riket"
    assert fmt.area_name("0000", "sv", in_sentence=True) == "riket"
    assert fmt.area_name("0000", "en") == "Sweden"
    assert fmt.source_name("kolada", "sv") == "Kolada (RKA)"
    assert fmt.source_name("ddf", "en") == "Kolada (RKA), offline snapshot"
    # One name for SCB whichever of its PxWeb hosts (v2, v1) the data came from.
    assert fmt.source_name("pxweb", "sv", "https://statistikdatabasen.scb.se/api/v2") == "SCB"
    assert fmt.source_name("pxweb", "sv", "https://api.scb.se/OV0104/v1/doris/sv/ssd") == "SCB"
    other = fmt.source_name(
        "pxweb", "en", "https://fohm-app.folkhalsomyndigheten.se/Folkhalsodata/api/v1/sv"
    )
    assert other == "PxWeb (fohm-app.folkhalsomyndigheten.se)"


def test_the_label_tables_read_the_catalog() -> None:
    assert labels.STATUS["sv"]["achieved"] == "Målet är nått"
    assert labels.STATUS["en"][""] == "No target (direction only)"
    assert labels.SEX["sv"]["women"] == fmt.sex("women", "sv") == "Kvinnor"
    assert fmt.month_name(9, "sv") == "september"
    assert set(labels.JUDGEMENT["en"]) == {"on_track", "partly", "not_on_track", "not_assessed"}
    assert labels.reason("series_break", "sv", year=2015).startswith("tidsseriebrott 2015")

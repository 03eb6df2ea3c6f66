"""parse.dates and the one rule for two-digit years (record.full_year)."""

import re

import pytest

from cablekit import parse_text
from cablekit.parse.dates import (
    DATELINE,
    DTG,
    dateline_to_datetime,
    decl_date,
    dtg_to_datetime,
    guess_year,
    julian_check,
    parse_meta_date,
)
from cablekit.record import full_year


def dtg(text):
    return dtg_to_datetime(DTG.search(text))


@pytest.mark.parametrize("yy, year", [(0, 2000), (10, 2010), (59, 2059), (60, 1960), (66, 1966), (99, 1999)])
def test_one_century_rule(yy, year):
    assert full_year(yy) == year


def test_every_two_digit_year_follows_the_rule():
    """DTGs and declassification dates read a year the same way. Declassification
    dates used to pivot at 70, the rest at 60: 'DECL: 06/30/65' was 2065 while a DTG of
    '65' was 1965."""
    assert dtg("251207Z MAR 65").year == 1965
    assert decl_date("DECL: 06/30/65").year == 1965
    assert decl_date("DECL: 6/30/08").year == 2008
    assert decl_date("DECL: 12/31/85").year == 1985


def test_dtg_forms():
    assert dtg("P 251207Z MAR 08").isoformat() == "2008-03-25T12:07:00+00:00"
    assert dtg("201247Z Jan 04").isoformat() == "2004-01-20T12:47:00+00:00"
    assert dtg("251207Z MAR 2008").year == 2008
    assert dtg("311207Z FEB 08") is None


def test_newspaper_dateline():
    m = DATELINE.match("Thursday, 31 August 2006, 06:39")
    assert dateline_to_datetime(m).isoformat() == "2006-08-31T06:39:00+00:00"


def test_julian_date_of_the_de_line():
    # 08BAKU279: "DE RUEHKB #0279 0851207" and "P 251207Z MAR 08": day 85 of 2008 is 25 March.
    assert julian_check("0851207", dtg("251207Z MAR 08")) is None
    assert "more than two days" in julian_check("0951207", dtg("251207Z MAR 08"))


def test_source_dates():
    assert parse_meta_date("2006-12-08 17:05").isoformat() == "2006-12-08T17:05:00+00:00"
    assert parse_meta_date("12/28/1966 18:48").isoformat() == "1966-12-28T18:48:00+00:00"
    assert parse_meta_date("Wed Dec 04 00:00:00 +0100 2002").isoformat() == "2002-12-04T00:00:00+00:00"
    assert parse_meta_date("not a date") is None


def test_year_guessed_from_the_declassification_date_bounded_by_the_text():
    # Ten years on is the most common mark; a later one only where it fits.
    assert guess_year("2018-03-25", [], []) == 2008
    assert guess_year("2034-12-01", [], []) == 2009  # 25 years: ten would be past the releases
    assert guess_year("1950-01-01", [], []) is None
    # 06NAIROBI839 (html/, partial extract): DECL 02/24/2026, the text names 2004 and 2006;
    # ten years on (2016) is after the releases, 25 (2001) before the years named: 20.
    assert guess_year("2026-02-24", [], [2004, 2006]) == 2006
    # 04OTTAWA3115: DECL 11/17/2009 but the text names 2003-2005: five years on.
    assert guess_year("2009-11-17", [], [2003, 2004, 2005]) == 2004
    # A cable citing "03 MADRID 4211" is mostly of the year after its latest citation.
    assert guess_year("2029-06-01", [2003, 2008], []) == 2009
    assert guess_year(None, [2003, 2008], []) == 2009
    assert guess_year(None, [], [2004]) is None  # named years alone are no date


def test_a_made_up_iso_date_is_written_with_a_z():
    record = parse_text("P 251207Z MAR 08\nFM AMEMBASSY BAKU\n\nUNCLAS BAKU 000001\n\n1. TEXT\n", "x.txt")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", record["date"])

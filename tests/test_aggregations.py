import pandas as pd
import pytest

from ecomcase.report.claims import check_claim
from ecomcase.strategy import market
from ecomcase.timeline import events as timeline

EVENTS = pd.DataFrame(
    {
        "year": [2010, 2012, 2012, 2012, 2013],
        "mode": [
            "holding_ma",
            "equity_investment",
            "equity_investment",
            "strategic_cooperation",
            "equity_investment",
        ],
        "iso2": ["US", "US", "IN", "US", "SG"],
        "continent": ["North America", "North America", "Asia", "North America", "Asia"],
        "industry": ["e_commerce", "logistics", "e_commerce", "gaming", "e_commerce"],
    }
)


def test_events_by_year_fills_empty_years_with_zero():
    by_year = timeline.events_by_year(EVENTS, 2010, 2013)
    assert by_year["year"].tolist() == [2010, 2011, 2012, 2013]
    assert by_year["total"].tolist() == [1, 0, 3, 1]
    assert by_year["equity_investment"].tolist() == [0, 0, 2, 1]
    assert timeline.peak_year(by_year) == 2012


def test_counts_and_shares():
    table = timeline.counts(EVENTS, "iso2")
    assert table["iso2"].tolist() == ["US", "IN", "SG"]
    assert table["events"].tolist() == [3, 1, 1]
    assert table["share"].tolist() == pytest.approx([0.6, 0.2, 0.2])


def test_case_numbers():
    numbers = {k: v for k, v, *_ in timeline.total_numbers(EVENTS, 2010, 2013)}
    modes = ["holding_ma", "equity_investment", "strategic_cooperation"]
    numbers.update({k: v for k, v, *_ in timeline.mode_numbers(EVENTS, modes)})
    assert numbers["events_total"] == 5
    assert numbers["countries_count"] == 3
    assert numbers["mode_count_equity_investment"] == 3
    assert numbers["mode_share_holding_ma"] == pytest.approx(0.2)
    assert numbers["equity_investment_share_asia"] == pytest.approx(2 / 3)
    assert numbers["equity_investment_share_top3_countries"] == pytest.approx(1.0)
    assert numbers["events_in_2011"] == 0


def test_inverted_v():
    by_year = pd.DataFrame({"year": [2015, 2016, 2017, 2018], "total": [19, 10, 8, 12]})
    assert timeline.is_inverted_v(by_year, 2015, 2018)
    by_year["total"] = [19, 20, 8, 12]
    assert not timeline.is_inverted_v(by_year, 2015, 2018)


def test_concentration_measures():
    shares = pd.Series([0.5, 0.3, 0.2])
    assert market.concentration_ratio(shares, 2) == pytest.approx(0.8)
    assert market.herfindahl(shares) == pytest.approx(3800)


def test_group_shares_add_platforms_of_one_owner():
    platforms = pd.DataFrame(
        {"platform": ["a", "b", "c"], "owner_group": ["G", "H", "G"], "mau_10k": [50.0, 30.0, 20.0]}
    )
    groups = market.group_shares(platforms)
    assert groups["owner_group"].tolist() == ["G", "H"]
    assert groups["share"].tolist() == pytest.approx([0.7, 0.3])


@pytest.mark.parametrize(
    ("stated", "value", "tolerance", "status"),
    [
        (85, 85, 0, "reproduced"),
        (85, 84, 0, "differs"),
        (0.33, 0.36, 0.05, "reproduced"),
        (True, False, 0, "differs"),
    ],
)
def test_claim_status(stated, value, tolerance, status):
    claim = {
        "id": "X",
        "source": "paper",
        "location": "s",
        "quantity": "q",
        "stated": stated,
        "tolerance": tolerance,
        "number": "k",
    }
    row = check_claim(claim, {"k": {"value": value}})
    assert row["status"] == status
    assert str(row["reproduced"]) == str(value)


def test_claim_without_computed_number_is_not_checkable():
    claim = {
        "id": "X",
        "source": "paper",
        "location": "s",
        "quantity": "q",
        "stated": 1,
        "number": "missing",
    }
    row = check_claim(claim, {})
    assert row["status"] == "not_checkable"
    assert "missing" in row["note"]

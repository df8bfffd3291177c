"""Timeline aggregation, the dual-track statistics and the figures' layout, on small
hand-made event tables whose answers are known."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from ecomcase.errors import ParamsError
from ecomcase.report.claims import check_claim
from ecomcase.timeline import events as timeline
from ecomcase.timeline import plots as timeline_plots
from ecomcase.timeline import stats as timeline_stats

# Ten events of a fictional company over 2001-2005, with modes "buy", "stake", "deal".
EVENTS = pd.DataFrame(
    {
        "year": [2001, 2001, 2002, 2002, 2002, 2002, 2003, 2005, 2005, 2005],
        "mode": ["buy", "deal", "stake", "stake", "deal", "buy", "deal", "stake", "stake", "buy"],
        "iso2": ["AA", "AA", "BB", "AA", "CC", "BB", "AA", "BB", "DD", "AA"],
        "country": [
            "Aland",
            "Aland",
            "Bland",
            "Aland",
            "Cland",
            "Bland",
            "Aland",
            "Bland",
            "Dland",
            "Aland",
        ],
        "continent": [
            "North",
            "North",
            "South",
            "North",
            "East",
            "South",
            "North",
            "South",
            "South Sea",
            "North",
        ],
        "industry": ["shop", "pay", "shop", "shop", "pay", "ship", "shop", "pay", "shop", "shop"],
        "market_type": [
            "mature",
            "mature",
            "emerging",
            "mature",
            "emerging",
            "emerging",
            "mature",
            "emerging",
            "emerging",
            "mature",
        ],
        "amount_usd_m": [50.0, None, 200.0, 120.0, None, 10.0, None, 300.0, 80.0, 500.0],
    }
)
MODES = ["buy", "stake", "deal"]
PACKAGE = {
    "resources": [
        {
            "name": "events",
            "schema": {
                "fields": [
                    {"name": "mode", "constraints": {"enum": ["stake", "buy", "deal", "other"]}}
                ]
            },
        },
        {
            "name": "milestones",
            "schema": {
                "fields": [{"name": "category", "constraints": {"enum": ["launch", "deal"]}}]
            },
        },
    ]
}


def numbers_of(tuples):
    return {key: value for key, value, *_ in tuples}


# Aggregation ----------------------------------------------------------------------


def test_events_by_year_counts_every_year_and_mode():
    by_year = timeline.events_by_year(EVENTS, 2000, 2005, MODES)
    assert by_year["year"].tolist() == [2000, 2001, 2002, 2003, 2004, 2005]
    assert by_year["total"].tolist() == [0, 2, 4, 1, 0, 3]
    assert by_year["buy"].tolist() == [0, 1, 1, 0, 0, 1]
    assert by_year["stake"].tolist() == [0, 0, 2, 0, 0, 2]
    assert list(by_year.columns) == ["year", "buy", "stake", "deal", "total"]
    assert timeline.peak_year(by_year) == 2002


def test_events_by_year_by_market_type():
    by_year = timeline.events_by_year(
        EVENTS, 2001, 2005, ("mature", "emerging"), column="market_type"
    )
    assert by_year["mature"].tolist() == [2, 1, 1, 0, 1]
    assert by_year["emerging"].tolist() == [0, 3, 0, 0, 2]


def test_peak_year_takes_the_first_of_a_tie():
    by_year = pd.DataFrame({"year": [1, 2, 3], "total": [5, 7, 7]})
    assert timeline.peak_year(by_year) == 2


def test_country_and_continent_counts_with_shares():
    countries = timeline.country_counts(EVENTS)
    assert countries["iso2"].tolist() == ["AA", "BB", "CC", "DD"]
    assert countries["name"].tolist() == ["Aland", "Bland", "Cland", "Dland"]
    assert countries["events"].tolist() == [5, 3, 1, 1]
    assert countries["share"].tolist() == pytest.approx([0.5, 0.3, 0.1, 0.1])
    continents = timeline.continent_counts(EVENTS)
    assert continents["name"].tolist() == ["North", "South", "East", "South Sea"]
    table = timeline.market_table(countries, continents)
    assert table["level"].tolist() == ["country"] * 4 + ["continent"] * 4


def test_cross_counts_orders_by_total_and_keeps_top():
    table = timeline.cross_counts(EVENTS, "iso2", "mode", MODES, top=2)
    assert table["iso2"].tolist() == ["AA", "BB"]
    assert table[["buy", "stake", "deal", "total"]].to_numpy().tolist() == [
        [2, 1, 2, 5],
        [1, 2, 0, 3],
    ]


def test_inverted_v():
    by_year = pd.DataFrame({"year": [2015, 2016, 2017, 2018], "total": [19, 10, 8, 12]})
    assert timeline.is_inverted_v(by_year, 2015, 2018)
    by_year["total"] = [19, 20, 8, 12]
    assert not timeline.is_inverted_v(by_year, 2015, 2018)
    by_year["total"] = [19, 10, 8, 8]
    assert not timeline.is_inverted_v(by_year, 2015, 2018)


def test_total_and_place_numbers():
    numbers = numbers_of(timeline.total_numbers(EVENTS, 2000, 2005))
    assert numbers["events_total"] == 10
    assert numbers["events_peak_year"] == 2002
    assert numbers["events_peak_count"] == 4
    assert numbers["events_in_2004"] == 0
    assert numbers["countries_count"] == 4
    assert numbers["continents_count"] == 4
    assert numbers["industries_count"] == 3
    places = numbers_of(timeline.place_numbers(EVENTS))
    assert places["share_events_AA"] == pytest.approx(0.5)
    assert places["count_events_BB"] == 3
    assert places["share_events_south_sea"] == pytest.approx(0.1)
    assert places["count_events_north"] == 5
    assert places["top_country"] == "AA"


def test_mode_numbers_are_generic_in_modes_and_places():
    numbers = numbers_of(timeline.mode_numbers(EVENTS, MODES, top_countries=2))
    assert numbers["mode_count_stake"] == 4
    assert numbers["mode_share_buy"] == pytest.approx(0.3)
    assert numbers["first_year_stake"] == 2002
    assert numbers["top_industry_stake"] == "shop"  # shop 3, pay 1
    # stake: BB twice, AA once, DD once -> South 3/4 (BB, BB, DD), North 1/4
    assert numbers["stake_share_south"] == pytest.approx(0.5)
    assert numbers["stake_share_south_sea"] == pytest.approx(0.25)
    assert numbers["stake_share_north"] == pytest.approx(0.25)
    assert numbers["stake_share_top2_countries"] == pytest.approx(0.75)
    assert numbers["stake_top2_countries"] == "BB, AA"
    assert "stake_share_east" not in numbers


def test_window_turning_year_and_amounts():
    by_year = timeline.events_by_year(EVENTS, 2001, 2005, MODES)
    assert numbers_of(timeline.window_numbers(by_year, (2002, 2005))) == {
        "inverted_v_2002_2005": True
    }
    assert timeline.window_numbers(by_year, None) == []
    with pytest.raises(ParamsError, match="inverted_v_window"):
        timeline.window_numbers(by_year, (2004, 2005))
    turning = numbers_of(timeline.turning_year_numbers(EVENTS, 2001, 2005, 2003, MODES))
    assert turning["events_per_year_before_2003"] == pytest.approx(6 / 2)
    assert turning["events_per_year_from_2003"] == pytest.approx(4 / 3)
    assert turning["events_rate_higher_from_2003"] is False
    assert turning["stake_share_from_2003"] == pytest.approx(0.5)
    assert turning["stake_mostly_from_2003"] is False
    with pytest.raises(ParamsError, match="turning_year"):
        timeline.turning_year_numbers(EVENTS, 2001, 2005, 2001, MODES)
    amounts = numbers_of(timeline.amount_numbers(EVENTS, 2001, 2005, 100.0, (2002, 2005)))
    assert amounts["amount_disclosed_count"] == 7
    assert amounts["amount_peak_year"] == 2005  # 880 vs 330 in 2002
    # 2002-2005 disclosed: 200, 120, 10, 300, 80, 500 -> 4 of 6 at or above 100
    assert amounts["amount_share_at_least_100m_2002_2005"] == pytest.approx(4 / 6)
    assert amounts["amount_mostly_at_least_100m_2002_2005"] is True


def test_modes_and_categories_come_from_the_package():
    assert timeline.modes_from_package(PACKAGE, EVENTS) == ["stake", "buy", "deal", "other"]
    assert timeline.modes_from_package({}, EVENTS) == ["buy", "deal", "stake"]
    assert timeline.enum_values(PACKAGE, "milestones", "category") == ["launch", "deal"]
    assert timeline.ordered_values(["b"], ["a", "b", "a", None]) == ["b", "a"]


def test_labels_slugs_and_parameters():
    assert timeline.slug("North America") == "north_america"
    assert timeline.label("equity_investment") == "Equity investment"
    assert timeline.label("buy", {"buy": "Acquisition"}) == "Acquisition"
    assert timeline.year_window([2015, 2018], "w") == (2015, 2018)
    assert timeline.year_window(None, "w") is None
    for bad in ([2018, 2015], [2015], ["2015", 2018], 2015):
        with pytest.raises(ParamsError, match="'w'"):
            timeline.year_window(bad, "w")
    assert timeline.year_periods(None, [2003, 1999, 2010], "p") == [(1999, 2010)]
    assert timeline.year_periods([[1, 2], [3, 4]], [], "p") == [(1, 2), (3, 4)]


def test_history_figures_one_per_period_named_by_its_years():
    assert timeline.history_figures([(1, 2), (3, 4), (5, 6)]) == [
        ("milestones_1_2", (1, 2)),
        ("milestones_3_4", (3, 4)),
        ("milestones_5_6", (5, 6)),
    ]
    assert timeline.history_figures([]) == []


def test_fortune_numbers():
    fortune = pd.DataFrame(
        {
            "edition_year": [2017, 2018, 2019],
            "rank": [462, 300, 63],
            "revenue_usd_m": [23500.0, None, None],
        }
    )
    numbers = numbers_of(timeline.fortune_numbers(fortune))
    assert numbers["fortune_rank_gain"] == 399
    assert numbers["fortune_revenue_2017"] == 23500.0
    assert "fortune_revenue_2018" not in numbers
    assert numbers["fortune_editions_count"] == 3
    assert numbers["fortune_consecutive"] is True
    gap = numbers_of(timeline.fortune_numbers(fortune.iloc[[0, 2]]))
    assert gap["fortune_consecutive"] is False


def test_a_claim_about_a_missing_number_is_not_checkable():
    numbers = {"top_country": {"value": "AA"}}
    claim = {
        "id": "X",
        "source": "s",
        "location": "l",
        "quantity": "q",
        "stated": "AA",
        "number": "top_country",
    }
    assert check_claim(claim, numbers)["status"] == "reproduced"
    claim["number"] = "fortune_revenue_2021"
    assert check_claim(claim, numbers)["status"] == "not_checkable"


# Statistics -------------------------------------------------------------------------


def test_mode_by_market_and_collapse():
    table = timeline_stats.mode_by_market(EVENTS, MODES)
    assert table.loc["buy"].tolist() == [2, 1]
    assert table.loc["stake"].tolist() == [1, 3]
    assert table.loc["deal"].tolist() == [2, 1]
    two = timeline_stats.collapse(table, "buy")
    assert two.to_numpy().tolist() == [[2, 1], [3, 4]]


def test_fisher_2x2_known_answer():
    # Fisher's tea-tasting table: one-sided p = 17/70, two-sided p = 34/70
    odds, p = timeline_stats.fisher_2x2(np.array([[3, 1], [1, 3]]))
    assert odds == pytest.approx(9.0)
    assert p == pytest.approx(34 / 70)
    with pytest.raises(ValueError, match="2x2"):
        timeline_stats.fisher_2x2(np.ones((3, 2), dtype=int))


def test_chi_square_and_cramers_v_known_answers():
    # 2x2 [[10, 0], [0, 10]]: chi2 = n = 20, V = 1 (complete association)
    result = timeline_stats.chi_square(np.array([[10, 0], [0, 10]]))
    assert result.chi2 == pytest.approx(20.0)
    assert result.cramers_v == pytest.approx(1.0)
    assert result.dof == 1
    # independence: chi2 = 0, V = 0, p = 1
    flat = timeline_stats.chi_square(np.array([[5, 10], [5, 10], [5, 10]]))
    assert flat.chi2 == pytest.approx(0.0)
    assert flat.cramers_v == pytest.approx(0.0)
    assert flat.p_value == pytest.approx(1.0)
    # hand value: [[20, 10], [10, 20]] -> E = 15 everywhere, chi2 = 4 * 25 / 15 = 20/3
    hand = timeline_stats.chi_square(np.array([[20, 10], [10, 20]]))
    assert hand.chi2 == pytest.approx(20 / 3)
    assert hand.cramers_v == pytest.approx(math.sqrt(20 / 3 / 60))
    assert hand.p_value == pytest.approx(stats.chi2.sf(20 / 3, 1))
    assert hand.min_expected == pytest.approx(15.0)


def test_cramers_v_agrees_with_scipy_on_a_3x2_table():
    table = np.array([[11, 3], [36, 23], [43, 10]])
    result = timeline_stats.chi_square(table)
    assert result.cramers_v == pytest.approx(stats.contingency.association(table, method="cramer"))
    assert result.dof == 2


def test_empty_rows_are_dropped_before_testing():
    result = timeline_stats.chi_square(np.array([[20, 10], [0, 0], [10, 20]]))
    assert result.chi2 == pytest.approx(20 / 3)
    assert result.dof == 1


def test_freeman_halton_is_seeded_and_exact_for_2x2():
    table = np.array([[11, 3], [36, 23], [43, 10]])
    first = timeline_stats.fisher_freeman_halton(table, seed=7, n_resamples=2000)
    assert first == timeline_stats.fisher_freeman_halton(table, seed=7, n_resamples=2000)
    assert 0 < first < 1
    assert timeline_stats.fisher_freeman_halton(
        np.array([[3, 1], [1, 3]]), seed=7
    ) == pytest.approx(34 / 70)


def test_adjusted_residuals_hand_value():
    # [[20, 10], [10, 20]]: (20 - 15) / sqrt(15 * 0.5 * 0.5) = 5 / sqrt(3.75)
    table = pd.DataFrame([[20, 10], [10, 20]], index=["a", "b"], columns=["x", "y"])
    residuals = timeline_stats.adjusted_residuals(table)
    assert residuals.loc["a", "x"] == pytest.approx(5 / math.sqrt(3.75))
    assert residuals.loc["a", "y"] == pytest.approx(-5 / math.sqrt(3.75))
    # for a 2x2 table the squared adjusted residual is the chi-square
    assert residuals.loc["a", "x"] ** 2 == pytest.approx(20 / 3)


def test_dual_track_on_hand_made_events():
    result = timeline_stats.dual_track(EVENTS, MODES, "buy", seed=1, n_resamples=500)
    assert result.table.to_numpy().tolist() == [[2, 1], [1, 3], [2, 1]]
    odds, p = timeline_stats.fisher_2x2(np.array([[2, 1], [3, 4]]))
    assert result.odds_ratio == pytest.approx(odds)
    assert result.fisher_p == pytest.approx(p)
    assert result.acquisition_share == pytest.approx({"mature": 0.4, "emerging": 0.2})
    numbers = numbers_of(timeline_stats.dual_track_numbers(result, alpha=0.05))
    assert numbers["dual_track_buy_share_higher_in_emerging"] is False
    assert numbers["dual_track_association_significant"] is False
    assert numbers["stake_share_in_mature"] == pytest.approx(0.25)
    assert numbers["deal_mostly_mature"] is True
    assert numbers["dual_track_events"] == 10
    statistics = result.statistics()
    assert statistics.set_index("statistic").loc["fisher_p", "value"] == pytest.approx(p)
    with pytest.raises(ValueError, match="not one of the modes"):
        timeline_stats.dual_track(EVENTS, MODES, "merger", seed=1)


def test_narrative_texts_quote_recorded_numbers():
    result = timeline_stats.dual_track(EVENTS, MODES, "buy", seed=1, n_resamples=500)
    recorded = {
        key: {"value": value}
        for key, value, *_ in timeline_stats.dual_track_numbers(result, alpha=0.05)
    }
    text = timeline_stats.dual_track_text(recorded, "buy", "Buy-out", {"stake": "Stake"})
    assert "Buy-out makes up 40.0%" in text
    assert "not more frequent in emerging markets" in text
    assert "not significant" in text
    assert "Stake has more emerging-market events" in text
    by_year = timeline.events_by_year(EVENTS, 2001, 2005, MODES)
    recorded = {
        key: {"value": value}
        for key, value, *_ in timeline.total_numbers(EVENTS, 2001, 2005)
        + timeline.window_numbers(by_year, (2002, 2005))
        + timeline.turning_year_numbers(EVENTS, 2001, 2005, 2003, MODES)
    }
    text = timeline.year_text(recorded, (2002, 2005), 2003)
    assert "**10** events over 5 years" in text
    assert "The years 2002-2005 show the inverted V" in text
    assert "Before 2003 there were 3.0 events a year, from 2003 on 1.3." in text


# Figures ----------------------------------------------------------------------------


def _milestones(n: int) -> pd.DataFrame:
    words = "a long milestone description that keeps going well past one line of text"
    return pd.DataFrame(
        {
            "year": [2000 + i // 3 for i in range(n)],
            "date": [None] * n,
            "event": [f"Item {i}: " + " ".join([words] * (1 + i % 3)) for i in range(n)],
            "category": [["launch", "deal", "listing"][i % 3] for i in range(n)],
        }
    )


@pytest.mark.parametrize("n", [1, 8, 30])
def test_milestone_timeline_text_never_overlaps_and_height_grows(n):
    fig = timeline_plots.milestone_timeline(
        _milestones(n), "Milestones", categories=["deal", "launch"]
    )
    try:
        assert timeline_plots.text_overlaps(fig) == []
        assert timeline_plots.text_outside(fig) == []
        height = fig.get_size_inches()[1]
    finally:
        plt.close(fig)
    if n == 30:
        small = timeline_plots.milestone_timeline(_milestones(8), "Milestones")
        assert height > small.get_size_inches()[1] * 2
        plt.close(small)


def test_text_overlaps_detects_a_collision():
    fig, ax = plt.subplots()
    ax.text(0.5, 0.5, "one label")
    ax.text(0.5, 0.5, "another label")
    try:
        assert timeline_plots.text_overlaps(fig) == [("one label", "another label")]
    finally:
        plt.close(fig)


def test_milestone_colours_follow_the_declared_categories():
    items = _milestones(6)
    later = items[items["category"] == "listing"]
    fig_all = timeline_plots.milestone_timeline(
        items, "t", categories=["launch", "deal", "listing"]
    )
    fig_one = timeline_plots.milestone_timeline(
        later, "t", categories=["launch", "deal", "listing"]
    )
    try:
        colour_all = fig_all.axes[0].get_legend().get_patches()[2].get_facecolor()
        colour_one = fig_one.axes[0].get_legend().get_patches()[0].get_facecolor()
        assert colour_all == colour_one
    finally:
        plt.close(fig_all)
        plt.close(fig_one)


def test_event_figures_have_no_overlapping_text():
    by_year = timeline.events_by_year(EVENTS, 2000, 2005, MODES)
    countries = timeline.country_counts(EVENTS)
    industries = timeline.counts(EVENTS, "industry")
    markets = timeline.events_by_year(
        EVENTS, 2000, 2005, ("mature", "emerging"), column="market_type"
    )
    main = timeline.cross_counts(EVENTS, "iso2", "mode", MODES)
    main.insert(1, "name", main["iso2"])
    fortune = pd.DataFrame(
        {
            "edition_year": [2017, 2018, 2019],
            "rank": [462, 300, 63],
            "revenue_usd_m": [23500.0, None, None],
        }
    )
    figures = [
        timeline_plots.events_per_year(by_year, (2001, 2003)),
        timeline_plots.modes_per_year(by_year, MODES, None),
        timeline_plots.target_markets(countries, timeline.continent_counts(EVENTS)),
        timeline_plots.industries(industries, None),
        timeline_plots.countries_by_mode(main, MODES, None),
        timeline_plots.industry_by_mode(
            timeline.cross_counts(EVENTS, "industry", "mode", MODES), MODES, None, None
        ),
        timeline_plots.mode_mix_by_market(timeline_stats.mode_by_market(EVENTS, MODES), None),
        timeline_plots.markets_per_year(markets, ("mature", "emerging")),
        timeline_plots.fortune_rank(fortune, "Fictional Co"),
    ]
    try:
        for fig in figures:
            assert timeline_plots.text_overlaps(fig) == [], fig.axes[0].get_title()
    finally:
        for fig in figures:
            plt.close(fig)


def test_claims_text_counts_statuses():
    checked = pd.DataFrame(
        {
            "status": ["reproduced", "differs", "differs", "not_checkable", "reproduced"],
            "kind": ["stated", "stated", "stated", "stated", "check"],
        }
    )
    text = timeline.claims_text(checked)
    assert "Of the documents' 4 claims" in text
    assert "**1** reproduce, **2** differ and 1 cannot be checked" in text
    assert "adds 1 check of its own" in text


def test_market_timing_numbers_and_text():
    by_year = timeline.events_by_year(EVENTS, 2001, 2005, ("mature", "emerging"), column="market_type")
    numbers = numbers_of(timeline_stats.market_timing_numbers(EVENTS, by_year))
    assert numbers["market_count_mature"] == 5
    assert numbers["market_share_emerging"] == pytest.approx(0.5)
    # mature: 2001, 2001, 2002, 2003, 2005; emerging: 2002, 2002, 2002, 2005, 2005
    assert numbers["market_mean_year_mature"] == pytest.approx(10012 / 5)
    assert numbers["market_mean_year_emerging"] == pytest.approx(10016 / 5)
    assert numbers["market_emerging_ahead_first_year"] == 2002
    text = timeline_stats.market_timing_text({k: {"value": v} for k, v in numbers.items()})
    assert "Emerging-market events first outnumber mature-market ones in 2002." in text
    never = numbers_of(timeline_stats.market_timing_numbers(EVENTS, by_year.assign(emerging=0)))
    assert never["market_emerging_ahead_first_year"] is None


def test_source_figures_must_name_recorded_artifacts():
    from ecomcase.errors import ParamsError
    from ecomcase.report.claims import check_source_figures

    artifacts = [{"id": "events_per_year"}, {"id": "target_markets"}]
    check_source_figures({"events_per_year": "paper Figure 4"}, artifacts, "03: source_figures")
    with pytest.raises(ParamsError, match="'paper_figure_4'.*events_per_year, target_markets"):
        check_source_figures({"paper_figure_4": "paper Figure 4"}, artifacts, "03: source_figures")


def test_ties_for_the_largest_are_named_not_broken_by_the_alphabet():
    table = pd.DataFrame(
        {"iso2": ["DE", "JP", "KE"], "name": ["Germany", "Japan", "Kenya"], "events": [4, 4, 2]}
    )
    table["share"] = table["events"] / table["events"].sum()
    assert timeline.leaders(table, "iso2") == "DE; JP"
    assert timeline.leaders(table.iloc[[0, 2]], "iso2") == "DE"
    assert timeline.largest_text(table) == (
        "the largest are Germany and Japan, tied with 4 events each (40.0% each)."
    )
    assert timeline.largest_text(table.iloc[[2]]) == "the largest is Kenya with 2 events (20.0%)."

"""Aggregations of the overseas-events table (one row per event).

All functions take the cleaned events (notebook 01's ``events.csv``) and return
plain DataFrames; counts are numbers of events, shares are fractions of 1.
"""

from __future__ import annotations

import pandas as pd

from ecomcase.dataset import MODES


def events_by_year(events: pd.DataFrame, first: int, last: int) -> pd.DataFrame:
    """Events per year over ``first..last`` (zero for a year without events), by mode."""
    years = pd.RangeIndex(first, last + 1, name="year")
    table = (
        pd.crosstab(events["year"], events["mode"])
        .reindex(index=years, columns=list(MODES), fill_value=0)
        .astype(int)
    )
    table["total"] = table.sum(axis=1)
    table.columns.name = None
    return table.reset_index()


def counts(events: pd.DataFrame, column: str) -> pd.DataFrame:
    """Events per value of ``column``, largest first (ties by name), with shares."""
    table = (
        events.groupby(column, dropna=False)
        .size()
        .rename("events")
        .reset_index()
        .sort_values(["events", column], ascending=[False, True], kind="stable")
        .reset_index(drop=True)
    )
    table["share"] = table["events"] / table["events"].sum()
    return table


def peak_year(by_year: pd.DataFrame) -> int:
    """The first year with the most events."""
    return int(by_year.loc[by_year["total"].idxmax(), "year"])


def is_inverted_v(by_year: pd.DataFrame, start: int, end: int) -> bool:
    """True when counts fall after ``start`` to a low and rise again by ``end``.

    Read as the paper describes 2015-2018: the years between are below the
    first year, and the last year is above the year before it.
    """
    totals = by_year.set_index("year")["total"]
    inner = totals.loc[start + 1 : end - 1]
    return bool((inner < totals[start]).all() and totals[end] > totals[end - 1])


def summary_numbers(
    events: pd.DataFrame, first: int, last: int
) -> list[tuple[str, object, str, str]]:
    """The numbers the paper's claims are checked against: (key, value, unit, description)."""
    by_year = events_by_year(events, first, last)
    totals = by_year.set_index("year")["total"]
    countries = counts(events, "iso2").set_index("iso2")["share"]
    modes = counts(events, "mode").set_index("mode")
    equity = events[events["mode"] == "equity_investment"]
    equity_continents = counts(equity, "continent").set_index("continent")["share"]
    equity_countries = counts(equity, "iso2").set_index("iso2")["share"]
    out: list[tuple[str, object, str, str]] = [
        ("events_total", len(events), "events", f"overseas events {first}-{last}"),
        ("events_peak_year", peak_year(by_year), "year", "year with the most events"),
        ("countries_count", int(events["iso2"].nunique()), "countries", "target countries/regions"),
        (
            "continents_count",
            int(events["continent"].nunique()),
            "continents",
            "continents reached",
        ),
        ("industries_count", int(events["industry"].nunique()), "industries", "target industries"),
    ]
    out += [(f"events_in_{y}", int(n), "events", f"events in {y}") for y, n in totals.items()]
    if {2015, 2018} <= set(totals.index):
        out.append(
            ("inverted_v_2015_2018", is_inverted_v(by_year, 2015, 2018), "", "inverted V 2015-2018")
        )
    for iso2 in ("US", "IN", "IL", "SG"):
        out.append(
            (f"share_events_{iso2}", float(countries.get(iso2, 0.0)), "share", f"{iso2} share")
        )
    for mode in MODES:
        count = int(modes["events"].get(mode, 0))
        out.append((f"mode_count_{mode}", count, "events", f"{mode} events"))
        share = float(modes["share"].get(mode, 0.0))
        out.append((f"mode_share_{mode}", share, "share", f"{mode} share of events"))
    for continent in ("Asia", "North America", "Europe"):
        key = "equity_share_" + continent.lower().replace(" ", "_")
        share = float(equity_continents.get(continent, 0.0))
        out.append((key, share, "share", f"share of equity investments in {continent}"))
    top3 = float(sum(equity_countries.get(c, 0.0) for c in ("US", "IN", "SG")))
    out.append(("equity_share_us_in_sg", top3, "share", "equity investments in US, IN, SG"))
    return out


def fortune_numbers(fortune: pd.DataFrame) -> list[tuple[str, object, str, str]]:
    """Rank and revenue per edition, and places gained from the first to the last edition."""
    out: list[tuple[str, object, str, str]] = []
    for row in fortune.itertuples(index=False):
        out.append(
            (f"fortune_rank_{row.edition_year}", int(row.rank), "rank", "Fortune Global 500 rank")
        )
        if pd.notna(row.revenue_usd_m):
            out.append(
                (
                    f"fortune_revenue_{row.edition_year}",
                    float(row.revenue_usd_m),
                    "USD million",
                    "revenue as listed by Fortune",
                )
            )
    if len(fortune) >= 2:
        ordered = fortune.sort_values("edition_year")
        gain = int(ordered["rank"].iloc[0] - ordered["rank"].iloc[-1])
        out.append(("fortune_rank_gain", gain, "places", "places gained, first to last edition"))
    return out

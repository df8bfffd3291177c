"""Aggregations of the overseas-events table (one row per event).

All functions take the cleaned events (notebook 01's ``events.csv``: ``year``,
``mode``, ``iso2``, ``continent``, ``industry``, ``market_type``, optional
``amount_usd_m``) and return plain DataFrames or ``(key, value, unit,
description)`` number tuples; counts are numbers of events, shares are
fractions of 1. Nothing here knows a company, a country or a year: entry modes
come from the case's data package, windows and years from the notebook's
parameters.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ecomcase.display import label  # noqa: F401  (re-exported: plots and notebooks use it here)
from ecomcase.errors import ParamsError
from ecomcase.report.claims import check_claims, load_claims, status_counts

Number = tuple[str, Any, str, str]

#: The industry code of the controlled vocabulary that collects everything else.
CATCH_ALL = "other"


def slug(text: str) -> str:
    """``"North America"`` -> ``"north_america"``: a name usable in a number key."""
    return re.sub(r"[^0-9a-z]+", "_", str(text).casefold()).strip("_")


def enum_values(package: dict[str, Any] | None, resource: str, field: str) -> list[str]:
    """The values a data-package field allows (its ``enum`` constraint), in order;
    empty when the package does not declare them."""
    for res in (package or {}).get("resources", []):
        if res.get("name") != resource:
            continue
        for fld in res.get("schema", {}).get("fields", []):
            if fld.get("name") == field:
                return [str(v) for v in fld.get("constraints", {}).get("enum", [])]
    return []


def ordered_values(declared: Sequence[str], values: Iterable[Any]) -> list[str]:
    """``declared`` values first (their order), then any other of ``values`` in order of
    appearance: a stable order, so a category keeps its colour across figures."""
    seen = list(dict.fromkeys(str(v) for v in values if pd.notna(v)))
    return list(declared) + [v for v in seen if v not in declared]


def modes_from_package(package: dict[str, Any] | None, events: pd.DataFrame) -> list[str]:
    """Entry modes in display order: the ``mode`` enumeration of the data package's
    ``events`` resource, then any mode found only in the data."""
    return ordered_values(enum_values(package, "events", "mode"), events["mode"])


def year_window(value: Any, name: str) -> tuple[int, int] | None:
    """A ``[first, last]`` parameter as a pair of ints (None stays None)."""
    if value is None:
        return None
    if (
        not isinstance(value, list | tuple)
        or len(value) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
        or value[0] > value[1]
    ):
        raise ParamsError(f"parameter '{name}' should be [first, last] years, got {value!r}")
    return int(value[0]), int(value[1])


def year_periods(value: Any, years: Iterable[int], name: str) -> list[tuple[int, int]]:
    """A list of ``[first, last]`` periods; None gives one period spanning ``years``."""
    if value is None:
        years = [int(y) for y in years]
        return [(min(years), max(years))] if years else []
    if not isinstance(value, list | tuple):
        raise ParamsError(f"parameter '{name}' should be a list of [first, last], got {value!r}")
    return [year_window(period, name) for period in value]  # type: ignore[misc]


def events_by_year(
    events: pd.DataFrame,
    first: int,
    last: int,
    categories: Sequence[str] | None = None,
    column: str = "mode",
) -> pd.DataFrame:
    """Events per year over ``first..last`` (zero for a year without events), one
    column per value of ``column`` (``categories`` in that order; default: the
    values found, sorted), and ``total``."""
    if categories is None:
        categories = sorted(events[column].dropna().unique())
    categories = list(categories)
    # counted with NumPy: the coding multiverse calls this once per specification
    row = events["year"].to_numpy(dtype=int) - first
    col = pd.Categorical(events[column], categories=categories).codes
    inside = (row >= 0) & (row <= last - first) & (col >= 0)
    cells = np.zeros((last - first + 1, len(categories)), dtype=int)
    np.add.at(cells, (row[inside], col[inside]), 1)
    table = pd.DataFrame(cells, columns=categories)
    table.insert(0, "year", np.arange(first, last + 1))
    table["total"] = cells.sum(axis=1)
    return table


def ranked(values: Iterable[Any]) -> list[tuple[Any, int]]:
    """Each value with its count, largest first (ties by name, missing last): the rows
    of :func:`counts` without the table."""
    # a plain Counter: about 20x faster than a groupby on tables this size
    tally = Counter(values)
    return sorted(tally.items(), key=lambda item: (-item[1], pd.isna(item[0]), str(item[0])))


def counts(events: pd.DataFrame, column: str) -> pd.DataFrame:
    """Events per value of ``column``, largest first (ties by name), with shares."""
    ordered = ranked(events[column].tolist())
    table = pd.DataFrame(
        {column: [v for v, _ in ordered], "events": [n for _, n in ordered]},
        columns=[column, "events"],
    )
    table["events"] = table["events"].astype(int)
    table["share"] = table["events"] / table["events"].sum()
    return table


def ties_by_label(
    table: pd.DataFrame, column: str, count: str, labels: dict[str, str] | None
) -> pd.DataFrame:
    """``table`` largest ``count`` first, ties ordered by the display label of
    ``column`` (what a reader sees), not by its code."""
    shown = table[column].map(lambda code: label(code, labels).lower())
    order = sorted(range(len(table)), key=lambda i: (-table[count].iloc[i], shown.iloc[i]))
    return table.iloc[order].reset_index(drop=True)


def leaders(table: pd.DataFrame, column: str, count: str = "events") -> str:
    """The ``column`` value(s) with the largest ``count`` in a :func:`counts` table;
    a tie is not broken by the alphabet but named in full: ``"DE; JP; VN"``."""
    top = table[table[count] == table[count].max()]
    return "; ".join(str(v) for v in top[column])


def largest_text(by_country: pd.DataFrame) -> str:
    """ "the largest is X with n events (s%)." or, on a tie, "the largest are X, Y and Z
    with n events each (s% each)." from a :func:`country_counts` table."""
    top = by_country[by_country["events"] == by_country["events"].max()]
    n, share = int(top["events"].iloc[0]), float(top["share"].iloc[0])
    names = list(top["name"])
    if len(names) == 1:
        return f"the largest is {names[0]} with {n} events ({share:.1%})."
    listed = ", ".join(names[:-1]) + f" and {names[-1]}"
    return f"the largest are {listed}, tied with {n} events each ({share:.1%} each)."


def cross_counts(
    events: pd.DataFrame,
    rows: str,
    columns: str,
    column_order: Sequence[str] | None = None,
    top: int | None = None,
) -> pd.DataFrame:
    """Events per ``rows`` value (largest total first, ties by name) and ``columns``
    value, with ``total``; ``top`` keeps the largest rows only."""
    table = pd.crosstab(events[rows], events[columns])
    if column_order is not None:
        table = table.reindex(columns=list(column_order), fill_value=0)
    table["total"] = table.sum(axis=1)
    table = table.reset_index().sort_values(["total", rows], ascending=[False, True], kind="stable")
    if top is not None:
        table = table.head(top)
    table.columns.name = None
    return table.reset_index(drop=True)


def country_counts(events: pd.DataFrame) -> pd.DataFrame:
    """Events per target country: ``iso2``, ``name``, ``continent``, ``events``, ``share``;
    largest first, ties by the name a reader sees (not by ISO code)."""
    names = events.drop_duplicates("iso2").set_index("iso2")
    table = counts(events, "iso2")
    table.insert(1, "name", table["iso2"].map(names["country"]))
    table.insert(2, "continent", table["iso2"].map(names["continent"]))
    table = table.sort_values(["events", "name"], ascending=[False, True], kind="stable")
    return table.reset_index(drop=True)


def continent_counts(events: pd.DataFrame) -> pd.DataFrame:
    """Events per continent: ``name``, ``events``, ``share``."""
    return counts(events, "continent").rename(columns={"continent": "name"})


def market_table(by_country: pd.DataFrame, by_continent: pd.DataFrame) -> pd.DataFrame:
    """Country and continent counts in one table (``level``: country or continent)."""
    countries = by_country.assign(level="country")
    continents = by_continent.assign(level="continent", iso2="", continent=by_continent["name"])
    columns = ["level", "iso2", "name", "continent", "events", "share"]
    return pd.concat([countries[columns], continents[columns]], ignore_index=True)


def read_processed(folder: Path, name: str) -> pd.DataFrame | None:
    """A processed table ``<folder>/<name>.csv`` (blank cells missing, other text
    kept: "NA" is Namibia), or None when the case has no such table."""
    path = folder / f"{name}.csv"
    if not path.is_file():
        return None
    return pd.read_csv(path, keep_default_na=False, na_values=[""])


def history_figures(periods: Sequence[tuple[int, int]]) -> list[tuple[str, tuple[int, int]]]:
    """``(artifact id, period)`` of each milestone timeline, one per period:
    ``milestones_<first>_<last>`` (the id a case's ``source_figures`` maps to a document figure)."""
    return [(f"milestones_{first}_{last}", (first, last)) for first, last in periods]


def checked_claims(path: Path, numbers: dict[str, dict[str, Any]]) -> pd.DataFrame:
    """The case's claims whose number this notebook records, checked against ``numbers``
    (the report step checks them all again, with every notebook's numbers)."""
    claims = [c for c in load_claims(path) if c.get("number") in numbers]
    return check_claims(claims, numbers)


def claims_text(checked: pd.DataFrame) -> str:
    """One sentence counting the checked claims by status (the documents' stated
    claims; checks this project adds are counted apart)."""
    counts = status_counts(checked)
    stated = int((checked["kind"] == "stated").sum())
    parts = [f"**{counts['reproduced']}** reproduce", f"**{counts['differs']}** differ"]
    parts += [
        f"{counts[s]} {label}"
        for s, label in (
            ("consistent", "are consistent with a bound"),
            ("inconsistent", "contradict another statement"),
            ("not_checkable", "cannot be checked"),
        )
        if counts[s]
    ]
    checks = len(checked) - stated
    return (
        f"Of the documents' {stated} claims whose number this notebook computes, "
        + ", ".join(parts[:-1])
        + f" and {parts[-1]}."
        + (
            f" This project adds {checks} check{'s' if checks != 1 else ''} of its own."
            if checks
            else ""
        )
    )


def peak_year(by_year: pd.DataFrame, column: str = "total") -> int:
    """The first year with the largest ``column``."""
    return int(by_year.loc[by_year[column].idxmax(), "year"])


def is_inverted_v(by_year: pd.DataFrame, start: int, end: int) -> bool:
    """True when counts fall after ``start`` and rise again by ``end``.

    The reading of an "inverted V" peak-trough-recovery: every year strictly
    between is below the first year, and the last year is above the year before it.
    """
    totals = by_year.set_index("year")["total"]
    inner = totals.loc[start + 1 : end - 1]
    return bool((inner < totals[start]).all() and totals[end] > totals[end - 1])


def total_numbers(events: pd.DataFrame, first: int, last: int) -> list[Number]:
    """Totals, the peak year, events per year and the numbers of countries,
    continents and industries."""
    by_year = events_by_year(events, first, last)
    totals = by_year.set_index("year")["total"]
    out: list[Number] = [
        ("events_total", len(events), "events", f"overseas events {first}-{last}"),
        ("events_peak_year", peak_year(by_year), "year", "year with the most events"),
        ("events_peak_count", int(totals.max()), "events", "events in the peak year"),
        ("events_years_count", last - first + 1, "years", "years covered"),
        (
            "countries_count",
            int(events["iso2"].nunique()),
            "countries",
            "target countries/regions",
        ),
        (
            "continents_count",
            int(events["continent"].nunique()),
            "continents",
            "continents reached",
        ),
        (
            "industries_count",
            int(events["industry"].nunique()),
            "industries",
            "target industries",
        ),
        (
            "industries_count_named",
            int(events.loc[events["industry"] != CATCH_ALL, "industry"].nunique()),
            "industries",
            f"target industries other than the catch-all '{CATCH_ALL}'",
        ),
    ]
    out += [(f"events_in_{y}", int(n), "events", f"events in {y}") for y, n in totals.items()]
    return out


def share_numbers(events: pd.DataFrame, column: str, key: str = "{}") -> list[Number]:
    """``count_events_<value>`` and ``share_events_<value>`` for every value of
    ``column``; ``key`` formats the value into the key (e.g. a slug)."""
    return _share_numbers(ranked(events[column].tolist()), key)


def _share_numbers(ordered: list[tuple[Any, int]], key: str = "{}") -> list[Number]:
    """:func:`share_numbers` from the rows of :func:`ranked` (the shares as in
    :func:`counts`: each count over their sum)."""
    total = sum(n for _, n in ordered)
    out: list[Number] = []
    for value, n in ordered:
        name = key.format(value)
        out.append((f"count_events_{name}", int(n), "events", f"events in {value}"))
        out.append((f"share_events_{name}", n / total, "share", f"share of events in {value}"))
    return out


def place_numbers(events: pd.DataFrame) -> list[Number]:
    """Counts and shares of events for every country (ISO2 key) and every
    continent (slug key), and the country with the most events."""
    # from ranked lists: the coding multiverse calls this once per specification
    countries = ranked(events["iso2"].tolist())
    continents = ranked(events["continent"].tolist())
    out = _share_numbers(countries)
    total = sum(n for _, n in continents)
    out += [(f"count_events_{slug(c)}", int(n), "events", f"events in {c}") for c, n in continents]
    out += [
        (f"share_events_{slug(c)}", n / total, "share", f"share of events in {c}")
        for c, n in continents
    ]
    if countries:
        top = countries[0][1]
        out.append(
            (
                "top_country",
                "; ".join(str(c) for c, n in countries if n == top),
                "",
                "country with most events (tied ones joined by '; ')",
            )
        )
    return out


def mode_numbers(
    events: pd.DataFrame, modes: Sequence[str], top_countries: int = 3
) -> list[Number]:
    """Per entry mode: count, share, first year, leading industry, share in each
    continent (``<mode>_share_<continent>``), and the share of its ``top_countries``
    largest host countries (``<mode>_share_top<k>_countries``, named in
    ``<mode>_top<k>_countries``)."""
    out: list[Number] = []
    total = len(events)
    # the columns read below, taken once: a row filter copies every column it holds
    events = events[["mode", "year", "industry", "continent", "iso2"]]
    for mode in modes:
        subset = events[events["mode"] == mode]
        n = len(subset)
        out.append((f"mode_count_{mode}", n, "events", f"{mode} events"))
        out.append(
            (f"mode_share_{mode}", n / total if total else 0.0, "share", f"{mode} share of events")
        )
        if n == 0:
            continue
        out.append((f"first_year_{mode}", int(subset["year"].min()), "year", f"first {mode} event"))
        # ranked lists, not counts() tables: the multiverse asks this 32 times
        industries = ranked(subset["industry"].tolist())
        out.append(
            (
                f"top_industry_{mode}",
                "; ".join(str(v) for v, k in industries if k == industries[0][1]),
                "",
                f"commonest industry of {mode} (tied ones joined by '; ')",
            )
        )
        for continent, k in ranked(subset["continent"].tolist()):
            out.append(
                (
                    f"{mode}_share_{slug(continent)}",
                    k / n,
                    "share",
                    f"share of {mode} events in {continent}",
                )
            )
        hosts = ranked(subset["iso2"].tolist())[:top_countries]
        out.append(
            (
                f"{mode}_share_top{top_countries}_countries",
                sum(k / n for _, k in hosts),
                "share",
                f"share of {mode} events in its {top_countries} largest host countries",
            )
        )
        out.append(
            (
                f"{mode}_top{top_countries}_countries",
                ", ".join(str(v) for v, _ in hosts),
                "",
                f"the {top_countries} largest host countries of {mode}",
            )
        )
    return out


def window_numbers(by_year: pd.DataFrame, window: tuple[int, int] | None) -> list[Number]:
    """``inverted_v_<start>_<end>`` for the parameter window (nothing without one)."""
    if window is None:
        return []
    start, end = window
    years = set(by_year["year"])
    if not {start, end} <= years or end - start < 2:
        raise ParamsError(
            f"parameter 'inverted_v_window' {list(window)} must span at least three "
            f"of the event years {min(years)}-{max(years)}"
        )
    return [
        (
            f"inverted_v_{start}_{end}",
            is_inverted_v(by_year, start, end),
            "",
            f"events fall after {start} and rise again in {end}",
        )
    ]


def turning_year_numbers(
    events: pd.DataFrame, first: int, last: int, year: int | None, modes: Sequence[str]
) -> list[Number]:
    """Events per year before and from ``year``, whether the rate rose, and per
    mode whether most of its events came from ``year`` on."""
    if year is None:
        return []
    if not first < year <= last:
        raise ParamsError(f"parameter 'turning_year' {year} must lie after {first} and by {last}")
    from_year = events["year"].to_numpy() >= year
    rate_before = int((~from_year).sum()) / (year - first)
    rate_after = int(from_year.sum()) / (last - year + 1)
    out: list[Number] = [
        (
            f"events_per_year_before_{year}",
            rate_before,
            "events/year",
            f"mean events per year {first}-{year - 1}",
        ),
        (
            f"events_per_year_from_{year}",
            rate_after,
            "events/year",
            f"mean events per year {year}-{last}",
        ),
        (
            f"events_rate_higher_from_{year}",
            bool(rate_after > rate_before),
            "",
            f"more events per year from {year} on",
        ),
    ]
    event_modes = events["mode"].to_numpy()
    for mode in modes:
        of_mode = event_modes == mode
        if not of_mode.any():
            continue
        share = float(from_year[of_mode].mean())
        out.append(
            (f"{mode}_share_from_{year}", share, "share", f"share of {mode} events from {year} on")
        )
        out.append(
            (
                f"{mode}_mostly_from_{year}",
                bool(share > 0.5),
                "",
                f"most {mode} events from {year} on",
            )
        )
    return out


def amount_numbers(
    events: pd.DataFrame,
    first: int,
    last: int,
    threshold: float | None,
    window: tuple[int, int] | None,
) -> list[Number]:
    """Announced amounts (USD million; undisclosed amounts are left out, so sums are
    lower bounds): the year with the largest disclosed sum, and the share of
    disclosed amounts at or above ``threshold`` within ``window`` (all years without one)."""
    if "amount_usd_m" not in events.columns:
        return []
    disclosed = events.dropna(subset=["amount_usd_m"])
    out: list[Number] = [
        ("amount_disclosed_count", len(disclosed), "events", "events with a disclosed amount")
    ]
    if disclosed.empty:
        return out
    by_year = (
        disclosed.groupby("year")["amount_usd_m"]
        .sum()
        .reindex(range(first, last + 1), fill_value=0)
    )
    out.append(
        (
            "amount_peak_year",
            int(by_year.idxmax()),
            "year",
            "year with the largest disclosed amount",
        )
    )
    if window is not None and {window[0], window[1]} <= set(by_year.index):
        amounts = pd.DataFrame({"year": by_year.index, "total": by_year.to_numpy()})
        out.append(
            (
                f"amount_inverted_v_{window[0]}_{window[1]}",
                is_inverted_v(amounts, *window),
                "",
                f"disclosed amounts fall after {window[0]} and rise again in {window[1]}",
            )
        )
    if threshold is None:
        return out
    start, end = window if window is not None else (first, last)
    inside = disclosed[disclosed["year"].between(start, end)]
    if inside.empty:
        return out
    share = float((inside["amount_usd_m"] >= threshold).mean())
    tag = f"{threshold:g}m_{start}_{end}"
    out.append(
        (
            f"amount_share_at_least_{tag}",
            share,
            "share",
            f"disclosed amounts >= {threshold:g} USD m, {start}-{end}",
        )
    )
    out.append(
        (
            f"amount_mostly_at_least_{tag}",
            bool(share > 0.5),
            "",
            f"most disclosed amounts >= {threshold:g} USD m, {start}-{end}",
        )
    )
    return out


def quote(numbers: dict[str, dict[str, Any]], key: str, fmt: str = "{}") -> str:
    """A recorded number formatted for text; "n/a" when it could not be computed
    (NaN is recorded as None)."""
    value = numbers[key]["value"]
    return "n/a" if value is None else fmt.format(value)


def quoter(numbers: dict[str, dict[str, Any]]) -> Callable[..., str]:
    """``v(key, fmt)``: a recorded number formatted for text (see :func:`quote`)."""

    def v(key: str, fmt: str = "{}") -> str:
        return quote(numbers, key, fmt)

    return v


def year_text(
    numbers: dict[str, dict[str, Any]],
    window: tuple[int, int] | None,
    turning_year: int | None,
) -> str:
    """Markdown sentence on the events per year, every figure read from ``numbers``."""
    text = (
        f"The data hold **{quote(numbers, 'events_total')}** events over "
        f"{quote(numbers, 'events_years_count')} years; the busiest year is "
        f"**{quote(numbers, 'events_peak_year')}** with "
        f"{quote(numbers, 'events_peak_count')} events."
    )
    if window is not None:
        start, end = window
        shape = numbers[f"inverted_v_{start}_{end}"]["value"]
        text += (
            f" The years {start}-{end} {'show' if shape else 'do not show'} the inverted V "
            f"(every year between below {start}, and {end} above {end - 1})."
        )
    if turning_year is not None:
        before = quote(numbers, f"events_per_year_before_{turning_year}", "{:.1f}")
        after = quote(numbers, f"events_per_year_from_{turning_year}", "{:.1f}")
        text += (
            f" Before {turning_year} there were {before} events a year, "
            f"from {turning_year} on {after}."
        )
    return text


#: A financials metric holding a fiscal year's revenue: ``revenue_fy2017``.
_FY_REVENUE = re.compile(r"^revenue_fy(\d{4})$")


def fortune_revenue(fortune: pd.DataFrame, financials: pd.DataFrame | None) -> pd.DataFrame:
    """``fortune`` with the revenue of the fiscal year each edition ranks, from the
    company's own figures: columns ``fiscal_year`` ("FY2017"), ``revenue`` (in
    ``revenue_unit``, e.g. "RMB million"; missing when the financials lack it).

    Matching rule: Fortune ranks companies on the fiscal year ending on or before
    31 March of the edition year, so edition N ranks the fiscal year that ends in
    the twelve months up to 31 March N: FY N when the company's year ends by 31
    March (Alibaba: FY N, April N-1 to March N), else the one ending in N-1. An
    edition whose fiscal year the financials lack gets no revenue (never an older one).
    """
    table = fortune.copy()
    by_year: dict[int, tuple[float, str, str]] = {}
    for row in (financials if financials is not None else pd.DataFrame()).itertuples(index=False):
        match = _FY_REVENUE.match(str(row.metric))
        if match:
            by_year[int(match.group(1))] = (float(row.value), str(row.unit), str(row.period))
    fiscal, revenue, unit = [], [], []
    for edition in table["edition_year"].astype(int):
        # the fiscal year ending in the twelve months up to 31 March of the edition year
        year = next(
            (
                y
                for y in (edition, edition - 1)
                if y in by_year and _ranked_by(by_year[y][2], y, edition)
            ),
            None,
        )
        found = by_year.get(year) if year is not None else None
        fiscal.append(f"FY{year}" if found else "")
        revenue.append(found[0] if found else float("nan"))
        unit.append(found[1] if found else "")
    table["fiscal_year"], table["revenue"], table["revenue_unit"] = fiscal, revenue, unit
    return table


def _ranked_by(period: str, fiscal_year: int, edition: int) -> bool:
    """True when the fiscal year a period text describes ("FY2017 (12 months ended
    2017-03-31)") ends in the twelve months up to 31 March of ``edition``; a period
    without an end date counts as ending in March of its own year."""
    match = re.search(r"ended (\d{4})-(\d{2})-(\d{2})", period)
    end = (int(match.group(1)), int(match.group(2))) if match else (fiscal_year, 3)
    return (edition - 1, 3) < end <= (edition, 3)


def fortune_numbers(fortune: pd.DataFrame) -> list[Number]:
    """Rank and revenue per edition, places gained from the first to the last
    edition, and the number of editions."""
    out: list[Number] = []
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
    out.append(("fortune_editions_count", len(fortune), "editions", "Fortune editions listed"))
    if len(fortune) >= 2:
        ordered = fortune.sort_values("edition_year")
        gain = int(ordered["rank"].iloc[0] - ordered["rank"].iloc[-1])
        out.append(("fortune_rank_gain", gain, "places", "places gained, first to last edition"))
        years = ordered["edition_year"].astype(int)
        consecutive = bool((years.diff().dropna() == 1).all())
        out.append(
            ("fortune_consecutive", consecutive, "", "listed in every edition, first to last")
        )
    return out


def event_numbers(
    events: pd.DataFrame,
    first: int,
    last: int,
    modes: Sequence[str],
    window: tuple[int, int] | None,
    turning: int | None,
    threshold: float | None,
    host_concentration: int,
) -> list[Number]:
    """Every count, share and reading notebook 03 records from the events alone
    (totals, the year window, the turning year, amounts, places, modes)."""
    by_year = events_by_year(events, first, last, modes)
    return (
        total_numbers(events, first, last)
        + window_numbers(by_year, window)
        + turning_year_numbers(events, first, last, turning, modes)
        + amount_numbers(events, first, last, threshold, window)
        + place_numbers(events)
        + mode_numbers(events, modes, host_concentration)
    )


def count_rows(events: pd.DataFrame, modes: Sequence[str], limit: int = 30) -> dict[str, list[str]]:
    """The event ids behind each count a claim may quote (per mode, year, country
    and continent, and the total), for counts of at most ``limit`` events."""
    if "event_id" not in events.columns:
        return {}
    groups: dict[str, pd.Series] = {"events_total": events["event_id"]}
    for mode in modes:
        groups[f"mode_count_{mode}"] = events.loc[events["mode"] == mode, "event_id"]
    for year, ids in events.groupby("year")["event_id"]:
        groups[f"events_in_{year}"] = ids
    for iso2, ids in events.groupby("iso2")["event_id"]:
        groups[f"count_events_{iso2}"] = ids
    for continent, ids in events.groupby("continent")["event_id"]:
        groups[f"count_events_{slug(continent)}"] = ids
    return {key: [str(i) for i in ids] for key, ids in groups.items() if 0 < len(ids) <= limit}


def modes_text(
    numbers: dict[str, dict[str, Any]], modes: Sequence[str], labels: dict[str, str] | None
) -> str:
    """'Holding M&A: 14 events (11.1%); ...' from the recorded mode numbers."""
    parts = [
        f"{label(m, labels)}: **{quote(numbers, f'mode_count_{m}')}** events "
        f"({quote(numbers, f'mode_share_{m}', '{:.1%}')})"
        for m in modes
    ]
    return "; ".join(parts) + "."


def main_countries(
    events: pd.DataFrame, by_country: pd.DataFrame, modes: Sequence[str], top: int
) -> pd.DataFrame:
    """The ``top`` countries with most events, by mode, with their names; ties
    ordered by name (:func:`cut_note` says when the cut splits one)."""
    table = cross_counts(events, "iso2", "mode", modes)
    table.insert(1, "name", table["iso2"].map(by_country.set_index("iso2")["name"]))
    table = table.sort_values(["total", "name"], ascending=[False, True], kind="stable")
    return table.head(top).reset_index(drop=True)


def cut_note(by_country: pd.DataFrame, top: int) -> str:
    """What a figure note says when showing the ``top`` largest of ``by_country``
    (:func:`country_counts`) splits a tie; empty when it does not."""
    if len(by_country) <= top or top < 1:
        return ""
    value = int(by_country["events"].iloc[top - 1])
    if int(by_country["events"].iloc[top]) != value:
        return ""
    tied = by_country[by_country["events"] == value]
    shown = tied[tied.index < top]
    left = tied[tied.index >= top]
    return (
        f"The cut at {top} splits a tie: {len(tied)} countries have {value} events each; "
        f"shown by name: {', '.join(shown['name'])}; left out: {', '.join(left['name'])}."
    )


def _cell(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return {True: "yes", False: "no", None: "–"}[value]
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def claims_markdown(checked: pd.DataFrame) -> str:
    """The checked claims as a Markdown table a reader can scan."""
    rows = ["| claim | quantity | stated | rebuilt | status |", "|---|---|--:|--:|---|"]
    for r in checked.itertuples(index=False):
        rows.append(
            f"| {r.id} | {r.quantity} | {_cell(r.stated)} | {_cell(r.reproduced)} | "
            f"{str(r.status).replace('_', ' ')} |"
        )
    return "\n".join(rows)

"""The "dual-track" reading tested: is entry mode associated with market type?

Pure functions on contingency tables (rows: entry modes, columns: market types,
cells: numbers of events). Three statistics:

- Fisher's exact test on the 2x2 table "acquisition mode vs every other mode" by
  "mature vs emerging" (odds ratio, two-sided p);
- Pearson's chi-square on the full modes x market-types table (no continuity
  correction), with Cramer's V as the effect size and the smallest expected count
  (below 5 the chi-square p is only approximate);
- the Freeman-Halton extension of Fisher's test on the full table, its p-value
  by Monte Carlo with a fixed seed (so a rebuild gives the same value).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from ecomcase.timeline.events import quote

#: Market types in display order (dataset.clean_events writes these two values).
MARKET_TYPES = ("mature", "emerging")


def mode_by_market(
    events: pd.DataFrame,
    modes: Sequence[str],
    market_types: Sequence[str] = MARKET_TYPES,
    column: str = "market_type",
) -> pd.DataFrame:
    """Events per entry mode (rows, index ``mode``) and market type (columns)."""
    # counted with NumPy, as events_by_year: the coding multiverse asks 32 times
    rows = pd.Categorical(events["mode"], categories=list(modes)).codes
    cols = pd.Categorical(events[column], categories=list(market_types)).codes
    inside = (rows >= 0) & (cols >= 0)
    cells = np.zeros((len(modes), len(market_types)), dtype=int)
    np.add.at(cells, (rows[inside], cols[inside]), 1)
    return pd.DataFrame(
        cells, index=pd.Index(list(modes), name="mode"), columns=list(market_types)
    )


def collapse(table: pd.DataFrame, row: str) -> pd.DataFrame:
    """The 2x2 table ``row`` vs the sum of every other row."""
    if row not in table.index:
        raise KeyError(f"'{row}' is not a row of the table (rows: {list(table.index)})")
    others = table.drop(index=row).sum(axis=0)
    return pd.DataFrame([table.loc[row], others], index=[row, "other"]).astype(int)


def fisher_2x2(table: pd.DataFrame | np.ndarray) -> tuple[float, float]:
    """Sample odds ratio and two-sided p-value of Fisher's exact test on a 2x2 table."""
    cells = np.asarray(table, dtype=int)
    if cells.shape != (2, 2):
        raise ValueError(f"Fisher's 2x2 test needs a 2x2 table, got shape {cells.shape}")
    result = stats.fisher_exact(cells, alternative="two-sided")
    return float(result.statistic), float(result.pvalue)


def _drop_empty(cells: np.ndarray) -> np.ndarray:
    """Rows and columns without events carry no information (and break expected counts)."""
    cells = cells[cells.sum(axis=1) > 0]
    return cells[:, cells.sum(axis=0) > 0]


def cramers_v(chi2: float, n: int, shape: tuple[int, int]) -> float:
    """Cramer's V = sqrt(chi2 / (n (min(r, c) - 1))), 0 (none) to 1 (complete)."""
    k = min(shape) - 1
    if n == 0 or k <= 0:
        return float("nan")
    return math.sqrt(chi2 / (n * k))


def adjusted_residuals(table: pd.DataFrame) -> pd.DataFrame:
    """Adjusted standardised residuals (O - E) / sqrt(E (1 - row/n) (1 - col/n)) of a
    contingency table: beyond about +/-2, a cell holds clearly more/fewer events than
    independence predicts."""
    cells = table.to_numpy(dtype=float)
    n = cells.sum()
    rows = cells.sum(axis=1, keepdims=True)
    cols = cells.sum(axis=0, keepdims=True)
    expected = rows @ cols / n
    scale = np.sqrt(expected * (1 - rows / n) * (1 - cols / n))
    residuals = np.divide(cells - expected, scale, out=np.full_like(cells, np.nan), where=scale > 0)
    return pd.DataFrame(residuals, index=table.index, columns=table.columns)


@dataclass(frozen=True)
class ChiSquare:
    chi2: float
    dof: int
    p_value: float
    cramers_v: float
    min_expected: float
    n: int


def chi_square(table: pd.DataFrame | np.ndarray) -> ChiSquare:
    """Pearson's chi-square test of independence (no Yates correction) and Cramer's V."""
    cells = _drop_empty(np.asarray(table, dtype=int))
    n = int(cells.sum())
    if min(cells.shape) < 2:
        return ChiSquare(float("nan"), 0, float("nan"), float("nan"), float("nan"), n)
    result = stats.chi2_contingency(cells, correction=False)
    chi2 = float(result.statistic)
    return ChiSquare(
        chi2=chi2,
        dof=int(result.dof),
        p_value=float(result.pvalue),
        cramers_v=cramers_v(chi2, n, cells.shape),
        min_expected=float(result.expected_freq.min()),
        n=n,
    )


def fisher_freeman_halton(
    table: pd.DataFrame | np.ndarray, seed: int, n_resamples: int = 20000
) -> float:
    """p-value of Fisher's exact test on an r x c table, by Monte Carlo with ``seed``
    (exact for a 2x2 table)."""
    cells = _drop_empty(np.asarray(table, dtype=int))
    if min(cells.shape) < 2:
        return float("nan")
    if cells.shape == (2, 2):
        return fisher_2x2(cells)[1]
    if n_resamples <= 0:  # not asked for (e.g. the coding multiverse)
        return float("nan")
    method = stats.MonteCarloMethod(n_resamples=n_resamples, rng=np.random.default_rng(seed))
    return float(stats.fisher_exact(cells, method=method).pvalue)


@dataclass(frozen=True)
class DualTrack:
    """The test of the dual-track reading on one case's events."""

    table: pd.DataFrame  # modes x market types
    acquisition_mode: str
    odds_ratio: float  # odds of the acquisition mode in the first vs second market type
    fisher_p: float
    chi: ChiSquare
    freeman_halton_p: float
    acquisition_share: dict[str, float]  # market type -> share of its events by acquisition

    def statistics(self) -> pd.DataFrame:
        """The test results as a table (one row per statistic)."""
        first, second = self.table.columns[:2]
        rows = [
            ("events", self.chi.n, "events in the table"),
            (
                "odds_ratio",
                self.odds_ratio,
                f"odds of {self.acquisition_mode}, {first} vs {second} markets",
            ),
            (
                "fisher_p",
                self.fisher_p,
                f"Fisher's exact test, {self.acquisition_mode} vs other modes (two-sided)",
            ),
            ("chi2", self.chi.chi2, "Pearson chi-square, all modes x market types"),
            ("dof", self.chi.dof, "degrees of freedom"),
            ("chi2_p", self.chi.p_value, "p-value of the chi-square test"),
            ("cramers_v", self.chi.cramers_v, "Cramer's V (effect size, 0-1)"),
            (
                "min_expected",
                self.chi.min_expected,
                "smallest expected count (below 5: chi-square p approximate)",
            ),
            (
                "freeman_halton_p",
                self.freeman_halton_p,
                "Fisher-Freeman-Halton exact test, all modes (Monte Carlo p)",
            ),
        ]
        rows += [
            (
                f"{self.acquisition_mode}_share_{market}",
                share,
                f"share of {market} events by {self.acquisition_mode}",
            )
            for market, share in self.acquisition_share.items()
        ]
        return pd.DataFrame(rows, columns=["statistic", "value", "meaning"])


def dual_track(
    events: pd.DataFrame,
    modes: Sequence[str],
    acquisition_mode: str,
    seed: int,
    market_types: Sequence[str] = MARKET_TYPES,
    n_resamples: int = 20000,
) -> DualTrack:
    """Cross-tabulate entry mode by market type and test their association."""
    if acquisition_mode not in modes:
        raise ValueError(
            f"acquisition mode '{acquisition_mode}' is not one of the modes {list(modes)}"
        )
    table = mode_by_market(events, modes, market_types)
    two_by_two = collapse(table, acquisition_mode)
    odds, p = fisher_2x2(two_by_two)
    totals = table.sum(axis=0)
    share = {
        m: (float(table.loc[acquisition_mode, m] / totals[m]) if totals[m] else float("nan"))
        for m in market_types
    }
    return DualTrack(
        table=table,
        acquisition_mode=acquisition_mode,
        odds_ratio=odds,
        fisher_p=p,
        chi=chi_square(table),
        freeman_halton_p=fisher_freeman_halton(table, seed, n_resamples),
        acquisition_share=share,
    )


def market_timing_numbers(
    events: pd.DataFrame,
    by_year: pd.DataFrame,
    market_types: Sequence[str] = MARKET_TYPES,
    column: str = "market_type",
) -> list[tuple[str, Any, str, str]]:
    """When each market type was entered: count, share and mean year of its events,
    and the first year in which the second type outnumbered the first
    (``by_year``: events per year with one column per market type)."""
    out: list[tuple[str, Any, str, str]] = []
    total = len(events)
    for market in market_types:
        subset = events[events[column] == market]
        out.append((f"market_count_{market}", len(subset), "events", f"events in {market} markets"))
        out.append(
            (
                f"market_share_{market}",
                len(subset) / total if total else float("nan"),
                "share",
                f"share of events in {market} markets",
            )
        )
        out.append(
            (
                f"market_mean_year_{market}",
                float(subset["year"].mean()) if len(subset) else float("nan"),
                "year",
                f"mean year of the {market}-market events",
            )
        )
    first, second = market_types[:2]
    ahead = by_year[by_year[second] > by_year[first]]
    out.append(
        (
            f"market_{second}_ahead_first_year",
            int(ahead["year"].iloc[0]) if len(ahead) else None,
            "year",
            f"first year with more {second}- than {first}-market events",
        )
    )
    return out


def market_timing_text(
    numbers: dict[str, dict[str, Any]], market_types: Sequence[str] = MARKET_TYPES
) -> str:
    """Markdown sentence on when each market type was entered, read from ``numbers``."""
    first, second = market_types[:2]
    ahead = numbers[f"market_{second}_ahead_first_year"]["value"]
    text = (
        f"{quote(numbers, f'market_count_{first}')} events "
        f"({quote(numbers, f'market_share_{first}', '{:.1%}')}) were in {first} markets and "
        f"{quote(numbers, f'market_count_{second}')} "
        f"({quote(numbers, f'market_share_{second}', '{:.1%}')}) in {second} ones; their mean "
        f"years are {quote(numbers, f'market_mean_year_{first}', '{:.1f}')} and "
        f"{quote(numbers, f'market_mean_year_{second}', '{:.1f}')}. "
    )
    if ahead is None:
        return text + f"In no year did {second}-market events outnumber {first}-market ones."
    return (
        text
        + f"{second.capitalize()}-market events first outnumber {first}-market ones in {ahead}."
    )


def dual_track_text(
    numbers: dict[str, dict[str, Any]],
    acquisition_mode: str,
    acquisition_label: str,
    mode_labels: dict[str, str] | None = None,
    market_types: Sequence[str] = MARKET_TYPES,
) -> str:
    """Markdown summary of the test, every figure read from the recorded ``numbers``."""

    def value(key: str, fmt: str = "{}") -> str:
        return quote(numbers, key, fmt)

    first, second = market_types[:2]
    acq = acquisition_mode
    higher = numbers[f"dual_track_{acq}_share_higher_in_{second}"]["value"]
    significant = numbers["dual_track_association_significant"]["value"]
    return (
        f"{acquisition_label} makes up {value(f'dual_track_{acq}_share_{first}', '{:.1%}')} of the "
        f"events in {first} markets and {value(f'dual_track_{acq}_share_{second}', '{:.1%}')} in "
        f"{second} ones: it is **{'more' if higher else 'not more'} frequent in {second} markets**"
        f"{'' if higher else ', against the dual-track reading'}. "
        f"Odds ratio ({first} vs {second}) {value('dual_track_odds_ratio', '{:.2f}')}, Fisher's "
        f"exact p = {value('dual_track_fisher_p', '{:.3f}')}: at the "
        f"{value('dual_track_alpha')} level the difference is "
        f"**{'significant' if significant else 'not significant'}**. Over all modes, chi-square = "
        f"{value('dual_track_chi2', '{:.2f}')} (df {value('dual_track_chi2_dof')}), "
        f"p = {value('dual_track_chi2_p', '{:.3f}')}, Cramér's V = "
        f"{value('dual_track_cramers_v', '{:.2f}')} (smallest expected count "
        f"{value('dual_track_min_expected', '{:.1f}')}); the exact Fisher-Freeman-Halton "
        f"p = {value('dual_track_freeman_halton_p', '{:.3f}')}. "
        + residual_text(numbers, mode_labels or {}, second)
    )


def residual_text(
    numbers: dict[str, dict[str, Any]], mode_labels: dict[str, str], market: str
) -> str:
    """Which mode departs most from independence in ``market`` markets (adjusted residual)."""
    prefix, suffix = "dual_track_residual_", f"_{market}"
    residuals = {
        key[len(prefix) : -len(suffix)]: entry["value"]
        for key, entry in numbers.items()
        if key.startswith(prefix) and key.endswith(suffix) and entry["value"] is not None
    }
    if not residuals:
        return ""
    mode = max(residuals, key=lambda m: abs(residuals[m]))
    direction = "more" if residuals[mode] > 0 else "fewer"
    return (
        f"The largest departure from independence: {mode_labels.get(mode, mode)} has {direction} "
        f"{market}-market events than expected (adjusted residual {residuals[mode]:+.2f}; "
        "beyond about ±2 is a clear departure)."
    )


def dual_track_numbers(result: DualTrack, alpha: float) -> list[tuple[str, Any, str, str]]:
    """Numbers of the test for ``numbers.json``; ``alpha`` is the significance level."""
    acq = result.acquisition_mode
    first, second = result.table.columns[:2]
    out: list[tuple[str, Any, str, str]] = [
        ("dual_track_events", result.chi.n, "events", "events in the mode x market-type table"),
        (
            "dual_track_odds_ratio",
            result.odds_ratio,
            "",
            f"odds ratio of {acq}, {first} vs {second}",
        ),
        ("dual_track_fisher_p", result.fisher_p, "p", f"Fisher's exact p, {acq} vs other modes"),
        ("dual_track_chi2", result.chi.chi2, "", "Pearson chi-square, modes x market types"),
        ("dual_track_chi2_dof", result.chi.dof, "", "degrees of freedom"),
        ("dual_track_chi2_p", result.chi.p_value, "p", "chi-square p-value"),
        ("dual_track_cramers_v", result.chi.cramers_v, "", "Cramer's V"),
        ("dual_track_min_expected", result.chi.min_expected, "events", "smallest expected count"),
        (
            "dual_track_freeman_halton_p",
            result.freeman_halton_p,
            "p",
            "Fisher-Freeman-Halton p (Monte Carlo)",
        ),
        ("dual_track_alpha", alpha, "", "significance level"),
        (
            "dual_track_association_significant",
            bool(result.fisher_p < alpha),
            "",
            f"{acq} vs other modes associated with market type at level {alpha} (Fisher 2x2)",
        ),
    ]
    for market, share in result.acquisition_share.items():
        out.append(
            (
                f"dual_track_{acq}_share_{market}",
                share,
                "share",
                f"share of {market} events by {acq}",
            )
        )
    shares = result.acquisition_share
    if second in shares and first in shares:
        out.append(
            (
                f"dual_track_{acq}_share_higher_in_{second}",
                bool(shares[second] > shares[first]),
                "",
                f"{acq} takes a larger share of {second} than of {first} events",
            )
        )
    residuals = adjusted_residuals(result.table)
    for mode in residuals.index:
        value = residuals.loc[mode, second]
        out.append(
            (
                f"dual_track_residual_{mode}_{second}",
                float(value),
                "",
                f"adjusted residual of {mode} in {second} markets (minus its {first} one)",
            )
        )
    table = result.table
    for mode in table.index:
        n = int(table.loc[mode].sum())
        if n == 0:
            continue
        share_first = float(table.loc[mode, first] / n)
        out.append(
            (
                f"{mode}_share_in_{first}",
                share_first,
                "share",
                f"share of {mode} events in {first} markets",
            )
        )
        out.append(
            (
                f"{mode}_mostly_{first}",
                bool(share_first > 0.5),
                "",
                f"most {mode} events in {first} markets",
            )
        )
    return out

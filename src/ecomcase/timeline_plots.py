"""Figures of the internationalisation timeline (paper Figures 1-9)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from ecomcase.dataset import MODES
from ecomcase.plots import PALETTE

MODE_LABELS = {
    "holding_ma": "Holding M&A",
    "equity_investment": "Equity investment",
    "strategic_cooperation": "Strategic cooperation",
}


def events_per_year(by_year: pd.DataFrame) -> plt.Figure:
    """Stacked bars of events per year by entry mode, total above each bar."""
    fig, ax = plt.subplots()
    bottom = pd.Series(0, index=by_year.index)
    for colour, mode in zip(PALETTE, MODES, strict=False):
        ax.bar(by_year["year"], by_year[mode], bottom=bottom, color=colour, label=MODE_LABELS[mode])
        bottom = bottom + by_year[mode]
    for year, total in zip(by_year["year"], by_year["total"], strict=True):
        if total:
            ax.annotate(
                str(total),
                (year, total),
                ha="center",
                va="bottom",
                fontsize=8,
                xytext=(0, 2),
                textcoords="offset points",
            )
    ax.set_xticks(by_year["year"])
    ax.tick_params(axis="x", labelrotation=45)
    ax.set_xlabel("Year announced")
    ax.set_ylabel("Events")
    ax.set_title("Overseas events per year")
    ax.legend(loc="upper left")
    return fig


def fortune_rank(fortune: pd.DataFrame) -> plt.Figure:
    """Fortune Global 500 rank per edition (rank axis inverted: up is better), with
    revenue as listed on a second axis where the data hold it."""
    fig, ax = plt.subplots()
    ax.plot(fortune["edition_year"], fortune["rank"], marker="o", color=PALETTE[0], label="Rank")
    for year, rank in zip(fortune["edition_year"], fortune["rank"], strict=True):
        ax.annotate(
            str(rank),
            (year, rank),
            xytext=(0, 6),
            textcoords="offset points",
            ha="center",
            fontsize=8,
        )
    ax.invert_yaxis()
    ax.set_xticks(fortune["edition_year"])
    ax.set_xlabel("Fortune Global 500 edition")
    ax.set_ylabel("Rank (1 = largest)")
    revenue = fortune.dropna(subset=["revenue_usd_m"])
    if not revenue.empty:
        ax2 = ax.twinx()
        ax2.bar(
            revenue["edition_year"],
            revenue["revenue_usd_m"] / 1000,
            alpha=0.35,
            color=PALETTE[1],
            label="Revenue (USD bn)",
        )
        ax2.set_ylabel("Revenue as listed (USD bn)")
        ax2.grid(False)
    ax.set_title("Fortune Global 500 rank")
    return fig

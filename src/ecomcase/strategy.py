"""Figures of the strategic analysis (thesis chapter 2)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from ecomcase.plots import GREY, PALETTE


def mau_bar_chart(shares: pd.DataFrame, highlight_group: str) -> plt.Figure:
    """Bars of monthly active users (10,000s); platforms of ``highlight_group`` marked."""
    fig, ax = plt.subplots(figsize=(7.0, 3.2))
    ordered = shares.iloc[::-1]
    colours = [PALETTE[0] if g == highlight_group else GREY for g in ordered["owner_group"]]
    ax.barh(ordered["platform"], ordered["mau_10k"], color=colours)
    for y, (value, share) in enumerate(zip(ordered["mau_10k"], ordered["share"], strict=True)):
        ax.annotate(
            f"{value:,.1f} ({share:.1%})",
            (value, y),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
        )
    ax.set_xlabel("Average monthly active users, 2022 (10,000 people)")
    ax.grid(axis="x")
    ax.grid(axis="y", visible=False)
    ax.set_xlim(0, shares["mau_10k"].max() * 1.3)
    handles = [
        plt.Rectangle((0, 0), 1, 1, color=PALETTE[0]),
        plt.Rectangle((0, 0), 1, 1, color=GREY),
    ]
    ax.legend(handles, [highlight_group, "other groups"], loc="lower right")
    ax.set_title("E-commerce platforms by monthly active users")
    return fig

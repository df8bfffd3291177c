"""Figures of the fuzzy evaluation: data in, a matplotlib figure out (saving is shared)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ecomcase import imports, plots
from ecomcase.fuzzy import core as fuzzy
from ecomcase.fuzzy import sensitivity as sens
from ecomcase.fuzzy.case import FuzzySetup
from ecomcase.plots import GREY, PALETTE

sns = imports.seaborn()


def _grade_label(grade: str) -> str:
    return grade.replace("_", " ")


def membership_heatmap(setup: FuzzySetup) -> plt.Figure:
    """Membership degrees as a heatmap (rows: sub-criteria, columns: grades)."""
    labels = [
        f"{c} {n}" for c, n in zip(setup.index["sub_code"], setup.index["sub_name"], strict=True)
    ]
    frame = pd.DataFrame(
        setup.membership, index=labels, columns=[_grade_label(g) for g in setup.grades]
    )
    height = 1.2 + 0.35 * len(labels)
    fig, ax = plt.subplots(figsize=(plots.full_width(), height))
    sns.heatmap(
        frame,
        annot=True,
        fmt=".2f",
        cmap="Blues",
        vmin=0,
        vmax=1,
        cbar_kws={"label": "membership degree"},
        ax=ax,
    )
    ax.set_xlabel("Grade")
    ax.set_ylabel("")
    ax.grid(False)
    plots.title(ax, "Membership degrees by sub-criterion")
    return fig


def result_vectors(setup: FuzzySetup, result: fuzzy.Evaluation) -> plt.Figure:
    """The comprehensive vector as bars, each criterion's first-level vector as markers."""
    grades = [_grade_label(g) for g in setup.grades]
    x = np.arange(len(grades))
    fig, ax = plt.subplots(figsize=(plots.full_width(), 4.0))
    # the bar left of each grade's tick, the criteria's markers right of it: labels stay clear
    bars = ax.bar(
        x - 0.18, result.comprehensive, width=0.36, color=PALETTE[0], label="comprehensive"
    )
    ax.bar_label(bars, fmt="%.4g", padding=2, fontsize=8)
    markers = ["o", "s", "^", "D", "v", "P", "X", "*"]
    names = setup.criterion_names()
    offsets = np.linspace(0.06, 0.34, len(setup.system.criteria))
    for k, (code, vector) in enumerate(zip(setup.system.criteria, result.first_level, strict=True)):
        ax.plot(
            x + offsets[k],
            vector,
            linestyle="none",
            marker=markers[k % len(markers)],
            markersize=5,
            color=PALETTE[(k + 1) % len(PALETTE)],
            label=f"{code} {names[code]}",
        )
    ax.set_xticks(x, grades)
    ax.set_xlabel("Grade")
    ax.set_ylabel("Membership degree")
    ax.set_ylim(0, max(1.0, float(result.first_level.max())) * 1.05)
    plots.title(ax, "Comprehensive result vector and first-level vectors")
    ax.legend(fontsize=8, loc="upper right")
    return fig


def tornado(
    table: pd.DataFrame, base_score: float, delta: float, stated: float | None = None
) -> plt.Figure:
    """One-at-a-time sensitivity: score with each weight moved down and up by ``delta``.

    ``table`` is :func:`ecomcase.fuzzy_case.perturbation_table` (sorted by swing).
    ``stated`` (the source's score) is drawn when it falls on the axis, else the
    figure says how far outside the axis it lies.
    """
    rows = table.iloc[::-1].reset_index(drop=True)  # largest swing at the top
    y = np.arange(len(rows))
    fig, ax = plt.subplots(figsize=(plots.full_width(), 1.5 + 0.3 * len(rows)))
    down = rows["score_low"] - base_score
    up = rows["score_high"] - base_score
    ax.barh(y, down, left=base_score, height=0.7, color=PALETTE[1], label=f"weight − {delta:g}")
    ax.barh(y, up, left=base_score, height=0.7, color=PALETTE[0], label=f"weight + {delta:g}")
    ax.axvline(base_score, color="black", linewidth=0.8)
    for row in y[rows["swing"].to_numpy() < 1e-9]:
        ax.annotate(
            "no change",
            (base_score, row),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
            color=GREY,
        )
    names = rows["name"] if "name" in rows else [""] * len(rows)
    labels = [
        _wrapped(f"{code} {name} (w={w:.2f})", 34)
        for code, name, w in zip(rows["code"], names, rows["weight"], strict=True)
    ]
    ax.set_yticks(y, labels, fontsize=8)
    spread = float(np.nanmax(np.abs(np.concatenate([down, up])))) or 1.0
    low, high = base_score - 1.25 * spread, base_score + 1.25 * spread
    ax.set_xlim(low, high)
    ax.grid(axis="x", color="#DDDDDD", linewidth=0.6)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(f"Score (points); black line: score with the stated weights, {base_score:.2f}")
    if stated is not None:
        if low <= stated <= high:
            ax.axvline(stated, color=PALETTE[5], linestyle="--", linewidth=1.2)
            ax.annotate(
                f"stated in the source: {stated:g}",
                (stated, len(rows) - 0.5),
                xytext=(3, 0),
                textcoords="offset points",
                fontsize=8,
                color=PALETTE[5],
            )
        else:
            side, edge = ("right", high) if stated > high else ("left", low)
            gap = abs(stated - edge)
            ax.annotate(
                ("\u2190 " if side == "left" else "")
                + f"stated in the source: {stated:g}, {gap:.2f} points {side} of this axis"
                + (" \u2192" if side == "right" else ""),
                xy=(1.0 if side == "right" else 0.0, 1.0),
                xycoords="axes fraction",
                xytext=(0, 6),
                textcoords="offset points",
                ha=side,
                va="bottom",
                fontsize=8,
                color=PALETTE[5],
                arrowprops=None,
            )
    plots.title(ax, "Score when one weight moves, the rest of its group rescaled")
    ax.legend(fontsize=8, loc="lower right")
    return fig


def _wrapped(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text


def score_distributions(
    distributions: dict[str, sens.ScoreDistribution],
    threshold: float,
    title: str,
    threshold_label: str = "good",
    stated: float | None = None,
    names: dict[str, str] | None = None,
) -> plt.Figure:
    """Histograms of score distributions (one per label) with the threshold line and
    the source's ``stated`` score; ``names`` gives each distribution's display name.

    The x-axis always reaches the threshold and the stated score, so a reader sees
    how far the scores stay from them.
    """
    fig, ax = plt.subplots(figsize=(plots.full_width(), 3.6))
    everything = np.concatenate([d.scores for d in distributions.values()])
    marks = [threshold] + ([stated] if stated is not None else [])
    low = min(float(everything.min()), *marks)
    high = max(float(everything.max()), *marks)
    pad = 0.04 * (high - low or 1.0)
    bins = np.linspace(low - pad, high + pad, 81)
    for k, (label, dist) in enumerate(distributions.items()):
        colour = PALETTE[k % len(PALETTE)]
        share = dist.probability_at_least(threshold)
        ax.hist(
            dist.scores,
            bins=bins,
            density=True,
            histtype="stepfilled",
            alpha=0.35,
            color=colour,
            edgecolor=colour,
            linewidth=1.0,
            label=f"{(names or {}).get(label, label)}: {share:.1%}",
        )
        ax.axvline(dist.base_score, color=colour, linewidth=1.0, linestyle=":")
    ax.axvline(
        threshold,
        color=GREY,
        linewidth=1.5,
        linestyle="--",
        label=f"{threshold_label} = {threshold:g}",
    )
    if stated is not None:
        ax.axvline(
            stated,
            color="black",
            linewidth=1.2,
            linestyle="-.",
            label=f"stated in the source: {stated:g}",
        )
    ax.set_xlim(low - pad, high + pad)
    ax.set_xlabel("Score (points); dotted lines: score with the stated inputs")
    ax.set_ylabel("Density")
    plots.title(ax, title)
    # below the axes: the distributions may sit anywhere, a legend inside would cover one
    ax.legend(
        fontsize=8,
        title=f"Share of scores ≥ {threshold:g} ({threshold_label})",
        title_fontsize=8,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.16),
        ncol=2,
    )
    return fig

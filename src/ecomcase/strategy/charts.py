"""The strategy notebook's charts: platforms by monthly active users and the
strategy timeline (phases over milestones). Each takes data and returns a figure;
saving is :func:`ecomcase.plots.save_figure`'s job."""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import FuncFormatter

from ecomcase import plots
from ecomcase.plots import GREY, PALETTE
from ecomcase.strategy.frameworks import phase_spans, year_span


def mau_bar_chart(shares: pd.DataFrame, own_group: str) -> plt.Figure:
    """Bars of monthly active users (10,000s) per platform; platforms of ``own_group`` marked.

    ``shares`` has ``platform``, ``owner_group``, ``mau_10k``, ``share``, largest first.
    """
    height = 1.2 + 0.38 * len(shares)
    fig, ax = plt.subplots(figsize=(plots.full_width(), height))
    ordered = shares.iloc[::-1]
    own = (ordered["owner_group"] == own_group).to_numpy()
    colours = [PALETTE[0] if is_own else GREY for is_own in own]
    labels = [
        f"{p}\n({g})" for p, g in zip(ordered["platform"], ordered["owner_group"], strict=True)
    ]
    ax.barh(labels, ordered["mau_10k"], color=colours)
    for y, (value, share) in enumerate(zip(ordered["mau_10k"], ordered["share"], strict=True)):
        ax.annotate(
            f"{value:,.1f} ({share:.1%})",
            (value, y),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
        )
    ax.set_xlabel("Average monthly active users (10,000 people); share of the listed total")
    ax.tick_params(axis="y", labelsize=8)
    ax.grid(axis="x")
    ax.grid(axis="y", visible=False)
    ax.set_xlim(0, shares["mau_10k"].max() * 1.32)
    handles, names = [], []
    if own.any():
        handles.append(plt.Rectangle((0, 0), 1, 1, color=PALETTE[0]))
        names.append(f"{own_group} platforms")
    if (~own).any():
        handles.append(plt.Rectangle((0, 0), 1, 1, color=GREY))
        names.append("other groups")
    ax.legend(handles, names, loc="lower right")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:,.0f}"))
    years = sorted(shares["year"].unique()) if "year" in shares else []
    when = f", {years[0]}" if len(years) == 1 else ""
    plots.title(ax, f"E-commerce platforms by monthly active users{when}")
    return fig


#: Phase bars in greys, so they do not read as milestone categories.
_PHASE_GREYS = ["#3B3B3B", "#6B6B6B", "#9A9A9A"]


def strategy_phase_timeline(
    milestones: pd.DataFrame,
    sequence: dict[str, Any],
    categories: list[str] | None = None,
    category_labels: dict[str, str] | None = None,
) -> plt.Figure:
    """The strategy phases as bars on a time axis (top), the milestones' dates marked
    on it, and the dated milestones below in two columns.

    ``milestones`` has ``year``, ``date`` (may be empty), ``event``, ``category``;
    ``sequence`` is a ``strategic_sequence`` section: ``phases`` in the order the source
    gives them, each with ``start``/``end`` years (an open end runs to the last
    milestone; an undated phase is listed as not dated). Milestone texts are wrapped,
    never cut. ``categories`` orders the milestone categories (the data package's
    order) and so fixes their colours, as in every other figure of the milestones.
    """
    from ecomcase.display import label

    phases = sequence["phases"]
    rows = phase_spans(milestones, phases)
    order = list(categories or []) + [c for c in rows["category"] if c not in (categories or [])]
    colours = plots.category_colours(order)
    present = [c for c in dict.fromkeys(order) if c in set(rows["category"])]
    width, size = plots.full_width(), plots.BODY_PT
    line = size * 1.2 / 72  # one text line, inches
    years = rows["year"].astype(int).to_numpy()
    dated = [p for p in phases if p.get("start") is not None]
    first = min([int(years.min())] + [int(p["start"]) for p in dated])
    last = int(years.max())
    left, right = plots.PAD_INCHES, width - plots.PAD_INCHES  # the drawing is the print width

    def at(year: float) -> float:  # a year on the time axis, inches from the left
        return left + (year - first) / (last + 1 - first) * (right - left)

    # the list: two columns, each item "date  text", split where the columns even out
    column_w = (right - left - 0.2) / 2
    texts = [
        plots.wrap_to(f"{r.date or r.year}  {r.event}", column_w - 0.16, size)
        for r in rows.itertuples(index=False)
    ]
    spacing = 1.05
    heights = np.array([plots.text_height(t, size, spacing) + 0.25 * line for t in texts])
    split = int(np.argmin([max(heights[:i].sum(), heights[i:].sum()) for i in range(len(texts))]))
    split = max(split, 1)
    bar_h, bar_gap = 0.18, 0.05
    top = 0.06
    axis_y = top + len(phases) * (bar_h + bar_gap) + 0.14
    list_top = axis_y + 0.36
    list_h = max(heights[:split].sum(), heights[split:].sum())
    legend_y = list_top + list_h + 0.1
    height = legend_y + 0.2 * int(np.ceil(len(present) / 4)) + 0.15
    fig = plt.figure(figsize=(width, height))
    # the axes span the drawing (left to right, in inches): a tight box is the print width
    ax = fig.add_axes((left / width, 0, (right - left) / width, 1))
    ax.set_xlim(left, right)
    ax.set_ylim(height, 0)
    ax.axis("off")
    ax.set_frame_on(False)  # the tight box is the drawing, not the empty axes
    for j, phase in enumerate(phases):
        y = top + j * (bar_h + bar_gap)
        start = phase.get("start")
        if start is None:
            ax.text(
                left,
                y + bar_h / 2,
                f"{j + 1}. {phase['name']} (not dated)",
                va="center",
                fontsize=size,
                color=GREY,
            )
            continue
        end = phase.get("end") if phase.get("end") is not None else last
        x0, x1 = at(int(start)), at(int(end) + 1)
        ax.add_patch(
            plt.Rectangle((x0, y), x1 - x0, bar_h, color=_PHASE_GREYS[j % len(_PHASE_GREYS)], lw=0)
        )
        text = f"{j + 1}. {phase['name']} ({year_span(start, phase.get('end'))})"
        wide = plots.text_width(text, size) * 1.08  # bold runs wider than regular
        # inside the bar when it fits, else beside it (after, or before), else over it on
        # a white ground; never cut
        box = None
        if wide + 0.1 <= x1 - x0:
            x, ha, colour = x0 + 0.05, "left", "white"
        elif x1 + 0.05 + wide <= right:
            x, ha, colour = x1 + 0.05, "left", "#1A1A1A"
        elif x0 - 0.05 - wide >= left:
            x, ha, colour = x0 - 0.05, "right", "#1A1A1A"
        else:
            x, ha, colour = max(left, min(x0, right - wide)), "left", "#1A1A1A"
            box = {"facecolor": "white", "edgecolor": "none", "pad": 0.5, "alpha": 0.9}
        ax.text(
            x,
            y + bar_h / 2,
            text,
            ha=ha,
            va="center",
            fontsize=size,
            color=colour,
            fontweight="bold",
            bbox=box,
        )
    ax.plot([left, right], [axis_y, axis_y], color="#333333", lw=0.8)
    step = 1 if last - first <= 10 else (2 if last - first <= 24 else 5)
    for year in range(first, last + 2):
        ax.plot([at(year)] * 2, [axis_y, axis_y + 0.04], color="#333333", lw=0.6)
        if year % step == 0 and year <= last:
            ax.text(at(year + 0.5), axis_y + 0.06, str(year), ha="center", va="top", fontsize=size)
    for r in rows.itertuples(index=False):
        month = int(str(r.date)[5:7]) if len(str(r.date or "")) >= 7 else 6
        x = at(int(r.year) + (month - 0.5) / 12)
        ax.plot([x, x], [axis_y - 0.1, axis_y], color=colours[r.category], lw=1.4)
    for i, (text, r) in enumerate(zip(texts, rows.itertuples(index=False), strict=True)):
        column = 0 if i < split else 1
        x = left + column * (column_w + 0.2)
        y = list_top + heights[(split if column else 0) : i].sum()
        ax.plot(x + 0.05, y + line / 2, "o", ms=4.5, color=colours[r.category])
        ax.text(x + 0.14, y, text, va="top", fontsize=size, linespacing=spacing)
    handles = [plt.Line2D([], [], marker="o", ls="", color=colours[c]) for c in present]
    ax.legend(
        handles,
        [label(c, category_labels) for c in present],
        loc="upper left",
        bbox_to_anchor=(left / width, 1 - legend_y / height),
        ncol=min(len(present), 4),
        fontsize=size,
        handletextpad=0.2,
        columnspacing=1.0,
        borderaxespad=0,
    )
    fig._ecomcase_fixed = True  # drawn to the print width in inches
    return fig



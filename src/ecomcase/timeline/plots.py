"""Figures of the internationalisation timeline (the paper's Figures 1-9 and the
dual-track test). Each function takes aggregated data and display labels and
returns a figure; saving is :func:`ecomcase.plots.save_figure`'s job.

Text must stay readable: long labels are wrapped, figure heights grow with the
number of items, and :func:`text_overlaps` lists any two texts that collide.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from itertools import combinations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.patches import Patch
from matplotlib.text import Text

from ecomcase import plots
from ecomcase.plots import GREY, PALETTE
from ecomcase.timeline.events import label

#: Colours of the two market types of the dual-track test.
MARKET_COLOURS = {"mature": PALETTE[0], "emerging": PALETTE[5]}


CATEGORY_COLOURS = plots.CATEGORY_COLOURS


def colour(i: int) -> str:
    """The i-th category colour (cycling)."""
    return CATEGORY_COLOURS[i % len(CATEGORY_COLOURS)]


def wrap(text: str, width: int) -> str:
    """``text`` broken into lines of at most ``width`` characters."""
    return "\n".join(textwrap.wrap(str(text), width)) or str(text)


def bar_height(items: int, per_item: float = 0.28, minimum: float = 3.0) -> float:
    """Figure height (inches) for ``items`` horizontal bars."""
    return max(minimum, 1.4 + per_item * items)


def _texts(fig: plt.Figure) -> list[Text]:
    """Texts that are drawn: visible, not empty, not tick labels of a hidden axis."""
    hidden = set()
    for ax in fig.axes:
        if not ax.axison:
            hidden.update(ax.xaxis.findobj(Text) + ax.yaxis.findobj(Text))
    found = fig.findobj(lambda a: isinstance(a, Text) and a.get_visible() and a.get_text().strip())
    return [t for t in dict.fromkeys(found) if t not in hidden]


def text_overlaps(fig: plt.Figure, pad: float = 1.0) -> list[tuple[str, str]]:
    """Pairs of visible texts whose drawn boxes intersect (shrunk by ``pad`` pixels)."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = []
    for text in _texts(fig):
        box = text.get_window_extent(renderer)
        boxes.append((text.get_text(), box.x0 + pad, box.y0 + pad, box.x1 - pad, box.y1 - pad))
    clashes = []
    for a, b in combinations(boxes, 2):
        if a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]:
            clashes.append((a[0], b[0]))
    return clashes


def text_outside(fig: plt.Figure) -> list[str]:
    """Visible texts that extend beyond the figure's canvas."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    width, height = fig.canvas.get_width_height()
    out = []
    for text in _texts(fig):
        box = text.get_window_extent(renderer)
        if box.x0 < -1 or box.y0 < -1 or box.x1 > width + 1 or box.y1 > height + 1:
            out.append(text.get_text())
    return out


def _bar_labels(ax: plt.Axes, bars, values: Sequence, fmt: str = "{}", horizontal=False) -> None:
    for bar, value in zip(bars, values, strict=True):
        if not value:
            continue
        if horizontal:
            ax.annotate(
                fmt.format(value),
                (bar.get_x() + bar.get_width(), bar.get_y() + bar.get_height() / 2),
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
                fontsize=8,
            )
        else:
            ax.annotate(
                fmt.format(value),
                (bar.get_x() + bar.get_width() / 2, bar.get_y() + bar.get_height()),
                xytext=(0, 2),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=8,
            )


# Paper Figure 1 ---------------------------------------------------------------


def fortune_rank(fortune: pd.DataFrame, company: str) -> plt.Figure:
    """Fortune Global 500 rank per edition (rank axis inverted: up is better) and, on
    a second axis, the revenue of the fiscal year each edition ranks.

    ``fortune``: ``edition_year``, ``rank`` and, when the case has it (see
    :func:`ecomcase.timeline.events.fortune_revenue`), ``fiscal_year``, ``revenue``
    (millions) and ``revenue_unit`` (e.g. "RMB million"); editions without a
    revenue get no bar.
    """
    fig, ax = plt.subplots(figsize=(plots.full_width(), 3.4))
    years = fortune["edition_year"].astype(int)
    has_revenue = "revenue" in fortune and fortune["revenue"].notna().any()
    handles = []
    if has_revenue:
        revenue = fortune.dropna(subset=["revenue"])
        currency = str(revenue["revenue_unit"].iloc[0]).split()[0]
        what = f"Revenue of the fiscal year ranked ({currency} bn)"
        ax2 = ax.twinx()
        bars = ax2.bar(
            revenue["edition_year"],
            revenue["revenue"] / 1000,
            width=0.5,
            color="#F5C97A",
            label=what,
        )
        for bar, value in zip(bars, revenue["revenue"], strict=True):
            # inside the bar, at its foot: clear of the rank line above
            ax2.annotate(
                f"{value / 1000:,.0f}",
                (bar.get_x() + bar.get_width() / 2, 0),
                xytext=(0, 3),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=8,
            )
        ax2.set_ylabel(wrap(what, 28))
        ax2.set_ylim(0, revenue["revenue"].max() / 1000 * 1.25)
        ax2.grid(True, axis="y")  # the bars' axis holds the grid, drawn under the bars
        ax.grid(False)
        ax2.spines["right"].set_visible(True)
        ax.set_zorder(ax2.get_zorder() + 1)  # the rank line above the bars
        ax.patch.set_visible(False)
        handles.append(bars)
    (line,) = ax.plot(years, fortune["rank"], marker="o", color=PALETTE[0], label="Rank")
    handles.insert(0, line)
    for year, rank in zip(years, fortune["rank"], strict=True):
        ax.annotate(
            str(rank),
            (year, rank),
            xytext=(0, 6),
            textcoords="offset points",
            ha="center",
            fontsize=8,
            color=PALETTE[0],
        )
    ax.set_ylim(max(500, fortune["rank"].max() + 40), 1)  # inverted: 1 = largest at the top
    ticks = [str(y) for y in years]
    if "fiscal_year" in fortune:
        ticks = [
            f"{y}\n({fy})" if isinstance(fy, str) and fy else str(y)
            for y, fy in zip(years, fortune["fiscal_year"], strict=True)
        ]
    ax.set_xticks(years, ticks)
    ax.set_xlim(years.min() - 0.6, years.max() + 0.6)
    ax.set_xlabel("Fortune Global 500 edition (fiscal year it ranks)")
    ax.set_ylabel("Rank (1 = largest)")
    plots.title(ax, f"{company}: Fortune Global 500 rank and revenue")
    ax.legend(handles=handles, loc="upper left")
    return fig


# Paper Figures 2 and 3 ----------------------------------------------------------


def milestone_timeline(
    milestones: pd.DataFrame,
    title: str,
    category_labels: dict[str, str] | None = None,
    categories: Sequence[str] | None = None,
    wrap_width: int | None = None,
    line_inches: float = 8 * 1.25 / 72,
) -> plt.Figure:
    """A vertical timeline: one row per milestone (year on the left, a dot coloured by
    category on the line, the wrapped text on the right). Rows are stacked by their
    number of lines, so texts never overlap; the height grows with the items."""
    items = milestones.sort_values(["year", "date"], na_position="first", kind="stable")
    # colours follow ``categories`` (every category of the case), so that a category
    # has the same colour in every period's figure; the legend shows those present
    order = list(categories or []) + [c for c in items["category"] if c not in (categories or [])]
    present = [c for c in dict.fromkeys(order) if c in set(items["category"])]
    colours = plots.category_colours(order)
    width = plots.full_width()
    line_x, text_x = 0.11, 0.14
    if wrap_width is None:  # measured: the text column at 8 pt
        column = (width - 2 * plots.PAD_INCHES) * (1 - text_x) - 0.05
        wrapped = [plots.wrap_to(str(t), column, 8) for t in items["event"]]
    else:
        wrapped = [wrap(text, wrap_width) for text in items["event"]]
    lines = [w.count("\n") + 1 for w in wrapped]
    gap = 0.4  # blank line units between rows
    tops = np.concatenate([[0.0], np.cumsum([n + gap for n in lines])[:-1]])
    total = float(sum(lines) + gap * len(lines))
    legend_rows = int(np.ceil(len(present) / 3))
    # one data unit = one text line: the axes get exactly the rows' height, the
    # margins (inches) hold the title above and the legend below
    top_margin, bottom_margin = (0.5 if plots.titles_on() else 0.1), 0.25 + 0.25 * legend_rows
    axes_height = (total + 0.4) * line_inches
    height = top_margin + axes_height + bottom_margin
    fig, ax = plt.subplots(figsize=(width, height))
    pad = plots.PAD_INCHES / width  # the axes span the print width less the file's padding
    fig.subplots_adjust(
        left=pad, right=1 - pad, top=1 - top_margin / height, bottom=bottom_margin / height
    )
    fig._ecomcase_fixed = True  # texts are wrapped to this width
    ax.set_xlim(0, 1)
    ax.set_ylim(total, -0.4)
    ax.axis("off")
    ax.plot([line_x, line_x], [0, total - gap], color=GREY, lw=1, zorder=1)
    previous_year = None
    for top, text, year, category in zip(
        tops, wrapped, items["year"], items["category"], strict=True
    ):
        c = colours[category]
        ax.scatter([line_x], [top + 0.5], s=28, color=c, zorder=2, edgecolor="white", linewidth=0.5)
        if year != previous_year:
            ax.text(
                line_x - 0.02,
                top + 0.5,
                str(year),
                ha="right",
                va="center",
                fontsize=9,
                fontweight="bold",
            )
            previous_year = year
        ax.text(text_x, top, text, ha="left", va="top", fontsize=8, linespacing=1.25)
    handles = [Patch(color=colours[c], label=label(c, category_labels)) for c in present]
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        ncol=3,
        fontsize=8,
        handlelength=1.0,
    )
    plots.title(ax, title, loc="left")
    return fig


# Paper Figure 4 -----------------------------------------------------------------


def events_per_year(by_year: pd.DataFrame, window: tuple[int, int] | None = None) -> plt.Figure:
    """Bars of events per year, the total above each, the peak year darker and the
    parameter ``window`` (the paper's inverted-V years) shaded."""
    fig, ax = plt.subplots(figsize=(plots.full_width(), 4.0))
    peak = by_year["total"].max()
    colours = [PALETTE[0] if t == peak else PALETTE[4] for t in by_year["total"]]
    bars = ax.bar(by_year["year"], by_year["total"], color=colours)
    _bar_labels(ax, bars, list(by_year["total"]))
    ax.set_ylim(0, peak * 1.22 + 1)
    if window is not None:
        # under the grid and the bars: the band marks the years, never dulls the bars
        ax.axvspan(window[0] - 0.45, window[1] + 0.45, color="#EEEEEE", lw=0, zorder=0)
        ax.text(
            (window[0] + window[1]) / 2,
            peak * 1.16 + 1,
            f"{window[0]}-{window[1]}",
            ha="center",
            va="center",
            fontsize=8,
            color=GREY,
        )
    ax.set_xticks(by_year["year"])
    ax.tick_params(axis="x", labelrotation=45)
    ax.set_xlabel("Year announced")
    ax.set_ylabel("Events")
    plots.title(ax, "Overseas events per year")
    return fig


# Paper Figure 5 -----------------------------------------------------------------


def target_markets(by_country: pd.DataFrame, by_continent: pd.DataFrame) -> plt.Figure:
    """Events by target country (left, every country) and by continent (right);
    each bar labelled with its count and share. Tables: ``name``, ``events``, ``share``."""
    n = len(by_country)
    fig, (left, right) = plt.subplots(
        1,
        2,
        figsize=(plots.full_width(), bar_height(n, 0.22, 4.0)),
        gridspec_kw={"width_ratios": [3, 2]},
    )
    for ax, table, c, title in (
        (left, by_country, PALETTE[0], "By country or region"),
        (right, by_continent, PALETTE[2], "By continent"),
    ):
        positions = np.arange(len(table))
        bars = ax.barh(positions, table["events"], color=c, height=0.7)
        ax.set_yticks(positions, [wrap(x, 22) for x in table["name"]], fontsize=8)
        # one bar thickness in both panels: the shorter list keeps the longer's scale
        ax.set_ylim(max(n, len(by_continent)) - 0.5, -0.7)
        _bar_labels(
            ax,
            bars,
            [f"{e} ({s:.0%})" for e, s in zip(table["events"], table["share"], strict=True)],
            horizontal=True,
        )
        ax.set_xlim(0, table["events"].max() * (1.3 if ax is left else 1.45))
        ax.grid(axis="x")
        ax.grid(axis="y", visible=False)
        ax.set_xlabel("Events")
        ax.set_title(title, fontsize=9)  # a panel's name, not the figure's title
    plots.suptitle(fig, "Target markets of the overseas events", fontweight="bold")
    fig.tight_layout()
    return fig


# Paper Figure 6 -----------------------------------------------------------------


def modes_per_year(
    by_year: pd.DataFrame, modes: Sequence[str], labels: dict[str, str] | None
) -> plt.Figure:
    """Stacked bars of events per year by entry mode (modes in data-package order)."""
    fig, ax = plt.subplots(figsize=(plots.full_width(), 4.2))
    bottom = np.zeros(len(by_year))
    for i, mode in enumerate(modes):
        values = by_year[mode].to_numpy()
        totals = int(values.sum())
        ax.bar(
            by_year["year"],
            values,
            bottom=bottom,
            color=colour(i),
            label=f"{label(mode, labels)} ({totals})",
        )
        bottom = bottom + values
    if len(modes):
        _bar_labels(ax, ax.containers[-1], list(by_year["total"]))
    _stacked_years_axes(ax, by_year, "Entry modes per year")
    return fig


def _stacked_years_axes(ax: plt.Axes, by_year: pd.DataFrame, title: str) -> None:
    """Axes of a stacked events-per-year bar chart: year ticks, headroom, legend."""
    ax.set_ylim(0, by_year["total"].max() * 1.2 + 1)
    ax.set_xticks(by_year["year"])
    ax.tick_params(axis="x", labelrotation=45)
    ax.set_xlabel("Year announced")
    ax.set_ylabel("Events")
    plots.title(ax, title)
    ax.legend(loc="upper left", fontsize=8)


# Paper Figures 7 and 9 ----------------------------------------------------------


def industries(by_industry: pd.DataFrame, labels: dict[str, str] | None) -> plt.Figure:
    """Horizontal bars of events per target industry, count and share on each bar."""
    n = len(by_industry)
    fig, ax = plt.subplots(figsize=(plots.full_width(), bar_height(n)))
    positions = np.arange(n)
    bars = ax.barh(positions, by_industry["events"], color=PALETTE[2])
    ax.set_yticks(
        positions, [wrap(label(x, labels), 28) for x in by_industry["industry"]], fontsize=8
    )
    ax.invert_yaxis()
    _bar_labels(
        ax,
        bars,
        [
            f"{e} ({s:.0%})"
            for e, s in zip(by_industry["events"], by_industry["share"], strict=True)
        ],
        horizontal=True,
    )
    ax.set_xlim(0, by_industry["events"].max() * 1.25)
    ax.grid(axis="x")
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("Events")
    plots.title(ax, "Target industries of the overseas events")
    return fig


def industry_by_mode(
    table: pd.DataFrame,
    modes: Sequence[str],
    mode_labels: dict[str, str] | None,
    industry_labels: dict[str, str] | None,
) -> plt.Figure:
    """Heat map of events per industry (rows) and entry mode (columns), with counts
    and row totals. ``table``: ``industry``, one column per mode, ``total``."""
    n = len(table)
    cells = table[list(modes)].to_numpy()
    fig, ax = plt.subplots(figsize=(plots.full_width(), bar_height(n, 0.3, 3.5)))
    image = ax.imshow(cells, cmap="cividis", aspect="auto", vmin=0)
    high = cells.max() if cells.size else 0
    for (r, c), value in np.ndenumerate(cells):
        ax.text(
            c,
            r,
            str(value),
            ha="center",
            va="center",
            fontsize=8,
            color="black" if value > high * 0.6 else "white",
        )
    ax.set_xticks(range(len(modes)), [wrap(label(m, mode_labels), 16) for m in modes], fontsize=8)
    ax.set_yticks(
        range(n),
        [
            f"{label(i, industry_labels)} ({t})"
            for i, t in zip(table["industry"], table["total"], strict=True)
        ],
        fontsize=8,
    )
    ax.tick_params(axis="x", top=True, bottom=False, labeltop=True, labelbottom=False)
    ax.grid(False)
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    bar = fig.colorbar(image, ax=ax, fraction=0.04, pad=0.02)
    bar.set_label("Events", fontsize=8)
    bar.ax.tick_params(labelsize=8)
    plots.title(ax, "Industry of the targets by entry mode (events; row total in brackets)", pad=30)
    return fig


# Paper Figure 8 -----------------------------------------------------------------


def countries_by_mode(
    table: pd.DataFrame, modes: Sequence[str], labels: dict[str, str] | None
) -> plt.Figure:
    """Horizontal stacked bars of the main target countries by entry mode.
    ``table``: ``name``, one column per mode, ``total``."""
    n = len(table)
    fig, ax = plt.subplots(figsize=(plots.full_width(), bar_height(n, 0.32)))
    positions = np.arange(n)
    left = np.zeros(n)
    for i, mode in enumerate(modes):
        values = table[mode].to_numpy()
        ax.barh(positions, values, left=left, color=colour(i), label=label(mode, labels))
        left = left + values
    _bar_labels(ax, ax.containers[-1], list(table["total"]), horizontal=True)
    ax.set_yticks(positions, [wrap(x, 22) for x in table["name"]], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, table["total"].max() * 1.15)
    ax.grid(axis="x")
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("Events")
    plots.title(ax, f"The {n} main target countries by entry mode")
    ax.legend(loc="lower right", fontsize=8)
    return fig


# Dual track ---------------------------------------------------------------------


def mode_mix_by_market(
    table: pd.DataFrame, labels: dict[str, str] | None, market_labels: dict[str, str] | None = None
) -> plt.Figure:
    """For each market type (one bar), the share of its events by entry mode, counts
    in the segments; a small chart, printed at half the text width.
    ``table``: modes x market types (events)."""
    markets = list(table.columns)
    totals = table.sum(axis=0)
    fig, ax = plt.subplots(figsize=(plots.half_width(), 1.6 + 0.45 * len(markets)))
    positions = np.arange(len(markets))
    left = np.zeros(len(markets))
    for i, mode in enumerate(table.index):
        counts = table.loc[mode].to_numpy()
        shares = np.divide(
            counts, totals.to_numpy(), out=np.zeros(len(markets)), where=totals.to_numpy() > 0
        )
        ax.barh(
            positions, shares, left=left, color=colour(i), label=label(mode, labels), height=0.6
        )
        for p, (start, s, n) in enumerate(zip(left, shares, counts, strict=True)):
            if s >= 0.06:
                ax.text(
                    start + s / 2,
                    p,
                    str(n),
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="white" if colour(i) in (PALETTE[0], PALETTE[5], PALETTE[7]) else "black",
                )
        left = left + shares
    ax.set_yticks(positions, [f"{label(m, market_labels)} ({totals[m]})" for m in markets])
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    ax.grid(axis="x")
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("Share of its events\n(counts in the bars)")
    ax.set_xticks([0, 0.5, 1])
    # one legend row per mode; the title sits above all of them
    columns = 1
    rows = len(table.index)
    plots.title(ax, "Entry mode by market type", pad=10 + 14 * rows)
    ax.legend(
        loc="lower center",
        bbox_to_anchor=(0.5, 1.0),
        ncol=columns,
        fontsize=8,
        frameon=False,
    )
    return fig


def markets_per_year(
    by_year: pd.DataFrame, market_types: Sequence[str], market_labels: dict[str, str] | None = None
) -> plt.Figure:
    """Stacked bars of events per year in each market type."""
    fig, ax = plt.subplots(figsize=(plots.full_width(), 4.0))
    bottom = np.zeros(len(by_year))
    for i, market in enumerate(market_types):
        values = by_year[market].to_numpy()
        ax.bar(
            by_year["year"],
            values,
            bottom=bottom,
            label=label(market, market_labels),
            color=MARKET_COLOURS.get(market, colour(i)),
        )
        bottom = bottom + values
    _bar_labels(ax, ax.containers[-1], list(by_year["total"]))
    _stacked_years_axes(ax, by_year, "Events in mature and emerging markets per year")
    return fig


def specification_curve(
    values: Sequence[float],
    specs: Sequence[dict[str, str]],
    switches: dict[str, tuple[str, str]],
    default: dict[str, str],
    stated: float | None,
    quantity: str,
    option_labels: dict[str, str],
) -> plt.Figure:
    """A specification curve (Simonsohn, Simmons & Nelson): the value under every
    coding specification, sorted, the stated value as a line and the default
    specification marked; below, which option each specification takes."""
    values = np.asarray(values, dtype=float)
    order = np.argsort(values, kind="stable")
    n = len(values)
    fig, (top, grid) = plt.subplots(
        2,
        1,
        figsize=(plots.full_width(), 5.2),
        sharex=True,
        gridspec_kw={"height_ratios": [1.3, 1]},
    )
    top.set_axisbelow(True)
    is_default = np.array([all(specs[i][s] == default[s] for s in switches) for i in order])
    x = np.arange(n)
    top.scatter(x[~is_default], values[order][~is_default], s=18, color=PALETTE[0], zorder=3)
    top.scatter(
        x[is_default],
        values[order][is_default],
        s=60,
        marker="D",
        color=PALETTE[5],
        zorder=4,
        label="default coding",
    )
    if stated is not None:
        top.axhline(stated, color=GREY, linestyle="--", linewidth=1.2, zorder=2)
        top.annotate(
            f"stated: {stated:g}",
            xy=(0, stated),
            xytext=(2, 3),
            textcoords="offset points",
            fontsize=9,
            color="#333333",
        )
    top.set_ylabel(wrap(quantity[:1].upper() + quantity[1:], 34))
    top.legend(loc="lower right", fontsize=9)
    rows = [(switch, options[1]) for switch, options in switches.items()]
    grid.set_axisbelow(True)
    for r, (switch, broad) in enumerate(rows):
        chosen = np.array([specs[i][switch] == broad for i in order])
        grid.scatter(x[chosen], np.full(chosen.sum(), r), s=14, color="#333333", marker="s")
        grid.scatter(x[~chosen], np.full((~chosen).sum(), r), s=14, color="#DDDDDD", marker="s")
    grid.set_yticks(range(len(rows)))
    grid.set_yticklabels(
        [wrap(f"{s.capitalize()}: {option_labels.get(b, b)}", 24) for s, b in rows], fontsize=8
    )
    grid.set_ylim(len(rows) - 0.5, -0.5)
    grid.grid(False)
    grid.set_xlabel(f"The {n} coding specifications, sorted by value (dark: the broad option)")
    grid.set_xticks([])
    grid.spines["left"].set_visible(False)
    fig.tight_layout()
    return fig

"""Framework diagrams drawn from a case's data: business architecture, value stages,
PEST, Five Forces, SWOT and TOWS.

Every diagram is a set of boxes laid out in inches. Text is wrapped to its box's
width by measuring the rendered text, each box grows to fit its text, the figure
grows to fit its boxes, and the font shrinks (down to :data:`FONT_FLOOR`) only
while the figure would be taller than :data:`MAX_HEIGHT`. Words longer than a box
is wide are broken. :func:`rendered_extents` returns what was drawn, so a test can
check that no text leaves its box or the figure and that no boxes overlap.
"""

from __future__ import annotations

import functools
import textwrap
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import matplotlib.pyplot as plt
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, Rectangle
from matplotlib.transforms import Bbox

from ecomcase import plots
from ecomcase.plots import GREY, PALETTE, STYLE
from ecomcase.strategy.frameworks import (
    FORCE_KEYS,
    figure_source,
    is_our_reading,
    split_locator,
    year_span,
)

#: Body font size (points) diagrams start from, and the smallest they shrink to.
FONT_SIZE = 9.0
FONT_FLOOR = plots.BODY_PT
MARGIN = plots.PAD_INCHES  # around the figure, inches: the saved file's padding
GAP = 0.16  # between boxes
ARROW_GAP = 0.45  # between boxes joined by an arrow
PAD = 0.08  # inside a box
DPI = STYLE["figure.dpi"]
TEXT = "#1A1A1A"
#: Wrap to a little less than the box width: rendering at another DPI may differ by a hair.
WIDTH_SAFETY = 0.96


# --------------------------------------------------------------------------- measuring text

_scratch = Figure(dpi=DPI)
FigureCanvasAgg(_scratch)


@functools.lru_cache(maxsize=50_000)
def _text_size(text: str, size: float, weight: str, style: str) -> tuple[float, float]:
    """Rendered width and height of ``text`` in inches."""
    artist = _scratch.text(0, 0, text, fontsize=size, fontweight=weight, fontstyle=style)
    box = artist.get_window_extent(_scratch.canvas.get_renderer())
    artist.remove()
    return box.width / DPI, box.height / DPI


def wrap(
    text: str,
    width: float,
    size: float,
    weight: str = "normal",
    style: str = "normal",
    bullet: bool = False,
) -> tuple[str, float]:
    """``text`` wrapped so that its widest rendered line fits in ``width`` inches.

    Returns the wrapped text and its font size: a word wider than the box first
    makes the paragraph's font smaller (down to :data:`FONT_FLOOR`), and is broken
    only if it does not fit even then.
    """
    first, rest = ("\u2022 ", "   ") if bullet else ("", "")
    width *= WIDTH_SAFETY
    sizes = [size]
    while sizes[-1] - 0.5 >= FONT_FLOOR:
        sizes.append(sizes[-1] - 0.5)
    tries = [(fs, False) for fs in sizes] + [(min(sizes), True)]
    for fs, breaking in tries:
        lines = plots.widest_wrap(
            lambda n, breaking=breaking: textwrap.wrap(
                text, n, initial_indent=first, subsequent_indent=rest, break_long_words=breaking
            ),
            lambda lines, fs=fs: _text_size("\n".join(lines), fs, weight, style)[0] <= width,
            max(8, int(width * 72 / (fs * 0.45))),
            3,
        )
        if lines is not None:
            return "\n".join(lines), fs
    # nothing fits: the narrowest wrap, words broken, at the smallest size
    return textwrap.fill(
        text, 3, initial_indent=first, subsequent_indent=rest, break_long_words=True
    ), min(sizes)


# --------------------------------------------------------------------------- boxes


@dataclass
class Line:
    """One paragraph inside a box; sizes are relative to the diagram's font size."""

    text: str
    scale: float = 1.0
    weight: str = "normal"
    style: str = "normal"
    color: str = TEXT
    bullet: bool = False
    align: str = "left"
    space_before: float = 0.25  # in lines of this paragraph's font


@dataclass
class Box:
    """A box: header paragraphs on a tinted band, body paragraphs below."""

    name: str
    header: list[Line]
    body: list[Line] = field(default_factory=list)
    colour: str | None = None  # accent; None draws no frame (titles, notes)


@dataclass
class _Placed:
    box: Box
    x: float
    y: float  # top edge, inches from the figure's top
    w: float
    h: float = 0.0
    header_h: float = 0.0
    #: (wrapped text, paragraph, x offset, y offset from the box's top, font size)
    paragraphs: list[tuple[str, Line, float, float, float]] = field(default_factory=list)


def _fit(box: Box, width: float, size: float) -> _Placed:
    """Wrap a box's text to ``width`` and compute its height (paragraph offsets in inches)."""
    placed = _Placed(box, 0.0, 0.0, width)
    inner = width - 2 * PAD
    y = PAD
    for part, lines in (("header", box.header), ("body", box.body)):
        for k, line in enumerate(lines):
            text, fs = wrap(
                line.text,
                inner,
                max(FONT_FLOOR, size * line.scale),
                line.weight,
                line.style,
                line.bullet,
            )
            if k:
                y += line.space_before * fs / 72 * 1.2
            placed.paragraphs.append((text, line, PAD, y, fs))
            y += _text_size(text, fs, line.weight, line.style)[1]
        if part == "header":
            if box.body:
                y += PAD
            placed.header_h = y
            y += PAD if box.body else 0.0
    placed.h = y + PAD
    return placed


@dataclass
class _Cell:
    box: Box
    x: float  # left edge, inches
    w: float


@dataclass
class _Row:
    cells: list[_Cell]
    gap_after: float = GAP
    same_height: bool = True


def _stack(rows: list[_Row], size: float) -> tuple[list[_Placed], float]:
    """Place rows top to bottom; returns the placed boxes and the total height."""
    placed: list[_Placed] = []
    y = MARGIN
    for row in rows:
        fitted = [_fit(cell.box, cell.w, size) for cell in row.cells]
        height = max((p.h for p in fitted), default=0.0)
        for cell, p in zip(row.cells, fitted, strict=True):
            p.x, p.y = cell.x, y
            if row.same_height:
                p.h = height
            placed.append(p)
        y += height + row.gap_after
    return placed, y - rows[-1].gap_after + MARGIN


def _tint(colour: str, amount: float = 0.3) -> tuple[float, float, float]:
    rgb = plt.matplotlib.colors.to_rgb(colour)
    return tuple(1 - amount * (1 - c) for c in rgb)


_REGISTRY: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _draw(placed: list[_Placed], width: float, height: float) -> Figure:
    fig = plt.figure(figsize=(width, height))
    inches = fig.dpi_scale_trans
    drawn = []
    for p in placed:
        bottom = height - p.y - p.h
        colour = p.box.colour
        frame = Rectangle(
            (p.x, bottom),
            p.w,
            p.h,
            transform=inches,
            facecolor="white" if colour else "none",
            edgecolor=colour or "none",
            linewidth=1.2 if colour else 0,
        )
        fig.add_artist(frame)
        if colour and p.box.body:
            band = Rectangle(
                (p.x, height - p.y - p.header_h),
                p.w,
                p.header_h,
                transform=inches,
                facecolor=_tint(colour),
                edgecolor="none",
            )
            fig.add_artist(band)
        elif colour:
            frame.set_facecolor(_tint(colour))
        texts = []
        for text, line, dx, dy, fs in p.paragraphs:
            if line.align == "center":
                x, ha = p.x + p.w / 2, "center"
            else:
                x, ha = p.x + dx, "left"
            texts.append(
                fig.text(
                    x,
                    height - p.y - dy,
                    text,
                    transform=inches,
                    ha=ha,
                    va="top",
                    fontsize=fs,
                    fontweight=line.weight,
                    fontstyle=line.style,
                    color=line.color,
                )
            )
        drawn.append((p.box.name, frame, texts))
    _REGISTRY[fig] = drawn
    return fig


def _arrow(
    fig: Figure,
    start: tuple[float, float],
    end: tuple[float, float],
    height: float,
    both: bool = False,
) -> None:
    """An arrow between two points given in inches from the figure's top-left."""
    (x0, y0), (x1, y1) = start, end
    fig.add_artist(
        FancyArrowPatch(
            (x0, height - y0),
            (x1, height - y1),
            transform=fig.dpi_scale_trans,
            arrowstyle="<|-|>" if both else "-|>",
            mutation_scale=12,
            color=GREY,
            linewidth=1.4,
            shrinkA=2,
            shrinkB=2,
        )
    )


def _layout(
    build: Callable[[float], tuple[list[_Row], float]],
) -> tuple[list[_Placed], float, float]:
    """Lay out the rows ``build(font_size)`` returns with the figure width (inches).

    The font shrinks by half points while the figure is taller than MAX_HEIGHT.
    Returns the placed boxes, the width and the height.
    """
    size = FONT_SIZE
    while True:
        rows, width = build(size)
        placed, height = _stack(rows, size)
        if height <= plots.page_height() or size <= FONT_FLOOR:
            break
        size = max(FONT_FLOOR, size - 0.5)
    return placed, width, height


@dataclass(frozen=True)
class Extents:
    """Rendered extents in display pixels: the figure, each box, each text with its box."""

    figure: Bbox
    boxes: dict[str, Bbox]
    texts: list[tuple[str, str, Bbox]]  # (box name, text, extent)


def rendered_extents(fig: Figure) -> Extents:
    """Extents of the boxes and texts of a diagram drawn by this module."""
    renderer = fig.canvas.get_renderer()
    boxes, texts = {}, []
    for name, frame, artists in _REGISTRY[fig]:
        boxes[name] = frame.get_window_extent(renderer)
        for artist in artists:
            texts.append((name, artist.get_text(), artist.get_window_extent(renderer)))
    return Extents(fig.bbox, boxes, texts)


# --------------------------------------------------------------------------- common parts


def _items(items: list[str], scale: float = 1.0) -> list[Line]:
    return [Line(split_locator(item)[0], scale=scale, bullet=True) for item in items]


def _header(title: str, *sub: str) -> list[Line]:
    lines = [Line(title, scale=1.12, weight="bold")]
    lines += [Line(s, scale=0.95, space_before=0.1) for s in sub]
    return lines


def _title_row(text: str, width: float) -> _Row:
    box = Box("title", [Line(text, scale=1.35, weight="bold", align="center")])
    return _Row([_Cell(box, MARGIN, width - 2 * MARGIN)], gap_after=GAP)


def _title_rows(text: str, width: float) -> list[_Row]:
    """The title row when titles are on (slides); none in print, where a caption has it."""
    return [_title_row(text, width)] if plots.titles_on() else []


#: The footnote of a figure whose marked items the source does not state.
NOT_STATED = "* Not stated in the source; the notebook gives the basis."


def _figure_note(text: str) -> str:
    """A data note as a figure prints it: without references to lines of a plain-text
    copy; none when it is the project's own reading (the notebook text gives those)."""
    if "our reading" in text.lower():
        return ""
    return figure_source(text)


def _footer_row(section: dict[str, Any], width: float, *notes: str) -> _Row:
    parts = [n for n in notes if n]
    if section.get("note") and _figure_note(section["note"]):
        parts.append(f"Note: {_figure_note(section['note'])}.")
    if section.get("figure_content_available") is False:
        parts.append(
            "The original figure did not survive in the source; items are taken from its text."
        )
    parts.append(f"Source: {figure_source(section['source'])}; frameworks.yaml.")
    lines = [Line(p, scale=0.85, color="#444444", space_before=0.15) for p in parts]
    box = Box("footer", lines)
    return _Row([_Cell(box, MARGIN, width - 2 * MARGIN)], gap_after=0)


def _columns(
    n: int, width: float, gap: float = GAP, left: float = MARGIN, right: float = MARGIN
) -> list[tuple[float, float]]:
    """``n`` equal columns as ``(x, w)`` across ``width`` inches."""
    w = (width - left - right - gap * (n - 1)) / n
    return [(left + i * (w + gap), w) for i in range(n)]


def _grid_rows(boxes: list[Box], width: float, per_row: int, gap_after: float = GAP) -> list[_Row]:
    """Boxes in rows of at most ``per_row`` equal columns; a short last row is centred."""
    rows = []
    columns = _columns(per_row, width)
    for start in range(0, len(boxes), per_row):
        chunk = boxes[start : start + per_row]
        shift = (per_row - len(chunk)) * (columns[0][1] + GAP) / 2
        cells = [_Cell(b, x + shift, w) for b, (x, w) in zip(chunk, columns, strict=False)]
        rows.append(_Row(cells, gap_after=gap_after))
    return rows


def _matrix(
    col_heads: list[str],
    row_heads: list[str],
    cells: list[list[Box]],
    width: float,
    head_width: float,
) -> list[_Row]:
    """A matrix with a header row and a header column around ``cells[row][column]``."""
    n = len(col_heads)
    columns = _columns(n, width, left=MARGIN + head_width + GAP)
    heads = [
        Box(f"column head {h}", [Line(h, weight="bold", align="center")], colour=GREY)
        for h in col_heads
    ]
    rows = [_Row([_Cell(b, x, w) for b, (x, w) in zip(heads, columns, strict=True)])]
    for head, row in zip(row_heads, cells, strict=True):
        label = Box(f"row head {head}", [Line(head, weight="bold", align="center")], colour=GREY)
        rows.append(
            _Row(
                [_Cell(label, MARGIN, head_width)]
                + [_Cell(b, x, w) for b, (x, w) in zip(row, columns, strict=True)]
            )
        )
    return rows


def _finish(placed: list[_Placed], width: float, height: float) -> Figure:
    fig = _draw(placed, width, height)
    fig._ecomcase_fixed = True  # laid out in inches at the print width
    return fig


# --------------------------------------------------------------------------- the diagrams


def pest_diagram(pest: dict[str, Any], company: str, width: float | None = None) -> Figure:
    """Figure 2.3: the four PEST factor lists in quadrants."""
    width = width or plots.full_width()
    groups = ("political", "economic", "social", "technological")

    def build(size: float) -> tuple[list[_Row], float]:
        boxes = [
            Box(g, _header(g.capitalize()), _items(pest[g]), PALETTE[i])
            for i, g in enumerate(groups)
        ]
        rows = _title_rows(f"PEST analysis: the environment of {company}", width)
        rows += _grid_rows(boxes, width, 2)
        rows.append(_footer_row(pest, width))
        return rows, width

    return _finish(*_layout(build))


def swot_diagram(swot: dict[str, Any], company: str, width: float | None = None) -> Figure:
    """Figure 2.5: strengths, weaknesses, opportunities and threats as a 2 x 2 matrix."""
    width = width or plots.full_width()
    colours = {
        "strengths": PALETTE[2],
        "weaknesses": PALETTE[5],
        "opportunities": PALETTE[0],
        "threats": PALETTE[1],
    }

    def cell(group: str) -> Box:
        return Box(group, _header(group.capitalize()), _items(swot[group]), colours[group])

    def build(size: float) -> tuple[list[_Row], float]:
        rows = _title_rows(f"SWOT matrix: {company}", width)
        rows += _matrix(
            ["Helpful to the objectives", "Harmful to the objectives"],
            ["Internal (the firm)", "External (the environment)"],
            [[cell("strengths"), cell("weaknesses")], [cell("opportunities"), cell("threats")]],
            width,
            head_width=1.3,
        )
        rows.append(_footer_row(swot, width))
        return rows, width

    return _finish(*_layout(build))


#: TOWS quadrants: which SWOT pair each pairs, in the usual reading (Weihrich 1982).
TOWS_QUADRANTS = {
    "SO": "SO: use strengths to take opportunities",
    "WO": "WO: overcome weaknesses by taking opportunities",
    "ST": "ST: use strengths to counter threats",
    "WT": "WT: reduce weaknesses and avoid threats",
}


def tows_diagram(tows: dict[str, Any], company: str, width: float | None = None) -> Figure:
    """The TOWS matrix: strategies crossing strengths/weaknesses with opportunities/threats."""
    width = width or plots.full_width()
    colours = {"SO": PALETTE[2], "WO": PALETTE[0], "ST": PALETTE[1], "WT": PALETTE[5]}

    def cell(key: str) -> Box:
        return Box(key, _header(TOWS_QUADRANTS[key]), _items(tows[key]), colours[key])

    def build(size: float) -> tuple[list[_Row], float]:
        rows = _title_rows(f"TOWS matrix: cross strategies for {company}", width)
        rows += _matrix(
            ["Strengths (S)", "Weaknesses (W)"],
            ["Opportunities (O)", "Threats (T)"],
            [[cell("SO"), cell("WO")], [cell("ST"), cell("WT")]],
            width,
            head_width=1.3,
        )
        rows.append(_footer_row(tows, width))
        return rows, width

    return _finish(*_layout(build))


def rating_colours(scale: list[str]) -> dict[str, str]:
    """A colour per rating, from green (lowest) through orange to vermillion (highest)."""
    ramp = [PALETTE[2], PALETTE[6], PALETTE[1], PALETTE[5]]
    if len(scale) == 1:
        return {scale[0]: ramp[-1]}
    return {r: ramp[round(i * (len(ramp) - 1) / (len(scale) - 1))] for i, r in enumerate(scale)}


#: Grid position (row, column) of each force: rivalry in the middle.
FORCE_POSITIONS = {
    "new_entrants": (0, 1),
    "supplier_power": (1, 0),
    "rivalry": (1, 1),
    "buyer_power": (1, 2),
    "substitutes": (2, 1),
}


def five_forces_diagram(
    five_forces: dict[str, Any], company: str, width: float | None = None
) -> Figure:
    """Figure 2.4: four forces around the rivalry, each with its rating and key factors."""
    width = width or plots.full_width()
    forces = {f["key"]: f for f in five_forces["forces"]}
    colours = rating_colours(five_forces["rating_scale"])
    ours = any(is_our_reading(f.get("rating_basis")) for f in forces.values())

    def box(key: str) -> Box:
        force = forces[key]
        mark = " *" if is_our_reading(force.get("rating_basis")) else ""
        return Box(
            key,
            _header(force["name"], f"Rating: {force['rating']}{mark}"),
            _items(force["factors"]),
            colours[force["rating"]],
        )

    def build(size: float) -> tuple[list[_Row], float]:
        columns = _columns(3, width, gap=ARROW_GAP)
        grid: list[list[_Cell]] = [[], [], []]
        for key in FORCE_KEYS:
            r, c = FORCE_POSITIONS[key]
            grid[r].append(_Cell(box(key), *columns[c]))
        rows = _title_rows(f"Porter's five forces acting on {company}", width)
        rows += [_Row(sorted(cells, key=lambda c: c.x), gap_after=ARROW_GAP) for cells in grid]
        rows[-1].gap_after = GAP
        scale = " < ".join(five_forces["rating_scale"])
        note = f"Ratings on the scale {scale}; box colour follows the rating."
        if ours:
            note += " * The source states no rating; the notebook gives the basis."
        rows.append(_footer_row(five_forces, width, note))
        return rows, width

    placed, width_in, height = _layout(build)
    fig = _finish(placed, width_in, height)
    at = {p.box.name: p for p in placed}
    centre = at["rivalry"]
    for key, (r, c) in FORCE_POSITIONS.items():
        p = at[key]
        if r == 0:
            _arrow(fig, (p.x + p.w / 2, p.y + p.h), (centre.x + centre.w / 2, centre.y), height)
        elif r == 2:
            _arrow(
                fig, (p.x + p.w / 2, p.y), (centre.x + centre.w / 2, centre.y + centre.h), height
            )
        elif c == 0:
            _arrow(fig, (p.x + p.w, p.y + p.h / 2), (centre.x, centre.y + centre.h / 2), height)
        elif c == 2:
            _arrow(
                fig, (p.x, p.y + p.h / 2), (centre.x + centre.w, centre.y + centre.h / 2), height
            )
    return fig


def values_stages_diagram(
    values_stages: dict[str, Any], company: str, width: float | None = None, per_row: int = 4
) -> Figure:
    """Figure 2.2: the development stages in time order, each with its values and events."""
    stages = sorted(values_stages["stages"], key=lambda s: s["start"])
    columns = min(len(stages), per_row)
    width = width or plots.full_width()
    starred = any(is_our_reading(s.get("end_basis")) for s in stages)

    def box(i: int, stage: dict[str, Any]) -> Box:
        mark = " *" if is_our_reading(stage.get("end_basis")) else ""
        body = [Line("Values", weight="bold", scale=0.95)] + _items(stage["values"], scale=0.95)
        if stage.get("events"):
            body += [Line("Dated events", weight="bold", scale=0.95, space_before=0.6)]
            body += _items(stage["events"], scale=0.95)
        years = year_span(stage["start"], stage.get("end")) + mark
        return Box(
            f"stage {i + 1}",
            _header(f"{i + 1}. {stage['name']}", years),
            body,
            PALETTE[i % len(PALETTE)],
        )

    def build(size: float) -> tuple[list[_Row], float]:
        heading = f"Development stages of {company} and the values of each"
        if not plots.titles_on():
            heading = "Development stages in time order"
        rows = [_title_row(heading, width)]
        rows[0].gap_after = ARROW_GAP
        if not plots.titles_on():
            rows[0].cells[0].box.header[0].scale = 1.0
        rows += _grid_rows([box(i, s) for i, s in enumerate(stages)], width, columns)
        notes = []
        if _figure_note(values_stages.get("boundary_note") or ""):
            notes.append(f"{_figure_note(values_stages['boundary_note'])}.")
        if starred:
            notes.append(NOT_STATED)
        rows.append(_footer_row(values_stages, width, *notes))
        return rows, width

    placed, width_in, height = _layout(build)
    fig = _finish(placed, width_in, height)
    title = next(p for p in placed if p.box.name == "title")
    y = title.y + title.h + ARROW_GAP / 2
    _arrow(fig, (MARGIN, y), (width_in - MARGIN, y), height)
    return fig


def business_architecture_diagram(
    architecture: dict[str, Any], company: str, width: float | None = None, per_row: int = 4
) -> Figure:
    """Figure 2.1: business segments on the platform core, ecosystem participants below."""
    width = width or plots.full_width()
    segments = architecture["segments"]
    holders = architecture.get("stakeholders") or []

    def segment_box(i: int, segment: dict[str, Any]) -> Box:
        body = _items(segment["items"], scale=0.95)
        if _figure_note(segment.get("note") or ""):
            body.append(
                Line(
                    _figure_note(segment["note"]),
                    scale=0.95,
                    style="italic",
                    color="#555555",
                    space_before=0.4,
                )
            )
        return Box(f"segment {i + 1}", _header(segment["name"]), body, PALETTE[0])

    def build(size: float) -> tuple[list[_Row], float]:
        full = width - 2 * MARGIN
        rows = _title_rows(f"Business architecture and ecosystem of {company}", width)
        if architecture.get("mission_vision_values"):
            box = Box(
                "mission",
                _header("Mission, vision and values"),
                _items(architecture["mission_vision_values"]),
                PALETTE[3],
            )
            rows.append(_Row([_Cell(box, MARGIN, full)]))
        label = Box("segments label", [Line("Business segments", weight="bold", scale=1.05)])
        rows.append(_Row([_Cell(label, MARGIN, full)], gap_after=0.02))
        rows += _grid_rows(
            [segment_box(i, s) for i, s in enumerate(segments)], width, min(len(segments), per_row)
        )
        core = Box(
            "core",
            [
                Line(
                    split_locator(architecture["core"])[0], weight="bold", scale=1.1, align="center"
                )
            ],
            colour=PALETTE[4],
        )
        rows.append(_Row([_Cell(core, MARGIN, full)], gap_after=ARROW_GAP if holders else GAP))
        if holders:
            boxes = [
                Box(
                    f"participant {i + 1}",
                    _header(h["name"].capitalize()),
                    [Line(split_locator(h["role"])[0], scale=0.95)],
                    PALETTE[2],
                )
                for i, h in enumerate(holders)
            ]
            rows += _grid_rows(boxes, width, min(len(boxes), per_row))
        rows.append(
            _footer_row(
                architecture,
                width,
                "Participants (bottom) trade with each other through the platform core."
                if holders
                else "",
            )
        )
        return rows, width

    placed, width_in, height = _layout(build)
    fig = _finish(placed, width_in, height)
    core = next(p for p in placed if p.box.name == "core")
    for p in placed:
        # arrows only into the first row of participants, which sits right below the core
        if p.box.name.startswith("participant") and abs(p.y - (core.y + core.h + ARROW_GAP)) < 1e-6:
            x = p.x + p.w / 2
            _arrow(fig, (x, core.y + core.h), (x, p.y), height, both=True)
    return fig


#: Diagram of each framework section, by section name.
DIAGRAMS: dict[str, Callable[..., Figure]] = {
    "business_architecture": business_architecture_diagram,
    "values_stages": values_stages_diagram,
    "pest": pest_diagram,
    "five_forces": five_forces_diagram,
    "swot": swot_diagram,
    "tows": tows_diagram,
}


def draw(frameworks: dict[str, Any], section: str) -> Figure:
    """The diagram of ``section`` of a validated frameworks document."""
    company = frameworks.get("company", "the company")
    return DIAGRAMS[section](frameworks[section], company)


def record(
    out: Any,
    frameworks: dict[str, Any],
    section: str,
    artifact_id: str,
    title: str,
    reproduces: str | None = None,
    draw_section: Callable[[dict[str, Any]], Figure] | None = None,
    table: Callable[[dict[str, Any]], Any] | None = None,
    note: Callable[[dict[str, Any]], str] | None = None,
) -> Any:
    """Draw ``section`` and record it with ``out`` (an :class:`~ecomcase.outputs.Outputs`).

    The figure is saved with the section's items as its table (or ``table(section)``);
    a section the case does not have is recorded as skipped, with the reason.
    ``draw_section`` replaces the section's own diagram. The figure shows in the
    notebook as it is saved; a skipped section returns what shows in its place.
    """
    from ecomcase.strategy.frameworks import absent_reason, framework_table

    reason = absent_reason(frameworks, section, out.case)
    if reason is not None:
        return out.skip(artifact_id, title, reason, reproduces=reproduces)
    data = frameworks[section]
    fig = draw_section(data) if draw_section else draw(frameworks, section)
    rows = table(data) if table else framework_table(data, section)
    out.figure(
        artifact_id,
        fig,
        title,
        reproduces=reproduces,
        table=rows,
        note=note(data) if note else None,
    )
    return None


__all__ = ["DIAGRAMS", "Extents", "draw", "record", "rendered_extents", "wrap"]

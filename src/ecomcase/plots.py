"""One plotting style for every figure, and deterministic saving.

Colours come from the Okabe-Ito palette (colour-blind safe). Saving strips
dates and tool versions from PNG/SVG/PDF metadata and fixes the SVG hash salt,
so two builds of the same inputs give byte-identical files.
"""

from __future__ import annotations

import io
import os
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from ecomcase import pdf_fonts, png_canvas  # noqa: E402
from ecomcase.config import LAYOUT_CHECK_ENV  # noqa: E402
from ecomcase.errors import FigureError  # noqa: E402
from ecomcase.fileio import atomic_write_bytes  # noqa: E402
from ecomcase.print_size import (  # noqa: E402, F401 (the figures' sizes, read as plots.*)
    CM,
    PAGE_HEIGHT_CM,
    TEXT_WIDTH_CM,
    configure,
    full_width,
    half_width,
    page_height,
    titles_on,
)

#: Okabe & Ito (2008) colour-blind-safe palette.
PALETTE = [
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # green
    "#CC79A7",  # purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
]
GREY = "#7F7F7F"
#: Category colours: the palette with yellow last (weak on white).
CATEGORY_COLOURS = [c for c in PALETTE if c != "#F0E442"] + ["#F0E442"]


def category_colours(categories) -> dict[str, str]:
    """One colour per category, by its place in ``categories`` (the data package's
    declared order): every figure that shows these categories calls this with the
    same list, so a category has one colour everywhere."""
    return {
        str(c): CATEGORY_COLOURS[i % len(CATEGORY_COLOURS)]
        for i, c in enumerate(dict.fromkeys(categories))
    }


#: Named print sizes (ecomcase.print_size): a figure is drawn at the width it is
#: printed at, so its text sizes are the printed sizes (body >= BODY_PT, notes >= NOTE_PT).
BODY_PT = 8.0
NOTE_PT = 7.0
#: Element ids (SVG ``gid``) of source notes: the one text allowed below BODY_PT.
NOTE_GID = "note"

STYLE = {
    "figure.figsize": (TEXT_WIDTH_CM * CM, 3.6),
    "figure.dpi": 100,
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    "axes.labelsize": 9,
    "xtick.labelsize": 8.5,
    "ytick.labelsize": 8.5,
    "legend.fontsize": 8.5,
    "axes.axisbelow": True,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "grid.color": "#DDDDDD",
    "grid.linewidth": 0.6,
    "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
    "legend.frameon": False,
    "savefig.bbox": "tight",
    "savefig.pad_inches": 0.05,
    "svg.hashsalt": "ecomcase",
    "svg.fonttype": "none",
    "pdf.fonttype": 42,
    "path.simplify": True,
    # Glyph outlines as designed, in every format: PDF and SVG text is never hinted, so
    # the PNG (and the layout, measured on Agg) use the same unhinted metrics. The
    # font's own hinter would also rerun its set-up program for every glyph Agg draws
    # (matplotlib sets the size per glyph): about 35% of the PNGs' text time.
    "text.hinting": "no_hinting",
}

_METADATA = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None},
}


def title(ax: plt.Axes, text: str, **kwargs) -> None:
    """The figure's title on ``ax``, only when titles are on (slides)."""
    if titles_on():
        ax.set_title(text, **kwargs)


def suptitle(fig: matplotlib.figure.Figure, text: str, **kwargs) -> None:
    """The figure's title above all panels, only when titles are on."""
    if titles_on():
        fig.suptitle(text, **kwargs)


def note_text(fig: matplotlib.figure.Figure, x: float, y: float, text: str, **kwargs):
    """A note drawn in figure coordinates (``NOTE_PT``, grey), marked as a note for the
    text-size check."""
    kwargs = {"fontsize": NOTE_PT, "color": GREY, **kwargs}
    artist = fig.text(x, y, text, **kwargs)
    artist.set_gid(f"{NOTE_GID}-{len(fig.texts)}")
    return artist


def text_width(text: str, size: float) -> float:
    """Rendered width (inches) of one line of ``text`` at ``size`` points."""
    return _measure(text, size, 1.2)[0]


def wrap_to(text: str, width_in: float, size: float) -> str:
    """``text`` in lines no wider than ``width_in`` at ``size`` points (measured as
    drawn, with a little room: PDF and PNG renderers differ by a hair): wrapped at the
    most characters per line that fit."""
    import textwrap

    limit = width_in * 0.98
    lines = widest_wrap(
        lambda n: textwrap.wrap(text, n),
        lambda lines: all(text_width(line, size) <= limit for line in lines),
        max(20, int(width_in * 72 / (size * 0.45))),
        11,
    )
    return "\n".join(lines if lines is not None else textwrap.wrap(text, 10))


def widest_wrap(
    wrap: Callable[[int], list[str]],
    fits: Callable[[list[str]], bool],
    high: int,
    low: int,
) -> list[str] | None:
    """The lines ``wrap(n)`` for the largest ``n`` in ``low..high`` (characters per
    line) that ``fits``; None if none does. The lengths whose first line alone does not
    fit are skipped by bisection (:func:`widest_first_line`), the rest scanned longest
    first."""
    top = widest_first_line(high, low, lambda n: fits(wrap(n)[:1]))
    for n in range(top or low - 1, low - 1, -1):
        lines = wrap(n)
        if fits(lines):
            return lines
    return None


def widest_first_line(high: int, low: int, first_fits: Callable[[int], bool]) -> int | None:
    """The largest line length ``n`` in ``low..high`` at which ``first_fits(n)``: the
    first line of a text wrapped at ``n`` characters fits its width. None if at none.

    Found by bisection, a few measurements instead of one per length: a greedy wrap's
    first line at ``n`` is a prefix of the text that grows with ``n``, and a longer
    prefix is never narrower, so whether it fits turns from true to false once as
    ``n`` grows. A wrap fits only if its first line does, so a search for the widest
    fitting wrap may start at this ``n`` and skip none that fits.
    """
    if not first_fits(low):
        return None
    if first_fits(high):
        return high
    fits, too_wide = low, high
    while too_wide - fits > 1:
        middle = (fits + too_wide) // 2
        if first_fits(middle):
            fits = middle
        else:
            too_wide = middle
    return fits


PAD_INCHES = 0.05


_SCRATCH: dict[str, Any] = {}


def _measure(text: str, size: float, linespacing: float) -> tuple[float, float]:
    """Rendered (width, height) in inches of ``text`` on a scratch canvas."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    if "figure" not in _SCRATCH:
        _SCRATCH["figure"] = Figure(dpi=100)
        FigureCanvasAgg(_SCRATCH["figure"])
    scratch = _SCRATCH["figure"]
    artist = scratch.text(0, 0, text, fontsize=size, linespacing=linespacing)
    box = artist.get_window_extent(scratch.canvas.get_renderer())
    artist.remove()
    return box.width / 100, box.height / 100


def text_height(text: str, size: float, linespacing: float = 1.2) -> float:
    """Rendered height (inches) of ``text`` (lines split at newlines) at ``size`` points."""
    return _measure(text, size, linespacing)[1]


def _tight(fig: matplotlib.figure.Figure, renderer: Any):
    """The figure's tight bounding box (inches), measured without drawing it.

    ``savefig(bbox_inches="tight")`` draws a figure (not rasterised) before measuring
    it, for layout engines and artists that place themselves only while drawing. These
    figures use no layout engine, and their artists (ticks, titles, legends,
    annotations, tables, colour bars) place themselves when measured, so the draw is
    left out: it is nearly half of a figure's layout time. ``LAYOUT_CHECK_ENV`` holds
    each measurement to the drawn one.

    ``renderer`` is kept across the resizes of one figure: text extents depend on the
    resolution only, and matplotlib caches them per renderer.
    """
    box = fig.get_tightbbox(renderer)
    if os.environ.get(LAYOUT_CHECK_ENV, "") not in ("", "0"):
        with renderer._draw_disabled():
            fig.draw(renderer)
        drawn = fig.get_tightbbox(renderer)
        if box.bounds != drawn.bounds:
            title = fig.axes[0].get_title() if fig.axes else ""
            raise FigureError(
                f"figure {title!r}: its box measured without drawing, {box.bounds}, is not "
                f"the one after drawing, {drawn.bounds}; an artist of this figure places "
                "itself only while drawn (ecomcase.plots._tight)"
            )
    return box


def _fit_width(
    fig: matplotlib.figure.Figure, inner: float, renderer: Any
) -> matplotlib.transforms.Bbox:
    """Resize ``fig`` until its tight box is ``inner`` inches wide (within 0.005 in);
    returns that box.

    The box grows with the figure at a slope below one: the axes, placed in fractions
    of the figure, stretch; their labels keep their size. The first step takes the
    axes' share of the width as that slope, the next ones a secant on the last two
    measurements; most figures are measured twice.
    """
    previous = None
    spans = [ax.get_position() for ax in fig.axes]
    first_slope = max(s.x1 for s in spans) - min(s.x0 for s in spans) if spans else 1.0
    for _ in range(10):
        box = _tight(fig, renderer)
        w, h = fig.get_size_inches()
        if abs(box.width - inner) < 0.005:
            return box
        slope = first_slope if 0.2 < first_slope <= 1.0 else 1.0
        if previous is not None and abs(w - previous[0]) > 1e-6:
            slope = (box.width - previous[1]) / (w - previous[0])
            slope = slope if 0.05 < slope < 20 else 1.0
        previous = (w, box.width)
        fig.set_size_inches(max(1.0, w + (inner - box.width) / slope), h)
    return _tight(fig, renderer)


def finish(
    fig: matplotlib.figure.Figure, note: str | None = None, size: str = "full"
) -> matplotlib.transforms.Bbox:
    """Make ``fig`` print-ready: its saved width becomes the named ``size`` ("full" or
    "half" text width) exactly, and ``note`` (the data's source) goes below everything.
    Returns the box to print (inches, padded), the same for every format.

    Figures drawn to measure (``fig._ecomcase_fixed``) keep their size; others are
    resized until their tight bounding box is the print width. The figure is laid out
    once per size; the note, added last, is measured without laying it out again.
    """
    target = full_width() if size == "full" else half_width()
    inner = target - 2 * PAD_INCHES
    renderer = fig.canvas.get_renderer()
    fixed = getattr(fig, "_ecomcase_fixed", False)
    box = _tight(fig, renderer) if fixed else _fit_width(fig, inner, renderer)
    if note:
        w, h = fig.get_size_inches()
        text = wrap_to(note, inner, NOTE_PT)
        note_text(fig, box.x0 / w, (box.y0 - 0.06) / h, text, va="top", ha="left")
        box = fig.get_tightbbox(renderer)
    return box.padded(PAD_INCHES)


def apply_style() -> None:
    """Set the package's style on matplotlib (and seaborn, which follows rcParams)."""
    plt.rcdefaults()
    matplotlib.rcParams.update(STYLE)


def figure_bytes(
    fig: matplotlib.figure.Figure, fmt: str, dpi: int = 200, box: Any = None
) -> bytes:
    """``fig`` saved as ``fmt``: cut to ``box`` (inches, from :func:`finish`), or to its
    tight box measured anew when none is given."""
    if fmt == "pdf":
        pdf_fonts.install()
    buffer = io.BytesIO()
    fig.savefig(
        buffer,
        format=fmt,
        dpi=dpi,
        metadata=_METADATA[fmt],
        bbox_inches="tight" if box is None else box,
        pad_inches=PAD_INCHES,
        # Agg's pixels, encoded without Pillow's per-row filter search (ecomcase.png_canvas)
        **({"backend": png_canvas.BACKEND} if fmt == "png" else {}),
    )
    return buffer.getvalue()


def save_figure(
    fig: matplotlib.figure.Figure,
    stem: Path,
    formats: Iterable[str],
    dpi: int = 200,
    box: Any = None,
    seconds: dict[str, float] | None = None,
) -> list[Path]:
    """Write ``fig`` as ``stem.<fmt>`` for each format, all cut to the same ``box`` (from
    :func:`finish`; measured per format when none is given); returns the paths written.
    ``seconds``, when given, receives the time each format took."""
    written = []
    for fmt in formats:
        path = stem.with_suffix(f".{fmt}")
        started = time.perf_counter()
        atomic_write_bytes(path, figure_bytes(fig, fmt, dpi, box))
        if seconds is not None:
            seconds[fmt] = time.perf_counter() - started
        written.append(path)
    return written


apply_style()


def svg_texts(svg: str) -> tuple[float, list[tuple[str, float, bool]]]:
    """The width (pt) of an SVG matplotlib wrote with ``svg.fonttype: none`` and its
    texts as ``(text, font size in pt, is a note)``."""
    import re
    import xml.etree.ElementTree as ET

    root = ET.fromstring(svg)
    width = float(root.get("width", "0").removesuffix("pt"))
    ns = "{http://www.w3.org/2000/svg}"
    found = []

    def walk(node, note: bool) -> None:
        note = note or str(node.get("id", "")).startswith(NOTE_GID + "-")
        if node.tag == f"{ns}text":
            match = re.search(r"font(?:-size)?:\s*(?:[a-z]+ )*([0-9.]+)px", node.get("style", ""))
            text = "".join(node.itertext()).strip()
            if match and text:
                found.append((text, float(match.group(1)), note))
        for child in node:
            walk(child, note)

    walk(root, False)
    return width, found

"""One plotting style for every figure, and deterministic saving.

Colours come from the Okabe-Ito palette (colour-blind safe). Saving strips
dates and tool versions from PNG/SVG/PDF metadata and fixes the SVG hash salt,
so two builds of the same inputs give byte-identical files.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from ecomcase.fileio import atomic_write_bytes  # noqa: E402

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

STYLE = {
    "figure.figsize": (7.0, 4.0),
    "figure.dpi": 100,
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.labelsize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "grid.color": "#DDDDDD",
    "grid.linewidth": 0.6,
    "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
    "legend.frameon": False,
    "savefig.bbox": "tight",
    "savefig.pad_inches": 0.1,
    "svg.hashsalt": "ecomcase",
    "svg.fonttype": "path",
    "pdf.fonttype": 42,
    "path.simplify": True,
}

_METADATA = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None},
}


def apply_style() -> None:
    """Set the package's style on matplotlib (and seaborn, which follows rcParams)."""
    plt.rcdefaults()
    matplotlib.rcParams.update(STYLE)


def figure_bytes(fig: matplotlib.figure.Figure, fmt: str, dpi: int = 200) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, dpi=dpi, metadata=_METADATA[fmt])
    return buffer.getvalue()


def save_figure(
    fig: matplotlib.figure.Figure, stem: Path, formats: Iterable[str], dpi: int = 200
) -> list[Path]:
    """Write ``fig`` as ``stem.<fmt>`` for each format; returns the paths written."""
    written = []
    for fmt in formats:
        path = stem.with_suffix(f".{fmt}")
        atomic_write_bytes(path, figure_bytes(fig, fmt, dpi))
        written.append(path)
    return written


apply_style()

"""A matplotlib backend for the package's PNG files: Agg draws, pypng encodes.

Matplotlib hands Agg's pixels to Pillow, whose PNG encoder tries up to four
filters on every row and keeps the one with the smallest sum. On these figures
(flat colours, text, thin lines) that choice is most of the encoding time and
buys nothing: unfiltered rows, as pypng writes them, deflate to files as small
or smaller, in less than half the time. The pixels are Agg's either way (a test
decodes both); the resolution is written as Pillow writes it (pHYs, pixels per
metre). Used as ``savefig(..., backend=BACKEND)`` by :func:`ecomcase.plots.figure_bytes`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import png
from matplotlib import cbook
from matplotlib.backends.backend_agg import FigureCanvasAgg

#: What ``savefig(backend=...)`` takes to use this module.
BACKEND = f"module://{__name__}"
#: zlib level: level 3 is as small as 6 on these figures and faster.
COMPRESSION = 3


class FigureCanvasPyPNG(FigureCanvasAgg):
    """Agg's canvas whose ``print_png`` encodes with pypng (RGBA, rows unfiltered)."""

    def print_png(
        self,
        filename_or_obj: Any,
        *,
        metadata: dict | None = None,
        pil_kwargs: Any = None,
        **_print_figure_kwargs: Any,
    ) -> None:
        """Agg's ``print_png`` with pypng's encoder. ``savefig`` applies dpi and face
        colour itself; it passes them (and the rest it gives every renderer) to a
        third-party canvas, which Agg's own ``print_png`` is spared: ignored here."""
        # only {"Software": None} (the chunk left out) is supported
        if any(value is not None for value in (metadata or {}).values()):
            raise ValueError("png_canvas writes no PNG text chunks")
        FigureCanvasAgg.draw(self)
        rgba = np.asarray(self.buffer_rgba())
        height, width, _ = rgba.shape
        per_metre = int(self.figure.dpi / 0.0254 + 0.5)  # as Pillow rounds it
        writer = png.Writer(
            width,
            height,
            greyscale=False,
            alpha=True,
            compression=COMPRESSION,
            x_pixels_per_unit=per_metre,
            y_pixels_per_unit=per_metre,
            unit_is_meter=True,
        )
        with cbook.open_file_cm(filename_or_obj, "wb") as file:
            writer.write_packed(file, rgba.reshape(height, width * 4))


FigureCanvas = FigureCanvasPyPNG

"""PDF font embedding: one subset per font and glyph set, made once per process.

Matplotlib embeds each font of a PDF as a subset of the glyphs the figure uses,
and builds that subset with fontTools for every figure anew (about a quarter of a
second for DejaVu Sans, most of a PDF's cost). Here every PDF embeds the subset
of a fixed set of glyphs (printable ASCII and the typographic marks the figures
use) plus whatever else the figure draws, so figures of one process ask for the
same subset and it is built once.

The bytes written depend only on the font and the glyph set, never on what was
built before: a build with the memo switched off (``ECOMCASE_NO_CACHE=1``, as
``make verify`` runs) writes the same files.
"""

from __future__ import annotations

import contextlib
import os
from io import BytesIO

#: Glyphs every embedded subset holds, so that most figures share one subset:
#: printable ASCII, the ligatures text shaping forms from it (ff, fi, fl, ffi, ffl),
#: dashes, quotes, arrows, the minus sign and the fuzzy operators' symbols.
COMMON_TEXT = (
    "".join(chr(c) for c in range(0x20, 0x7F))
    + "\ufb00\ufb01\ufb02\ufb03\ufb04"
    + "\u2013\u2014\u2018\u2019\u201c\u201d\u2026\u2212\u2190\u2192"
    + "\u00d7\u2265\u2264\u00b0\u00b7\u2022\u00a0\u00e9\u00fc\u00f6\u20ac\u00a5\u00a3"
    + "\u2227\u2228\u2295"
)

_SUBSETS: dict[tuple, tuple[bytes, dict]] = {}
_COMMON_GLYPHS: dict[tuple, frozenset] = {}


class _Subset:
    """What matplotlib's PDF backend reads from a subset: ``font.save`` and the
    glyph index map."""

    def __init__(self, data: bytes, glyph_index_map: dict) -> None:
        self.font = self
        self.glyph_index_map = glyph_index_map
        self._data = data

    def save(self, file, reorderTables: bool = False) -> None:  # noqa: N803 (fontTools' name)
        file.write(self._data)


def _common_glyphs(fontfile) -> frozenset:
    from matplotlib.font_manager import get_font

    key = (str(fontfile), fontfile.face_index)
    if key not in _COMMON_GLYPHS:
        font = get_font(fontfile)
        found = (font.get_char_index(ord(c)) for c in COMMON_TEXT)
        _COMMON_GLYPHS[key] = frozenset(g for g in found if g)
    return _COMMON_GLYPHS[key]


def _make_subset(original, fontfile, glyphs: frozenset) -> tuple[bytes, dict]:
    with original(fontfile, sorted(glyphs)) as made:
        buffer = BytesIO()
        made.font.save(buffer, reorderTables=False)
        return buffer.getvalue(), dict(made.glyph_index_map)


def install() -> None:
    """Route matplotlib's PDF font subsetting through the shared glyph set (and, unless
    ``ECOMCASE_NO_CACHE`` is set, a per-process memo of the subsets made). Called
    before each PDF is saved; the first call installs it."""
    from matplotlib.backends import _backend_pdf_ps

    if hasattr(_backend_pdf_ps.get_glyphs_subset, "__wrapped__"):
        return  # installed already
    original = _backend_pdf_ps.get_glyphs_subset

    @contextlib.contextmanager
    def get_glyphs_subset(fontfile, glyphs):
        wanted = frozenset(glyphs) | _common_glyphs(fontfile)
        key = (str(fontfile), fontfile.face_index, wanted)
        if os.environ.get("ECOMCASE_NO_CACHE"):
            made = _make_subset(original, fontfile, wanted)
        else:
            if key not in _SUBSETS:
                _SUBSETS[key] = _make_subset(original, fontfile, wanted)
            made = _SUBSETS[key]
        yield _Subset(made[0], made[1])

    get_glyphs_subset.__wrapped__ = original
    _backend_pdf_ps.get_glyphs_subset = get_glyphs_subset

"""PDF font embedding: one subset per font and glyph set, made once and kept.

Matplotlib embeds each font of a PDF as a subset of the glyphs the figure uses,
and builds that subset with fontTools for every figure anew (about a quarter of a
second for DejaVu Sans, most of a PDF's cost). Here every PDF embeds the subset
of a fixed set of glyphs (printable ASCII and the typographic marks the figures
use) plus whatever else the figure draws, so figures ask for the same few subsets:
each is made once per process, and kept on disk in the environment
(:func:`cache_dir`), named by the font's bytes, the glyphs and the tools' versions,
so the next notebook or build reads it.

The bytes written depend only on the font and the glyph set, never on what was
built before: a build with the memos switched off (``ECOMCASE_NO_CACHE=1``, as
``make verify`` runs) writes the same files.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import tempfile
from io import BytesIO
from pathlib import Path

from ecomcase.config import memo_dir, memos_on

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


#: The folder of kept subsets, under the environment's ``share/ecomcase``.
FOLDER = "pdf-font-subsets"


def cache_dir() -> Path:
    """Where subsets are kept between processes: inside the environment that holds the
    fonts and fontTools (:func:`ecomcase.config.memo_dir`), so a rebuild of the reports
    (which deletes them) still finds them."""
    return memo_dir(FOLDER)


def _disk_key(fontfile, glyphs: frozenset) -> str:
    """The subset's name on disk: the font's bytes, face and glyphs, and the versions of
    the tools that make it."""
    import fontTools
    import matplotlib

    digest = hashlib.sha256(_font_digest(str(fontfile)))
    text = f"{fontfile.face_index}|{fontTools.version}|{matplotlib.__version__}|"
    digest.update((text + ",".join(map(str, sorted(glyphs)))).encode())
    return digest.hexdigest()


@functools.cache
def _font_digest(path: str) -> bytes:
    return hashlib.sha256(Path(path).read_bytes()).digest()


def _from_disk(key: str) -> tuple[bytes, dict] | None:
    folder = cache_dir()
    try:
        data = (folder / f"{key}.ttf").read_bytes()
        mapping = json.loads((folder / f"{key}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data, {int(k): v for k, v in mapping.items()}


def _to_disk(key: str, made: tuple[bytes, dict]) -> None:
    """Keep ``made`` for other processes; a folder that cannot be written is no error."""
    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # the map first: a reader finding the font finds its map too
        for name, content in (
            (f"{key}.json", json.dumps({str(k): v for k, v in made[1].items()}).encode()),
            (f"{key}.ttf", made[0]),
        ):
            with tempfile.NamedTemporaryFile(dir=folder, delete=False) as handle:
                handle.write(content)
            os.replace(handle.name, folder / name)
    except OSError:
        return


def _subset(original, fontfile, wanted: frozenset) -> tuple[bytes, dict]:
    """The subset of ``wanted`` glyphs: from this process's memo, the disk, or made."""
    key = (str(fontfile), fontfile.face_index, wanted)
    if key not in _SUBSETS:
        disk = _disk_key(fontfile, wanted)
        made = _from_disk(disk)
        if made is None:
            made = _make_subset(original, fontfile, wanted)
            _to_disk(disk, made)
        _SUBSETS[key] = made
    return _SUBSETS[key]


def install() -> None:
    """Route matplotlib's PDF font subsetting through the shared glyph set and, unless
    ``ECOMCASE_NO_CACHE`` is set, the memo of subsets made (this process's, then the
    environment's folder). Called before each PDF is saved; the first call installs it."""
    from matplotlib.backends import _backend_pdf_ps

    if hasattr(_backend_pdf_ps.get_glyphs_subset, "__wrapped__"):
        return  # installed already
    original = _backend_pdf_ps.get_glyphs_subset

    @contextlib.contextmanager
    def get_glyphs_subset(fontfile, glyphs):
        wanted = frozenset(glyphs) | _common_glyphs(fontfile)
        if memos_on():
            made = _subset(original, fontfile, wanted)
        else:
            made = _make_subset(original, fontfile, wanted)
        yield _Subset(made[0], made[1])

    get_glyphs_subset.__wrapped__ = original
    _backend_pdf_ps.get_glyphs_subset = get_glyphs_subset

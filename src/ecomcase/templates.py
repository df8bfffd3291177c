"""Compiled Jinja2 templates kept between processes.

Every step that writes HTML compiles its templates from source first: the run
step's nbconvert exporter (ten templates, about 0.2 s in each of the four run
steps) and the report's pages. Jinja2 keeps what it compiled in a bytecode cache
named by the template; each entry carries the template source's checksum and
Jinja2's and Python's versions, and is compiled anew when any of them differs.
The cache lives with the other memos in the environment
(:func:`ecomcase.config.memo_dir`); with the memos off (``ECOMCASE_NO_CACHE``, as
``make verify`` runs) templates are compiled from source. The HTML is the same
either way.
"""

from __future__ import annotations

import contextlib

import jinja2

from ecomcase.config import memo_dir, memos_on

#: The cache's folder under the environment's memos.
FOLDER = "jinja2-bytecode"


class _KeptBytecode(jinja2.FileSystemBytecodeCache):
    """Jinja2's file cache, for which a folder that cannot be written is no error."""

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def bytecode_cache() -> jinja2.BytecodeCache | None:
    """The cache for a Jinja2 environment's ``bytecode_cache``; None when the memos are
    off or its folder cannot be made."""
    if not memos_on():
        return None
    folder = memo_dir(FOLDER)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return _KeptBytecode(str(folder))

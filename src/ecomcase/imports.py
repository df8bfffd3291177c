"""Imports kept cheap where the package's processes start."""

from __future__ import annotations

import sys


def skip_unused_format_checker() -> None:
    """Keep jsonschema from importing ``rfc3987_syntax`` in this process.

    nbformat (through papermill) and frictionless import jsonschema, which imports
    ``rfc3987_syntax`` when it is installed (jupyterlab brings it) to check the
    'iri' string format; that package compiles a grammar at import, about 1.5 s
    here, and neither notebook nor data validation uses the format. Marking the
    module absent makes jsonschema skip that one checker, in this process only;
    once jsonschema is imported this changes nothing.
    """
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)

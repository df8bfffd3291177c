"""Imports kept cheap where the package's processes start."""

from __future__ import annotations

import sys
from types import ModuleType


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


#: Modules seaborn imports at start only for what the package never draws: kernel
#: density (scipy.stats, about 0.9 s to import) and clustered heatmaps (scipy.cluster).
SEABORN_OPTIONAL = ("scipy.stats", "scipy.cluster")


def seaborn() -> ModuleType:
    """seaborn, imported without its optional scipy parts (:data:`SEABORN_OPTIONAL`).

    seaborn supports running without scipy: it then estimates densities with its
    own copy of scipy's ``gaussian_kde`` and refuses clustered heatmaps. Those
    modules are marked absent while seaborn is imported, and only then; a later
    ``import scipy.stats`` (notebook 03's tests) loads it as usual. The heatmap
    of notebook 04, the one seaborn figure, uses neither, and is byte-identical.
    """
    if "seaborn" in sys.modules:
        return sys.modules["seaborn"]
    absent = [name for name in SEABORN_OPTIONAL if name not in sys.modules]
    for name in absent:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        import seaborn
    finally:
        for name in absent:
            if sys.modules.get(name, False) is None:
                del sys.modules[name]
    return seaborn

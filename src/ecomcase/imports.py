"""Imports kept cheap where the package's processes start."""

from __future__ import annotations

import sys
from types import ModuleType

#: Modules jsonschema imports, when installed (jupyterlab brings them), only to check
#: string formats: 'iri' (rfc3987_syntax compiles a grammar at import, about 1.5 s
#: here), 'duration' (isoduration, with arrow), 'uri' and 'date-time' validators,
#: 'color', 'uri-template', 'hostname', 'json-pointer'. About 0.05 s together besides
#: the grammar, in every process that imports nbformat or frictionless.
FORMAT_CHECKER_MODULES = (
    "rfc3987_syntax",
    "isoduration",
    "rfc3986_validator",
    "rfc3339_validator",
    "webcolors",
    "uri_template",
    "fqdn",
    "jsonpointer",
)


def skip_unused_format_checker() -> None:
    """Keep jsonschema from importing :data:`FORMAT_CHECKER_MODULES` in this process.

    nbformat (through papermill) and frictionless import jsonschema, which imports
    each of these modules it finds installed to check one string format; neither
    notebook nor data validation checks formats. Marking the modules absent makes
    jsonschema skip those checkers, in this process only (nothing else here imports
    them); once jsonschema is imported this changes nothing.
    """
    if "jsonschema" not in sys.modules:
        for name in FORMAT_CHECKER_MODULES:
            sys.modules.setdefault(name, None)  # type: ignore[arg-type]


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

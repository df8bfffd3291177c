"""Every path the package reads or writes, in one place.

The project root is the repository that holds ``params/`` and ``data/``. It is
found from this file (src layout, editable install) unless ``ECOMCASE_ROOT``
points elsewhere, which tests use to build a case in a temporary copy.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from ecomcase.errors import CaseError

PROJ_ROOT = Path(os.environ.get("ECOMCASE_ROOT", Path(__file__).resolve().parents[2])).resolve()
PARAMS_DIR = PROJ_ROOT / "params"
RAW_DATA_DIR = PROJ_ROOT / "data" / "raw"
PROCESSED_DATA_DIR = PROJ_ROOT / "data" / "processed"
REPORTS_DIR = PROJ_ROOT / "reports"
NOTEBOOKS_DIR = PROJ_ROOT / "notebooks"

#: The pipeline's notebooks, in run order. 02-04 depend on 01 only.
NOTEBOOKS = (
    "01_data_cleaning",
    "02_strategic_analysis",
    "03_internationalization_timeline",
    "04_fuzzy_evaluation",
)

#: Set (to anything but ""): the build's memos are ignored, as ``make verify`` runs: the
#: PDF font subsets, the gate's list of clean raw files, the thesis kit's LaTeX aux file,
#: the compiled page templates.
NO_CACHE_ENV = "ECOMCASE_NO_CACHE"
#: The folder of the memos kept in the environment (:func:`memo_dir`), when set.
CACHE_DIR_ENV = "ECOMCASE_CACHE_DIR"
#: Set (to anything but "" or "0"): every figure's layout, measured without drawing the
#: figure, is checked against the figure drawn (``ecomcase.plots``); ``make verify``
#: and the tests' builds set it.
LAYOUT_CHECK_ENV = "ECOMCASE_CHECK_LAYOUT"

CASE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


@dataclass(frozen=True)
class CasePaths:
    """Where one case's inputs and outputs live."""

    case: str

    @property
    def params_file(self) -> Path:
        return PARAMS_DIR / f"{self.case}.yaml"

    @property
    def raw(self) -> Path:
        return RAW_DATA_DIR / self.case

    @property
    def processed(self) -> Path:
        return PROCESSED_DATA_DIR / self.case

    @property
    def reports(self) -> Path:
        return REPORTS_DIR / self.case

    @property
    def figures(self) -> Path:
        return self.reports / "figures"

    @property
    def tables(self) -> Path:
        return self.reports / "tables"

    @property
    def executed_notebooks(self) -> Path:
        return self.reports / "notebooks"

    @property
    def build(self) -> Path:
        """Per-notebook fragments (artifacts, numbers, claims) merged by the report step."""
        return self.reports / ".build"

    def fragment(self, notebook: str) -> Path:
        return self.build / f"{notebook}.json"

    def notebook_params(self, notebook: str) -> Path:
        return self.build / "params" / f"{notebook}.json"

    def timings(self, step: str) -> Path:
        """Seconds the last run of ``step`` took, by part (``make bench`` reads them)."""
        return self.build / "timings" / f"{step}.json"


def memos_on() -> bool:
    """Whether the build may reuse what an earlier step or build kept (see NO_CACHE_ENV)."""
    return not os.environ.get(NO_CACHE_ENV)


def memo_dir(name: str) -> Path:
    """The folder of one kind of memo kept between processes and builds: inside the
    environment whose tools made it (``<venv>/share/ecomcase/<name>``), so deleting the
    reports keeps it and a new environment starts without; ``ECOMCASE_CACHE_DIR``
    replaces ``<venv>/share/ecomcase``."""
    override = os.environ.get(CACHE_DIR_ENV)
    return (Path(override) if override else Path(sys.prefix) / "share" / "ecomcase") / name


def case_paths(case: str) -> CasePaths:
    """Paths of ``case``; the name must be a plain identifier (no paths, no dots)."""
    if not isinstance(case, str) or not CASE_NAME.match(case):
        raise CaseError(
            f"case name {case!r} is not a plain identifier "
            "(lower-case letters, digits and '_', starting with a letter)"
        )
    return CasePaths(case)


def known_cases() -> list[str]:
    return sorted(p.stem for p in PARAMS_DIR.glob("*.yaml"))


def resolve_case(case: str | None) -> str:
    """``case``; when None (a notebook opened in JupyterLab), ``$ECOMCASE_CASE``
    (``make lab CASE=<case>`` sets it), else the first case under ``params/``."""
    if case is not None:
        return case
    if os.environ.get("ECOMCASE_CASE"):
        return os.environ["ECOMCASE_CASE"]
    cases = known_cases()
    if not cases:
        raise CaseError(f"no case: {PARAMS_DIR} holds no <case>.yaml")
    return cases[0]

"""What a notebook produces: figures, tables, numbers and processed data.

A notebook opens an :class:`Outputs`, adds to it, and calls :meth:`Outputs.publish`
in its last cell. Everything is written to a staging folder first; ``publish``
moves it into ``reports/<case>/`` (and ``data/processed/<case>/`` for notebook
01) and records a fragment that the report step merges into ``manifest.json``
and ``numbers.json``. A notebook that fails before ``publish`` leaves the
previous good outputs exactly as they were.
"""

from __future__ import annotations

import json
import math
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ecomcase import print_size
from ecomcase.build import background, timings
from ecomcase.build.params import load_params
from ecomcase.config import CasePaths, case_paths, resolve_case
from ecomcase.fileio import atomic_write_text, write_json
from ecomcase.tables import save_table

if TYPE_CHECKING:
    from matplotlib.figure import Figure


@dataclass(frozen=True)
class Skipped:
    """A section the case cannot produce: shows as 'not available for this case:
    <reason>' in a notebook and is recorded for the report."""

    title: str
    reason: str

    def _repr_markdown_(self) -> str:
        return f"*{self.title}: not available for this case: {self.reason}.*"


def _show_png(path: Path, placeholder: Any = None) -> None:
    """Show a saved PNG in the running notebook, where the figure is made, or in the
    ``placeholder`` from :func:`_placeholder` (nothing outside a kernel)."""
    try:
        from IPython import get_ipython
        from IPython.display import Image, display
    except ImportError:  # pragma: no cover - IPython comes with the kernel
        return
    image = Image(data=path.read_bytes(), format="png", width=720)
    if placeholder is not None:
        placeholder.update(image)
    elif get_ipython() is not None:
        display(image)


def _placeholder(title: str) -> Any:
    """A display where a figure written meanwhile will be shown (None outside a kernel)."""
    try:
        from IPython import get_ipython
        from IPython.display import Markdown, display
    except ImportError:  # pragma: no cover - IPython comes with the kernel
        return None
    if get_ipython() is None:
        return None
    return display(Markdown(f"*{title}: being drawn*"), display_id=True)


def _plain(value: Any) -> Any:
    """NumPy scalars and arrays as plain JSON values."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


@dataclass
class Outputs:
    """Collects one notebook's outputs for one case."""

    case: str
    notebook: str
    params: dict[str, Any] = field(init=False)
    paths: CasePaths = field(init=False)
    artifacts: list[dict[str, Any]] = field(default_factory=list)
    numbers: dict[str, dict[str, Any]] = field(default_factory=dict)
    processed: list[str] = field(default_factory=list)
    coding: dict[str, Any] | None = None
    evidence_rows: dict[str, list[str]] = field(default_factory=dict)
    #: seconds per artifact and part (layout, each format, tables), for `make bench`
    seconds: dict[str, dict[str, float]] = field(default_factory=dict)
    _writer: background.Writer = field(init=False, repr=False)

    def __post_init__(self) -> None:
        background.settle()
        # None: a notebook opened in JupyterLab (see config.resolve_case)
        self.case = resolve_case(self.case)
        self.paths = case_paths(self.case)
        self.params = load_params(self.case, check_sections=False)
        print_size.configure(
            self.params.get("figure_width_cm", print_size.TEXT_WIDTH_CM),
            self.params.get("figure_titles", False),
        )
        if self.stage.exists():
            shutil.rmtree(self.stage)
        self.stage.mkdir(parents=True)
        self._writer = background.Writer(self.stage / ".children")

    @property
    def stage(self) -> Path:
        return self.paths.build / "stage" / self.notebook

    def _artifact(self, artifact_id: str, title: str, reproduces: str | None) -> dict:
        if any(a["id"] == artifact_id for a in self.artifacts):
            raise ValueError(f"artifact id '{artifact_id}' is used twice in {self.notebook}")
        entry = {
            "id": artifact_id,
            "title": title,
            "reproduces": reproduces,
            "notebook": self.notebook,
            "files": [],
        }
        self.artifacts.append(entry)
        return entry

    def _staged(self, entry: dict, written: list[Path]) -> None:
        entry["files"] += [p.relative_to(self.stage).as_posix() for p in written]

    def figure(
        self,
        artifact_id: str,
        fig: Figure,
        title: str,
        reproduces: str | None = None,
        table: pd.DataFrame | None = None,
        note: str | None = None,
        size: str = "full",
    ) -> None:
        """Save ``fig`` in the case's formats (and the table behind it) as one artifact,
        at its print ``size`` ("full" or "half" text width) with ``note`` (where its
        data come from, :meth:`source_note`) below it."""
        entry = self._artifact(artifact_id, title, reproduces)
        started = time.perf_counter()
        import matplotlib.pyplot as plt

        from ecomcase import plots

        box = plots.finish(fig, note, size)
        seconds = self.seconds.setdefault(artifact_id, {"layout": time.perf_counter() - started})
        stem = self.stage / "figures" / artifact_id
        formats, dpi = self.params["figure_formats"], self.params["figure_dpi"]
        here, later = background.split(formats)
        written = plots.save_figure(fig, stem, here, dpi, box, seconds)
        png = stem.with_suffix(f".{background.SHOWN}")
        if background.SHOWN in here:
            _show_png(png)
        shown = _placeholder(title) if background.SHOWN in later else None
        then = (lambda: _show_png(png, shown)) if shown is not None else None
        written += self._writer.save(artifact_id, fig, stem, later, dpi, box, then)
        self._staged(entry, sorted(written, key=lambda p: formats.index(p.suffix[1:])))
        if table is not None:
            started = time.perf_counter()
            self._staged(entry, save_table(table, self.stage / "tables" / artifact_id, title))
            seconds["table"] = time.perf_counter() - started
        plt.close(fig)

    def source_note(
        self, resource: str, count: int | None = None, unit: str = "rows", extra: str = ""
    ) -> str:
        """A figure's source line from the case's data package: "Data: <the resource's
        sources>, <count> <unit>; <file>" (``extra`` after the file)."""
        package = json.loads((self.paths.raw / "datapackage.json").read_text(encoding="utf-8"))
        found = next((r for r in package.get("resources", []) if r.get("name") == resource), {})
        sources = [_short_source(s.get("title", "")) for s in found.get("sources", [])]
        text = "; ".join(s for s in sources if s) or "the case's data"
        what = text
        if count is not None:
            what += f", {count} {unit}"
        return f"Data: {what}; {found.get('path', resource)}" + (f". {extra}" if extra else "")

    def table(
        self, artifact_id: str, table: pd.DataFrame, title: str, reproduces: str | None = None
    ) -> None:
        """Save ``table`` as CSV, Markdown and LaTeX as one artifact."""
        entry = self._artifact(artifact_id, title, reproduces)
        started = time.perf_counter()
        self._staged(entry, save_table(table, self.stage / "tables" / artifact_id, title))
        self.seconds[artifact_id] = {"table": time.perf_counter() - started}

    def skip(
        self, artifact_id: str, title: str, reason: str, reproduces: str | None = None
    ) -> Skipped:
        """Record an artifact this case cannot produce, and why (the report shows it);
        returns what the notebook shows in its place."""
        entry = self._artifact(artifact_id, title, reproduces)
        entry["skipped"] = reason
        return Skipped(title, reason)

    def number(
        self, key: str, value: Any, unit: str = "", description: str = "", decimals: int = 2
    ) -> Any:
        """Record a number that text may quote; returns the value for display."""
        if key in self.numbers:
            raise ValueError(f"number '{key}' is recorded twice in {self.notebook}")
        self.numbers[key] = {
            "value": _plain(value),
            "unit": unit,
            "description": description,
            "decimals": decimals,
            "notebook": self.notebook,
        }
        return value

    def multiverse(self, record: dict[str, Any]) -> None:
        """Record the coding multiverse (:func:`ecomcase.timeline.coding.as_record`)
        for the report's claim columns; NaN values are stored as null."""
        self.coding = {**record, "values": {k: _plain(v) for k, v in record["values"].items()}}

    def rows(self, rows: dict[str, list[str]]) -> None:
        """Record the data rows (ids) behind numbers, for the claims that quote them."""
        self.evidence_rows.update(rows)

    def settings(self, namespace: dict[str, Any]) -> dict[str, Any]:
        """Every parameter of this notebook (``NOTEBOOK_PARAMETERS``), from the
        notebook's ``namespace`` (its parameters cell, papermill's injected values),
        each left at None read from ``params/<case>.yaml``."""
        from ecomcase.build.params import NOTEBOOK_PARAMETERS

        return {
            name: self.setting(name, namespace.get(name))
            for name in NOTEBOOK_PARAMETERS[self.notebook]
        }

    def setting(self, name: str, value: Any) -> Any:
        """A notebook parameter, or its value in ``params/<case>.yaml`` when left at None."""
        if value is not None:
            return value
        return self.params["notebooks"].get(self.notebook, {}).get(name)

    def record(self, numbers: list[tuple[str, Any, str, str]], decimals: int = 4) -> None:
        """Record several ``(key, value, unit, description)`` numbers."""
        for key, value, unit, description in numbers:
            self.number(key, value, unit, description, decimals)

    def write_processed_all(self, cleaned: dict[str, Any]) -> None:
        """Stage every processed dataset of ``cleaned`` (name -> table or document)."""
        for name, table in cleaned.items():
            self.write_processed(name, table)

    def write_processed(self, name: str, table: pd.DataFrame | dict | list) -> None:
        """Stage one processed dataset (CSV for a table, JSON otherwise)."""
        folder = self.stage / "processed"
        folder.mkdir(parents=True, exist_ok=True)
        if isinstance(table, pd.DataFrame):
            path = folder / f"{name}.csv"
            atomic_write_text(path, table.to_csv(index=False, lineterminator="\n"))
        else:
            path = folder / f"{name}.json"
            write_json(path, table)
        self.processed.append(path.name)

    def publish(self) -> dict[str, Any]:
        """Move staged files into place and record this notebook's fragment."""
        for artifact_id, seconds in self._writer.wait().items():
            self.seconds.setdefault(artifact_id, {}).update(seconds)
        previous = _read_fragment(self.paths.fragment(self.notebook))
        staged_files = [f for a in self.artifacts for f in a["files"]]
        for rel in staged_files:
            target = self.paths.reports / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            (self.stage / rel).replace(target)
        stale = {f for a in previous.get("artifacts", []) for f in a["files"]} - set(staged_files)
        for rel in stale:
            (self.paths.reports / rel).unlink(missing_ok=True)
        if self.processed:
            _swap_dir(self.stage / "processed", self.paths.processed)
        fragment = {
            "notebook": self.notebook,
            "artifacts": self.artifacts,
            "numbers": self.numbers,
            "processed": sorted(self.processed),
        }
        if self.coding is not None:
            fragment["multiverse"] = self.coding
        if self.evidence_rows:
            fragment["rows"] = self.evidence_rows
        write_json(self.paths.fragment(self.notebook), fragment)
        shutil.rmtree(self.stage, ignore_errors=True)
        timings.Stopwatch().write(self.case, f"artifacts-{self.notebook}", artifacts=self.seconds)
        return fragment

    def summary(self) -> Any:
        """The artifacts written so far, for display at the end of a notebook."""
        rows = [
            {"id": a["id"], "reproduces": a["reproduces"] or "(new)", "files": len(a["files"])}
            for a in self.artifacts
        ]
        from ecomcase.display import display_table

        return display_table(pd.DataFrame(rows, columns=["id", "reproduces", "files"]))


def _short_source(title: str) -> str:
    """A data package source title without its bookkeeping ("one per row (...)")."""
    import re

    return re.split(r",? one per row|; locations given", title)[0].strip().rstrip(",;")


def _read_fragment(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def _swap_dir(new: Path, target: Path) -> None:
    """Replace folder ``target`` by ``new`` with two renames (never half-written)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    old = target.with_name(f".{target.name}.old")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        target.rename(old)
    shutil.move(str(new), str(target))
    if old.exists():
        shutil.rmtree(old)

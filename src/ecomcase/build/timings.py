"""Where a build spends its time: each step writes the seconds of its parts.

Timings go to ``reports/<case>/.build/timings/<step>.json``, outside the manifest
(they differ from run to run); ``make bench`` reads them to print its profile.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ecomcase.config import case_paths
from ecomcase.fileio import atomic_write_text


class Stopwatch:
    """Named parts of one step, timed with :meth:`part`; :meth:`write` stores them."""

    def __init__(self) -> None:
        self.parts: dict[str, float] = {}

    @contextmanager
    def part(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.parts[name] = self.parts.get(name, 0.0) + time.perf_counter() - started

    def write(self, case: str, step: str, **extra: Any) -> None:
        record = {"step": step, "seconds": self.parts, **extra}
        path = case_paths(case).timings(step)
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, json.dumps(record, indent=1, sort_keys=True) + "\n")


def cell_seconds(notebook: Any) -> list[tuple[str, float]]:
    """(first line, seconds) of each code cell papermill ran in an executed ``notebook``."""
    found = []
    for cell in notebook.cells:
        duration = cell.get("metadata", {}).get("papermill", {}).get("duration")
        if cell.cell_type == "code" and duration is not None:
            first = next((line for line in cell.source.splitlines() if line.strip()), "")
            found.append((first[:60], float(duration)))
    return found


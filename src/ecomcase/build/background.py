"""Files written by a forked child while the step goes on, on the core it leaves idle.

A figure is laid out and shown in the notebook (its PNG) by the notebook's own
process; its other formats (SVG, PDF) need nothing from the notebook but the
figure, so a forked child writes them while the next cells run, on the core the
notebook leaves idle. The child is a copy of the process at the moment of the
fork: the same figure, style and fonts, hence the same bytes as a serial save
(a test compares them).

In a build's kernel (``ECOMCASE_BATCH``, set by the run step) the PNG is written by
the child too: the notebook shows a placeholder where the figure belongs and
replaces it with the PNG when the child is done (at the latest when the notebook
publishes; papermill records the replacement in that same place). A kernel a
person works in shows each PNG as its cell runs.

The report step writes the thesis kit's Word file the same way (:meth:`Writer.start`).

A child's work comes in parts (a figure's: one per format). The child takes them
first to last; the step, when it would otherwise wait for that child (for a free
slot, or at the end), takes the parts the child has not begun, last first, and
writes them itself. Each part is claimed once, by an exclusive file, so it is
written once, and by the same code on the same state either way.

Forking is used on Linux only (macOS's system libraries are not fork-safe,
Windows has no fork), with more than one core, and unless ``ECOMCASE_SERIAL``
is set; otherwise the files are written in place, one after another.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ecomcase.errors import EcomcaseError

#: Set (to anything but "" or "0"): every file is written by the step's own process.
SERIAL_ENV = "ECOMCASE_SERIAL"
#: Set to "1" in the kernel of a build's run step (see :func:`split`).
BATCH_ENV = "ECOMCASE_BATCH"
#: The format a notebook shows.
SHOWN = "png"


class WriteError(EcomcaseError):
    """A child process failed to write its files."""


def forking() -> bool:
    """Whether figure files may be written by forked children here."""
    serial = os.environ.get(SERIAL_ENV, "") not in ("", "0")
    return sys.platform == "linux" and (os.cpu_count() or 1) > 1 and not serial


def split(formats: list[str]) -> tuple[list[str], list[str]]:
    """The formats to write here and now, and those a child writes meanwhile: all here
    without forking; all in the child in a build; else the shown one here."""
    if not forking():
        return list(formats), []
    if os.environ.get(BATCH_ENV) == "1":
        return [], list(formats)
    return [f for f in formats if f == SHOWN], [f for f in formats if f != SHOWN]


#: One part of a child's work: ``part(seconds)`` writes files, noting the seconds taken.
Part = Callable[[dict[str, float]], Any]


@dataclass
class _Child:
    pid: int
    name: str
    report: Path
    then: Callable[[], None] | None
    label: str  # what the child writes, as an error names it
    parts: list[Part]
    claims: list[Path]  # one per part: whoever creates it writes the part


#: Writers of this process whose children may still run (see :func:`settle`).
_WRITERS: list[Writer] = []


def settle() -> None:
    """Wait for the children of every writer of this process, their errors ignored: a
    notebook that starts again (its set-up cell rerun) abandons the earlier outputs,
    and their children must not write into its fresh staging folder."""
    while _WRITERS:
        writer = _WRITERS.pop()
        with contextlib.suppress(WriteError):
            writer.wait(take_over=False)


@dataclass
class Writer:
    """Writes files in forked children, at most ``limit`` at a time; the children's
    reports (seconds per part, or the error) go to ``folder``."""

    folder: Path
    limit: int = max(1, (os.cpu_count() or 1) - 1)

    def __post_init__(self) -> None:
        self._running: list[_Child] = []
        self.seconds: dict[str, dict[str, float]] = {}
        _WRITERS.append(self)

    def save(
        self,
        artifact: str,
        fig: Any,
        stem: Path,
        formats: list[str],
        dpi: int,
        box: Any,
        then: Callable[[], None] | None = None,
    ) -> list[Path]:
        """Start writing ``fig`` as ``stem.<fmt>`` for each format; returns the paths it
        will have written once :meth:`wait` returns. ``then`` is called here once the
        child has written them. ``fig`` is left as it is from here on (the step closes
        it): the formats the child has not begun may yet be written from it here."""
        from ecomcase import plots

        paths = [stem.with_suffix(f".{fmt}") for fmt in formats]
        if formats:
            _prepare(formats)

            def one_format(fmt: str) -> Part:
                return lambda seconds: plots.save_figure(fig, stem, [fmt], dpi, box, seconds)

            self.start_parts(
                artifact, [one_format(f) for f in formats], then, label=f"figure '{artifact}'"
            )
        return paths

    def start(
        self,
        name: str,
        work: Part,
        then: Callable[[], None] | None = None,
        label: str | None = None,
    ) -> None:
        """Run ``work(seconds)`` (which writes files, and may note the seconds its parts
        took) in a forked child; ``then`` is called here once it has succeeded; an error
        names ``label`` (default: the name)."""
        self.start_parts(name, [work], then, label)

    def start_parts(
        self,
        name: str,
        parts: list[Part],
        then: Callable[[], None] | None = None,
        label: str | None = None,
    ) -> None:
        """:meth:`start` for work in ``parts``: those the child has not begun when this
        process would wait for it are written here (see the module's docstring)."""
        while len(self._running) >= self.limit:
            self._reap(self._running[0])
        self.folder.mkdir(parents=True, exist_ok=True)
        report = self.folder / f"{name}.json"
        report.unlink(missing_ok=True)
        claims = [self.folder / f"{name}.{i}.claim" for i in range(len(parts))]
        for claim in claims:
            claim.unlink(missing_ok=True)
        with warnings.catch_warnings():
            # Python 3.12+ warns that a fork of a process with threads (the kernel's
            # message threads) may deadlock in the child. This child takes no lock those
            # threads use: it renders, writes files and a report, and leaves by _exit,
            # with its output streams replaced before anything is written to them.
            warnings.filterwarnings("ignore", r".*multi-threaded.*fork", DeprecationWarning)
            pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child, which ends in os._exit
            _child(report, list(zip(parts, claims, strict=True)))
        self._running.append(
            _Child(pid, name, report, then, label or f"'{name}'", parts, claims)
        )

    def wait(self, take_over: bool = True) -> dict[str, dict[str, float]]:
        """Wait for every child (writing here the parts it has not begun, unless not
        ``take_over``); raise :class:`WriteError` naming what it wrote when one failed.
        Returns the seconds per name (a figure's: per format) the children took."""
        errors = []
        while self._running:
            try:
                self._reap(self._running[0], take_over)
            except WriteError as exc:
                errors.append(str(exc))
        if errors:
            raise WriteError("\n".join(errors))
        return self.seconds

    def _reap(self, child: _Child, take_over: bool = True) -> None:
        self._running.remove(child)
        seconds, error = _take_over(child) if take_over else ({}, None)
        _, status = os.waitpid(child.pid, 0)
        for claim in child.claims:
            claim.unlink(missing_ok=True)
        report = {}
        if child.report.is_file():
            report = json.loads(child.report.read_text(encoding="utf-8"))
            child.report.unlink()
        if error is None and (os.waitstatus_to_exitcode(status) != 0 or "error" in report):
            error = report.get("error", f"the child process ended with status {status}")
        if error is not None:
            raise WriteError(f"{child.label} could not be written:\n{error}")
        self.seconds[child.name] = {**report.get("seconds", {}), **seconds}
        if child.then is not None:
            child.then()


def _claim(path: Path) -> bool:
    """Whether this process is the first to claim ``path`` (created if so)."""
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return False
    return True


def _take_over(child: _Child) -> tuple[dict[str, float], str | None]:
    """Write here, last first, the parts of ``child`` it has not begun; stops at the
    first it has (it takes them in order). Returns their seconds and the error of a
    part that failed here."""
    seconds: dict[str, float] = {}
    for part, claim in reversed(list(zip(child.parts, child.claims, strict=True))):
        if not _claim(claim):
            break
        try:
            part(seconds)
        except Exception:  # noqa: BLE001 - reported as the child's would be
            return seconds, traceback.format_exc()
    return seconds, None


def _prepare(formats: list[str]) -> None:
    """Import the formats' matplotlib backends (and the PDF font memo) here, once,
    rather than in every child."""
    from matplotlib.backend_bases import get_registered_canvas_class

    from ecomcase import pdf_fonts

    for fmt in formats:
        get_registered_canvas_class(fmt)  # imports the backend
        if fmt == "pdf":
            pdf_fonts.install()


def _child(report: Path, parts: list[tuple[Part, Path]]) -> None:  # pragma: no cover
    """Run each part of the work not claimed by the parent, in a forked child, and
    leave; never returns."""
    code = 1
    try:
        # the kernel's streams send through its message threads, which a child has not
        sys.stdout = sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
        seconds: dict[str, float] = {}
        for part, claim in parts:
            if _claim(claim):
                part(seconds)
        outcome: dict[str, Any] = {"seconds": seconds}
        code = 0
    except BaseException:  # noqa: BLE001 - everything goes to the parent
        outcome = {"error": traceback.format_exc()}
    try:
        report.write_text(json.dumps(outcome), encoding="utf-8")
    finally:
        os._exit(code)

"""Frictionless's check of a case's tables against their schemas, and what skips it.

The check is the slow part of validation: importing frictionless and reading
each file through it take about two thirds of ``python -m ecomcase validate``.
:func:`prefetch` starts it in a forked child at once, while the validating
process imports pandas and reads the files its own way (on the core the check
leaves idle); :func:`schema_errors` then takes each file's result from the child
(the same function, run there on the same bytes) or, without a child (no fork on
this system, or a file the child did not get), computes it here.

A file content make's gate found clean (:data:`CLEAN_READS`) skips the check.

This module imports neither pandas nor frictionless at start.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

from ecomcase.config import case_paths, memos_on

#: One error: (frictionless's error type, row, field, message).
SchemaError = tuple[str, "int | None", "str | None", str]

#: Where make's gate lists the file contents it found clean (see record_clean_reads).
CLEAN_READS = "clean-reads.json"


def clean_read_key(data: bytes, descriptor: str) -> str:
    """What a clean reading of a file depends on: its bytes, its resource descriptor,
    frictionless's version and this reading code."""
    digest = hashlib.sha256()
    for part in (data, descriptor.encode()):
        digest.update(hashlib.sha256(part).digest())
    digest.update(_reading_code())
    return digest.hexdigest()


@functools.cache
def _reading_code() -> bytes:
    """Digest of what reads a file: frictionless's version and this package's reading
    code (this module, ``dataset`` and ``reading``)."""
    digest = hashlib.sha256(_frictionless_version().encode())
    folder = Path(__file__).parent
    for module in ("schema.py", "dataset.py", "reading.py"):
        digest.update(hashlib.sha256((folder / module).read_bytes()).digest())
    return digest.digest()


def _frictionless_version() -> str:
    """frictionless's installed version, from its ``.dist-info`` folder's name when it
    sits beside the package (importlib.metadata costs more than the rest of a known-clean
    check), else from importlib.metadata."""
    from importlib.util import find_spec

    spec = find_spec("frictionless")
    if spec is not None and spec.origin:
        found = sorted(Path(spec.origin).parents[1].glob("frictionless-*.dist-info"))
        if len(found) == 1:
            return found[0].name.removeprefix("frictionless-").removesuffix(".dist-info")
    from importlib.metadata import version

    return version("frictionless")


@functools.cache
def clean_reads(build: str) -> frozenset[str]:
    """The keys make's gate listed in ``build`` (none with the memos off)."""
    if not memos_on():
        return frozenset()
    path = Path(build) / CLEAN_READS
    try:
        return frozenset(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return frozenset()


def frictionless() -> Any:
    """The frictionless package (imported without jsonschema's unused IRI grammar)."""
    from ecomcase.imports import skip_unused_format_checker

    skip_unused_format_checker()
    import frictionless as package

    return package


class CheckFailed(Exception):
    """Frictionless could not read the file as a table (its message)."""


def _check(path: str, descriptor: str) -> tuple[SchemaError, ...]:
    """Frictionless's errors for the file at ``path`` (UTF-8) under ``descriptor``;
    raises :class:`CheckFailed` when it cannot read the file as a table."""
    package = frictionless()
    resource = {**json.loads(descriptor), "encoding": "utf-8"}
    try:
        report = package.Resource(resource, basepath=str(Path(path).parent)).validate()
    except package.FrictionlessException as exc:
        raise CheckFailed(str(exc)) from None
    return tuple(
        (
            error.type,
            getattr(error, "row_number", None),
            getattr(error, "field_name", None) or None,
            _message(error),
        )
        for task in report.tasks
        for error in task.errors
    )


def schema_errors(path: str, data: bytes, descriptor: str) -> tuple[SchemaError, ...]:
    """:func:`_check` of a file whose content is ``data``: the child's result when
    :func:`prefetch` gave it this very content, else computed here."""
    found = _PREFETCH.take(clean_read_key(data, descriptor)) if _PREFETCH else None
    if found is None:
        return _check(path, descriptor)
    if "failed" in found:
        raise CheckFailed(found["failed"])
    return tuple(tuple(error) for error in found["errors"])  # type: ignore[misc]


class _Prefetch:
    """A forked child running :func:`_check` on files in order, one JSON line each."""

    def __init__(self, jobs: list[tuple[str, bytes, str]]) -> None:
        self.results: dict[str, dict[str, Any]] = {}
        read, write = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # pragma: no cover - runs in the child, which ends in os._exit
            os.close(read)
            _child(write, jobs)
        os.close(write)
        self.pipe = os.fdopen(read, encoding="utf-8")

    def take(self, key: str) -> dict[str, Any] | None:
        """The child's result for ``key``, waiting for it; None when it has none."""
        while key not in self.results and self.pipe is not None:
            line = self.pipe.readline()
            if not line:  # the child is done (or died): what is missing is computed here
                self.pipe.close()
                self.pipe = None
                os.waitpid(self.pid, 0)
                break
            found = json.loads(line)
            self.results[found.pop("key")] = found
        return self.results.get(key)


def _child(write: int, jobs: list[tuple[str, bytes, str]]) -> None:  # pragma: no cover
    code = 1
    try:
        sys.stdout = sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
        with os.fdopen(write, "w", encoding="utf-8") as out:
            for path, data, descriptor in jobs:
                found: dict[str, Any] = {"key": clean_read_key(data, descriptor)}
                try:
                    found["errors"] = _check(path, descriptor)
                except CheckFailed as exc:
                    found["failed"] = str(exc)
                out.write(json.dumps(found) + "\n")
                out.flush()
        code = 0
    finally:
        os._exit(code)


_PREFETCH: _Prefetch | None = None


def prefetch(case: str) -> None:
    """Start the check of every tabular file of ``case`` the gate has not listed as
    clean in a forked child (where :func:`ecomcase.build.background.forking`; else
    nothing happens). A folder or package that cannot be read is left to the
    validation to report."""
    from ecomcase.build.background import forking

    global _PREFETCH
    if not forking() or _PREFETCH is not None:
        return
    try:
        paths = case_paths(case)
        package = json.loads((paths.raw / "datapackage.json").read_bytes().decode("utf-8"))
        resources = [r for r in package["resources"] if isinstance(r, dict) and "schema" in r]
        listed = clean_reads(str(paths.build))
        jobs = []
        for resource in resources:
            path = paths.raw / resource["path"]
            descriptor = json.dumps(resource, sort_keys=True)
            try:
                data = path.read_bytes()
                data.decode("utf-8")  # the validation stops a file that is not UTF-8 first
            except (OSError, UnicodeDecodeError):
                continue
            if clean_read_key(data, descriptor) not in listed:
                jobs.append((str(path), data, descriptor))
    except Exception:  # noqa: BLE001 - a case, folder or package in error: validation says what
        return
    if jobs:
        _PREFETCH = _Prefetch(jobs)


def _message(error: Any) -> str:
    cell = getattr(error, "cell", None)
    kind = error.type
    if kind == "type-error":
        return f"value {cell!r} is not of the expected type ({error.note})"
    if kind == "constraint-error":
        return f"value {cell!r} breaks a constraint ({error.note})"
    if kind in ("missing-label", "blank-label", "incorrect-label", "extra-label"):
        return f"header problem: {error.note or error.message}"
    if kind == "extra-cell":
        return (
            f"the row has more cells than the header (extra value {cell!r}): text holding "
            "a comma needs double quotes around it"
        )
    if kind == "missing-cell":
        return "the row has fewer cells than the header (a missing comma or a line break?)"
    if kind == "primary-key":
        return f"duplicate key ({error.note})"
    if kind == "unique-error":
        # frictionless: '... the same as in the row at position 5'
        first = re.search(r"row at position (\d+)", error.note or "")
        where = f" already on row {first.group(1)}" if first else ""
        return f"duplicate value {cell!r}{where} (must be unique)"
    return error.message

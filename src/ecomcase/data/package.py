"""A case's ``datapackage.json``: its resources and the files a build reads and writes.

Kept apart from :mod:`ecomcase.data.dataset` so that make's include file
(``python -m ecomcase inputs``) is written without importing pandas.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ecomcase.config import PROJ_ROOT, case_paths
from ecomcase.errors import DataError, Problem

PACKAGE_FILE = "datapackage.json"


def _rel(path: Path) -> str:
    try:
        return path.relative_to(PROJ_ROOT).as_posix()
    except ValueError:
        return str(path)


def read_package(case: str) -> dict[str, Any]:
    raw = case_paths(case).raw
    path = raw / PACKAGE_FILE
    if not raw.is_dir():
        raise DataError([Problem(_rel(raw), "the case's raw data folder does not exist")])
    if not path.is_file():
        raise DataError([Problem(_rel(path), "missing: every raw folder needs a datapackage.json")])
    try:
        package = json.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise DataError([Problem(_rel(path), f"not UTF-8 text ({exc.reason})")]) from None
    except json.JSONDecodeError as exc:
        raise DataError([Problem(_rel(path), f"not valid JSON ({exc})")]) from None
    if not isinstance(package, dict) or not isinstance(package.get("resources"), list):
        raise DataError([Problem(_rel(path), "needs a list of 'resources'")])
    problems = []
    names: set[str] = set()
    for i, resource in enumerate(package["resources"], 1):
        if not isinstance(resource, dict):
            problems.append(Problem(_rel(path), f"resource {i} is not a mapping"))
            continue
        name, file = resource.get("name"), resource.get("path")
        if not isinstance(name, str) or not isinstance(file, str):
            problems.append(Problem(_rel(path), f"resource {i} needs a 'name' and a 'path'"))
        elif not re.fullmatch(r"[a-z0-9][a-z0-9_.-]*", name):
            problems.append(
                Problem(
                    _rel(path),
                    f"resource name '{name}': lower-case letters, digits, '_', '.', '-' only",
                )
            )
        elif re.search(r"[/\\\s$#:%*?'\"]", file) or file.startswith("."):
            problems.append(
                Problem(
                    _rel(path),
                    f"resource '{name}': path '{file}' must name a file in {_rel(raw)} "
                    "(no folders, spaces, quotes or any of $#:%*?)",
                )
            )
        elif name in names:
            problems.append(Problem(_rel(path), f"resource name '{name}' is used twice"))
        else:
            names.add(name)
        schema = resource.get("schema")
        if schema is not None and not (
            isinstance(schema, dict)
            and isinstance(schema.get("fields"), list)
            and all(isinstance(f, dict) and isinstance(f.get("name"), str)
                    for f in schema["fields"])
        ):
            problems.append(
                Problem(_rel(path), f"resource '{name}': schema needs a list of named 'fields'")
            )
    if problems:
        raise DataError(problems)
    return package


def inputs_makefile(case: str) -> str:
    """A make include file naming the case's declared inputs and notebook 01's outputs.

    Make then stops on a deleted input (the Makefile compares RAW_INPUTS with the
    files that exist) and reruns notebook 01 when a processed file is missing,
    without starting Python on an up-to-date build.
    """
    package_file = _rel(case_paths(case).raw / PACKAGE_FILE)
    inputs = [_rel(p) for p in declared_inputs(case)]
    outputs = [_rel(p) for p in processed_outputs(case)]
    lines = [
        f"# Generated from {package_file} by `python -m ecomcase inputs`: do not edit.",
        f"RAW_INPUTS := {' '.join(inputs[1:])}",
        f"PROCESSED_OUTPUTS := {' '.join(outputs)}",
    ]
    return "\n".join(lines) + "\n"


def declared_inputs(case: str) -> list[Path]:
    """The files a case's build reads: params, datapackage.json and every resource's file."""
    paths = case_paths(case)
    package = read_package(case)
    files = [paths.params_file, paths.raw / PACKAGE_FILE]
    files += [paths.raw / r["path"] for r in package["resources"]]
    return files


def processed_outputs(case: str) -> list[Path]:
    """What notebook 01 writes for a case: a CSV per table, a JSON per YAML document."""
    paths = case_paths(case)
    out = []
    for resource in read_package(case)["resources"]:
        if "schema" in resource:
            out.append(paths.processed / f"{resource['name']}.csv")
        elif resource.get("format") == "yaml" and resource["name"] != "claims":
            out.append(paths.processed / f"{resource['name']}.json")
    return out

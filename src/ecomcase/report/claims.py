"""Claims of the source documents, checked against computed numbers.

Each case lists its claims in ``data/raw/<case>/claims.yaml``; a claim names
the computed number it is checked against (a key of ``numbers.json``). The
check is the same for every claim: ``reproduced`` when the computed value is
within the claim's absolute tolerance of the stated one, ``differs`` when it is
not, ``not_checkable`` when no number can be computed for it (the claim then
says why in ``reason``).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from ecomcase.errors import DataError, ParamsError, Problem

COLUMNS = [
    "id",
    "source",
    "location",
    "quantity",
    "stated",
    "reproduced",
    "unit",
    "tolerance",
    "status",
    "note",
    "specifications_supporting",
    "nearest_supporting_specification",
]
STATUSES = ("reproduced", "differs", "not_checkable")
_REQUIRED = ("id", "source", "location", "quantity", "stated")


def load_claims(path: Path, documents: set[str] | None = None) -> list[dict[str, Any]]:
    """Read and validate a claims YAML file (a list of mappings)."""
    if not path.is_file():
        return []
    try:
        claims = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except yaml.YAMLError as exc:
        raise DataError([Problem(str(path), f"not valid YAML ({exc})")]) from None
    if not isinstance(claims, list):
        raise DataError([Problem(str(path), "expected a list of claims")])
    problems, seen = [], set()
    for row, claim in enumerate(claims, 1):
        if not isinstance(claim, dict):
            problems.append(Problem(str(path), "expected a mapping", row))
            continue
        for key in _REQUIRED:
            if claim.get(key) in (None, ""):
                problems.append(Problem(str(path), "is required", row, key))
        if claim.get("id") in seen:
            problems.append(Problem(str(path), f"duplicate claim id '{claim['id']}'", row, "id"))
        seen.add(claim.get("id"))
        if documents is not None and claim.get("source") not in documents:
            problems.append(
                Problem(
                    str(path),
                    f"unknown document '{claim.get('source')}' (known: {sorted(documents)})",
                    row,
                    "source",
                )
            )
        if "number" not in claim and not claim.get("reason"):
            problems.append(
                Problem(str(path), "needs 'number' (computed key) or a 'reason'", row, "number")
            )
        tolerance = claim.get("tolerance", 0)
        if not isinstance(tolerance, int | float) or tolerance < 0:
            problems.append(Problem(str(path), "must be a number >= 0", row, "tolerance"))
    if problems:
        raise DataError(problems)
    return claims


def check_claim(claim: dict[str, Any], numbers: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """One row of ``claims.csv`` for ``claim`` given the computed ``numbers``."""
    key = claim.get("number")
    stated = claim["stated"]
    tolerance = float(claim.get("tolerance", 0))
    row = {
        "id": claim["id"],
        "source": claim["source"],
        "location": claim["location"],
        "quantity": claim["quantity"],
        "stated": stated,
        "reproduced": None,
        "unit": claim.get("unit", ""),
        "tolerance": tolerance,
        "status": "not_checkable",
        "note": claim.get("note", ""),
    }
    if key is None:
        row["note"] = _join(claim.get("reason", ""), row["note"])
        return row
    if key not in numbers or numbers[key]["value"] is None:
        row["note"] = _join(f"no computed value for '{key}'", row["note"])
        return row
    value = numbers[key]["value"]
    row["reproduced"] = value
    if isinstance(stated, int | float) and isinstance(value, int | float):
        close = math.isclose(float(value), float(stated), rel_tol=0, abs_tol=tolerance + 1e-9)
    else:
        close = value == stated
    row["status"] = "reproduced" if close else "differs"
    return row


def _join(*parts: str) -> str:
    return "; ".join(p for p in parts if p)


def check_claims(
    claims: list[dict[str, Any]],
    numbers: dict[str, dict[str, Any]],
    multiverse: dict[str, Any] | None = None,
) -> pd.DataFrame:
    """All claims checked, as a table with the columns of ``claims.csv``; with a
    coding ``multiverse`` (see :meth:`ecomcase.build.outputs.Outputs.multiverse`),
    each claim on an event count also says under how many specifications it
    reproduces and the supporting one nearest the default."""
    rows = []
    for claim in claims:
        row = check_claim(claim, numbers)
        row.update(multiverse_support(claim, multiverse))
        rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS)


def multiverse_support(claim: dict[str, Any], multiverse: dict[str, Any] | None) -> dict[str, str]:
    """'k of n' specifications under which ``claim`` reproduces, and the supporting
    specification with the fewest switches changed from the default ('default'
    itself, 'none', or 'switch: option; ...'); blank for claims the multiverse
    does not compute."""
    key = claim.get("number")
    if multiverse is None or key not in multiverse["values"]:
        return {"specifications_supporting": "", "nearest_supporting_specification": ""}
    default = multiverse["default"]
    supporting = []
    for spec, value in zip(multiverse["specifications"], multiverse["values"][key], strict=True):
        checked = check_claim(claim, {key: {"value": value}})
        if checked["status"] == "reproduced":
            changed = [f"{s}: {spec[s]}" for s in multiverse["switches"] if spec[s] != default[s]]
            supporting.append(changed)
    total = len(multiverse["specifications"])
    nearest = "; ".join(min(supporting, key=len)) or "default" if supporting else "none"
    return {
        "specifications_supporting": f"{len(supporting)} of {total}",
        "nearest_supporting_specification": nearest,
    }


def status_counts(checked: pd.DataFrame) -> dict[str, int]:
    counts = checked["status"].value_counts()
    return {status: int(counts.get(status, 0)) for status in STATUSES}


def check_source_figures(
    source_figures: dict[str, str], artifacts: list[dict[str, Any]], parameter: str
) -> None:
    """Every key of a notebook's ``source_figures`` must be an artifact id it recorded.

    ``source_figures`` maps artifact ids to the source document's figure or table
    (``{"events_per_year": "paper Figure 4"}``); a misspelled id would silently
    drop that label from the report, so it stops the notebook instead.
    """
    ids = [a["id"] for a in artifacts]
    unknown = sorted(set(source_figures) - set(ids))
    if unknown:
        raise ParamsError(
            f"{parameter}: no artifact with id {', '.join(map(repr, unknown))} "
            f"(artifact ids of this notebook: {', '.join(ids)})"
        )

"""Claims of the source documents and checks of this project, compared with
computed numbers.

Each case lists them in ``data/raw/<case>/claims.yaml``. An entry is either a
claim a document *states* (kind ``stated``) or a *check* this project adds (kind
``check``: an operationalisation, a robustness test, a test the document never
ran); headline counts count stated claims only. A claim names the computed
number it is compared with (a key of ``numbers.json``) and how:

==============  ==============================================================
comparison      status when the computed value ...
==============  ==============================================================
``equal``       is within ``tolerance`` of ``stated``: reproduced, else differs
``at_least``    is at least ``stated`` - tolerance ("over 100"): reproduced
``at_most``     is at most ``stated`` + tolerance ("nearly 400"): reproduced
``range``       lies in ``stated: [low, high]`` (widened by tolerance)
``same``        equals ``stated`` (a category or text)
``same_date``   is the date ``stated`` to its precision ("2014-09" matches
                "2014-09-19"; a year matches any date in it)
``upper_bound`` bounds the quantity from above (e.g. a share among the listed
                platforms for a share of the whole industry): ``consistent``
                when ``stated`` <= computed + tolerance, else differs
``lower_bound`` bounds it from below: consistent when ``stated`` >= computed
                - tolerance
==============  ==============================================================

Instead of a number, ``record: {table: events, id: E2016-07, field: amount_usd_m}``
compares one field of one row of a processed table (the row is the evidence).

``conflicts_with: <id>`` pairs two stated claims of the documents that cannot
both hold (the same quantity given twice with different values): each note
names the other's location, and a claim of the pair that no data decide is
``inconsistent``. A claim nothing can decide names
the ``reason`` instead of a number (``not_checkable``). ``attempts`` lists
other readings of one claim (other operators, other grade-score vectors):
``[{label: ..., number: ...}]``, reported with it, never counted as claims.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ecomcase.errors import DataError, ParamsError, Problem
from ecomcase.fileio import read_yaml_file

COLUMNS = [
    "id",
    "kind",
    "source",
    "location",
    "quantity",
    "stated",
    "reproduced",
    "unit",
    "comparison",
    "tolerance",
    "status",
    "evidence",
    "note",
    "number",
    "artifact",
    "notebook",
    "rows",
    "specifications_supporting",
    "nearest_supporting_specification",
]
STATUSES = ("reproduced", "consistent", "differs", "inconsistent", "not_checkable")
KINDS = ("stated", "check")
COMPARISONS = (
    "equal",
    "at_least",
    "at_most",
    "range",
    "same",
    "same_date",
    "upper_bound",
    "lower_bound",
)
_REQUIRED = ("id", "kind", "source", "location", "quantity", "stated", "comparison")
_KNOWN = set(_REQUIRED) | {
    "unit",
    "tolerance",
    "number",
    "reason",
    "note",
    "conflicts_with",
    "attempts",
    "artifact",
    "decimals",
    "record",
    "ratio",
    "growth",
    "sum",
    "difference",
}
#: Ways to name the computed value: one number key, one field of one data row, or
#: two number keys combined (a / b, a / b - 1, a + b ..., a - b).
VALUE_FIELDS = ("number", "record", "ratio", "growth", "sum", "difference")


def _shown(path: Path) -> str:
    """``path`` relative to the project root when it lies inside it."""
    from ecomcase.config import PROJ_ROOT

    try:
        return path.relative_to(PROJ_ROOT).as_posix()
    except ValueError:
        return str(path)


def load_claims(path: Path, documents: set[str] | None = None) -> list[dict[str, Any]]:
    """Read and validate a claims YAML file (a list of mappings); every problem
    is named with the file, the claim's id (or its position) and the field."""
    if not path.is_file():
        return []
    try:
        claims = read_yaml_file(path) or []  # comments only: no claims yet
    except ValueError as exc:
        raise DataError([Problem(_shown(path), str(exc), getattr(exc, "line", None))]) from None
    if not isinstance(claims, list):
        raise DataError([Problem(str(path), "expected a list of claims")])
    problems, seen = [], set()
    for row, claim in enumerate(claims, 1):
        if not isinstance(claim, dict):
            problems.append(Problem(str(path), "expected a mapping", row))
            continue
        where = f"{path} (claim {claim.get('id') or f'#{row}'})"
        problems += _claim_problems(claim, where, documents, seen)
        seen.add(claim.get("id"))
    ids = {c.get("id") for c in claims if isinstance(c, dict)}
    for claim in claims:
        if isinstance(claim, dict) and claim.get("conflicts_with") not in (None, *ids):
            problems.append(
                Problem(
                    f"{path} (claim {claim.get('id')})",
                    f"names no claim '{claim['conflicts_with']}'",
                    field="conflicts_with",
                )
            )
    if problems:
        raise DataError(problems)
    return claims


def _claim_problems(
    claim: dict[str, Any], where: str, documents: set[str] | None, seen: set[Any]
) -> list[Problem]:
    problems = [
        Problem(where, "is required", field=key)
        for key in _REQUIRED
        if claim.get(key) in (None, "")
    ]
    problems += [
        Problem(where, f"unknown field (known: {', '.join(sorted(_KNOWN))})", field=key)
        for key in claim
        if key not in _KNOWN
    ]
    if claim.get("id") in seen:
        problems.append(Problem(where, f"duplicate claim id '{claim['id']}'", field="id"))
    if claim.get("kind") not in (None, "", *KINDS):
        problems.append(Problem(where, f"'{claim['kind']}' is not one of {KINDS}", field="kind"))
    comparison = claim.get("comparison")
    if comparison not in (None, "", *COMPARISONS):
        problems.append(
            Problem(where, f"'{comparison}' is not one of {COMPARISONS}", field="comparison")
        )
    if comparison == "range" and not _is_range(claim.get("stated")):
        problems.append(Problem(where, "a range needs stated: [low, high]", field="stated"))
    if documents is not None and claim.get("source") not in documents:
        problems.append(
            Problem(
                where,
                f"unknown document '{claim.get('source')}' (known: {sorted(documents)})",
                field="source",
            )
        )
    sources = [k for k in (*VALUE_FIELDS, "reason", "conflicts_with") if claim.get(k)]
    if not sources:
        problems.append(
            Problem(
                where,
                f"needs one of {', '.join(VALUE_FIELDS)}, 'conflicts_with' or a 'reason'",
                field="number",
            )
        )
    record = claim.get("record")
    if record is not None and not (
        isinstance(record, dict) and {"table", "id", "field"} <= set(record)
    ):
        problems.append(Problem(where, "expected {table, id, field}", field="record"))
    elif record is not None and record["field"] == "year" and claim.get("unit") != "year":
        # without the unit a year is shown as a count: 2,011
        problems.append(
            Problem(where, "compares a record's year: give `unit: year`", field="unit")
        )
    for key in ("ratio", "growth", "difference"):
        operands = claim.get(key)
        if operands is not None and not (
            isinstance(operands, list)
            and len(operands) == 2
            and all(isinstance(o, str) for o in operands)
        ):
            problems.append(Problem(where, "expected two number keys [a, b]", field=key))
    if claim.get("sum") is not None and not (
        isinstance(claim["sum"], list) and all(isinstance(o, str) for o in claim["sum"])
    ):
        problems.append(Problem(where, "expected a list of number keys", field="sum"))
    tolerance = claim.get("tolerance", 0)
    if not isinstance(tolerance, int | float) or isinstance(tolerance, bool) or tolerance < 0:
        problems.append(Problem(where, "must be a number >= 0", field="tolerance"))
    attempts = claim.get("attempts", [])
    if not isinstance(attempts, list) or not all(
        isinstance(a, dict) and a.get("label") and any(a.get(k) for k in VALUE_FIELDS)
        for a in attempts
    ):
        problems.append(
            Problem(
                where,
                "expected a list of {label, number (or another value field)}",
                field="attempts",
            )
        )
    return problems


def _is_range(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, int | float) for v in value)
        and value[0] <= value[1]
    )


def compare(claim: dict[str, Any], value: Any) -> str:
    """The status of ``claim`` given the computed ``value`` (one function for
    every comparison; the multiverse uses it too)."""
    if value is None:
        return "not_checkable"
    stated = claim["stated"]
    comparison = claim.get("comparison", "equal")
    tolerance = float(claim.get("tolerance", 0)) + 1e-9
    numeric = _is_number(value) and (
        _is_number(stated) or (comparison == "range" and _is_range(stated))
    )
    if comparison == "same_date":
        return "reproduced" if str(value).startswith(str(stated)) else "differs"
    if comparison == "same" or not numeric:
        return "reproduced" if _same(value, stated) else "differs"
    value = float(value)
    if comparison == "equal":
        ok = math.isclose(value, float(stated), rel_tol=0, abs_tol=tolerance)
    elif comparison == "at_least":
        ok = value >= float(stated) - tolerance
    elif comparison == "at_most":
        ok = value <= float(stated) + tolerance
    elif comparison == "range":
        ok = float(stated[0]) - tolerance <= value <= float(stated[1]) + tolerance
    elif comparison == "upper_bound":
        return "consistent" if float(stated) <= value + tolerance else "differs"
    elif comparison == "lower_bound":
        return "consistent" if float(stated) >= value - tolerance else "differs"
    else:  # pragma: no cover - load_claims rejects other comparisons
        raise ValueError(comparison)
    return "reproduced" if ok else "differs"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _same(value: Any, stated: Any) -> bool:
    if isinstance(stated, bool) or isinstance(value, bool):
        return value is stated or value == stated
    return str(value).strip().casefold() == str(stated).strip().casefold()


def decimals_of(claim: dict[str, Any]) -> int:
    """Decimals a claim's values are printed with: its ``decimals``, else those of
    its stated value and tolerance (at most 4)."""
    if isinstance(claim.get("decimals"), int):
        return claim["decimals"]
    found = 0
    for value in (claim.get("stated"), claim.get("tolerance")):
        for v in value if isinstance(value, list) else [value]:
            if _is_number(v) and not float(v).is_integer():
                found = max(found, len(repr(float(v)).split(".")[1].rstrip("0")))
    return min(found + (1 if claim.get("unit") == "share" else 0), 4)


def format_value(value: Any, decimals: int) -> Any:
    """A value as claims.csv prints it: at the claim's precision, never
    ``89.60000000000002``."""
    if isinstance(value, list):
        return "-".join(str(format_value(v, decimals)) for v in value)
    if _is_number(value) and isinstance(value, float):
        if not math.isfinite(value):
            return None
        text = f"{value:.{decimals}f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    return value


def check_claim(
    claim: dict[str, Any],
    numbers: dict[str, dict[str, Any]],
    evidence: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One row of ``claims.csv`` for ``claim`` given the computed ``numbers`` and,
    optionally, ``evidence`` (``rows``: number key -> data row ids, ``tables``:
    processed tables for ``record``)."""
    key = claim.get("number")
    decimals = decimals_of(claim)
    evidence = evidence or {}
    row = {
        "id": claim["id"],
        "kind": claim.get("kind", "stated"),
        "source": claim["source"],
        "location": claim["location"],
        "quantity": claim["quantity"],
        "stated": format_value(claim["stated"], decimals),
        "reproduced": None,
        "unit": claim.get("unit", ""),
        "comparison": claim.get("comparison", "equal"),
        "tolerance": format_value(float(claim.get("tolerance", 0)), decimals),
        "status": "not_checkable",
        "evidence": "",
        "note": claim.get("note", ""),
        "number": key or "",
        "artifact": claim.get("artifact", ""),
        "notebook": "",
        "rows": "; ".join(evidence.get("rows", {}).get(key, [])),
        "specifications_supporting": "",
        "nearest_supporting_specification": "",
    }
    found = computed_value(claim, numbers, evidence.get("tables", {}))
    if found is None:
        row["note"] = _join(claim.get("reason", ""), row["note"])
    else:
        row["number"] = found.name
        row["rows"] = found.rows or row["rows"]
        if found.missing:
            row["note"] = _join(found.missing, row["note"])
        else:
            row["reproduced"] = format_value(found.value, decimals)
            row["status"] = compare(claim, found.value)
            row["notebook"] = found.notebook
    attempts = [
        _attempt(claim, a, numbers, evidence.get("tables", {}), decimals)
        for a in claim.get("attempts", [])
    ]
    row["evidence"] = _join(
        f"number {row['number']}" if row["number"] else "",
        f"artifact {row['artifact']}" if row["artifact"] else "",
        f"notebook {row['notebook']}" if row["notebook"] else "",
        f"rows {row['rows']}" if row["rows"] else "",
        ("other readings: " + ", ".join(attempts)) if attempts else "",
    )
    return row


@dataclass(frozen=True)
class Computed:
    """The value a claim (or an attempt) is compared with, and where it came from."""

    name: str  # the number key, 'table.field' or the combination
    value: Any
    notebook: str = ""
    rows: str = ""
    missing: str = ""  # why there is no value, when there is none


def computed_value(
    spec: dict[str, Any], numbers: dict[str, dict[str, Any]], tables: dict[str, pd.DataFrame]
) -> Computed | None:
    """The computed value ``spec`` names (see :data:`VALUE_FIELDS`); None when it
    names none (a claim with only a reason)."""
    if spec.get("record") is not None:
        record = spec["record"]
        name = f"{record['table']}.{record['field']}"
        value, found = record_value(record, tables)
        if not found:
            return Computed(
                name,
                None,
                rows=str(record["id"]),
                missing=f"no row {record['id']} in {record['table']}",
            )
        if value is None:
            return Computed(
                name,
                None,
                rows=str(record["id"]),
                missing=f"{name} is blank for row {record['id']}",
            )
        return Computed(name, value, "01_data_cleaning", str(record["id"]))
    for key, sign in (("ratio", " / "), ("growth", " / "), ("sum", " + "), ("difference", " - ")):
        if spec.get(key) is not None:
            operands = spec[key]
            name = sign.join(operands) + (" - 1" if key == "growth" else "")
            values = [(numbers.get(o) or {}).get("value") for o in operands]
            absent = [o for o, v in zip(operands, values, strict=True) if not _is_number(v)]
            if absent:
                return Computed(name, None, missing=f"no computed value for {', '.join(absent)}")
            if key == "sum":
                value = float(sum(values))
            elif key == "difference":
                value = float(values[0] - values[1])
            elif values[1] == 0:
                return Computed(name, None, missing=f"{operands[1]} is zero")
            else:
                value = values[0] / values[1] - (1 if key == "growth" else 0)
            notebook = (numbers.get(operands[0]) or {}).get("notebook", "")
            return Computed(name, value, notebook)
    key = spec.get("number")
    if key is None:
        return None
    if key not in numbers or numbers[key]["value"] is None:
        return Computed(key, None, missing=f"no computed value for '{key}'")
    return Computed(key, numbers[key]["value"], numbers[key].get("notebook", ""))


#: The id column of each processed table a claim's ``record`` may name.
ID_COLUMNS = {"events": "event_id", "milestones": "milestone_id", "financials": "metric"}


def record_value(record: dict[str, Any], tables: dict[str, pd.DataFrame]) -> tuple[Any, bool]:
    """The ``field`` of the row ``id`` of processed table ``table``; (None, False)
    when there is no such row."""
    table = tables.get(record["table"])
    column = ID_COLUMNS.get(record["table"], "id")
    if table is None or column not in table or record["field"] not in table:
        return None, False
    match = table[table[column].astype(str) == str(record["id"])]
    if match.empty:
        return None, False
    value = match.iloc[0][record["field"]]
    if pd.isna(value):
        return None, True
    return (value.item() if hasattr(value, "item") else value), True


def _attempt(
    claim: dict[str, Any],
    attempt: dict[str, Any],
    numbers: dict[str, Any],
    tables: dict[str, pd.DataFrame],
    decimals: int,
) -> str:
    found = computed_value(attempt, numbers, tables)
    value = None if found is None else found.value
    shown = "n/a" if value is None else format_value(value, decimals)
    return f"{attempt['label']} {shown} ({compare(claim, value).replace('_', ' ')})"


def _join(*parts: str) -> str:
    return "; ".join(p for p in parts if p)


def unknown_numbers(
    claims: Sequence[dict[str, Any]], numbers: dict[str, dict[str, Any]], path: Path
) -> list[Problem]:
    """Claims naming a number key no notebook recorded (a misspelt key would
    otherwise read as 'not checkable'), one problem per claim and field."""
    problems = []
    for claim in claims:
        specs = [("", claim)] + [("attempts", a) for a in claim.get("attempts", [])]
        for prefix, spec in specs:
            for field in ("number", "ratio", "growth", "sum", "difference"):
                keys = spec.get(field)
                keys = [keys] if isinstance(keys, str) else keys or []
                missing = [k for k in keys if k not in numbers]
                if missing:
                    problems.append(
                        Problem(
                            f"{path} (claim {claim['id']})",
                            f"no notebook recorded {', '.join(map(repr, missing))}; see "
                            "numbers.html for the keys, or give a 'reason'",
                            field=f"{prefix}.{field}" if prefix else field,
                        )
                    )
    return problems


def check_claims(
    claims: Sequence[dict[str, Any]],
    numbers: dict[str, dict[str, Any]],
    multiverse: dict[str, Any] | None = None,
    evidence: dict[str, Any] | None = None,
) -> pd.DataFrame:
    """All claims checked, as a table with the columns of ``claims.csv``.

    Pairs named by ``conflicts_with`` whose stated values differ name each other
    in their notes, and a claim of the pair that no data decide is
    ``inconsistent``; with a coding ``multiverse`` (see
    :meth:`ecomcase.build.outputs.Outputs.multiverse`), each claim on the events
    also says under how many specifications it reproduces and the supporting
    one nearest the default."""
    by_id = {c["id"]: c for c in claims}
    rows = []
    for claim in claims:
        row = check_claim(claim, numbers, evidence)
        other = by_id.get(claim.get("conflicts_with")) or next(
            (c for c in claims if c.get("conflicts_with") == claim["id"]), None
        )
        if other is not None and not _same(other["stated"], claim["stated"]):
            # the documents disagree: the data decide where they can, else the
            # verdict is the disagreement itself
            if row["status"] == "not_checkable":
                row["status"] = "inconsistent"
            row["note"] = _join(
                f"the {other['source']} also states {other['stated']} ({other['location']}, "
                f"claim {other['id']})",
                row["note"],
            )
        row.update(multiverse_support(claim, multiverse))
        rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS)


def multiverse_support(claim: dict[str, Any], multiverse: dict[str, Any] | None) -> dict[str, str]:
    """'k of n' specifications under which ``claim`` reproduces (or is consistent),
    and the supporting specification with the fewest switches changed from the
    default ('default' itself, 'none', or 'switch: option; ...'); blank for claims
    the multiverse does not compute."""
    key = claim.get("number")
    if multiverse is None or key not in multiverse["values"]:
        return {"specifications_supporting": "", "nearest_supporting_specification": ""}
    default = multiverse["default"]
    supporting = []
    for spec, value in zip(multiverse["specifications"], multiverse["values"][key], strict=True):
        if compare(claim, value) in ("reproduced", "consistent"):
            changed = [f"{s}: {spec[s]}" for s in multiverse["switches"] if spec[s] != default[s]]
            supporting.append(changed)
    total = len(multiverse["specifications"])
    nearest = "; ".join(min(supporting, key=len)) or "default" if supporting else "none"
    return {
        "specifications_supporting": f"{len(supporting)} of {total}",
        "nearest_supporting_specification": nearest,
    }


def status_counts(checked: pd.DataFrame, kind: str | None = "stated") -> dict[str, int]:
    """Claims per status; by default the documents' stated claims only (checks
    this project adds are never counted as the documents')."""
    rows = checked if kind is None or "kind" not in checked else checked[checked["kind"] == kind]
    counts = rows["status"].value_counts()
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

"""Loading, validating and cleaning a case's raw data.

The raw folder ``data/raw/<case>/`` is described by a Frictionless
``datapackage.json``: its table schemas (types, required fields, enumerations,
ranges) are checked by frictionless; the checks that span files or rows
(known countries, year range, duplicates, membership rows summing to one,
the index system matching weights and memberships) are made here. Every
problem is reported at once, each naming file, row (the line in the file,
the header being line 1) and field.
"""

from __future__ import annotations

import functools
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ecomcase.build.params import document_citations, load_params
from ecomcase.config import case_paths
from ecomcase.data import schema
from ecomcase.data.package import PACKAGE_FILE, _rel, read_package
from ecomcase.data.reading import decode_csv, pandas_dtype, parse_csv
from ecomcase.errors import DataError, ParamsError, Problem
from ecomcase.fileio import read_yaml_file, write_json
from ecomcase.fuzzy.core import TOLERANCE
from ecomcase.report.claims import load_claims
from ecomcase.strategy.frameworks import framework_problems

#: Tables without which no case can be built, and what a row of each is.
REQUIRED_TABLES = {
    "events": "add one row per overseas event (year, target, country, mode, industry, source)",
    "countries": "add one row per country that events.csv names (ISO codes, continent)",
}


@dataclass
class CaseData:
    """A case's validated raw data: tables by resource name, plus YAML documents."""

    tables: dict[str, pd.DataFrame]
    documents: dict[str, Any]
    package: dict[str, Any]
    #: what reading decided beyond the schema, in words (e.g. degrees read as panel votes)
    notes: list[str] = field(default_factory=list)




@dataclass
class _Read:
    """One tabular resource as far as it could be read."""

    table: pd.DataFrame | None  # None: the file or its header could not be read
    problems: list[Problem]


def _read_resource(case: str, resource: dict[str, Any]) -> _Read:
    """Encoding, schema (frictionless) and every cell of one tabular resource.

    The table holds every row whose cells line up with the header; a cell that
    cannot be read as its type is missing (and its problem listed), so checks
    across files still run on the rest.
    """
    raw = case_paths(case).raw
    path = raw / resource["path"]
    file = _rel(path)
    if not path.is_file():
        return _Read(None, [Problem(file, f"missing (resource '{resource['name']}')")])
    data = path.read_bytes()
    descriptor = json.dumps(resource, sort_keys=True)
    listed = schema.clean_reads(str(case_paths(case).build))
    clean = bool(listed) and schema.clean_read_key(data, descriptor) in listed
    read = _read_content(str(path), file, data, descriptor, clean)
    # the cached table is shared: each caller gets its own copy to change
    return _Read(None if read.table is None else read.table.copy(), list(read.problems))


def record_clean_reads(case: str) -> None:
    """After make's gate passed: list every tabular file's content as clean, so that
    notebook 01 (and the gate, next time only the params changed) reads it with
    pandas alone, without frictionless's second pass. A changed byte, descriptor,
    frictionless version or reading code gives another key: a full check again."""
    keys = []
    for resource in read_package(case)["resources"]:
        path = case_paths(case).raw / resource.get("path", "")
        if "schema" in resource and path.is_file():
            descriptor = json.dumps(resource, sort_keys=True)
            keys.append(schema.clean_read_key(path.read_bytes(), descriptor))
    write_json(case_paths(case).build / schema.CLEAN_READS, sorted(keys))


@functools.lru_cache(maxsize=64)
def _read_content(
    path_text: str, file: str, data: bytes, descriptor: str, clean: bool = False
) -> _Read:
    """:func:`_read_resource` for one content of one file (cached: validate and
    notebook 01, or a test validating many variants, read an unchanged file once).
    ``clean``: make's gate found this very content clean; pandas reads it alone."""
    path = Path(path_text)
    resource = json.loads(descriptor)
    text, problems = decode_csv(data, file)
    if text is None:
        return _Read(None, problems)
    fields = resource["schema"]["fields"]
    if clean and not problems:
        return _Read(_read_table(io.StringIO(text), fields), [])
    parsed = parse_csv(text, fields, file)
    try:
        errors = schema.schema_errors(str(path), data, descriptor)
    except schema.CheckFailed as exc:
        return _Read(None, [Problem(file, f"cannot be read as a table ({exc})")])
    # the strict reading's message is the more precise one for a cell both flag
    strict = {(p.row, p.field) for p in parsed.problems}
    # a row with too many or too few cells: its other errors are that shift's echoes
    shifted = {row for kind, row, _, _ in errors if kind in ("extra-cell", "missing-cell")}
    for kind, row, field_name, message in errors:
        if (row, field_name) in strict:
            continue
        if row in shifted and kind not in ("extra-cell", "missing-cell"):
            continue
        problems.append(Problem(file, message, row, field_name))
    problems += [p for p in parsed.problems if p.row not in shifted]
    names = [f["name"] for f in fields]
    if parsed.columns != names:
        if not any(p.row == 1 or p.row is None for p in problems):
            problems.append(
                Problem(file, f"header {parsed.columns} should be the schema's fields {names}", 1)
            )
        return _Read(None, problems)
    if problems:
        return _Read(parsed.frame(fields), problems)
    try:
        return _Read(_read_table(io.StringIO(text), fields), [])
    except (ValueError, OverflowError, pd.errors.ParserError) as exc:  # what the checks missed
        return _Read(parsed.frame(fields), [Problem(file, f"cannot be read ({exc})")])


def _schema_problems(case: str, package: dict[str, Any]) -> list[Problem]:
    """Encoding, schema and cell problems of every tabular resource."""
    problems: list[Problem] = []
    for resource in package["resources"]:
        if "schema" in resource:
            problems += _read_resource(case, resource).problems
    return problems


def _read_table(source: Path | io.StringIO, fields: list[dict[str, Any]]) -> pd.DataFrame:
    dtypes = {f["name"]: pandas_dtype(f.get("type", "string")) for f in fields}
    table = pd.read_csv(source, dtype=dtypes, keep_default_na=False, na_values=[""])
    return table


def load_case(case: str, params: dict[str, Any] | None = None) -> CaseData:
    """Read and validate a case's raw data; raises :class:`DataError` listing every problem.

    ``params`` (default: the case's, loaded and checked here; its notebook sections
    are `make validate`'s to check) give the years and documents the data is
    checked against. Checks across files run on every
    row that could be read, so one run lists schema and cross-file problems alike.
    """
    if params is None:
        params = load_params(case, check_sections=False)
    package = read_package(case)
    package_file = _rel(case_paths(case).raw / PACKAGE_FILE)
    problems: list[Problem] = []
    tables: dict[str, pd.DataFrame] = {}
    unreadable: set[str] = set()
    for resource in package["resources"]:
        if "schema" not in resource:
            continue
        read = _read_resource(case, resource)
        problems += read.problems
        if read.table is None:
            unreadable.add(resource["name"])
        else:
            tables[resource["name"]] = read.table
    names = {r.get("name") for r in package["resources"]}
    for name in REQUIRED_TABLES:
        if name not in names:
            problems.append(Problem(package_file, f"no resource named '{name}'"))
        elif name in tables and tables[name].empty and not problems_in(problems, name, package):
            path = _rel(case_paths(case).raw / _resource_file(package, name))
            problems.append(Problem(path, f"no rows yet: {REQUIRED_TABLES[name]}"))
    documents = {}
    for resource in package["resources"]:
        path = case_paths(case).raw / resource["path"]
        if resource["name"] == "claims":
            # claims are read by the report step; here they are only checked
            try:
                load_claims(path, set(document_citations(params)))
            except DataError as exc:
                problems += exc.problems
        elif "schema" not in resource and resource.get("format") == "yaml":
            try:
                documents[resource["name"]] = _read_yaml(path)
            except DataError as exc:
                problems += exc.problems
                continue
            if resource["name"] == "frameworks":
                # checked here too, so `make validate` and notebook 01 stop on a malformed file
                found = framework_problems(documents["frameworks"])
                problems += [Problem(_rel(path), problem) for problem in found]
    data = CaseData(tables, documents, package)
    problems += domain_problems(case, data, params)
    if problems:
        raise DataError(sorted_problems(problems))
    read_panel_votes(case, data, params)
    return data


def sorted_problems(problems: list[Problem]) -> list[Problem]:
    """Each problem once, by file and then row (problems of the whole file first)."""
    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=lambda p: (p.file, p.row or 0))


def read_panel_votes(case: str, data: CaseData, params: dict[str, Any]) -> None:
    """Membership rows written as rounded vote shares of the declared panel become
    the exact shares (votes / panel), and ``data.notes`` says which."""
    membership = data.tables.get("fuzzy_membership")
    if membership is None or "sub_code" not in membership.columns:
        return
    panel = declared_panel_size(data.package, params)
    rows = panel_rounded_rows(membership, panel)
    if not rows:
        return
    assert panel is not None
    grades = [c for c in membership.columns if c != "sub_code"]
    exact = membership.copy()
    for i in rows:
        votes = panel_votes(membership[grades].to_numpy(float)[i], panel)
        exact.loc[exact.index[i], grades] = votes / panel
    data.tables["fuzzy_membership"] = exact
    lines = ", ".join(str(int(membership.index[i]) + 2) for i in rows)
    data.notes.append(
        f"{_resource_path(case, data, 'fuzzy_membership')}: rows {lines} read as whole votes "
        f"of the declared panel of {panel} (their rounded degrees do not sum to 1 "
        f"within {TOLERANCE:g})"
    )


def problems_in(problems: list[Problem], name: str, package: dict[str, Any]) -> bool:
    """Whether any problem names resource ``name``'s file."""
    file = _resource_file(package, name)
    return any(p.file.endswith("/" + file) for p in problems)


def _resource_file(package: dict[str, Any], name: str) -> str:
    return next(r["path"] for r in package["resources"] if r.get("name") == name)


def _read_yaml(path: Path) -> Any:
    if not path.is_file():
        raise DataError([Problem(_rel(path), "missing")])
    try:
        return read_yaml_file(path)
    except ValueError as exc:
        raise DataError([Problem(_rel(path), str(exc), getattr(exc, "line", None))]) from None


def _resource_path(case: str, data: CaseData, name: str) -> str:
    for resource in data.package["resources"]:
        if resource["name"] == name:
            return _rel(case_paths(case).raw / resource["path"])
    return name


def country_lookup(countries: pd.DataFrame) -> dict[str, str]:
    """Every accepted spelling of a country (case-insensitive) -> its ISO 3166 alpha-2 code."""
    lookup: dict[str, str] = {}
    for row in countries.itertuples(index=False):
        aliases = row.aliases if isinstance(row.aliases, str) else ""
        names = [row.iso2, row.iso3, row.name, *aliases.split(";")]
        for name in names:
            if isinstance(name, str) and name.strip():
                lookup[name.strip().casefold()] = row.iso2
    return lookup


def domain_problems(case: str, data: CaseData, params: dict[str, Any]) -> list[Problem]:
    """Checks across rows and files that a table schema cannot express.

    They run on whatever could be read: a table that could not be read at all
    is skipped (its problem is listed already), a missing cell is not checked.
    """
    problems: list[Problem] = []
    if "events" not in data.tables:
        return problems + _fuzzy_and_platform_problems(case, data, params)
    events = data.tables["events"]
    file = _resource_path(case, data, "events")
    needed = ["year", "date", "target", "country", "mode"]
    absent = [c for c in needed if c not in events.columns]
    if absent:
        problems.append(
            Problem(file, f"needs the columns {needed} (missing: {absent})", 1, absent[0])
        )
        return problems + _fuzzy_and_platform_problems(case, data, params)
    lookup = country_lookup(data.tables["countries"]) if "countries" in data.tables else None
    first, last = params["event_years"]
    for line, row in zip(events.index + 2, events.itertuples(index=False), strict=True):
        line = int(line)
        known = lookup is None or pd.isna(row.country)
        if not known and str(row.country).strip().casefold() not in lookup:
            problems.append(
                Problem(
                    file,
                    f"unknown country '{row.country}' (add it, or an alias, to countries.csv)",
                    line,
                    "country",
                )
            )
        if not pd.isna(row.year) and not first <= row.year <= last:
            problems.append(
                Problem(
                    file,
                    f"year {row.year} is outside the case's event_years {first}-{last}",
                    line,
                    "year",
                )
            )
    # Two rounds in one year are two events when their dates differ.
    key = ["year", "date", "target", "mode"]
    keyed = events[key].astype(object).fillna("")
    duplicated = keyed.duplicated(keep="first")
    for i in np.flatnonzero(duplicated.to_numpy()):
        row = events.iloc[i]
        same = (keyed == keyed.iloc[i]).all(axis=1).to_numpy()
        first_line = int(events.index[np.flatnonzero(same)[0]]) + 2
        problems.append(
            Problem(
                file,
                f"duplicate event ({row['year']}, {row['date']}, {row['target']}, {row['mode']}) "
                f"already on row {first_line}",
                int(events.index[i]) + 2,
                "target",
            )
        )
    problems += follow_on_problems(events, file)
    return problems + _fuzzy_and_platform_problems(case, data, params)


def _fuzzy_and_platform_problems(
    case: str, data: CaseData, params: dict[str, Any]
) -> list[Problem]:
    problems = []
    if "fuzzy_index" in data.tables and "fuzzy_membership" in data.tables:
        problems += fuzzy_problems(case, data, params)
    if "platform_mau" in data.tables and not data.tables["platform_mau"].empty:
        problems += own_group_problems(case, data, params)
    return problems


def follow_on_problems(events: pd.DataFrame, file: str) -> list[Problem]:
    """``follow_on_of`` names an existing first entry (itself no follow-on) dated
    no later than the follow-on."""
    if "follow_on_of" not in events.columns or "event_id" not in events.columns:
        return []
    ids = events["event_id"].astype(str)
    when = pd.Series(
        [
            f"{'' if pd.isna(y) else y}-{'' if pd.isna(d) else d}"
            for y, d in zip(events["year"], events["date"], strict=True)
        ],
        index=events.index,
    )
    by_id = dict(zip(ids, range(len(events)), strict=True))
    problems = []
    for i, first in enumerate(events["follow_on_of"]):
        if pd.isna(first) or first == "":
            continue
        line = int(events.index[i]) + 2
        j = by_id.get(str(first))
        if j is None:
            message = f"follow_on_of '{first}' is no event_id of this file"
        elif j == i:
            message = f"follow_on_of '{first}' is the row's own event_id"
        elif not pd.isna(events["follow_on_of"].iloc[j]) and events["follow_on_of"].iloc[j] != "":
            message = (
                f"follow_on_of '{first}' is itself a follow-on (of "
                f"'{events['follow_on_of'].iloc[j]}'): name the first entry"
            )
        elif _date_key(when.iloc[j]) > _date_key(when.iloc[i]):
            message = (
                f"follow_on_of '{first}' is dated {_date_key(when.iloc[j])}, "
                f"after this row ({_date_key(when.iloc[i])})"
            )
        else:
            continue
        problems.append(Problem(file, message, line, "follow_on_of"))
    return problems


def _date_key(text: str) -> str:
    """'2015-2015-07-08' -> '2015-07-08'; '2017-' -> '2017': comparable as text."""
    year, _, date = text.partition("-")
    return date or year


def own_group_problems(case: str, data: CaseData, params: dict[str, Any]) -> list[Problem]:
    """The company's own platforms must be findable in the platform table."""
    section = params["notebooks"].get("02_strategic_analysis", {})
    own = section.get("own_group") or params["company"]
    groups = sorted(set(data.tables["platform_mau"]["owner_group"].dropna()))
    if own in groups:
        return []
    field = "notebooks.02_strategic_analysis.own_group" if section.get("own_group") else "company"
    return [
        Problem(
            f"params/{case}.yaml",
            f"'{own}' owns no platform in {_resource_path(case, data, 'platform_mau')} "
            f"(owner_group values: {', '.join(groups)}); set own_group to one of them",
            None,
            field,
        )
    ]


def fuzzy_problems(case: str, data: CaseData, params: dict[str, Any]) -> list[Problem]:
    """Index system, memberships and the weights in the params must fit together."""
    problems: list[Problem] = []
    index = data.tables["fuzzy_index"]
    membership = data.tables["fuzzy_membership"]
    mfile = _resource_path(case, data, "fuzzy_membership")
    if "sub_code" not in membership.columns or not {"criterion_code", "sub_code"} <= set(
        index.columns
    ):
        return [
            Problem(mfile, "the fuzzy tables need 'sub_code' (and the index 'criterion_code')")
        ]
    grades = [c for c in membership.columns if c != "sub_code"]
    panel = declared_panel_size(data.package, params)
    for line, degrees in membership_problems(membership, panel):
        problems.append(Problem(mfile, degrees, line, ", ".join(grades)))
    index_codes = _codes(index["sub_code"])
    membership_codes = _codes(membership["sub_code"])
    if index_codes != membership_codes:
        problems.append(
            Problem(
                mfile,
                f"sub-criteria {membership_codes} do not match the index system's "
                f"{index_codes} (same codes, same order)",
                None,
                "sub_code",
            )
        )
    section = params["notebooks"].get("04_fuzzy_evaluation", {})
    if index[["criterion_code", "sub_code"]].isna().any().any():
        return problems  # the missing codes are listed; the weights cannot be matched
    problems += weight_problems(index, section, case)
    problems += grade_score_problems(grades, section, case)
    return problems


def _codes(column: pd.Series) -> list[str | None]:
    """A code column as plain values, a missing code as None."""
    return [None if pd.isna(code) else str(code) for code in column]


def declared_panel_size(package: dict[str, Any], params: dict[str, Any]) -> int | None:
    """The expert panel behind the memberships: notebook 04's ``panel_size``, else
    the ``panel_size`` of the membership resource in datapackage.json."""
    section = params["notebooks"].get("04_fuzzy_evaluation", {}) or {}
    size = section.get("panel_size")
    if size is None:
        for resource in package["resources"]:
            if resource.get("name") == "fuzzy_membership":
                size = resource.get("panel_size")
    if isinstance(size, int) and not isinstance(size, bool) and size > 0:
        return size
    return None


def membership_problems(membership: pd.DataFrame, panel: int | None) -> list[tuple[int, str]]:
    """(row, message) for each membership row whose degrees do not sum to 1.

    A row passes when its sum is within :data:`TOLERANCE` of 1, or, with a
    declared ``panel`` of experts, when every degree is a whole number of votes
    out of ``panel`` as written (rounded to the decimals it shows) and the votes
    add up to the panel.
    """
    grades = [c for c in membership.columns if c != "sub_code"]
    problems = []
    for line, row in zip(membership.index + 2, membership[grades].to_numpy(float), strict=True):
        if np.isnan(row).any():
            continue  # a missing or unreadable degree is listed on its own
        total = float(row.sum())
        if abs(total - 1.0) <= TOLERANCE:
            continue
        if panel is not None and panel_votes(row, panel) is not None:
            continue
        gap = total - 1.0
        message = (
            f"membership degrees sum to {total:.10g}, not 1 (off by {gap:+.2g}; "
            f"the tolerance is {TOLERANCE:g})"
        )
        if panel is None:
            message += (
                "; if the degrees are vote shares of an expert panel written with few "
                "decimals, declare `panel_size` (notebook 04's parameter, or the "
                "resource's panel_size in datapackage.json) and they are read as whole votes"
            )
        else:
            message += f", and they are not whole votes of the declared panel of {panel}"
        problems.append((int(line), message))
    return problems


def panel_votes(degrees: np.ndarray, panel: int) -> np.ndarray | None:
    """The votes out of ``panel`` that ``degrees`` round from, or None.

    Each degree must lie within half a unit of its last written decimal of
    ``votes / panel``; the votes must add up to ``panel``.
    """
    votes = np.rint(degrees * panel)
    slack = np.array([0.5 * 10.0 ** -_decimals(float(d)) for d in degrees]) + 1e-12
    if (votes < 0).any() or votes.sum() != panel:
        return None
    if (np.abs(degrees - votes / panel) > slack).any():
        return None
    return votes.astype(int)


def _decimals(value: float) -> int:
    """Decimals ``value`` is written with in its shortest form (0.0833 -> 4)."""
    text = repr(value)
    if "e" in text or "E" in text:
        mantissa, _, exponent = text.lower().partition("e")
        places = len(mantissa.partition(".")[2].rstrip("0"))
        return max(places - int(exponent), 0)
    return len(text.partition(".")[2].rstrip("0"))


def panel_rounded_rows(membership: pd.DataFrame, panel: int | None) -> list[int]:
    """Positions of the rows read as whole votes of the panel (their sum is off 1)."""
    if panel is None:
        return []
    grades = [c for c in membership.columns if c != "sub_code"]
    rows = []
    for i, row in enumerate(membership[grades].to_numpy(float)):
        if abs(float(row.sum()) - 1.0) > TOLERANCE and panel_votes(row, panel) is not None:
            rows.append(i)
    return rows


def grade_score_problems(grades: list[str], section: dict[str, Any], case: str) -> list[Problem]:
    """``grade_scores`` in the params: one number per grade column of the memberships."""
    scores = section.get("grade_scores")
    if scores is None:
        return []
    field = "notebooks.04_fuzzy_evaluation.grade_scores"
    numeric = isinstance(scores, list) and all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in scores
    )
    if not numeric or len(scores) != len(grades):
        return [
            Problem(
                f"params/{case}.yaml",
                f"should be {len(grades)} numbers, one per grade ({', '.join(grades)}), "
                f"got {scores!r}",
                None,
                field,
            )
        ]
    return []


def weight_problems(index: pd.DataFrame, section: dict[str, Any], case: str) -> list[Problem]:
    """Weights in ``params/<case>.yaml`` against the index system."""
    where = f"params/{case}.yaml"
    problems: list[Problem] = []
    criteria = list(dict.fromkeys(index["criterion_code"]))
    criterion_weights = section.get("criterion_weights")
    sub_weights = section.get("sub_weights")
    if criterion_weights is None and sub_weights is None:
        return problems
    for key, weights in [("criterion_weights", criterion_weights), ("sub_weights", sub_weights)]:
        if weights is None:
            continue
        bad = {
            code: weight
            for code, weight in weights.items()
            if isinstance(weight, bool)
            or not isinstance(weight, int | float)
            or not 0 <= weight <= 1
        }
        if bad:
            return problems + [
                Problem(
                    where,
                    f"weights must be numbers from 0 to 1; not so: {bad}",
                    None,
                    f"notebooks.04_fuzzy_evaluation.{key}",
                )
            ]
    if set(criterion_weights or {}) != set(criteria):
        problems.append(
            Problem(
                where,
                f"criterion_weights has {sorted(criterion_weights or {})}, "
                f"the index system has {criteria}",
                None,
                "notebooks.04_fuzzy_evaluation.criterion_weights",
            )
        )
    elif abs(sum(criterion_weights.values()) - 1) > TOLERANCE:
        problems.append(
            Problem(
                where,
                f"criterion weights sum to {sum(criterion_weights.values()):.6g}, not 1",
                None,
                "notebooks.04_fuzzy_evaluation.criterion_weights",
            )
        )
    subs = list(index["sub_code"])
    if set(sub_weights or {}) != set(subs):
        problems.append(
            Problem(
                where,
                f"sub_weights has {sorted(sub_weights or {})}, the index system has {subs}",
                None,
                "notebooks.04_fuzzy_evaluation.sub_weights",
            )
        )
        return problems
    for criterion, group in index.groupby("criterion_code", sort=False):
        total = sum(sub_weights[s] for s in group["sub_code"])
        if abs(total - 1) > TOLERANCE:
            problems.append(
                Problem(
                    where,
                    f"sub-criterion weights of {criterion} sum to {total:.6g}, not 1",
                    None,
                    "notebooks.04_fuzzy_evaluation.sub_weights",
                )
            )
    return problems


def clean_events(events: pd.DataFrame, countries: pd.DataFrame) -> pd.DataFrame:
    """Events with ISO country codes, continent and market type, in date order.

    Market type is ``mature`` when the World Bank classified the country as high
    income in the event's year (``high_income_from`` <= year <= ``high_income_to``),
    otherwise ``emerging``.
    """
    lookup = country_lookup(countries)
    by_code = countries.set_index("iso2")
    out = events.copy()
    out["iso2"] = out["country"].str.strip().str.casefold().map(lookup)
    out["country"] = out["iso2"].map(by_code["name"])
    out["continent"] = out["iso2"].map(by_code["continent"])
    start = out["iso2"].map(by_code["high_income_from"]).astype("Float64")
    end = out["iso2"].map(by_code["high_income_to"]).astype("Float64").fillna(np.inf)
    mature = (start <= out["year"]) & (out["year"] <= end)
    out["market_type"] = np.where(mature.fillna(False).astype(bool), "mature", "emerging")
    out = out.sort_values(["year", "date", "target"], na_position="last", kind="stable")
    if "event_id" not in out.columns:
        # a case without its own ids gets them in date order
        out.insert(0, "event_id", [f"E{i:03d}" for i in range(1, len(out) + 1)])
    return out.reset_index(drop=True)


def validate_case(case: str) -> str:
    """Check params and data without running notebooks; a one-line summary when valid.

    Raises :class:`DataError` listing every problem at once: the params file's,
    the data's, and every ``TODO`` still left from ``make new-company``.
    """
    paths = case_paths(case)
    problems: list[Problem] = []
    params = None
    try:
        params = load_params(case)
    except ParamsError as exc:
        where = _rel(paths.params_file)
        prefix = f"{paths.params_file}: "
        problems += [params_problem(where, p.removeprefix(prefix)) for p in exc.problems]
    data = None
    # with a flawed params file, the data are still checked against what in it is sound
    checked_against = params if params is not None else usable_params(case)
    if checked_against is not None:
        try:
            data = load_case(case, checked_against)
        except DataError as exc:
            problems += exc.problems
    else:
        try:
            problems += _schema_problems(case, read_package(case))
        except DataError as exc:
            problems += exc.problems
    problems += todo_problems(case)
    if problems:
        raise DataError(sorted_problems(problems))
    assert data is not None
    summary = ", ".join(f"{name}: {len(t)} rows" for name, t in data.tables.items())
    return "; ".join([summary, *data.notes])


def params_problem(file: str, text: str) -> Problem:
    """A params problem with its key as the field ('notebooks.04_x.operator ...') and
    its line as the row ('line 12: ...'), when the text names them."""
    line = re.match(r"line (\d+): (.*)", text, re.S)
    if line:
        return Problem(file, line.group(2), int(line.group(1)))
    key = re.match(r"(notebooks\.\w+\.\w+(?:\.\w+)?):? (.*)", text, re.S)
    if key:
        return Problem(file, key.group(2), None, key.group(1))
    return Problem(file, text)


def usable_params(case: str) -> dict[str, Any] | None:
    """What a params file with problems of its own (listed already) can still tell
    the data checks: its event years, documents and every notebook parameter that
    passes its own check. None when the file gives no usable event years."""
    from ecomcase.build.params import NOTEBOOK_PARAMETERS

    try:
        raw = read_yaml_file(case_paths(case).params_file)
    except (ValueError, OSError):
        return None
    if not isinstance(raw, dict):
        return None
    years = raw.get("event_years")
    if not (
        isinstance(years, list)
        and len(years) == 2
        and all(isinstance(y, int) and not isinstance(y, bool) for y in years)
    ):
        return None
    documents = raw.get("documents") if isinstance(raw.get("documents"), list) else []
    notebooks = raw.get("notebooks") if isinstance(raw.get("notebooks"), dict) else {}
    sections = {}
    for notebook, section in notebooks.items():
        rules = NOTEBOOK_PARAMETERS.get(notebook)
        if rules is None or not isinstance(section, dict):
            continue
        sections[notebook] = {
            key: value
            for key, value in section.items()
            if key in rules and value is not None and rules[key].problem(value) is None
        }
    company = raw.get("company")
    return {
        "case": case,
        "company": company if isinstance(company, str) else "",
        "event_years": years,
        "documents": [d for d in documents if isinstance(d, dict) and isinstance(d.get("id"), str)],
        "notebooks": sections,
    }


TODO = "TODO"


def todo_problems(case: str) -> list[Problem]:
    """Every value still reading ``TODO`` (left by ``make new-company``), by file and line."""
    paths = case_paths(case)
    files = [paths.params_file]
    if paths.raw.is_dir():
        files += sorted(
            p for p in paths.raw.iterdir() if p.suffix in {".yaml", ".yml", ".json", ".csv"}
        )
    problems = []
    for path in files:
        if not path.is_file():
            continue
        # an undecodable byte is reported by the file's own check; the search goes on
        text = path.read_bytes().decode("utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), 1):
            content = line.split("#", 1)[0] if path.suffix in {".yaml", ".yml"} else line
            if TODO in content:
                text = content.strip().strip(",")
                problems.append(Problem(_rel(path), f"still to fill in: {text}", number))
    return problems


def clean_case(data: CaseData) -> dict[str, Any]:
    """Every processed dataset of a case, keyed by file stem (tables and YAML documents)."""
    events = clean_events(data.tables["events"], data.tables["countries"])
    cleaned: dict[str, Any] = {"events": events}
    for name, table in data.tables.items():
        cleaned.setdefault(name, table)
    cleaned.update(data.documents)
    return cleaned


def table_summary(data: CaseData) -> Any:
    """One line per raw resource: its file, rows (blank for a YAML document) and
    sources, as the notebook shows it."""
    from ecomcase.display import display_table

    rows = []
    for resource in data.package["resources"]:
        table = data.tables.get(resource["name"])
        sources = "; ".join(s.get("title", "") for s in resource.get("sources", []))
        rows.append(
            {
                "resource": resource["name"],
                "file": resource["path"],
                "rows": len(table) if table is not None else None,
                "source": sources,
            }
        )
    return display_table(pd.DataFrame(rows).astype({"rows": "Int64"}))


def financial_numbers(data: CaseData) -> list[tuple[str, float, str, str]]:
    """(key, value, unit, description) for each documented figure: ``fin_<metric>``.

    Empty for a case without a ``financials`` table.
    """
    financials = data.tables.get("financials", pd.DataFrame(columns=["metric"]))
    return [
        (f"fin_{row.metric}", float(row.value), row.unit, f"{row.period}; {row.source_publisher}")
        for row in financials.itertuples(index=False)
    ]


def document_numbers(data: CaseData) -> list[tuple[str, float, str, str]]:
    """``doc_<document>_<fact>`` for each fact counted in a source document."""
    facts = data.tables.get("document_facts", pd.DataFrame(columns=["document"]))
    return [
        (
            f"doc_{row.document}_{row.fact}",
            float(row.value),
            row.unit if isinstance(row.unit, str) else "",
            f"{row.document}, {row.location}: {row.how_counted}",
        )
        for row in facts.itertuples(index=False)
    ]


def milestone_numbers(data: CaseData) -> list[tuple[str, int, str, str]]:
    """``milestones_first_year_<category>``: the first year of each milestone category."""
    milestones = data.tables.get("milestones")
    if milestones is None or milestones.empty:
        return []
    first = milestones.groupby("category")["year"].min()
    return [
        (f"milestones_first_year_{category}", int(year), "year", f"first {category} milestone")
        for category, year in first.items()
    ]


def cleaning_summary(events: pd.DataFrame) -> pd.DataFrame:
    """What cleaning added, per continent and market type: events and countries."""
    table = (
        events.groupby(["continent", "market_type"])
        .agg(events=("iso2", "size"), countries=("iso2", "nunique"))
        .reset_index()
        .rename(columns={"market_type": "market type"})
    )
    return table


def source_numbers(events: pd.DataFrame) -> list[tuple[str, int, str, str]]:
    """How many events are sourced, and how many cite a URL."""
    return [
        ("events_sourced", len(events), "events", "events with a source in the raw data"),
        (
            "events_with_url",
            int(events["source_url"].notna().sum()),
            "events",
            "events whose source has a URL",
        ),
    ]


def sources_text(numbers: dict[str, dict[str, Any]], fictional: bool) -> str:
    """One sentence on the events' sources (an invented case has none to cite)."""
    n_events = numbers["events_sourced"]["value"]
    if fictional:
        return f"**{n_events}** events, all invented for this fictional case (no URLs to cite)."
    n_url = numbers["events_with_url"]["value"]
    return f"**{n_events}** events are sourced; **{n_url}** of them cite a URL."

"""The strategic analysis (thesis chapter 2): framework data, its validation, and charts.

A case describes its strategy frameworks in ``data/raw/<case>/frameworks.yaml``
(notebook 01 copies it to ``data/processed/<case>/frameworks.json``). Sections:

=====================  ========  ==============================================
section                required  content
=====================  ========  ==============================================
business_architecture  no        ``core`` text, ``segments`` (``name``, ``items``,
                                 optional ``note``), optional
                                 ``mission_vision_values`` and ``stakeholders``
                                 (``name``, ``role``)
values_stages          no        ``stages`` (``name``, ``start`` year, ``end`` year
                                 or null, ``values``, optional ``events``,
                                 ``end_basis``), optional ``boundary_note``
pest                   yes       lists ``political``, ``economic``, ``social``,
                                 ``technological``
five_forces            yes       ``rating_scale`` (lowest first) and ``forces``:
                                 one per key of :data:`FORCE_KEYS` (``key``,
                                 ``name``, ``rating``, ``factors``, optional
                                 ``rating_basis``)
swot                   yes       lists ``strengths``, ``weaknesses``,
                                 ``opportunities``, ``threats``
tows                   no        lists ``SO``, ``ST``, ``WO``, ``WT``
strategic_sequence     no        ``phases`` (``name``, ``start``/``end`` year or
                                 null, optional ``start_basis``, ``example``),
                                 optional ``source_claim`` (the order the source
                                 states) and ``dating_note`` (shown in the figure)
=====================  ========  ==============================================

Every section needs a ``source`` and may have ``note`` and
``figure_content_available``. Text that starts with "our reading" is an
interpretation the source does not state; figures mark it. A trailing
parenthesis naming a section (``sec.``), a text line (``L…``, ``txt``) or the
conclusions (``Concl.``) is a locator: figures leave it out, tables keep it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd

from ecomcase.config import PROJ_ROOT, case_paths
from ecomcase.errors import FrameworkError

FRAMEWORKS_FILE = "frameworks.yaml"
#: Porter's five forces, by the keys a case uses for them.
FORCE_KEYS = ("new_entrants", "supplier_power", "buyer_power", "substitutes", "rivalry")
_META = {"source": str, "note": str, "figure_content_available": bool}
_TEXT_LISTS = {
    "pest": ("political", "economic", "social", "technological"),
    "swot": ("strengths", "weaknesses", "opportunities", "threats"),
    "tows": ("SO", "ST", "WO", "WT"),
}
#: Sections without which notebook 02 cannot run; the others are skipped when absent.
REQUIRED_SECTIONS = ("pest", "five_forces", "swot")
OPTIONAL_SECTIONS = ("business_architecture", "values_stages", "tows", "strategic_sequence")
SECTIONS = (
    "business_architecture",
    "values_stages",
    "pest",
    "five_forces",
    "swot",
    "tows",
    "strategic_sequence",
)
_TOP_LEVEL = {"company": str, "source": str}

_LOCATOR = re.compile(r"\s*\(([^()]*(?:\bsec\.|\btxt\b|\bConcl\.|\bL\d)[^()]*)\)\s*$")


def split_locator(item: str) -> tuple[str, str]:
    """``"text (sec. 2.1, txt L274)"`` -> ``("text", "sec. 2.1, txt L274")``."""
    match = _LOCATOR.search(item)
    if match is None:
        return item.strip(), ""
    return item[: match.start()].strip(), match.group(1).strip()


def is_our_reading(text: str | None) -> bool:
    """True for a basis text that marks an interpretation, not a statement of the source."""
    return bool(text) and text.strip().lower().startswith("our reading")


# --------------------------------------------------------------------------- validation


class _Checker:
    """Collects every problem of one frameworks file, each naming section, item and field."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def mapping(self, value: Any, where: str) -> bool:
        if not isinstance(value, dict):
            self.add(where, f"expected a mapping of keys to values, got {_kind(value)}")
            return False
        return True

    def keys(
        self, value: dict, where: str, required: dict[str, Any], optional: dict[str, Any]
    ) -> None:
        for key in value:
            if key not in required and key not in optional:
                known = ", ".join([*required, *optional])
                self.add(where, f"unknown field '{key}' (expected: {known})")
        for key, kind in required.items():
            if key not in value:
                self.add(where, f"missing field '{key}'")
            else:
                self.typed(value[key], kind, f"{where}, field '{key}'")
        for key, kind in optional.items():
            if key in value and value[key] is not None:
                self.typed(value[key], kind, f"{where}, field '{key}'")

    def typed(self, value: Any, kind: Any, where: str) -> None:
        if kind == "texts":
            self.texts(value, where)
        elif kind == "year or null":
            if value is not None:
                self.typed(value, int, where)
        elif kind is int:
            if isinstance(value, bool) or not isinstance(value, int):
                self.add(where, f"expected a year (integer), got {_kind(value)} {value!r}")
        elif kind is str:
            if not isinstance(value, str) or not value.strip():
                self.add(where, f"expected non-empty text, got {_kind(value)} {value!r}")
        elif kind is list:
            if not isinstance(value, list) or not value:
                self.add(where, f"expected a non-empty list, got {_kind(value)}")
        elif not isinstance(value, kind):
            self.add(where, f"expected {kind.__name__}, got {_kind(value)} {value!r}")

    def texts(self, value: Any, where: str) -> None:
        if not isinstance(value, list):
            self.add(where, f"expected a list of texts, got {_kind(value)}")
            return
        for i, item in enumerate(value, 1):
            if not isinstance(item, str) or not item.strip():
                self.add(f"{where}, item {i}", f"expected non-empty text, got {_kind(item)}")

    def records(
        self, value: Any, where: str, required: dict[str, Any], optional: dict[str, Any]
    ) -> list[dict]:
        if not isinstance(value, list) or not value:
            self.add(where, f"expected a non-empty list, got {_kind(value)}")
            return []
        good = []
        for i, record in enumerate(value, 1):
            if self.mapping(record, f"{where}, item {i}"):
                self.keys(record, f"{where}, item {i}", required, optional)
                good.append(record)
        return good


def _kind(value: Any) -> str:
    return "nothing" if value is None else type(value).__name__


def _check_section(name: str, section: Any, check: _Checker) -> None:
    where = f"section '{name}'"
    if not check.mapping(section, where):
        return
    if name in _TEXT_LISTS:
        check.keys(section, where, dict.fromkeys(_TEXT_LISTS[name], "texts"), _META)
    elif name == "business_architecture":
        fields = {"core": str, "segments": list}
        optional = {**_META, "mission_vision_values": "texts", "stakeholders": list}
        check.keys(section, where, fields, optional)
        check.records(
            section.get("segments"),
            f"{where}, field 'segments'",
            {"name": str, "items": "texts"},
            {"note": str},
        )
        if "stakeholders" in section:
            check.records(
                section["stakeholders"],
                f"{where}, field 'stakeholders'",
                {"name": str, "role": str},
                {},
            )
    elif name == "values_stages":
        check.keys(section, where, {"stages": list}, {**_META, "boundary_note": str})
        stages = check.records(
            section.get("stages"),
            f"{where}, field 'stages'",
            {"name": str, "start": int, "values": "texts"},
            {"end": int, "end_basis": str, "events": "texts"},
        )
        _check_years(stages, f"{where}, field 'stages'", check)
    elif name == "five_forces":
        check.keys(section, where, {"rating_scale": "texts", "forces": list}, _META)
        forces = check.records(
            section.get("forces"),
            f"{where}, field 'forces'",
            {"key": str, "name": str, "rating": str, "factors": "texts"},
            {"rating_basis": str},
        )
        _check_forces(forces, section.get("rating_scale"), f"{where}, field 'forces'", check)
    elif name == "strategic_sequence":
        optional = {**_META, "source_claim": str, "dating_note": str}
        check.keys(section, where, {"phases": list}, optional)
        phases = check.records(
            section.get("phases"),
            f"{where}, field 'phases'",
            {"name": str, "start": "year or null", "end": "year or null"},
            {"start_basis": str, "example": str},
        )
        _check_years(phases, f"{where}, field 'phases'", check)


def _check_years(records: list[dict], where: str, check: _Checker) -> None:
    for i, record in enumerate(records, 1):
        start, end = record.get("start"), record.get("end")
        if isinstance(start, int) and isinstance(end, int) and end < start:
            check.add(f"{where}, item {i}", f"ends ({end}) before it starts ({start})")


def _check_forces(forces: list[dict], scale: Any, where: str, check: _Checker) -> None:
    keys = [f.get("key") for f in forces]
    for key in FORCE_KEYS:
        if keys.count(key) != 1:
            found = "missing" if key not in keys else f"listed {keys.count(key)} times"
            check.add(where, f"force '{key}' is {found} (each of {', '.join(FORCE_KEYS)} once)")
    for i, force in enumerate(forces, 1):
        if force.get("key") not in FORCE_KEYS:
            check.add(
                f"{where}, item {i}, field 'key'",
                f"unknown force '{force.get('key')}' (expected one of: {', '.join(FORCE_KEYS)})",
            )
        if isinstance(scale, list) and force.get("rating") not in scale:
            check.add(
                f"{where}, item {i}, field 'rating'",
                f"'{force.get('rating')}' is not on the rating_scale {scale}",
            )


def framework_problems(document: Any) -> list[str]:
    """Every problem of a frameworks document, as ``"section '...', item i, field 'x': ..."``."""
    check = _Checker()
    if not check.mapping(document, "top level"):
        return check.problems
    for key in document:
        if key not in SECTIONS and key not in _TOP_LEVEL:
            check.add("top level", f"unknown section '{key}' (expected: {', '.join(SECTIONS)})")
    for key, kind in _TOP_LEVEL.items():
        if key in document:
            check.typed(document[key], kind, f"top level, field '{key}'")
    for name in REQUIRED_SECTIONS:
        if document.get(name) is None:
            check.add(f"section '{name}'", "missing (required for the strategic analysis)")
    for name in SECTIONS:
        if document.get(name) is not None:
            _check_section(name, document[name], check)
    return check.problems


def frameworks_path(case: str) -> Path:
    return case_paths(case).raw / FRAMEWORKS_FILE


def _display_path(path: Path) -> str:
    try:
        return path.relative_to(PROJ_ROOT).as_posix()
    except ValueError:
        return str(path)


def validate_frameworks(document: Any, file: str) -> dict[str, Any]:
    """``document`` when valid; otherwise :class:`FrameworkError` listing every problem."""
    problems = framework_problems(document)
    if problems:
        lines = [f"{file}: {p}" for p in problems]
        head = f"{len(lines)} problem(s) in the strategy frameworks:"
        raise FrameworkError("\n".join([head, *("  - " + line for line in lines)]))
    return document


def read_frameworks(case: str, processed: Path) -> dict[str, Any]:
    """The case's validated frameworks, from notebook 01's ``frameworks.json`` in ``processed``.

    Messages name the raw YAML file, the one a user edits.
    """
    file = _display_path(frameworks_path(case))
    path = processed / "frameworks.json"
    if not path.is_file():
        raise FrameworkError(
            f"{file}: missing; the strategic analysis needs it, with at least the sections "
            f"{', '.join(REQUIRED_SECTIONS)} (and a 'frameworks' resource in datapackage.json)"
        )
    return validate_frameworks(json.loads(path.read_text(encoding="utf-8")), file)


def absent_reason(frameworks: dict[str, Any], section: str, case: str) -> str | None:
    """Why ``section`` cannot be drawn for this case, or None when it can."""
    if frameworks.get(section) is None:
        file = _display_path(frameworks_path(case))
        return f"{file} has no '{section}' section"
    return None


# --------------------------------------------------------------------------- tables


def framework_table(section: dict[str, Any], name: str) -> pd.DataFrame:
    """One row per item of a framework section: ``group``, ``item``, ``locator``, ``detail``."""
    rows: list[dict[str, str]] = []

    def add(group: str, item: str, detail: str = "") -> None:
        text, locator = split_locator(item)
        rows.append({"group": group, "item": text, "locator": locator, "detail": detail})

    if name in _TEXT_LISTS:
        for group in _TEXT_LISTS[name]:
            for item in section[group]:
                add(group, item)
    elif name == "business_architecture":
        add("core", section["core"])
        for item in section.get("mission_vision_values") or []:
            add("mission, vision, values", item)
        for segment in section["segments"]:
            for item in segment["items"]:
                add(f"segment: {segment['name']}", item)
            if segment.get("note"):
                add(f"segment: {segment['name']}", "(note)", segment["note"])
        for holder in section.get("stakeholders") or []:
            add(f"participant: {holder['name']}", holder["role"])
    elif name == "values_stages":
        for stage in section["stages"]:
            group = f"{stage['name']} ({year_span(stage['start'], stage.get('end'))})"
            for item in stage["values"]:
                add(group, item, "value")
            for item in stage.get("events") or []:
                add(group, item, "event")
    elif name == "five_forces":
        for force in section["forces"]:
            group = f"{force['name']} (rating: {force['rating']})"
            for item in force["factors"]:
                add(group, item, force.get("rating_basis", ""))
    elif name == "strategic_sequence":
        for phase in section["phases"]:
            add(phase["name"], phase.get("example", ""), phase.get("start_basis", ""))
    return pd.DataFrame(rows, columns=["group", "item", "locator", "detail"])


def year_span(start: int | None, end: int | None) -> str:
    """``1999–2011``, ``2019 onward`` or ``not dated``."""
    if start is None:
        return "not dated"
    return f"{start}\u2013{end}" if end is not None else f"{start} onward"


# --------------------------------------------------------------------------- figure notes


#: "txt L12"-style line references of the reading notes, left out of figure notes.
_TEXT_LINE_REFERENCE = re.compile(r"\s*[;,]?\s*\btxt\s+L[\d\s,\-\u2013L]*", re.IGNORECASE)


def figure_source(text: str) -> str:
    """A source for a figure's note: ``text`` without references to lines of a
    plain-text copy (``txt L379-381``), which belong in the data, not in print."""
    cleaned = _TEXT_LINE_REFERENCE.sub("", str(text))
    cleaned = re.sub(r"^our\s+(\w)", lambda m: m.group(1).upper(), cleaned.strip(), flags=re.I)
    cleaned = re.sub(r"\(\s*[,;]?\s*\)", "", cleaned)
    return re.sub(r"\s+([,;.)])", r"\1", cleaned).strip(" ;,")


def phase_spans(milestones: pd.DataFrame, phases: list[dict[str, Any]]) -> pd.DataFrame:
    """Milestones in date order with a ``phases`` column: the strategy phases under way then.

    A phase runs from its ``start`` year to its ``end`` year (open: to the present);
    an undated phase (``start`` None) covers no milestone.
    """
    rows = milestones.copy()
    rows["date"] = rows["date"].fillna("").astype(str)
    rows = rows.sort_values(["year", "date"], kind="stable").reset_index(drop=True)

    def running(year: int) -> str:
        names = [
            p["name"]
            for p in phases
            if p.get("start") is not None
            and p["start"] <= year
            and (p.get("end") is None or year <= p["end"])
        ]
        return "; ".join(names)

    rows["phases"] = [running(int(y)) for y in rows["year"]]
    return rows[["year", "date", "event", "category", "phases"]]


def strategy_timeline_note(sequence: dict[str, Any], milestones_note: str) -> str:
    """The source line of the strategy timeline: the phases, how they were dated, and
    ``milestones_note`` (the milestones' own source line, "Data: ...")."""
    parts = [f"Phases: {figure_source(sequence.get('source', ''))}"]
    if any(is_our_reading(p.get("start_basis")) for p in sequence["phases"]):
        parts.append(
            "the source dates no phase; a bar starts at the first dated event of its phase"
        )
    parts.append(f"milestones: {milestones_note.removeprefix('Data: ')}")
    return "Data: " + "; ".join(parts)

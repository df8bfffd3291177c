"""The case's parameter file, ``params/<case>.yaml``: loading and strict validation.

Top-level keys (type, default, example):

==================  ===============  ============  =====================================
key                 type             default       example / meaning
==================  ===============  ============  =====================================
case                str              (required)    ``acme``; must equal the file name
company             str              (required)    ``Acme Group``: display name
short_name          str              = company     ``Acme``: label in figures
fictional           bool             ``false``     ``true`` marks an invented teaching case
currency            str              ``USD``       currency of announced amounts
event_years         [int, int]       (required)    ``[2010, 2021]``: first and last event year
seed                int              ``12345``     seed of every random draw
figure_formats      list[str]        png,svg,pdf   any of ``png``, ``svg``, ``pdf``
figure_dpi          int              ``300``       resolution of PNG figures (print)
figure_width_cm     float            ``16``        text width figures are printed at
figure_titles       bool             ``false``     ``true`` draws titles in the figures
                                                   (slides); a caption carries them
documents           list[dict]       ``[]``        source documents: ``id``, ``citation``,
                                                   optional ``url``, ``short``
notebooks           dict             ``{}``        per-notebook parameters, keyed by
                                                   notebook name; each key must be a
                                                   parameter declared in that notebook's
                                                   ``parameters`` cell, of the same type
==================  ===============  ============  =====================================
"""

from __future__ import annotations

import ast
import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ecomcase.config import NOTEBOOKS, NOTEBOOKS_DIR, case_paths, known_cases
from ecomcase.errors import CaseError, ParamsError
from ecomcase.fileio import read_yaml_file
from ecomcase.fuzzy import OPERATORS


@dataclass(frozen=True)
class Key:
    type: type | tuple[type, ...]
    default: Any = None
    required: bool = False


TOP_LEVEL: dict[str, Key] = {
    "case": Key(str, required=True),
    "company": Key(str, required=True),
    "short_name": Key(str),
    "fictional": Key(bool, False),
    "currency": Key(str, "USD"),
    "event_years": Key(list, required=True),
    "seed": Key(int, 12345),
    "figure_formats": Key(list, ["png", "svg", "pdf"]),
    "figure_dpi": Key(int, 300),
    "figure_width_cm": Key(float, 16.0),
    "figure_titles": Key(bool, False),
    "documents": Key(list, []),
    "notebooks": Key(dict, {}),
}
FIGURE_FORMATS = {"png", "svg", "pdf"}


def _type_name(value: Any) -> str:
    return type(value).__name__


def _check_type(value: Any, expected: type | tuple[type, ...]) -> bool:
    # bool is an int in Python; a YAML 'true' must not pass for a number
    if isinstance(value, bool) and expected is not bool and bool not in _as_tuple(expected):
        return False
    if expected is float or (isinstance(expected, tuple) and float in expected):
        expected = (*_as_tuple(expected), int)
    return isinstance(value, expected)


def _as_tuple(expected: type | tuple[type, ...]) -> tuple[type, ...]:
    return expected if isinstance(expected, tuple) else (expected,)


@functools.cache
def declared_parameters(notebook: str) -> dict[str, Any]:
    """Parameters declared in a notebook's ``parameters`` cell, with their defaults
    (None for a default that is an expression, not a literal: any type is accepted).

    Read as papermill reads them: the names assigned at the top level of the cell
    tagged ``parameters`` (a test holds the two readings equal). Parsing the cell
    with ``ast`` spares every step importing papermill (about 0.7 s) for it.
    """
    path = NOTEBOOKS_DIR / f"{notebook}.ipynb"
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    tagged = [c for c in cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    if not tagged:
        return {}
    source = tagged[0]["source"]
    tree = ast.parse(source if isinstance(source, str) else "".join(source))
    out = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if isinstance(target, ast.Name):
            try:
                out[target.id] = ast.literal_eval(value)
            except (ValueError, SyntaxError):
                out[target.id] = None  # an expression: any type is accepted
    return out


def _default_type(default: Any) -> type | tuple[type, ...] | None:
    if default is None:
        return None
    if isinstance(default, bool):
        return bool
    if isinstance(default, int | float):
        return (int, float) if isinstance(default, float) else int
    return type(default)


def load_params(case: str, *, check_sections: bool = True) -> dict[str, Any]:
    """Read and validate ``params/<case>.yaml``; defaults filled in.

    ``check_sections=False`` skips checking the notebook sections against the
    notebooks' ``parameters`` cells (papermill's parser, slow to import): for
    code running inside a notebook, whose parameters papermill has already
    injected from a checked file. Raises :class:`CaseError` for an unknown
    case and :class:`ParamsError` naming the file and key for anything malformed.
    """
    paths = case_paths(case)
    path = paths.params_file
    if not path.is_file():
        cases = ", ".join(known_cases()) or "none"
        raise CaseError(
            f"unknown case '{case}': {path} does not exist (known cases: {cases}; "
            "create one with `make new-company NAME=<case>`)"
        )
    try:
        raw = read_yaml_file(path)
    except ValueError as exc:
        line = getattr(exc, "line", None)
        listed = f"line {line}: {exc}" if line else str(exc)
        raise ParamsError(f"{path}, {listed}", [listed]) from None
    if not isinstance(raw, dict):
        raise ParamsError(f"{path}: expected a mapping of keys to values at the top level")
    return validate_params(raw, path, check_sections)


def validate_params(
    raw: dict[str, Any], path: Path, check_sections: bool = True
) -> dict[str, Any]:
    problems: list[str] = []
    mistyped: set[str] = set()
    for key in raw:
        if key not in TOP_LEVEL:
            problems.append(f"unknown key '{key}' (expected one of: {', '.join(TOP_LEVEL)})")
    params: dict[str, Any] = {}
    for key, spec in TOP_LEVEL.items():
        if key not in raw:
            if spec.required:
                problems.append(f"missing required key '{key}'")
            params[key] = spec.default
            continue
        value = raw[key]
        if not _check_type(value, spec.type):
            expected = " or ".join(t.__name__ for t in _as_tuple(spec.type))
            problems.append(f"key '{key}' should be {expected}, got {_type_name(value)} {value!r}")
            value = spec.default  # the values of the other keys are still checked
            mistyped.add(key)
        params[key] = value
    required = [key for key, spec in TOP_LEVEL.items() if spec.required]
    if all(key in raw and key not in mistyped for key in required):
        problems += _check_values(params, path, check_sections)
    if problems:
        raise ParamsError(f"{path}: " + "; ".join(problems), problems)
    params["short_name"] = params["short_name"] or params["company"]
    return params


def _check_values(params: dict[str, Any], path: Path, check_sections: bool) -> list[str]:
    problems = []
    if params["case"] != path.stem:
        problems.append(f"key 'case' is '{params['case']}' but the file is {path.name}")
    years = params["event_years"]
    if not (len(years) == 2 and all(_check_type(y, int) for y in years) and years[0] <= years[1]):
        problems.append(f"key 'event_years' should be [first, last] years, got {years!r}")
    width = params["figure_width_cm"]
    if not (_check_type(width, float) and 5 <= width <= 40):
        problems.append(f"key 'figure_width_cm' should be a text width in cm (5-40), got {width!r}")
    bad = [f for f in params["figure_formats"] if f not in FIGURE_FORMATS]
    if bad or not params["figure_formats"]:
        problems.append(
            f"key 'figure_formats' has {bad or 'no formats'}; allowed: {sorted(FIGURE_FORMATS)}"
        )
    for i, doc in enumerate(params["documents"], 1):
        if not isinstance(doc, dict) or not {"id", "citation"} <= set(doc):
            problems.append(f"documents entry {i} needs 'id' and 'citation'")
    for notebook, section in params["notebooks"].items():
        if notebook not in NOTEBOOKS:
            problems.append(
                f"notebooks: unknown notebook '{notebook}' "
                f"(expected one of: {', '.join(NOTEBOOKS)})"
            )
            continue
        if section is None:  # a section whose keys are all commented out
            params["notebooks"][notebook] = {}
            continue
        if not isinstance(section, dict):
            problems.append(f"notebooks.{notebook} should be a mapping, got {_type_name(section)}")
            continue
        if check_sections:
            problems += _check_notebook_section(notebook, section)
    return problems


@dataclass(frozen=True)
class Allowed:
    """What one notebook parameter may hold: its type, and its choices or range.

    ``type`` is the type of a set value (a parameter whose default is None may
    also stay None); ``choices`` lists every allowed value; ``minimum`` and
    ``maximum`` bound a number, themselves excluded when ``open`` is true.
    """

    type: type | tuple[type, ...]
    choices: tuple[Any, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    open: bool = False

    def describe(self) -> str:
        """The rule in words, as docs and messages show it."""
        kind = " or ".join(_TYPE_WORDS.get(t, t.__name__) for t in _as_tuple(self.type))
        if self.type == _NUMBER:
            kind = "number"
        if self.choices:
            return f"{kind}, one of: {', '.join(map(str, self.choices))}"
        if self.minimum is not None and self.maximum is not None:
            left, right = ("(", ")") if self.open else ("[", "]")
            return f"{kind} in {left}{self.minimum:g}, {self.maximum:g}{right}"
        if self.minimum is not None:
            return f"{kind} {'>' if self.open else '>='} {self.minimum:g}"
        return kind

    def problem(self, value: Any) -> str | None:
        """Why ``value`` is not allowed, or None when it is."""
        if not _check_type(value, self.type):
            return f"should be {self.describe()}, got {_type_name(value)} {value!r}"
        if self.choices and value not in self.choices:
            return f"{value!r} is not allowed: {self.describe()}"
        if isinstance(value, int | float) and not isinstance(value, bool):
            if value != value or value in (float("inf"), float("-inf")):
                return f"should be a finite number, got {value!r}"
            low, high = self.minimum, self.maximum
            too_low = low is not None and (value <= low if self.open else value < low)
            too_high = high is not None and (value >= high if self.open else value > high)
            if too_low or too_high:
                hint = ""
                if high == 1 and 1 < value <= 100:
                    hint = f" (a fraction, not a percentage: {value / 100:g}?)"
                return f"{value!r} is out of range: {self.describe()}{hint}"
        return None


_TYPE_WORDS = {int: "integer", float: "number", str: "text", bool: "true/false",
               list: "list", dict: "mapping"}
_NUMBER = (int, float)


#: Every notebook parameter (besides ``case``) with its type and allowed values.
#: A parameter missing here is a test failure (tests/test_bad_input.py).
NOTEBOOK_PARAMETERS: dict[str, dict[str, Allowed]] = {
    "01_data_cleaning": {},
    "02_strategic_analysis": {
        "own_group": Allowed(str),
        "hhi_moderate": Allowed(_NUMBER, minimum=0, maximum=10000),
        "hhi_high": Allowed(_NUMBER, minimum=0, maximum=10000),
        "source_figures": Allowed(dict),
    },
    "03_internationalization_timeline": {
        "fortune_years": Allowed(list),
        "history_periods": Allowed(list),
        "inverted_v_window": Allowed(list),
        "turning_year": Allowed(int, minimum=1000, maximum=3000),
        "acquisition_mode": Allowed(str),
        "amount_threshold_usd_m": Allowed(_NUMBER, minimum=0),
        "top_countries": Allowed(int, minimum=1),
        "host_concentration": Allowed(int, minimum=1),
        "alpha": Allowed(_NUMBER, minimum=0, maximum=1, open=True),
        "monte_carlo_resamples": Allowed(int, minimum=1),
        "mode_labels": Allowed(dict),
        "industry_labels": Allowed(dict),
        "milestone_labels": Allowed(dict),
        "source_figures": Allowed(dict),
        "coding": Allowed(dict),
        "multiverse_headlines": Allowed(list),
    },
    "04_fuzzy_evaluation": {
        "criterion_weights": Allowed(dict),
        "sub_weights": Allowed(dict),
        "grade_scores": Allowed(list),
        "operator": Allowed(str, choices=OPERATORS),
        "good_threshold": Allowed(_NUMBER),
        "alternative_grade_scores": Allowed(list),
        "perturbation": Allowed(_NUMBER, minimum=0, maximum=1, open=True),
        "mc_draws": Allowed(int, minimum=1),
        "dirichlet_concentration": Allowed(_NUMBER, minimum=0, open=True),
        "bootstrap_draws": Allowed(int, minimum=1),
        "panel_size": Allowed(int, minimum=1),
        "interval_level": Allowed(_NUMBER, minimum=0, maximum=1, open=True),
        "stated_score": Allowed(_NUMBER),
        "source_tables": Allowed(dict),
    },
}


def _check_notebook_section(notebook: str, section: dict[str, Any]) -> list[str]:
    declared = declared_parameters(notebook)
    rules = NOTEBOOK_PARAMETERS.get(notebook, {})
    problems = []
    for name, value in section.items():
        if name == "case" or name not in declared:
            expected = ", ".join(k for k in declared if k != "case") or "none"
            problems.append(
                f"notebooks.{notebook}: unknown parameter '{name}' (expected: {expected})"
            )
            continue
        if value is None and declared[name] is None:
            continue  # None: the notebook's documented fallback
        rule = rules.get(name)
        expected_type = _default_type(declared[name])
        if rule is not None:
            why = rule.problem(value)
        elif expected_type is not None and not _check_type(value, expected_type):
            why = (
                f"should be {' or '.join(t.__name__ for t in _as_tuple(expected_type))}, "
                f"got {_type_name(value)} {value!r}"
            )
        else:
            why = None
        if why is not None:
            problems.append(f"notebooks.{notebook}.{name} {why} (default: {declared[name]!r})")
        elif name == "coding":
            problems += _coding_problems(notebook, value)
    return problems


def _coding_problems(notebook: str, coding: Any) -> list[str]:
    """The default coding of the events, checked as notebook 03 will check it."""
    from ecomcase.timeline.coding import check_coding

    try:
        check_coding(coding, f"notebooks.{notebook}.coding")
    except ParamsError as exc:
        return exc.problems
    return []


def notebook_parameters(params: dict[str, Any], notebook: str) -> dict[str, Any]:
    """The papermill parameters of one notebook: the case plus its own section."""
    return {"case": params["case"], **params["notebooks"].get(notebook, {})}


def document_citations(params: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {doc["id"]: doc for doc in params["documents"]}





def parameter_reference() -> str:
    """Every notebook parameter with its default and what validate allows, as a
    Markdown table (docs/adapting.md holds it; a test keeps the two equal)."""
    rows = ["| notebook | parameter | default | allowed (checked by `make validate`) |",
            "| --- | --- | --- | --- |"]
    for notebook, rules in NOTEBOOK_PARAMETERS.items():
        declared = declared_parameters(notebook)
        for name, rule in rules.items():
            allowed = rule.describe()
            if declared[name] is None:
                allowed += "; or None (the notebook's fallback)"
            if name == "coding":
                allowed += "; each switch one of its options (docs: Coding rules)"
            rows.append(f"| {notebook} | `{name}` | `{declared[name]!r}` | {allowed} |")
    return "\n".join(rows) + "\n"
__all__ = ["load_params", "notebook_parameters", "declared_parameters", "document_citations"]

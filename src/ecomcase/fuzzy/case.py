"""A case's fuzzy evaluation: processed data in, tables out.

Bridges notebook 04 and the pure mathematics in :mod:`ecomcase.fuzzy.core` and
:mod:`ecomcase.fuzzy.sensitivity`; figures are drawn by :mod:`ecomcase.fuzzy.plots`.
Nothing here knows the shape of a case's index system: criteria, sub-criteria
and grades (names and number) come from the processed data.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ecomcase.errors import FuzzyInputError
from ecomcase.fuzzy import core as fuzzy
from ecomcase.fuzzy import sensitivity as sens

#: Key of ``numbers.json`` whose claim states the source's score.
SCORE_NUMBER = "fuzzy_score"


@dataclass(frozen=True)
class FuzzySetup:
    system: fuzzy.IndexSystem
    index: pd.DataFrame
    grades: tuple[str, ...]
    membership: np.ndarray
    criterion_weights: np.ndarray
    sub_weights: np.ndarray
    grade_scores: np.ndarray

    def evaluate(
        self, operator: str = "weighted_average", grade_scores: Any = None
    ) -> fuzzy.Evaluation:
        scores = self.grade_scores if grade_scores is None else grade_scores
        return fuzzy.evaluate(
            self.system,
            self.criterion_weights,
            self.sub_weights,
            self.membership,
            scores,
            operator,
        )

    @property
    def inputs(self) -> tuple[fuzzy.IndexSystem, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(system, criterion weights, sub-weights, membership, grade scores) for the library."""
        return (
            self.system,
            self.criterion_weights,
            self.sub_weights,
            self.membership,
            self.grade_scores,
        )

    def criterion_names(self) -> dict[str, str]:
        return dict(zip(self.index["criterion_code"], self.index["criterion_name"], strict=True))

    def index_table(self) -> pd.DataFrame:
        """The index system: criteria and their sub-criteria (codes and names)."""
        return self.index[["criterion_code", "criterion_name", "sub_code", "sub_name"]].copy()

    def weights_table(self) -> pd.DataFrame:
        """The index system with the weight of each criterion and sub-criterion."""
        table = self.index_table()
        by_code = dict(zip(self.system.criteria, self.criterion_weights, strict=True))
        table.insert(2, "criterion_weight", table["criterion_code"].map(by_code))
        table["sub_weight"] = self.sub_weights
        return table

    def membership_table(self) -> pd.DataFrame:
        table = self.index[["criterion_code", "sub_code", "sub_name"]].copy()
        table["weight"] = self.sub_weights
        for j, grade in enumerate(self.grades):
            table[grade] = self.membership[:, j]
        return table

    def result_table(self, result: fuzzy.Evaluation) -> pd.DataFrame:
        """First-level vectors (one per criterion) and the comprehensive vector, with scores."""
        rows = [
            {
                "level": "criterion",
                "code": code,
                "weight": w,
                **dict(zip(self.grades, vec, strict=True)),
            }
            for code, w, vec in zip(
                self.system.criteria, self.criterion_weights, result.first_level, strict=True
            )
        ]
        rows.append(
            {
                "level": "comprehensive",
                "code": "B",
                "weight": 1.0,
                **dict(zip(self.grades, result.comprehensive, strict=True)),
            }
        )
        table = pd.DataFrame(rows)
        vectors = np.vstack([result.first_level, result.comprehensive])
        table["score"] = vectors @ np.asarray(self.grade_scores, dtype=float)
        return table

    def implied_panel_size(self) -> int | None:
        return fuzzy.implied_panel_size(self.membership)


def _ordered(weights: dict[str, float] | None, codes: tuple[str, ...], what: str) -> np.ndarray:
    if not weights:
        raise FuzzyInputError(f"no {what} given (set them in params/<case>.yaml)")
    missing = [c for c in codes if c not in weights]
    extra = [c for c in weights if c not in codes]
    if missing or extra:
        raise FuzzyInputError(f"{what}: missing {missing}, unknown {extra}")
    return np.array([weights[c] for c in codes], dtype=float)


def absent_reason(processed: Path) -> str | None:
    """Why the case has no fuzzy evaluation (no index or membership table, or no rows),
    or None when it has one. Notebook 04 then skips the evaluation with this reason."""
    for name in ("fuzzy_index", "fuzzy_membership"):
        path = processed / f"{name}.csv"
        if not path.is_file():
            return f"the case has no {name} table"
        if pd.read_csv(path).empty:
            return f"the case's {name} table has no rows"
    return None


def load(
    processed: Path,
    criterion_weights: dict[str, float] | None,
    sub_weights: dict[str, float] | None,
    grade_scores: list[float] | Any,
) -> FuzzySetup:
    """Index system and memberships from notebook 01's output, weights by code.

    Weights left out (None or empty) are equal: every criterion alike, and every
    sub-criterion alike within its criterion. ``grade_scores`` None gives the usual
    equally spaced vector for the number of grades (:func:`default_grade_scores`).
    """
    index = pd.read_csv(
        processed / "fuzzy_index.csv", dtype={"criterion_code": str, "sub_code": str}
    )
    membership = pd.read_csv(processed / "fuzzy_membership.csv", dtype={"sub_code": str})
    system = fuzzy.IndexSystem.from_pairs(
        list(zip(index["criterion_code"], index["sub_code"], strict=True))
    )
    grades = tuple(c for c in membership.columns if c != "sub_code")
    missing = [s for s in system.sub_criteria if s not in set(membership["sub_code"])]
    if missing:
        raise FuzzyInputError(f"fuzzy_membership.csv has no row for sub-criteria {missing}")
    matrix = (
        membership.set_index("sub_code")
        .loc[list(system.sub_criteria), list(grades)]
        .to_numpy(float)
    )
    scores = default_grade_scores(len(grades)) if grade_scores is None else grade_scores
    return FuzzySetup(
        system=system,
        index=index,
        grades=grades,
        membership=matrix,
        criterion_weights=_ordered(
            criterion_weights or equal_criterion_weights(system),
            system.criteria,
            "criterion weights",
        ),
        sub_weights=_ordered(
            sub_weights or equal_sub_weights(system),
            system.sub_criteria,
            "sub-criterion weights",
        ),
        grade_scores=fuzzy.check_grade_scores(scores, len(grades)),
    )


def equal_criterion_weights(system: fuzzy.IndexSystem) -> dict[str, float]:
    """Every criterion the same weight: what a case that gives no criterion weights gets."""
    return {code: 1.0 / len(system.criteria) for code in system.criteria}


def equal_sub_weights(system: fuzzy.IndexSystem) -> dict[str, float]:
    """Every sub-criterion the same weight within its criterion (each group sums to 1)."""
    return {system.sub_criteria[row]: 1.0 / len(rows) for rows in system.groups for row in rows}


def default_grade_scores(grades: int) -> list[float]:
    """100 down to 100/grades in equal steps (100/80/60/40/20 for five grades)."""
    return [float(x) for x in sens.equally_spaced(100.0, 100.0 / grades, grades)]


# --------------------------------------------------------------------------- #
# What the case's data states


def default_threshold(setup: FuzzySetup) -> float:
    """The score a result should reach when the params name none: the case's own
    second-best grade (80 in 100/80/60/40/20, 75 in 100/75/50/25), the only
    grade's score in a one-grade scale."""
    scores = sorted((float(s) for s in setup.grade_scores), reverse=True)
    return scores[1] if len(scores) > 1 else scores[0]


def threshold_label(setup: FuzzySetup, threshold: float) -> str:
    """The name of the grade whose score is ``threshold`` (``good`` at 80 in a 100/80/60/40/20
    scale, ``adequate`` at 75 in 100/75/50/25), else ``threshold``: the line's label in figures."""
    for grade, score in zip(setup.grades, setup.grade_scores, strict=True):
        if np.isclose(float(score), threshold):
            return str(grade).replace("_", " ")
    return "threshold"


def stated_panel_size(case: str) -> int | None:
    """The expert panel size that ``datapackage.json`` gives for the membership table."""
    from ecomcase.data.package import read_package

    for resource in read_package(case)["resources"]:
        if resource.get("name") == "fuzzy_membership":
            size = resource.get("panel_size")
            return int(size) if size is not None else None
    return None


def stated_score(case: str) -> float | None:
    """The score the source states: the claim checked against ``fuzzy_score``, if any."""
    from ecomcase.config import case_paths
    from ecomcase.report.claims import load_claims

    for claim in load_claims(case_paths(case).raw / "claims.yaml"):
        stated = claim.get("stated")
        if claim.get("number") == SCORE_NUMBER and isinstance(stated, int | float):
            return float(stated)
    return None


# --------------------------------------------------------------------------- #
# Operators and grade-score vectors


def grade_score_vectors(
    setup: FuzzySetup, alternatives: list[list[float]] | None = None
) -> dict[str, np.ndarray]:
    """The case's grade-score vector first, then ``alternatives`` (or the common ones).

    Keys label each vector by its entries (``"100/80/60/40/20"``); duplicates are dropped.
    """
    m = len(setup.grades)
    vectors = {sens.vector_label(setup.grade_scores): setup.grade_scores}
    if alternatives is None:
        others = list(sens.common_grade_score_vectors(m).values())
    else:
        others = [fuzzy.check_grade_scores(v, m) for v in alternatives]
    for vector in others:
        vectors.setdefault(sens.vector_label(vector), np.asarray(vector, dtype=float))
    return vectors


def operators_table(setup: FuzzySetup, vectors: dict[str, np.ndarray]) -> pd.DataFrame:
    """One row per operator: comprehensive vector, grade, and the score under each vector."""
    rows = []
    for operator in fuzzy.OPERATORS:
        result = setup.evaluate(operator)
        row: dict[str, Any] = {"operator": operator}
        row.update(dict(zip(setup.grades, result.comprehensive, strict=True)))
        row["grade"] = setup.grades[result.grade_index]
        for label, vector in vectors.items():
            row[f"score {label}"] = float(result.comprehensive @ vector)
        rows.append(row)
    return pd.DataFrame(rows)


def closest_score(table: pd.DataFrame, target: float) -> dict[str, Any]:
    """The operator and grade-score vector of :func:`operators_table` scoring nearest ``target``."""
    score_columns = [c for c in table.columns if c.startswith("score ")]
    long = table.melt(
        id_vars="operator", value_vars=score_columns, var_name="vector", value_name="score"
    )
    long["distance"] = (long["score"] - target).abs()
    best = long.loc[long["distance"].idxmin()]
    return {
        "operator": best["operator"],
        "vector": best["vector"].removeprefix("score "),
        "score": float(best["score"]),
    }


def grade_solutions_table(
    setup: FuzzySetup, solutions: sens.GradeScoreSolutions
) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Concrete grade-score vectors that give ``solutions.target``, and a table of them.

    Equally spaced vectors with the top score 100 (``top_100``); with the step
    of the case's vector, or its mean step when it is not equally spaced
    (``same_step``); with the bottom score 0 (``bottom_0``); and the vector
    nearest to the case's vector (``nearest``). A family that has no solution
    for this comprehensive vector is listed with the reason.
    """
    v0 = np.asarray(setup.grade_scores, dtype=float)
    step = float((v0[0] - v0[-1]) / (len(v0) - 1))
    families: dict[str, tuple[str, Any]] = {
        "top_100": ("equally spaced, top grade 100", lambda: solutions.equally_spaced(top=100.0)),
        "same_step": (
            f"equally spaced, step {step:g} as in {sens.vector_label(v0)}",
            lambda: solutions.equally_spaced(step=step),
        ),
        "bottom_0": (
            "equally spaced, bottom grade 0",
            lambda: solutions.equally_spaced(bottom=0.0),
        ),
        "nearest": (f"nearest to {sens.vector_label(v0)}", lambda: solutions.nearest_to(v0)),
    }
    rows: list[dict[str, Any]] = []
    vectors: dict[str, np.ndarray] = {}
    for key, (text, solve) in families.items():
        try:
            vector = solve()
        except FuzzyInputError as exc:  # a degenerate comprehensive vector: say why
            rows.append({"family": text, "note": str(exc)})
            continue
        vectors[key] = vector
        rows.append(
            {
                "family": text,
                **dict(zip(setup.grades, vector, strict=True)),
                "score": solutions.score(vector),
                "decreasing": bool(np.all(np.diff(vector) < 0)),
                "non_negative": bool(np.all(vector >= 0)),
                "note": "",
            }
        )
    return pd.DataFrame(rows), vectors


# --------------------------------------------------------------------------- #
# Sensitivity tables


def perturbation_table(setup: FuzzySetup, perturbation: sens.Perturbation) -> pd.DataFrame:
    """One row per weight: stated, moved down and up, and the scores, sorted by swing."""
    names = dict(zip(setup.index["sub_code"], setup.index["sub_name"], strict=True))
    names.update(setup.criterion_names())
    table = pd.DataFrame(
        {
            "level": perturbation.level,
            "code": perturbation.code,
            "name": [names[c] for c in perturbation.code],
            "weight": perturbation.weight,
            "weight_low": perturbation.weight_low,
            "weight_high": perturbation.weight_high,
            "score_low": perturbation.score_low,
            "score_high": perturbation.score_high,
            "swing": perturbation.swing,
        }
    )
    return table.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)


def distribution_table(
    distributions: dict[str, sens.ScoreDistribution],
    threshold: float,
    level: float,
    label: str = "operator",
) -> pd.DataFrame:
    """One row per distribution: draws, base score, mean, interval, P(score >= threshold)."""
    rows = []
    for name, distribution in distributions.items():
        low, high = distribution.interval(level)
        rows.append(
            {
                label: name,
                "draws": int(distribution.scores.size),
                "base_score": distribution.base_score,
                "mean": distribution.mean,
                "interval_low": low,
                "interval_high": high,
                "p_at_least_threshold": distribution.probability_at_least(threshold),
            }
        )
    return pd.DataFrame(rows)


def solutions_markdown(table: pd.DataFrame, grades: tuple[str, ...]) -> str:
    """A Markdown list of :func:`grade_solutions_table`: one line per family."""
    lines = []
    for _, row in table.iterrows():
        if row.get("note"):
            lines.append(f"- {row['family']}: no such vector ({row['note']})")
        else:
            vector = row[list(grades)].to_numpy(float)
            caveat = "" if row["non_negative"] else " (a grade would score below 0)"
            lines.append(f"- {row['family']}: {sens.vector_label(vector)}{caveat}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- #
# Notebook helpers: which document table each rebuilt table reproduces; numbers

#: Rebuilt tables whose source-document counterpart a case may name.
SOURCE_TABLE_ROLES = ("index", "weights", "membership")


def source_tables(mapping: dict[str, str] | None) -> dict[str, str | None]:
    """``{role: "thesis Table 3.1", ...}`` for the roles in :data:`SOURCE_TABLE_ROLES`.

    None (or a role left out) marks the table as new, not a reproduction.
    """
    mapping = mapping or {}
    if not isinstance(mapping, dict):
        raise FuzzyInputError(
            f"source_tables should be a mapping of role to table, got {mapping!r}"
        )
    unknown = [k for k in mapping if k not in SOURCE_TABLE_ROLES]
    if unknown:
        raise FuzzyInputError(
            f"source_tables: unknown role(s) {unknown} (expected: {', '.join(SOURCE_TABLE_ROLES)})"
        )
    return {role: mapping.get(role) for role in SOURCE_TABLE_ROLES}


#: A number to record: (key, value, unit, description, decimals).
Number = tuple[str, Any, str, str, int]


def record(out: Any, numbers: list[Number]) -> None:
    """Record ``numbers`` on an :class:`ecomcase.outputs.Outputs`, each with its decimals."""
    for key, value, unit, description, decimals in numbers:
        out.number(key, value, unit, description, decimals)


def vector_numbers(
    prefix: str, grades: tuple[str, ...], vector: np.ndarray, what: str
) -> list[Number]:
    """One number per grade: ``<prefix>_<grade>``."""
    return [
        (f"{prefix}_{grade}", float(value), "", f"{what}, grade '{grade}'", 4)
        for grade, value in zip(grades, vector, strict=True)
    ]


def operator_numbers(table: pd.DataFrame, label: str) -> list[Number]:
    """``fuzzy_score_<operator>``: each operator's score under the vector labelled ``label``."""
    return [
        (f"fuzzy_score_{op}", float(score), "points", f"score with operator {op} under {label}", 2)
        for op, score in zip(table["operator"], table[f"score {label}"], strict=True)
    ]


def solution_numbers(
    solutions: sens.GradeScoreSolutions, vectors: dict[str, np.ndarray]
) -> list[Number]:
    """Numbers describing the grade-score vectors that give the stated score."""
    target = f"{solutions.target:g}"
    numbers: list[Number] = [
        (
            "fuzzy_mean_grade_steps",
            solutions.mean_steps,
            "grades",
            "mean number of grades below the best grade in the comprehensive vector",
            4,
        )
    ]
    if "top_100" in vectors:
        step = float(vectors["top_100"][0] - vectors["top_100"][1])
        what = f"equally spaced grade scores from 100 that give {target}"
        numbers.append(("fuzzy_stated_step_top_100", step, "points", f"step of the {what}", 2))
    described = {
        "top_100": f"equally spaced grade scores from 100 that give {target}",
        "same_step": f"equally spaced grade scores with the case's step that give {target}",
        "bottom_0": f"equally spaced grade scores down to 0 that give {target}",
        "nearest": f"grade scores nearest the case's vector that give {target}",
    }
    for key, what in described.items():
        if key in vectors:
            numbers.append((f"fuzzy_stated_vector_{key}", vectors[key], "points", what, 2))
    return numbers


def bootstrap_panels(panel_size: int | None, implied: int | None) -> dict[str, int]:
    """Panels to resample: the given (or stated) panel, and the one the degrees imply."""
    panels: dict[str, int] = {}
    if panel_size is not None:
        panels[f"panel of {panel_size} (stated)"] = int(panel_size)
    if implied is not None and implied != panel_size:
        panels[f"panel of {implied} (implied by the degrees)"] = int(implied)
    return panels


def distribution_numbers(
    prefix: str,
    distribution: sens.ScoreDistribution,
    threshold: float,
    level: float,
    what: str,
) -> list[Number]:
    """Mean, interval bounds and P(score >= threshold) of one distribution."""
    low, high = distribution.interval(level)
    pct = f"{level:.0%}"
    return [
        (f"{prefix}_mean", distribution.mean, "points", f"mean score, {what}", 2),
        (f"{prefix}_low", low, "points", f"lower end of the central {pct} interval, {what}", 2),
        (f"{prefix}_high", high, "points", f"upper end of the central {pct} interval, {what}", 2),
        (
            f"{prefix}_p_good",
            distribution.probability_at_least(threshold),
            "share",
            f"share of draws scoring >= {threshold:g}, {what}",
            4,
        ),
        (
            f"{prefix}_interval_at_least_good",
            bool(low >= threshold),
            "",
            f"the whole central {pct} interval is >= {threshold:g}, {what}",
            0,
        ),
    ]

"""A case's fuzzy evaluation: processed data in, tables and figures out.

Bridges notebook 04 and the pure mathematics in :mod:`ecomcase.fuzzy`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from ecomcase import fuzzy
from ecomcase.errors import FuzzyInputError


@dataclass(frozen=True)
class FuzzySetup:
    system: fuzzy.IndexSystem
    index: pd.DataFrame
    grades: tuple[str, ...]
    membership: np.ndarray
    criterion_weights: np.ndarray
    sub_weights: np.ndarray
    grade_scores: np.ndarray

    def evaluate(self, operator: str = "weighted_average") -> fuzzy.Evaluation:
        return fuzzy.evaluate(
            self.system,
            self.criterion_weights,
            self.sub_weights,
            self.membership,
            self.grade_scores,
            operator,
        )

    def membership_table(self) -> pd.DataFrame:
        table = self.index[["criterion_code", "sub_code", "sub_name"]].copy()
        table["weight"] = self.sub_weights
        for j, grade in enumerate(self.grades):
            table[grade] = self.membership[:, j]
        return table

    def result_table(self, result: fuzzy.Evaluation) -> pd.DataFrame:
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
        return pd.DataFrame(rows)

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


def load(
    processed: Path,
    criterion_weights: dict[str, float] | None,
    sub_weights: dict[str, float] | None,
    grade_scores: list[float] | Any,
) -> FuzzySetup:
    """Index system and memberships from notebook 01's output, weights by code."""
    index = pd.read_csv(
        processed / "fuzzy_index.csv", dtype={"criterion_code": str, "sub_code": str}
    )
    membership = pd.read_csv(processed / "fuzzy_membership.csv", dtype={"sub_code": str})
    system = fuzzy.IndexSystem.from_pairs(
        list(zip(index["criterion_code"], index["sub_code"], strict=True))
    )
    grades = tuple(c for c in membership.columns if c != "sub_code")
    matrix = (
        membership.set_index("sub_code")
        .loc[list(system.sub_criteria), list(grades)]
        .to_numpy(float)
    )
    return FuzzySetup(
        system=system,
        index=index,
        grades=grades,
        membership=matrix,
        criterion_weights=_ordered(criterion_weights, system.criteria, "criterion weights"),
        sub_weights=_ordered(sub_weights, system.sub_criteria, "sub-criterion weights"),
        grade_scores=np.asarray(grade_scores, dtype=float),
    )


def membership_heatmap(setup: FuzzySetup) -> plt.Figure:
    """Membership degrees as a heatmap (rows: sub-criteria, columns: grades)."""
    labels = [
        f"{c} {n}" for c, n in zip(setup.index["sub_code"], setup.index["sub_name"], strict=True)
    ]
    frame = pd.DataFrame(setup.membership, index=labels, columns=list(setup.grades))
    height = 1.2 + 0.35 * len(labels)
    fig, ax = plt.subplots(figsize=(7.0, height))
    sns.heatmap(
        frame,
        annot=True,
        fmt=".2f",
        cmap="Blues",
        vmin=0,
        vmax=1,
        cbar_kws={"label": "membership"},
        ax=ax,
    )
    ax.set_xlabel("Grade")
    ax.set_ylabel("")
    ax.set_title("Membership degrees by sub-criterion")
    return fig

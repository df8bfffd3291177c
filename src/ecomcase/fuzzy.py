"""Two-level fuzzy comprehensive evaluation, pure NumPy.

Conventions: a weight vector ``w`` has one entry per row of a membership
matrix ``R`` (rows: (sub-)criteria, columns: grades). Composition
``B = w ∘ R`` uses one of four operators:

=====================  ======================  ===================================
name                   formula                 note
=====================  ======================  ===================================
``weighted_average``   M(·,⊕): b_j = Σ w_i r_ij  keeps all information; sums to 1
``zadeh``              M(∧,∨): b_j = max min    main-factor; normalised afterwards
``product_max``        M(·,∨): b_j = max w_i r_ij  normalised afterwards
``min_bounded_sum``    M(∧,⊕): b_j = min(1, Σ min(w_i, r_ij))  normalised afterwards
=====================  ======================  ===================================

The score of a result vector is its dot product with the grade-score vector
(e.g. 100/80/60/40/20); the grade is the one of maximum membership.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ecomcase.errors import FuzzyInputError

OPERATORS = ("weighted_average", "zadeh", "product_max", "min_bounded_sum")
TOLERANCE = 1e-6


def _as_array(values: ArrayLike, name: str, ndim: int) -> NDArray[np.float64]:
    array = np.asarray(values, dtype=float)
    if array.ndim != ndim:
        raise FuzzyInputError(f"{name} should have {ndim} dimension(s), got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise FuzzyInputError(f"{name} holds a missing or infinite value")
    if np.any(array < 0):
        raise FuzzyInputError(f"{name} holds a negative value")
    return array


def check_unit_sum(values: NDArray[np.float64], name: str, axis: int = -1) -> None:
    totals = np.sum(values, axis=axis)
    bad = np.flatnonzero(np.abs(np.atleast_1d(totals) - 1.0) > TOLERANCE)
    if bad.size:
        first = int(bad[0])
        raise FuzzyInputError(
            f"{name} should sum to 1; entry {first + 1} sums to {np.atleast_1d(totals)[first]:.6g}"
        )


def compose(weights: ArrayLike, membership: ArrayLike, operator: str = "weighted_average"):
    """Result vector(s) ``w ∘ R``.

    ``weights`` may be one vector (n,) or a stack of draws (k, n); the result is
    (m,) or (k, m) for ``membership`` of shape (n, m). Operators other than the
    weighted average are normalised to sum to 1 (an all-zero row stays zero).
    """
    w = np.asarray(weights, dtype=float)
    r = np.asarray(membership, dtype=float)
    if operator == "weighted_average":
        return w @ r
    wx = w[..., :, None]
    if operator == "zadeh":
        raw = np.max(np.minimum(wx, r), axis=-2)
    elif operator == "product_max":
        raw = np.max(wx * r, axis=-2)
    elif operator == "min_bounded_sum":
        raw = np.minimum(1.0, np.sum(np.minimum(wx, r), axis=-2))
    else:
        raise FuzzyInputError(
            f"unknown operator '{operator}' (expected one of: {', '.join(OPERATORS)})"
        )
    total = raw.sum(axis=-1, keepdims=True)
    return np.divide(raw, total, out=np.zeros_like(raw), where=total > 0)


@dataclass(frozen=True)
class IndexSystem:
    """A depth-2 index system: criteria, each with an ordered group of sub-criteria.

    ``groups[i]`` holds the row indices (into the membership matrix) of criterion i.
    """

    criteria: tuple[str, ...]
    sub_criteria: tuple[str, ...]
    groups: tuple[tuple[int, ...], ...]

    @classmethod
    def from_pairs(cls, pairs: Sequence[tuple[str, str]]) -> IndexSystem:
        """From (criterion, sub-criterion) pairs in membership-row order."""
        criteria = tuple(dict.fromkeys(c for c, _ in pairs))
        subs = tuple(s for _, s in pairs)
        if len(set(subs)) != len(subs):
            raise FuzzyInputError("sub-criterion codes must be unique")
        groups = tuple(tuple(i for i, (c, _) in enumerate(pairs) if c == crit) for crit in criteria)
        for crit, rows in zip(criteria, groups, strict=True):
            if list(rows) != list(range(rows[0], rows[-1] + 1)):
                raise FuzzyInputError(f"sub-criteria of {crit} are not contiguous rows")
        return cls(criteria, subs, groups)


@dataclass(frozen=True)
class Evaluation:
    """Result of a two-level evaluation."""

    first_level: NDArray[np.float64]  # (criteria, grades): one result vector per criterion
    comprehensive: NDArray[np.float64]  # (grades,)
    score: float | None
    grade_index: int


def validate_inputs(
    system: IndexSystem,
    criterion_weights: ArrayLike,
    sub_weights: ArrayLike,
    membership: ArrayLike,
    grade_scores: ArrayLike | None = None,
    normalise: bool = False,
) -> tuple[NDArray, NDArray, NDArray]:
    """Check shapes and sums; returns the arrays (normalised only when asked)."""
    a = _as_array(criterion_weights, "criterion weights", 1)
    b = _as_array(sub_weights, "sub-criterion weights", 1)
    r = _as_array(membership, "membership matrix", 2)
    if a.size != len(system.criteria):
        raise FuzzyInputError(f"{a.size} criterion weights for {len(system.criteria)} criteria")
    if b.size != len(system.sub_criteria) or r.shape[0] != len(system.sub_criteria):
        raise FuzzyInputError(
            f"{b.size} sub-criterion weights and {r.shape[0]} membership rows "
            f"for {len(system.sub_criteria)} sub-criteria"
        )
    if grade_scores is not None:
        scores = np.asarray(grade_scores, dtype=float)
        if scores.ndim != 1 or not np.all(np.isfinite(scores)):
            raise FuzzyInputError(
                f"grade scores should be one row of numbers, got {grade_scores!r}"
            )
        if scores.size != r.shape[1]:
            raise FuzzyInputError(f"{scores.size} grade scores for {r.shape[1]} grades")
    if normalise:
        import warnings

        warnings.warn("normalising weights and membership rows to sum to 1", stacklevel=2)
        a = a / a.sum()
        b = b.copy()
        for rows in system.groups:
            b[list(rows)] /= b[list(rows)].sum()
        r = r / r.sum(axis=1, keepdims=True)
    check_unit_sum(a, "criterion weights")
    for crit, rows in zip(system.criteria, system.groups, strict=True):
        check_unit_sum(b[list(rows)], f"sub-criterion weights of {crit}")
    check_unit_sum(r, "membership rows")
    return a, b, r


def first_level(
    system: IndexSystem, sub_weights: NDArray, membership: NDArray, operator: str
) -> NDArray[np.float64]:
    """One result vector per criterion; ``sub_weights`` may be (n,) or (k, n)."""
    rows = [
        compose(sub_weights[..., list(group)], membership[list(group)], operator)
        for group in system.groups
    ]
    return np.stack(rows, axis=-2)


def evaluate(
    system: IndexSystem,
    criterion_weights: ArrayLike,
    sub_weights: ArrayLike,
    membership: ArrayLike,
    grade_scores: ArrayLike | None = None,
    operator: str = "weighted_average",
    normalise: bool = False,
) -> Evaluation:
    """The two-level evaluation: criteria vectors, comprehensive vector, score, grade."""
    if operator not in OPERATORS:
        raise FuzzyInputError(
            f"unknown operator '{operator}' (expected one of: {', '.join(OPERATORS)})"
        )
    a, b, r = validate_inputs(
        system, criterion_weights, sub_weights, membership, grade_scores, normalise
    )
    level1 = first_level(system, b, r, operator)
    comprehensive = compose(a, level1, operator)
    score = None if grade_scores is None else float(comprehensive @ np.asarray(grade_scores, float))
    return Evaluation(level1, comprehensive, score, int(np.argmax(comprehensive)))


def scores_for_weight_draws(
    system: IndexSystem,
    criterion_draws: NDArray,
    sub_draws: NDArray,
    membership: NDArray,
    grade_scores: ArrayLike,
    operator: str = "weighted_average",
) -> NDArray[np.float64]:
    """Scores for k draws of weights at once: (k, criteria) and (k, sub-criteria) -> (k,)."""
    level1 = first_level(system, sub_draws, membership, operator)  # (k, c, m)
    if operator == "weighted_average":
        comprehensive = np.einsum("kc,kcm->km", criterion_draws, level1)
    else:
        comprehensive = np.stack(
            [compose(criterion_draws[i], level1[i], operator) for i in range(len(level1))]
        )
    return comprehensive @ np.asarray(grade_scores, float)


def implied_panel_size(membership: ArrayLike, largest: int = 1000, tol: float = 1e-6) -> int | None:
    """Smallest panel size n for which every membership degree is a whole vote count / n.

    Returns None when no n up to ``largest`` fits.
    """
    r = np.asarray(membership, dtype=float).ravel()
    for n in range(1, largest + 1):
        votes = r * n
        if np.all(np.abs(votes - np.round(votes)) < tol * n):
            return n
    return None


def is_panel_consistent(membership: ArrayLike, panel: int, tol: float = 1e-6) -> bool:
    """True when every degree times ``panel`` is a whole number of votes."""
    votes = np.asarray(membership, dtype=float) * panel
    return bool(np.all(np.abs(votes - np.round(votes)) < tol * panel))

"""Two-level fuzzy comprehensive evaluation, pure NumPy.

Conventions: a weight vector ``w`` has one entry per row of a membership
matrix ``R`` (rows: (sub-)criteria, columns: grades). Composition
``B = w ∘ R`` uses one of four operators:

- ``weighted_average``, M(·,⊕): ``b_j = Σ_i w_i r_ij``; keeps all the
  information and sums to 1 by itself;
- ``zadeh``, M(∧,∨): ``b_j = max_i min(w_i, r_ij)``; main-factor determined;
- ``product_max``, M(·,∨): ``b_j = max_i w_i r_ij``;
- ``min_bounded_sum``, M(∧,⊕): ``b_j = min(1, Σ_i min(w_i, r_ij))``.

The last three are normalised to sum to 1 after composing.

The score of a result vector is its dot product with the grade-score vector
(e.g. 100/80/60/40/20); the grade is the one of maximum membership.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ecomcase.errors import FuzzyInputError
from ecomcase.fuzzy import OPERATORS  # noqa: F401 (read as core.OPERATORS)

TOLERANCE = 1e-6


def _as_array(values: ArrayLike, name: str, ndim: int) -> NDArray[np.float64]:
    """``values`` as a float array of ``ndim`` dimensions, finite and non-negative."""
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise FuzzyInputError(f"{name} should be numbers, got {values!r}") from None
    if array.ndim != ndim:
        raise FuzzyInputError(f"{name} should have {ndim} dimension(s), got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        where = _position(np.argwhere(~np.isfinite(array))[0])
        raise FuzzyInputError(f"{name} holds a missing or infinite value at {where}")
    if np.any(array < 0):
        where = _position(np.argwhere(array < 0)[0])
        raise FuzzyInputError(f"{name} holds a negative value at {where}")
    return array


def _position(index: NDArray) -> str:
    """1-based position of an entry, for messages: 'entry 3' or 'row 2, column 4'."""
    if len(index) == 1:
        return f"entry {int(index[0]) + 1}"
    return f"row {int(index[0]) + 1}, column {int(index[1]) + 1}"


def check_unit_sum(values: NDArray[np.float64], name: str, axis: int = -1) -> None:
    """Raise when ``values`` (summed along ``axis``) do not sum to 1 within :data:`TOLERANCE`."""
    totals = np.atleast_1d(np.sum(values, axis=axis))
    bad = np.flatnonzero(np.abs(totals - 1.0) > TOLERANCE)
    if bad.size:
        first = int(bad[0])
        raise FuzzyInputError(
            f"{name} should sum to 1; entry {first + 1} sums to {totals[first]:.6g} "
            "(pass normalise=True to rescale with a warning)"
        )


def compose(weights: ArrayLike, membership: ArrayLike, operator: str = "weighted_average"):
    """Result vector(s) ``w ∘ R``.

    ``weights`` is one vector (n,) or a stack of draws (k, n); ``membership`` is
    one matrix (n, m) or a stack (k, n, m). Stacks broadcast against each other,
    so the result is (m,) or (k, m). Operators other than the weighted average
    are normalised to sum to 1 (an all-zero row stays zero).
    """
    check_operator(operator)
    w = np.asarray(weights, dtype=float)
    r = np.asarray(membership, dtype=float)
    if w.ndim < 1 or r.ndim < 2 or w.shape[-1] == 0 or r.shape[-2] != w.shape[-1]:
        raise FuzzyInputError(
            f"weights of shape {w.shape} do not fit membership of shape {r.shape}"
        )
    if operator == "weighted_average":
        if r.ndim == 2:
            return w @ r
        # batched matrix product: (..., 1, n) @ (..., n, m) -> (..., m)
        return np.matmul(w[..., None, :], r)[..., 0, :]
    return _compose_rows(
        operator,
        [w[..., i, None] for i in range(w.shape[-1])],
        [r[..., i, :] for i in range(w.shape[-1])],
    )


def _compose_rows(
    operator: str, weights: list[NDArray], rows: list[NDArray], grade_axis: int = -1
) -> NDArray:
    """Non-additive composition, one (weight, membership row) pair at a time.

    ``weights[i]`` broadcasts against ``rows[i]`` (e.g. (k, 1) against (m,));
    working row by row in place avoids a (draws, rows, grades) intermediate.
    The result is normalised along ``grade_axis``.
    """
    raw = _combine(operator, weights[0], rows[0])
    term = np.empty_like(raw)
    for weight, row in zip(weights[1:], rows[1:], strict=True):
        _combine(operator, weight, row, out=term)
        if operator == "min_bounded_sum":
            np.add(raw, term, out=raw)
        else:
            np.maximum(raw, term, out=raw)
    if operator == "min_bounded_sum":
        np.minimum(1.0, raw, out=raw)
    total = raw.sum(axis=grade_axis, keepdims=True)
    # an all-zero result stays zero
    np.divide(raw, total, out=raw, where=total > 0)
    return raw


def _combine(operator: str, weight: NDArray, row: NDArray, out: NDArray | None = None) -> NDArray:
    """The 'product' of one weight with one membership row: min, or the ordinary product."""
    if operator == "product_max":
        return np.multiply(weight, row, out=out)
    return np.minimum(weight, row, out=out)


def check_operator(operator: str) -> None:
    """Raise a clear error for an operator name that is not one of :data:`OPERATORS`."""
    if operator not in OPERATORS:
        raise FuzzyInputError(
            f"unknown operator '{operator}' (expected one of: {', '.join(OPERATORS)})"
        )


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
        if not pairs:
            raise FuzzyInputError("the index system has no sub-criteria")
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
    score: float | None  # comprehensive vector · grade scores, in the grade scores' unit
    grade_index: int  # grade of maximum membership (0 = first grade)


def _normalised(values: NDArray, name: str, changed: list[str]) -> NDArray:
    """``values`` divided by its sum; records ``name`` in ``changed`` when that moved it."""
    total = values.sum()
    if total <= 0:
        raise FuzzyInputError(f"{name} are all zero and cannot be normalised")
    if abs(total - 1.0) > TOLERANCE:
        changed.append(f"{name} (sum {total:.6g})")
    return values / total


def validate_inputs(
    system: IndexSystem,
    criterion_weights: ArrayLike,
    sub_weights: ArrayLike,
    membership: ArrayLike,
    grade_scores: ArrayLike | None = None,
    normalise: bool = False,
) -> tuple[NDArray, NDArray, NDArray]:
    """Check shapes, signs and sums; returns (criterion weights, sub-weights, membership).

    Every weight group and membership row must sum to 1 within :data:`TOLERANCE`.
    With ``normalise=True`` a group or row that does not is divided by its sum
    instead, and a :class:`UserWarning` names what was rescaled; an all-zero
    group or row is an error either way.
    """
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
    if r.shape[1] < 2:
        raise FuzzyInputError(f"the membership matrix needs at least 2 grades, got {r.shape[1]}")
    if grade_scores is not None:
        check_grade_scores(grade_scores, r.shape[1])
    if normalise:
        changed: list[str] = []
        a = _normalised(a, "criterion weights", changed)
        b = b.copy()
        for crit, rows in zip(system.criteria, system.groups, strict=True):
            b[list(rows)] = _normalised(b[list(rows)], f"sub-criterion weights of {crit}", changed)
        r = np.stack(
            [
                _normalised(row, f"membership row {code}", changed)
                for code, row in zip(system.sub_criteria, r, strict=True)
            ]
        )
        if changed:
            warnings.warn(
                "normalising to sum to 1: " + "; ".join(changed), UserWarning, stacklevel=2
            )
    check_unit_sum(a, "criterion weights")
    for crit, rows in zip(system.criteria, system.groups, strict=True):
        check_unit_sum(b[list(rows)], f"sub-criterion weights of {crit}")
    row_totals = r.sum(axis=1)
    bad = np.flatnonzero(np.abs(row_totals - 1.0) > TOLERANCE)
    if bad.size:
        first = int(bad[0])
        raise FuzzyInputError(
            f"membership rows should sum to 1; row {first + 1} "
            f"({system.sub_criteria[first]}) sums to {row_totals[first]:.6g} "
            "(pass normalise=True to rescale with a warning)"
        )
    return a, b, r


def check_grade_scores(grade_scores: ArrayLike, grades: int) -> NDArray[np.float64]:
    """``grade_scores`` as a finite vector of one score per grade, or a clear error."""
    try:
        scores = np.asarray(grade_scores, dtype=float)
    except (TypeError, ValueError):
        scores = np.array([np.nan])
    if scores.ndim != 1 or not np.all(np.isfinite(scores)):
        raise FuzzyInputError(f"grade scores should be one row of numbers, got {grade_scores!r}")
    if scores.size != grades:
        raise FuzzyInputError(f"{scores.size} grade scores for {grades} grades")
    return scores


def first_level(
    system: IndexSystem, sub_weights: NDArray, membership: NDArray, operator: str
) -> NDArray[np.float64]:
    """One result vector per criterion.

    ``sub_weights`` is (n,) or a stack (k, n); ``membership`` is (n, m) or a
    stack (k, n, m). Returns (criteria, m) or (k, criteria, m).
    """
    rows = [
        compose(sub_weights[..., list(group)], membership[..., list(group), :], operator)
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
    check_operator(operator)
    a, b, r = validate_inputs(
        system, criterion_weights, sub_weights, membership, grade_scores, normalise
    )
    level1 = first_level(system, b, r, operator)
    comprehensive = compose(a, level1, operator)
    score = None if grade_scores is None else float(comprehensive @ np.asarray(grade_scores, float))
    return Evaluation(level1, comprehensive, score, int(np.argmax(comprehensive)))


def batch_scores(
    system: IndexSystem,
    criterion_weights: NDArray,
    sub_weights: NDArray,
    membership: NDArray,
    grade_scores: ArrayLike,
    operator: str = "weighted_average",
) -> NDArray[np.float64]:
    """Scores of many evaluations at once, without validation (callers validate once).

    Any of ``criterion_weights`` (c,) | (k, c), ``sub_weights`` (n,) | (k, n) and
    ``membership`` (n, m) | (k, n, m) may be a stack of k draws; returns (k,)
    (or a 0-d array when nothing is stacked).
    """
    check_operator(operator)
    scores = np.asarray(grade_scores, dtype=float)
    a = np.asarray(criterion_weights, dtype=float)
    b = np.asarray(sub_weights, dtype=float)
    r = np.asarray(membership, dtype=float)
    if operator == "weighted_average" and r.ndim == 2:
        # linear in everything: score = sum_c a_c sum_(i in c) b_i (r_i . v)
        row_scores = r @ scores  # (n,)
        per_criterion = np.stack(
            [b[..., list(g)] @ row_scores[list(g)] for g in system.groups], axis=-1
        )
        return np.sum(a * per_criterion, axis=-1)
    if operator == "weighted_average":
        level1 = first_level(system, b, r, operator)
        return compose(a, level1, operator) @ scores
    if r.ndim == 2 and a.ndim == 2 and b.ndim == 2 and len(a) == len(b):
        return _scores_for_weight_stack(system, a, b, r, scores, operator)
    # per-criterion vectors kept as a list: no (draws, criteria, grades) stack to allocate
    level1_rows = [compose(b[..., list(g)], r[..., list(g), :], operator) for g in system.groups]
    criterion_columns = [a[..., c, None] for c in range(len(system.criteria))]
    return _compose_rows(operator, criterion_columns, level1_rows) @ scores


def _scores_for_weight_stack(
    system: IndexSystem,
    a: NDArray,
    b: NDArray,
    r: NDArray,
    scores: NDArray,
    operator: str,
) -> NDArray[np.float64]:
    """Scores of a non-additive operator for k weight draws (k, c), (k, n) and one matrix.

    Works grades-first, on (grades, k) arrays, so that every weight column and
    every intermediate row is contiguous: about twice as fast as draws-first.
    """
    a_t = np.ascontiguousarray(a.T)  # (c, k)
    b_t = np.ascontiguousarray(b.T)  # (n, k)
    level1 = [
        _compose_columns(operator, [b_t[i] for i in group], [r[i][:, None] for i in group])
        for group in system.groups
    ]
    comprehensive = _compose_columns(operator, list(a_t), level1)  # (m, k)
    return scores @ comprehensive


def _compose_columns(operator: str, weights: list[NDArray], rows: list[NDArray]) -> NDArray:
    """Like :func:`_compose_rows`, grades first: weights (k,) each, rows (m, 1) or (m, k)."""
    return _compose_rows(operator, [w[None, :] for w in weights], rows, grade_axis=0)


def scores_for_weight_draws(
    system: IndexSystem,
    criterion_draws: NDArray,
    sub_draws: NDArray,
    membership: NDArray,
    grade_scores: ArrayLike,
    operator: str = "weighted_average",
) -> NDArray[np.float64]:
    """Scores for k draws of weights at once: (k, criteria) and (k, sub-criteria) -> (k,)."""
    criterion_draws = np.asarray(criterion_draws, dtype=float)
    sub_draws = np.asarray(sub_draws, dtype=float)
    if criterion_draws.ndim != 2 or sub_draws.ndim != 2:
        raise FuzzyInputError(
            "weight draws should be 2-D (draws x weights), got shapes "
            f"{criterion_draws.shape} and {sub_draws.shape}"
        )
    if criterion_draws.shape[0] != sub_draws.shape[0]:
        raise FuzzyInputError(
            f"{criterion_draws.shape[0]} criterion-weight draws but {sub_draws.shape[0]} "
            "sub-criterion-weight draws"
        )
    if criterion_draws.shape[1] != len(system.criteria) or sub_draws.shape[1] != len(
        system.sub_criteria
    ):
        raise FuzzyInputError(
            f"draws of {criterion_draws.shape[1]} criterion and {sub_draws.shape[1]} "
            f"sub-criterion weights for {len(system.criteria)} criteria and "
            f"{len(system.sub_criteria)} sub-criteria"
        )
    return batch_scores(system, criterion_draws, sub_draws, membership, grade_scores, operator)


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

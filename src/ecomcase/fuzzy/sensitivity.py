"""How much a fuzzy evaluation's score depends on its choices, pure NumPy.

Four questions, one function (family) each:

- :func:`one_at_a_time`: move each weight by ±delta (the other weights of its
  group rescaled so the group still sums to 1) and record the score: the data
  of a tornado chart;
- :func:`weight_monte_carlo`: draw every weight group from a Dirichlet
  distribution centred on the stated weights (``concentration`` sets how tightly)
  and score every draw at once (:func:`weight_monte_carlo_by_operator`: the same
  draws under several operators);
- :func:`panel_bootstrap`: treat each membership row as the vote shares of an
  expert panel of ``panel_size`` and redraw the panel's votes (multinomial);
- :class:`GradeScoreSolutions`: the score is linear in the grade-score vector,
  so the vectors that give a stated score form a hyperplane; concrete members.

:func:`scores_for_weight_draws_loop` is a plain-Python reference of the
vectorised scoring, used by the tests and by ``make bench``.

Weights and memberships follow :mod:`ecomcase.fuzzy.core`: criterion weights (c,),
sub-criterion weights (n,) in membership-row order, membership (n, m) with the
best grade first, grade scores (m,) in points.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ecomcase.errors import FuzzyInputError
from ecomcase.fuzzy import core as fuzzy

CRITERION = "criterion"
SUB_CRITERION = "sub-criterion"


def _rng(seed: int | np.random.Generator | None) -> np.random.Generator:
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def _positive_int(value: int, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise FuzzyInputError(f"{name} should be a whole number >= 1, got {value!r}")
    return int(value)


def _positive_float(value: float, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise FuzzyInputError(f"{name} should be a number > 0, got {value!r}")
    if not np.isfinite(value):
        raise FuzzyInputError(f"{name} should be finite, got {value!r}")
    return float(value)


# --------------------------------------------------------------------------- #
# Score distributions


@dataclass(frozen=True)
class ScoreDistribution:
    """Scores of many re-drawn evaluations, and the score of the stated one."""

    scores: NDArray[np.float64]  # (draws,), points
    base_score: float  # score with the stated weights and memberships, points

    @property
    def mean(self) -> float:
        return float(np.mean(self.scores))

    @property
    def std(self) -> float:
        return float(np.std(self.scores))

    def interval(self, level: float = 0.95) -> tuple[float, float]:
        """Central percentile interval holding ``level`` of the draws (points)."""
        if not 0 < level < 1:
            raise FuzzyInputError(f"interval level should be between 0 and 1, got {level!r}")
        tail = 100 * (1 - level) / 2
        low, high = np.percentile(self.scores, [tail, 100 - tail])
        return float(low), float(high)

    def probability_at_least(self, threshold: float) -> float:
        """Share of draws whose score is >= ``threshold``."""
        return float(np.mean(self.scores >= threshold))


# --------------------------------------------------------------------------- #
# One-at-a-time perturbation


def perturb_group(weights: ArrayLike, index: int, new_weight: float) -> NDArray[np.float64]:
    """``weights`` (one group, summing to 1) with entry ``index`` set to ``new_weight``.

    ``new_weight`` is clipped to [0, 1]; the other entries are rescaled in
    proportion so the group still sums to 1. When the others are all zero the
    remainder is shared equally among them. A group of one weight cannot move.
    """
    w = np.asarray(weights, dtype=float)
    if w.size == 1:
        return np.ones(1)
    new = float(np.clip(new_weight, 0.0, 1.0))
    others = np.delete(np.arange(w.size), index)
    rest = w[others].sum()
    out = np.empty_like(w)
    out[index] = new
    if rest > 0:
        out[others] = w[others] * (1.0 - new) / rest
    else:
        out[others] = (1.0 - new) / others.size
    return out


@dataclass(frozen=True)
class Perturbation:
    """Scores with each weight moved down and up by ``delta``, one at a time."""

    level: tuple[str, ...]  # "criterion" or "sub-criterion", per weight
    code: tuple[str, ...]  # criterion or sub-criterion code
    weight: NDArray[np.float64]  # stated weight
    weight_low: NDArray[np.float64]  # weight after moving down (clipped at 0)
    weight_high: NDArray[np.float64]  # weight after moving up (clipped at 1)
    score_low: NDArray[np.float64]  # score with the weight moved down, points
    score_high: NDArray[np.float64]  # score with the weight moved up, points
    base_score: float
    delta: float

    @property
    def swing(self) -> NDArray[np.float64]:
        """Spread of the score between the two moves, points."""
        return np.abs(self.score_high - self.score_low)


def one_at_a_time(
    system: fuzzy.IndexSystem,
    criterion_weights: ArrayLike,
    sub_weights: ArrayLike,
    membership: ArrayLike,
    grade_scores: ArrayLike,
    delta: float = 0.05,
    operator: str = "weighted_average",
) -> Perturbation:
    """Move every criterion and sub-criterion weight by ±``delta`` (absolute), one at a time.

    The other weights of the moved weight's group are rescaled in proportion
    (:func:`perturb_group`); every variant is scored in one vectorised call.
    """
    fuzzy.check_operator(operator)
    delta = _positive_float(delta, "perturbation")
    a, b, r = fuzzy.validate_inputs(
        system, criterion_weights, sub_weights, membership, grade_scores
    )
    levels, codes, crit_rows, sub_rows, low, high = [], [], [], [], [], []
    for i, code in enumerate(system.criteria):
        levels.append(CRITERION)
        codes.append(code)
        for sign, moved in ((-1, low), (+1, high)):
            variant = perturb_group(a, i, a[i] + sign * delta)
            moved.append(variant[i])
            crit_rows.append(variant)
            sub_rows.append(b)
    for group in system.groups:
        rows = list(group)
        for k, row in enumerate(rows):
            levels.append(SUB_CRITERION)
            codes.append(system.sub_criteria[row])
            for sign, moved in ((-1, low), (+1, high)):
                variant = b.copy()
                variant[rows] = perturb_group(b[rows], k, b[row] + sign * delta)
                moved.append(variant[row])
                crit_rows.append(a)
                sub_rows.append(variant)
    scores = fuzzy.batch_scores(
        system, np.array(crit_rows), np.array(sub_rows), r, grade_scores, operator
    )
    base = float(fuzzy.batch_scores(system, a, b, r, grade_scores, operator))
    return Perturbation(
        level=tuple(levels),
        code=tuple(codes),
        weight=np.concatenate([a, b]),
        weight_low=np.array(low),
        weight_high=np.array(high),
        score_low=scores[0::2],
        score_high=scores[1::2],
        base_score=base,
        delta=delta,
    )


# --------------------------------------------------------------------------- #
# Monte Carlo over weights


def dirichlet_weight_draws(
    system: fuzzy.IndexSystem,
    criterion_weights: ArrayLike,
    sub_weights: ArrayLike,
    concentration: float,
    draws: int,
    seed: int | np.random.Generator | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Weight draws around the stated weights: (draws, criteria), (draws, sub-criteria).

    Each group (the criteria, and the sub-criteria of each criterion) is drawn
    from Dirichlet(``concentration`` × stated weights), whose mean is the stated
    group; a larger concentration gives draws closer to it. A zero weight stays
    zero and a group of one weight stays 1.
    """
    concentration = _positive_float(concentration, "Dirichlet concentration")
    draws = _positive_int(draws, "number of draws")
    rng = _rng(seed)
    a = np.asarray(criterion_weights, dtype=float)
    b = np.asarray(sub_weights, dtype=float)
    crit = _dirichlet(rng, concentration * a, draws)
    sub = np.empty((draws, b.size))
    for group in system.groups:
        rows = list(group)
        sub[:, rows] = _dirichlet(rng, concentration * b[rows], draws)
    return crit, sub


def _dirichlet(rng: np.random.Generator, alpha: NDArray, draws: int) -> NDArray[np.float64]:
    if alpha.size == 1:
        return np.ones((draws, 1))
    return rng.dirichlet(alpha, size=draws)


def weight_monte_carlo(
    system: fuzzy.IndexSystem,
    criterion_weights: ArrayLike,
    sub_weights: ArrayLike,
    membership: ArrayLike,
    grade_scores: ArrayLike,
    concentration: float = 50.0,
    draws: int = 100_000,
    seed: int | np.random.Generator | None = None,
    operator: str = "weighted_average",
) -> ScoreDistribution:
    """Scores for ``draws`` Dirichlet draws of both weight levels.

    See :func:`dirichlet_weight_draws` for how the weights are drawn.
    """
    return weight_monte_carlo_by_operator(
        system,
        criterion_weights,
        sub_weights,
        membership,
        grade_scores,
        concentration,
        draws,
        seed,
        (operator,),
    )[operator]


def weight_monte_carlo_by_operator(
    system: fuzzy.IndexSystem,
    criterion_weights: ArrayLike,
    sub_weights: ArrayLike,
    membership: ArrayLike,
    grade_scores: ArrayLike,
    concentration: float = 50.0,
    draws: int = 100_000,
    seed: int | np.random.Generator | None = None,
    operators: Sequence[str] = fuzzy.OPERATORS,
) -> dict[str, ScoreDistribution]:
    """:func:`weight_monte_carlo` under each of ``operators``, on one set of draws: the
    operators then differ in how they compose, not in the weights they see, and each
    distribution is the one :func:`weight_monte_carlo` gives with the same seed."""
    for operator in operators:
        fuzzy.check_operator(operator)
    a, b, r = fuzzy.validate_inputs(
        system, criterion_weights, sub_weights, membership, grade_scores
    )
    crit, sub = dirichlet_weight_draws(system, a, b, concentration, draws, seed)
    return {
        operator: ScoreDistribution(
            fuzzy.scores_for_weight_draws(system, crit, sub, r, grade_scores, operator),
            float(fuzzy.batch_scores(system, a, b, r, grade_scores, operator)),
        )
        for operator in operators
    }


def scores_for_weight_draws_loop(
    system: fuzzy.IndexSystem,
    criterion_draws: ArrayLike,
    sub_draws: ArrayLike,
    membership: ArrayLike,
    grade_scores: ArrayLike,
    operator: str = "weighted_average",
) -> NDArray[np.float64]:
    """Plain-Python reference of :func:`ecomcase.fuzzy.scores_for_weight_draws`.

    One draw at a time, lists and floats only: slow on purpose, for tests and
    ``make bench``.
    """
    fuzzy.check_operator(operator)
    rows = np.asarray(membership, dtype=float).tolist()
    scores = [float(s) for s in np.asarray(grade_scores, dtype=float)]
    groups = [list(g) for g in system.groups]
    out = []
    for crit, sub in zip(
        np.asarray(criterion_draws, float).tolist(),
        np.asarray(sub_draws, float).tolist(),
        strict=True,
    ):
        level1 = [
            _compose_loop([sub[i] for i in group], [rows[i] for i in group], operator)
            for group in groups
        ]
        comprehensive = _compose_loop(crit, level1, operator)
        out.append(sum(b * v for b, v in zip(comprehensive, scores, strict=True)))
    return np.array(out)


def _compose_loop(weights: list[float], matrix: list[list[float]], operator: str) -> list[float]:
    grades = len(matrix[0])
    result = []
    for j in range(grades):
        column = [row[j] for row in matrix]
        if operator == "weighted_average":
            value = sum(w * x for w, x in zip(weights, column, strict=True))
        elif operator == "zadeh":
            value = max(min(w, x) for w, x in zip(weights, column, strict=True))
        elif operator == "product_max":
            value = max(w * x for w, x in zip(weights, column, strict=True))
        else:
            value = min(1.0, sum(min(w, x) for w, x in zip(weights, column, strict=True)))
        result.append(value)
    if operator == "weighted_average":
        return result
    total = sum(result)
    return [x / total for x in result] if total > 0 else [0.0] * grades


# --------------------------------------------------------------------------- #
# Expert-panel bootstrap


def panel_membership_draws(
    membership: ArrayLike,
    panel_size: int,
    draws: int,
    seed: int | np.random.Generator | None = None,
) -> NDArray[np.float64]:
    """Resampled membership matrices, (draws, sub-criteria, grades).

    Each row is read as the vote shares of a panel of ``panel_size`` experts;
    a resampled row is the shares of ``panel_size`` votes drawn with those
    probabilities (multinomial). When the degrees are whole vote counts of the
    panel this is the ordinary bootstrap of the experts' votes.
    """
    panel_size = _positive_int(panel_size, "panel size")
    draws = _positive_int(draws, "number of draws")
    r = np.asarray(membership, dtype=float)
    # guard against rounding above 1 in the last digit, which multinomial rejects
    p = r / r.sum(axis=1, keepdims=True)
    counts = _rng(seed).multinomial(panel_size, p, size=(draws, r.shape[0]))
    return counts / panel_size


def panel_bootstrap(
    system: fuzzy.IndexSystem,
    criterion_weights: ArrayLike,
    sub_weights: ArrayLike,
    membership: ArrayLike,
    grade_scores: ArrayLike,
    panel_size: int,
    draws: int = 20_000,
    seed: int | np.random.Generator | None = None,
    operator: str = "weighted_average",
) -> ScoreDistribution:
    """Scores for ``draws`` resampled expert panels (see :func:`panel_membership_draws`)."""
    fuzzy.check_operator(operator)
    a, b, r = fuzzy.validate_inputs(
        system, criterion_weights, sub_weights, membership, grade_scores
    )
    resampled = panel_membership_draws(r, panel_size, draws, seed)
    scores = fuzzy.batch_scores(system, a, b, resampled, grade_scores, operator)
    base = float(fuzzy.batch_scores(system, a, b, r, grade_scores, operator))
    return ScoreDistribution(scores, base)


# --------------------------------------------------------------------------- #
# Grade-score vectors


def equally_spaced(top: float, step: float, grades: int) -> NDArray[np.float64]:
    """(top, top - step, top - 2 step, ...) with ``grades`` entries, best grade first."""
    return top - step * np.arange(grades, dtype=float)


def common_grade_score_vectors(grades: int) -> dict[str, NDArray[np.float64]]:
    """Grade-score vectors in common use, for any number of grades (best grade first).

    From 100 in equal steps down to 100/grades (100/80/60/40/20 for five) and
    down to 0 (100/75/50/25/0); from 95 in steps of 10; from 90 in steps of 10
    and of 15. Vectors that would reach below 0 are left out. Keys label the
    vector by its entries, e.g. ``"100/80/60/40/20"``.
    """
    grades = _positive_int(grades, "number of grades")
    if grades < 2:
        raise FuzzyInputError("grade-score vectors need at least 2 grades")
    families = [
        (100.0, 100.0 / grades),
        (100.0, 100.0 / (grades - 1)),
        (95.0, 10.0),
        (90.0, 10.0),
        (90.0, 15.0),
    ]
    out: dict[str, NDArray[np.float64]] = {}
    for top, step in families:
        vector = np.round(equally_spaced(top, step, grades), 10)
        if vector[-1] >= 0:
            out.setdefault(vector_label(vector), vector)
    return out


def vector_label(vector: ArrayLike) -> str:
    """``"100/80/60/40/20"``: entries rounded to 2 decimals, joined by slashes."""
    return "/".join(f"{round(float(x), 2):g}" for x in np.asarray(vector, dtype=float))


@dataclass(frozen=True)
class GradeScoreSolutions:
    """The grade-score vectors ``v`` for which ``comprehensive · v == target``.

    The score is linear in ``v``, so the solutions form a hyperplane of
    dimension (grades - 1) with normal vector ``comprehensive``. Among the
    equally spaced vectors ``v_j = top - j·step`` the score is
    ``top - step·mean_steps``, where ``mean_steps = Σ_j j·b_j`` is how many
    grades below the best one the comprehensive vector sits on average; fixing
    one of top, step or bottom grade score fixes the other two.
    """

    comprehensive: NDArray[np.float64]  # (grades,), sums to 1
    target: float  # points

    @property
    def grades(self) -> int:
        return int(self.comprehensive.size)

    @property
    def mean_steps(self) -> float:
        """Mean number of grades below the best grade, Σ_j j·b_j."""
        return float(np.arange(self.grades) @ self.comprehensive)

    def score(self, grade_scores: ArrayLike) -> float:
        return float(self.comprehensive @ np.asarray(grade_scores, dtype=float))

    def contains(self, grade_scores: ArrayLike, tol: float = 1e-9) -> bool:
        return abs(self.score(grade_scores) - self.target) <= tol

    def equally_spaced(
        self, top: float | None = None, step: float | None = None, bottom: float | None = None
    ) -> NDArray[np.float64]:
        """The equally spaced solution with the one given of ``top``, ``step`` or ``bottom``."""
        given = [x is not None for x in (top, step, bottom)]
        if sum(given) != 1:
            raise FuzzyInputError("give exactly one of top, step or bottom")
        mu, last = self.mean_steps, self.grades - 1
        if step is not None:
            return equally_spaced(self.target + step * mu, step, self.grades)
        if top is not None:
            if mu == 0:
                raise FuzzyInputError(
                    "all membership is in the best grade: the score is the top score whatever "
                    "the step"
                )
            return equally_spaced(top, (top - self.target) / mu, self.grades)
        if last - mu == 0:
            raise FuzzyInputError(
                "all membership is in the worst grade: the score is the bottom score whatever "
                "the step"
            )
        step = (self.target - bottom) / (last - mu)
        return equally_spaced(bottom + last * step, step, self.grades)

    def nearest_to(self, grade_scores: ArrayLike) -> NDArray[np.float64]:
        """The solution closest (Euclidean) to ``grade_scores``: a shift along ``comprehensive``."""
        v = np.asarray(grade_scores, dtype=float)
        norm = float(self.comprehensive @ self.comprehensive)
        return v + (self.target - self.score(v)) * self.comprehensive / norm


def grade_scores_for_score(comprehensive: ArrayLike, target: float) -> GradeScoreSolutions:
    """The set of grade-score vectors that turn ``comprehensive`` into ``target`` points."""
    b = np.asarray(comprehensive, dtype=float)
    if b.ndim != 1 or b.size < 2 or not np.all(np.isfinite(b)) or np.any(b < 0):
        raise FuzzyInputError(
            f"the comprehensive vector should be >= 0 with at least 2 grades, got {b!r}"
        )
    if abs(b.sum() - 1.0) > fuzzy.TOLERANCE:
        raise FuzzyInputError(f"the comprehensive vector should sum to 1, sums to {b.sum():.6g}")
    if isinstance(target, bool) or not isinstance(target, int | float) or not np.isfinite(target):
        raise FuzzyInputError(f"the target score should be a finite number, got {target!r}")
    return GradeScoreSolutions(b, float(target))

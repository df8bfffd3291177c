"""Sensitivity of the fuzzy score: perturbation, Monte Carlo, panel bootstrap,
grade-score vectors; and the case helpers on an index system of another shape."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from ecomcase.errors import FuzzyInputError
from ecomcase.fuzzy import case as fuzzy_case
from ecomcase.fuzzy import core as fuzzy
from ecomcase.fuzzy import plots as fuzzy_plots
from ecomcase.fuzzy import sensitivity as sens
from test_fuzzy import SCORES, SYSTEM, A, B, R

R_ARRAY = np.array(R, dtype=float)


# --------------------------------------------------------------------------- #
# One at a time


def test_perturb_group_rescales_the_others_in_proportion():
    moved = sens.perturb_group([0.2, 0.3, 0.5], 0, 0.4)
    np.testing.assert_allclose(moved, [0.4, 0.3 * 0.6 / 0.8, 0.5 * 0.6 / 0.8])
    assert moved.sum() == pytest.approx(1.0)


def test_perturb_group_clips_and_handles_degenerate_groups():
    np.testing.assert_allclose(sens.perturb_group([0.9, 0.1], 0, 1.3), [1.0, 0.0])
    np.testing.assert_allclose(sens.perturb_group([0.02, 0.98], 0, -0.03), [0.0, 1.0])
    np.testing.assert_allclose(sens.perturb_group([1.0, 0.0, 0.0], 0, 0.8), [0.8, 0.1, 0.1])
    np.testing.assert_allclose(sens.perturb_group([1.0], 0, 0.5), [1.0])


@settings(max_examples=60, deadline=None)
@given(
    arrays(np.float64, 5, elements=st.floats(0, 1)).filter(lambda w: w.sum() > 0.01),
    st.integers(0, 4),
    st.floats(-0.5, 1.5),
)
def test_perturbed_group_still_sums_to_one(weights, index, new):
    moved = sens.perturb_group(weights / weights.sum(), index, new)
    assert moved.sum() == pytest.approx(1.0)
    assert np.all(moved >= 0)


def test_one_at_a_time_on_the_thesis_data_by_hand():
    oat = sens.one_at_a_time(SYSTEM, A, B, R, SCORES, delta=0.05)
    assert oat.base_score == pytest.approx(89.60)
    assert len(oat.code) == len(A) + len(B)
    a1 = oat.code.index("A1")
    # A1 down to 0.25; A2-A4 scaled by 0.75/0.7; first-level scores 86, 89.6, 92, 92
    expected = 0.25 * 86 + 0.75 / 0.7 * (0.25 * 89.6 + 0.3 * 92 + 0.15 * 92)
    assert oat.score_low[a1] == pytest.approx(expected)
    assert oat.weight_low[a1] == pytest.approx(0.25)
    assert oat.weight_high[a1] == pytest.approx(0.35)
    # A2's first-level score equals the comprehensive score: moving it changes nothing
    assert oat.swing[oat.code.index("A2")] == pytest.approx(0.0, abs=1e-9)


@pytest.mark.parametrize("operator", fuzzy.OPERATORS)
def test_one_at_a_time_matches_evaluating_each_variant(operator):
    oat = sens.one_at_a_time(SYSTEM, A, B, R, SCORES, delta=0.1, operator=operator)
    k = oat.code.index("A13")
    sub = np.array(B, dtype=float)
    sub[0:4] = sens.perturb_group(sub[0:4], 2, sub[2] + 0.1)
    direct = fuzzy.evaluate(SYSTEM, A, sub, R, SCORES, operator).score
    assert oat.score_high[k] == pytest.approx(direct)


# --------------------------------------------------------------------------- #
# Monte Carlo


def test_dirichlet_draws_sum_to_one_per_group_and_keep_zero_weights():
    system = fuzzy.IndexSystem.from_pairs([("C1", "a"), ("C1", "b"), ("C2", "c"), ("C3", "d")])
    crit, sub = sens.dirichlet_weight_draws(
        system, [0.5, 0.5, 0.0], [0.3, 0.7, 1.0, 1.0], 20.0, 500, seed=3
    )
    np.testing.assert_allclose(crit.sum(axis=1), 1.0)
    np.testing.assert_allclose(sub[:, :2].sum(axis=1), 1.0)
    np.testing.assert_allclose(sub[:, 2:], 1.0)  # groups of one weight cannot move
    assert np.all(crit[:, 2] == 0)



def test_the_operators_share_one_set_of_draws_and_each_gets_its_own_distribution():
    together = sens.weight_monte_carlo_by_operator(SYSTEM, A, B, R, SCORES, 50.0, 800, seed=3)
    assert list(together) == list(fuzzy.OPERATORS)
    for operator, dist in together.items():
        alone = sens.weight_monte_carlo(SYSTEM, A, B, R, SCORES, 50.0, 800, 3, operator)
        np.testing.assert_array_equal(dist.scores, alone.scores)
        assert dist.base_score == alone.base_score
    assert not np.array_equal(together["zadeh"].scores, together["weighted_average"].scores)


def test_monte_carlo_is_reproducible_from_its_seed():
    first = sens.weight_monte_carlo(SYSTEM, A, B, R, SCORES, 50.0, 1000, seed=7)
    second = sens.weight_monte_carlo(SYSTEM, A, B, R, SCORES, 50.0, 1000, seed=7)
    np.testing.assert_array_equal(first.scores, second.scores)


@pytest.mark.parametrize("operator", fuzzy.OPERATORS)
def test_monte_carlo_mean_is_the_stated_score_for_high_concentration(operator):
    mc = sens.weight_monte_carlo(SYSTEM, A, B, R, SCORES, 1e6, 2000, seed=1, operator=operator)
    assert mc.mean == pytest.approx(mc.base_score, abs=0.05)
    low, high = mc.interval(0.95)
    assert low <= mc.base_score + 0.05 and high >= mc.base_score - 0.05


@pytest.mark.parametrize("operator", fuzzy.OPERATORS)
def test_plain_loop_and_vectorised_scoring_agree_on_the_same_draws(operator):
    crit, sub = sens.dirichlet_weight_draws(SYSTEM, A, B, 5.0, 300, seed=11)
    fast = fuzzy.scores_for_weight_draws(SYSTEM, crit, sub, R_ARRAY, SCORES, operator)
    slow = sens.scores_for_weight_draws_loop(SYSTEM, crit, sub, R, SCORES, operator)
    np.testing.assert_allclose(fast, slow, rtol=0, atol=1e-9)


def test_loop_reference_agrees_with_evaluate_one_draw_at_a_time():
    crit, sub = sens.dirichlet_weight_draws(SYSTEM, A, B, 5.0, 5, seed=2)
    slow = sens.scores_for_weight_draws_loop(SYSTEM, crit, sub, R, SCORES, "zadeh")
    one_by_one = [
        fuzzy.evaluate(SYSTEM, crit[k], sub[k], R, SCORES, "zadeh").score for k in range(5)
    ]
    np.testing.assert_allclose(slow, one_by_one)


def test_score_distribution_summaries():
    dist = sens.ScoreDistribution(np.arange(1.0, 101.0), 50.0)
    assert dist.mean == pytest.approx(50.5)
    assert dist.probability_at_least(81) == pytest.approx(0.2)
    low, high = dist.interval(0.9)
    assert low == pytest.approx(np.percentile(dist.scores, 5))
    assert high == pytest.approx(np.percentile(dist.scores, 95))


# --------------------------------------------------------------------------- #
# Panel bootstrap


def test_resampled_memberships_are_vote_shares_of_the_panel():
    draws = sens.panel_membership_draws(R, 18, 200, seed=5)
    assert draws.shape == (200, len(R), 5)
    np.testing.assert_allclose(draws.sum(axis=2), 1.0)
    votes = draws * 18
    np.testing.assert_allclose(votes, np.round(votes), atol=1e-9)
    # a grade no expert chose stays unchosen
    assert np.all(draws[:, :, 4] == 0)


def test_bootstrap_with_a_huge_panel_gives_a_narrow_interval():
    small = sens.panel_bootstrap(SYSTEM, A, B, R, SCORES, panel_size=10, draws=4000, seed=1)
    huge = sens.panel_bootstrap(SYSTEM, A, B, R, SCORES, panel_size=10**7, draws=4000, seed=1)
    small_low, small_high = small.interval()
    low, high = huge.interval()
    assert high - low < 0.05 < small_high - small_low
    assert low <= 89.60 <= high
    assert huge.probability_at_least(80) == 1.0


@pytest.mark.parametrize("operator", fuzzy.OPERATORS)
def test_bootstrap_scores_match_evaluating_each_resampled_panel(operator):
    boot = sens.panel_bootstrap(SYSTEM, A, B, R, SCORES, 18, 6, seed=4, operator=operator)
    draws = sens.panel_membership_draws(R, 18, 6, seed=4)
    direct = [fuzzy.evaluate(SYSTEM, A, B, d, SCORES, operator).score for d in draws]
    np.testing.assert_allclose(boot.scores, direct)


# --------------------------------------------------------------------------- #
# Grade-score vectors


def test_grade_vectors_for_the_stated_score_of_the_thesis_data():
    b = fuzzy.evaluate(SYSTEM, A, B, R, SCORES).comprehensive
    solutions = sens.grade_scores_for_score(b, 82.75)
    assert solutions.mean_steps == pytest.approx(0.52)
    top = solutions.equally_spaced(top=100)
    assert top[0] - top[1] == pytest.approx(17.25 / 0.52)
    np.testing.assert_allclose(
        solutions.equally_spaced(step=20), [93.15, 73.15, 53.15, 33.15, 13.15]
    )
    for vector in (top, solutions.equally_spaced(bottom=0), solutions.nearest_to(SCORES)):
        assert solutions.contains(vector)
    assert not solutions.contains(SCORES)


unit_vectors = (
    arrays(np.float64, st.integers(2, 7), elements=st.floats(0, 1))
    .filter(lambda b: b.sum() > 0.01 and b[1:].sum() > 1e-3 and b[:-1].sum() > 1e-3)
    .map(lambda b: b / b.sum())
)


@settings(max_examples=80, deadline=None)
@given(unit_vectors, st.floats(0, 100), st.floats(1, 30))
def test_every_grade_vector_solution_reproduces_the_target(b, target, step):
    solutions = sens.grade_scores_for_score(b, target)
    scores = sens.equally_spaced(100, 100 / b.size, b.size)
    candidates = [
        solutions.equally_spaced(top=100),
        solutions.equally_spaced(step=step),
        solutions.equally_spaced(bottom=0),
        solutions.nearest_to(scores),
    ]
    for vector in candidates:
        assert float(b @ vector) == pytest.approx(target, abs=1e-6 * max(1.0, abs(vector).max()))
    # the nearest solution moves the vector only along b (orthogonal to the solution plane)
    shift = candidates[-1] - scores
    assert np.linalg.matrix_rank(np.vstack([shift, b]), tol=1e-8) <= 1


def test_grade_vectors_with_no_solution_say_why():
    best_only = sens.grade_scores_for_score([1.0, 0.0, 0.0], 80)
    with pytest.raises(FuzzyInputError, match="all membership is in the best grade"):
        best_only.equally_spaced(top=100)
    np.testing.assert_allclose(best_only.equally_spaced(step=10), [80, 70, 60])
    worst_only = sens.grade_scores_for_score([0.0, 0.0, 1.0], 80)
    with pytest.raises(FuzzyInputError, match="all membership is in the worst grade"):
        worst_only.equally_spaced(bottom=0)
    with pytest.raises(FuzzyInputError, match="exactly one of top, step or bottom"):
        best_only.equally_spaced(top=100, step=10)


@pytest.mark.parametrize("grades", range(2, 10))
def test_common_grade_vectors_fit_any_number_of_grades(grades):
    vectors = sens.common_grade_score_vectors(grades)
    assert vectors
    for label, vector in vectors.items():
        assert vector.size == grades
        assert np.all(np.diff(vector) < 0) and vector[-1] >= 0
        assert label == sens.vector_label(vector)


def test_common_grade_vectors_for_five_grades():
    assert list(sens.common_grade_score_vectors(5)) == [
        "100/80/60/40/20",
        "100/75/50/25/0",
        "95/85/75/65/55",
        "90/80/70/60/50",
        "90/75/60/45/30",
    ]


# --------------------------------------------------------------------------- #
# Bad inputs


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: sens.weight_monte_carlo(SYSTEM, A, B, R, SCORES, 0.0, 10), "concentration"),
        (lambda: sens.weight_monte_carlo(SYSTEM, A, B, R, SCORES, 5.0, 0), "number of draws"),
        (lambda: sens.weight_monte_carlo(SYSTEM, A, B, R, SCORES, 5.0, 2.5), "whole number"),
        (
            lambda: sens.weight_monte_carlo(SYSTEM, A, B, R, SCORES, 5.0, 10, operator="max"),
            "unknown operator 'max'",
        ),
        (
            lambda: sens.weight_monte_carlo(SYSTEM, [0.5, 0.5, 0.3, 0.15], B, R, SCORES, 5.0, 10),
            "criterion weights should sum to 1",
        ),
        (lambda: sens.panel_bootstrap(SYSTEM, A, B, R, SCORES, 0, 10), "panel size"),
        (lambda: sens.panel_bootstrap(SYSTEM, A, B, R, SCORES[:4], 18, 10), "4 grade scores"),
        (lambda: sens.one_at_a_time(SYSTEM, A, B, R, SCORES, delta=-0.1), "perturbation"),
        (lambda: sens.ScoreDistribution(np.ones(3), 1.0).interval(1.5), "between 0 and 1"),
        (lambda: sens.grade_scores_for_score([0.5, 0.6], 80), "should sum to 1"),
        (lambda: sens.grade_scores_for_score([0.5, 0.5], float("nan")), "finite number"),
        (
            lambda: fuzzy.scores_for_weight_draws(
                SYSTEM, np.ones((3, 4)) / 4, np.ones((2, 11)), R_ARRAY, SCORES
            ),
            "3 criterion-weight draws but 2",
        ),
        (
            lambda: fuzzy.scores_for_weight_draws(
                SYSTEM, np.ones((3, 3)) / 3, np.ones((3, 11)), R_ARRAY, SCORES
            ),
            "draws of 3 criterion",
        ),
    ],
)
def test_bad_sensitivity_inputs_give_clear_errors(call, message):
    with pytest.raises(FuzzyInputError, match=message):
        call()


# --------------------------------------------------------------------------- #
# The case helpers on another shape: 3 criteria, 7 sub-criteria, 4 grades


@pytest.fixture
def other_case(tmp_path):
    pairs = [("K1", "K11"), ("K1", "K12"), ("K2", "K21"), ("K2", "K22"), ("K2", "K23")]
    pairs += [("K3", "K31"), ("K3", "K32")]
    index = pd.DataFrame(
        {
            "criterion_code": [c for c, _ in pairs],
            "criterion_name": [f"criterion {c}" for c, _ in pairs],
            "sub_code": [s for _, s in pairs],
            "sub_name": [f"sub-criterion {s}" for _, s in pairs],
        }
    )
    rng = np.random.default_rng(0)
    membership = rng.dirichlet([4, 3, 2, 1], size=len(pairs)).round(3)
    membership[:, -1] = 1 - membership[:, :-1].sum(axis=1)
    table = pd.DataFrame(membership, columns=["high", "fair", "low", "failing"])
    table.insert(0, "sub_code", index["sub_code"])
    index.to_csv(tmp_path / "fuzzy_index.csv", index=False)
    table.to_csv(tmp_path / "fuzzy_membership.csv", index=False)
    return fuzzy_case.load(
        tmp_path,
        {"K1": 0.5, "K2": 0.3, "K3": 0.2},
        {"K11": 0.6, "K12": 0.4, "K21": 0.2, "K22": 0.3, "K23": 0.5, "K31": 0.5, "K32": 0.5},
        None,
    )


def test_case_helpers_work_for_another_shape(other_case):
    setup = other_case
    assert setup.grades == ("high", "fair", "low", "failing")
    np.testing.assert_allclose(setup.grade_scores, [100, 75, 50, 25])
    result = setup.evaluate()
    assert result.comprehensive.sum() == pytest.approx(1.0)
    vectors = fuzzy_case.grade_score_vectors(setup)
    assert all(v.size == 4 for v in vectors.values())
    table = fuzzy_case.operators_table(setup, vectors)
    assert list(table["operator"]) == list(fuzzy.OPERATORS)
    closest = fuzzy_case.closest_score(table, 70.0)
    assert closest["operator"] in fuzzy.OPERATORS
    solutions = sens.grade_scores_for_score(result.comprehensive, 70.0)
    solution_table, solution_vectors = fuzzy_case.grade_solutions_table(setup, solutions)
    np.testing.assert_allclose(solution_table["score"], 70.0)
    assert "nearest" in solution_vectors
    assert fuzzy_case.solutions_markdown(solution_table, setup.grades).count("\n- ") == 3
    oat = sens.one_at_a_time(*setup.inputs)
    oat_table = fuzzy_case.perturbation_table(setup, oat)
    assert len(oat_table) == 3 + 7
    mc = {
        op: sens.weight_monte_carlo(*setup.inputs, draws=500, seed=1, operator=op)
        for op in fuzzy.OPERATORS
    }
    summary = fuzzy_case.distribution_table(mc, 60.0, 0.9)
    assert len(summary) == 4
    for fig in (
        fuzzy_plots.membership_heatmap(setup),
        fuzzy_plots.result_vectors(setup, result),
        fuzzy_plots.tornado(oat_table, oat.base_score, oat.delta),
        fuzzy_plots.score_distributions(mc, 60.0, "title"),
    ):
        assert fig.axes
        plt.close(fig)


def test_source_tables_and_panels():
    assert fuzzy_case.source_tables(None) == {"index": None, "weights": None, "membership": None}
    assert fuzzy_case.source_tables({"index": "report Table 1"})["index"] == "report Table 1"
    with pytest.raises(FuzzyInputError, match="unknown role"):
        fuzzy_case.source_tables({"indx": "report Table 1"})
    assert list(fuzzy_case.bootstrap_panels(18, 10).values()) == [18, 10]
    assert list(fuzzy_case.bootstrap_panels(10, 10).values()) == [10]
    assert fuzzy_case.bootstrap_panels(None, None) == {}


def test_the_case_data_states_the_panel_and_the_score():
    assert fuzzy_case.stated_panel_size("alibaba") == 18
    assert fuzzy_case.stated_score("alibaba") == pytest.approx(82.75)

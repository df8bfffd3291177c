import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from ecomcase.errors import FuzzyInputError
from ecomcase.fuzzy import core as fuzzy

PAIRS = [
    ("A1", "A11"),
    ("A1", "A12"),
    ("A1", "A13"),
    ("A1", "A14"),
    ("A2", "A21"),
    ("A2", "A22"),
    ("A3", "A31"),
    ("A3", "A32"),
    ("A3", "A33"),
    ("A4", "A41"),
    ("A4", "A42"),
]
A = [0.3, 0.25, 0.3, 0.15]
B = [0.2, 0.1, 0.2, 0.5, 0.6, 0.4, 0.6, 0.2, 0.2, 0.7, 0.3]
R = [
    [0.7, 0.2, 0.1, 0, 0],
    [0.5, 0.3, 0.2, 0, 0],
    [0.4, 0.3, 0.2, 0.1, 0],
    [0.6, 0.2, 0.1, 0.1, 0],
    [0.7, 0.2, 0.1, 0, 0],
    [0.5, 0.3, 0.2, 0, 0],
    [0.7, 0.3, 0, 0, 0],
    [0.5, 0.4, 0.1, 0, 0],
    [0.6, 0.3, 0.1, 0, 0],
    [0.6, 0.4, 0, 0, 0],
    [0.7, 0.2, 0.1, 0, 0],
]
SCORES = [100, 80, 60, 40, 20]
SYSTEM = fuzzy.IndexSystem.from_pairs(PAIRS)


def test_thesis_data_gives_hand_computed_vector_and_score():
    result = fuzzy.evaluate(SYSTEM, A, B, R, SCORES)
    np.testing.assert_allclose(result.comprehensive, [0.6125, 0.276, 0.0905, 0.021, 0], atol=1e-12)
    assert result.score == pytest.approx(89.60)
    assert result.grade_index == 0


def test_first_level_vector_of_a1_by_hand():
    result = fuzzy.evaluate(SYSTEM, A, B, R, SCORES)
    # 0.2*0.7 + 0.1*0.5 + 0.2*0.4 + 0.5*0.6 = 0.57
    assert result.first_level[0, 0] == pytest.approx(0.57)


def test_zadeh_operator_by_hand():
    system = fuzzy.IndexSystem.from_pairs([("C", "x"), ("C", "y")])
    result = fuzzy.evaluate(system, [1.0], [0.7, 0.3], [[0.2, 0.8], [0.9, 0.1]], [1, 0], "zadeh")
    # level 1: max(min(.7,.2), min(.3,.9)) = .3 ; max(min(.7,.8), min(.3,.1)) = .7
    np.testing.assert_allclose(result.first_level[0], [0.3, 0.7])


@pytest.mark.parametrize("operator", fuzzy.OPERATORS)
def test_every_operator_gives_a_vector_summing_to_one(operator):
    result = fuzzy.evaluate(SYSTEM, A, B, R, SCORES, operator)
    assert result.comprehensive.sum() == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"criterion_weights": [0.5, 0.5, 0.3, 0.15]}, "criterion weights should sum to 1"),
        ({"criterion_weights": [0.3, 0.25, 0.45]}, "3 criterion weights for 4 criteria"),
        ({"sub_weights": B[:-1]}, "10 sub-criterion weights"),
        ({"membership": [row[:-1] + [0.5] for row in R]}, "membership rows should sum to 1"),
        ({"membership": [[-0.1, 1.1, 0, 0, 0]] + R[1:]}, "negative"),
        ({"grade_scores": [100, 80, 60]}, "3 grade scores for 5 grades"),
        ({"operator": "mean"}, "unknown operator 'mean'"),
    ],
)
def test_bad_inputs_give_clear_errors(kwargs, message):
    args = {
        "criterion_weights": A,
        "sub_weights": B,
        "membership": R,
        "grade_scores": SCORES,
        "operator": "weighted_average",
    }
    args.update(kwargs)
    with pytest.raises(FuzzyInputError, match=message):
        fuzzy.evaluate(SYSTEM, **args)


def test_normalise_only_when_asked():
    with pytest.warns(UserWarning, match="normalising"):
        result = fuzzy.evaluate(SYSTEM, [3, 2.5, 3, 1.5], B, R, SCORES, normalise=True)
    assert result.score == pytest.approx(89.60)


def test_implied_panel_size_of_thesis_memberships_is_not_18():
    assert fuzzy.implied_panel_size(R) == 10
    assert not fuzzy.is_panel_consistent(R, 18)
    assert fuzzy.is_panel_consistent([[5 / 18, 13 / 18]], 18)


def test_vectorised_draws_match_one_by_one():
    rng = np.random.default_rng(1)
    crit = rng.dirichlet([50 * a for a in A], size=20)
    sub = np.concatenate(
        [rng.dirichlet([50 * B[i] for i in g], size=20) for g in SYSTEM.groups], axis=1
    )
    fast = fuzzy.scores_for_weight_draws(SYSTEM, crit, sub, np.array(R), SCORES)
    slow = [fuzzy.evaluate(SYSTEM, crit[k], sub[k], R, SCORES).score for k in range(20)]
    np.testing.assert_allclose(fast, slow)


unit_rows = arrays(np.float64, (4, 3), elements=st.floats(0.01, 1)).map(
    lambda a: a / a.sum(axis=1, keepdims=True)
)
unit_weights = arrays(np.float64, 4, elements=st.floats(0.01, 1)).map(lambda w: w / w.sum())


@settings(max_examples=60, deadline=None)
@given(unit_weights, unit_rows, st.sampled_from(fuzzy.OPERATORS))
def test_result_sums_to_one(weights, membership, operator):
    out = fuzzy.compose(weights, membership, operator)
    assert out.sum() == pytest.approx(1.0)
    assert np.all(out >= 0)


@settings(max_examples=60, deadline=None)
@given(unit_weights, unit_rows, st.permutations(range(4)))
def test_permuting_subcriteria_with_their_weights_changes_nothing(weights, membership, order):
    system = fuzzy.IndexSystem.from_pairs([("C", s) for s in "abcd"])
    order = list(order)
    base = fuzzy.evaluate(system, [1.0], weights, membership, [1, 0.5, 0])
    permuted = fuzzy.evaluate(system, [1.0], weights[order], membership[order], [1, 0.5, 0])
    assert permuted.score == pytest.approx(base.score)


@settings(max_examples=60, deadline=None)
@given(unit_weights, unit_rows, st.floats(0, 1))
def test_weight_moved_to_a_better_rated_subcriterion_never_lowers_the_score(weights, membership, t):
    system = fuzzy.IndexSystem.from_pairs([("C", s) for s in "abcd"])
    scores = np.array([100.0, 60.0, 20.0])
    row_scores = membership @ scores
    best, worst = int(np.argmax(row_scores)), int(np.argmin(row_scores))
    moved = weights.copy()
    shift = t * moved[worst]
    moved[worst] -= shift
    moved[best] += shift
    before = fuzzy.evaluate(system, [1.0], weights, membership, scores).score
    after = fuzzy.evaluate(system, [1.0], moved, membership, scores).score
    assert after >= before - 1e-9


def test_normalise_names_what_it_rescaled_and_stays_quiet_otherwise():
    membership = [[2 * x for x in row] for row in R[:2]] + R[2:]
    with pytest.warns(UserWarning, match=r"membership row A11 \(sum 2\).*membership row A12"):
        result = fuzzy.evaluate(SYSTEM, A, B, membership, SCORES, normalise=True)
    assert result.score == pytest.approx(89.60)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fuzzy.evaluate(SYSTEM, A, B, R, SCORES, normalise=True)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sub_weights": [0, 0, 0, 0] + B[4:]}, "sub-criterion weights of A1 are all zero"),
        ({"membership": [[0] * 5] + R[1:]}, "membership row A11 are all zero"),
    ],
)
def test_normalise_refuses_all_zero_groups(kwargs, message):
    args = {"criterion_weights": A, "sub_weights": B, "membership": R, "grade_scores": SCORES}
    args.update(kwargs)
    with pytest.raises(FuzzyInputError, match=message):
        fuzzy.evaluate(SYSTEM, **args, normalise=True)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"membership": [[np.nan, 1, 0, 0, 0]] + R[1:]},
            r"missing or infinite value at row 1, col",
        ),
        ({"membership": R[:3] + [[0.6, 0.2, 0.1, 0.2, 0]] + R[4:]}, r"row 4 \(A14\) sums to 1.1"),
        ({"sub_weights": B[:3] + [-0.5] + B[4:]}, "negative value at entry 4"),
        ({"grade_scores": ["a", "b", "c", "d", "e"]}, "grade scores should be one row of numbers"),
        ({"criterion_weights": "0.3 0.25 0.3 0.15"}, "criterion weights should be numbers"),
        ({"membership": [row[:1] for row in R]}, "at least 2 grades"),
    ],
)
def test_more_bad_inputs_name_the_place(kwargs, message):
    args = {"criterion_weights": A, "sub_weights": B, "membership": R, "grade_scores": SCORES}
    args.update(kwargs)
    with pytest.raises(FuzzyInputError, match=message):
        fuzzy.evaluate(SYSTEM, **args)


def test_an_empty_index_system_is_refused():
    with pytest.raises(FuzzyInputError, match="no sub-criteria"):
        fuzzy.IndexSystem.from_pairs([])


# Two-level systems of random shape: 2-4 criteria with 1-3 sub-criteria each, 2-5 grades.
@st.composite
def two_level_cases(draw):
    sizes = draw(st.lists(st.integers(1, 3), min_size=2, max_size=4))
    grades = draw(st.integers(2, 5))
    n = sum(sizes)
    positive = st.floats(0.01, 1)
    crit = np.array(draw(st.lists(positive, min_size=len(sizes), max_size=len(sizes))))
    sub = np.array(draw(st.lists(positive, min_size=n, max_size=n)))
    membership = draw(arrays(np.float64, (n, grades), elements=positive))
    pairs = [(f"C{i}", f"C{i}S{j}") for i, size in enumerate(sizes) for j in range(size)]
    system = fuzzy.IndexSystem.from_pairs(pairs)
    for rows in system.groups:
        sub[list(rows)] /= sub[list(rows)].sum()
    scores = np.sort(draw(arrays(np.float64, grades, elements=st.floats(0, 100))))[::-1]
    return system, crit / crit.sum(), sub, membership / membership.sum(1, keepdims=True), scores


@settings(max_examples=60, deadline=None)
@given(two_level_cases(), st.sampled_from(fuzzy.OPERATORS))
def test_every_level_sums_to_one(case, operator):
    system, crit, sub, membership, scores = case
    result = fuzzy.evaluate(system, crit, sub, membership, scores, operator)
    np.testing.assert_allclose(result.first_level.sum(axis=1), 1.0)
    assert result.comprehensive.sum() == pytest.approx(1.0)
    assert scores.min() - 1e-9 <= result.score <= scores.max() + 1e-9


@settings(max_examples=60, deadline=None)
@given(two_level_cases(), st.sampled_from(fuzzy.OPERATORS), st.randoms(use_true_random=False))
def test_permuting_criteria_with_their_groups_changes_nothing(case, operator, random):
    system, crit, sub, membership, scores = case
    order = list(range(len(system.criteria)))
    random.shuffle(order)
    rows = [r for c in order for r in system.groups[c]]
    pairs = [(system.criteria[c], system.sub_criteria[r]) for c in order for r in system.groups[c]]
    permuted = fuzzy.IndexSystem.from_pairs(pairs)
    base = fuzzy.evaluate(system, crit, sub, membership, scores, operator)
    moved = fuzzy.evaluate(permuted, crit[order], sub[rows], membership[rows], scores, operator)
    assert moved.score == pytest.approx(base.score)
    np.testing.assert_allclose(moved.comprehensive, base.comprehensive, atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(two_level_cases(), st.floats(0, 1))
def test_criterion_weight_moved_to_a_better_criterion_never_lowers_the_score(case, t):
    system, crit, sub, membership, scores = case
    level1 = fuzzy.evaluate(system, crit, sub, membership, scores).first_level @ scores
    best, worst = int(np.argmax(level1)), int(np.argmin(level1))
    moved = crit.copy()
    moved[best] += t * moved[worst]
    moved[worst] -= t * crit[worst]
    before = fuzzy.evaluate(system, crit, sub, membership, scores).score
    after = fuzzy.evaluate(system, moved, sub, membership, scores).score
    assert after >= before - 1e-9


@settings(max_examples=60, deadline=None)
@given(two_level_cases(), st.data())
def test_membership_moved_to_a_better_grade_never_lowers_the_score(case, data):
    system, crit, sub, membership, scores = case
    row = data.draw(st.integers(0, membership.shape[0] - 1))
    worse = data.draw(st.integers(1, membership.shape[1] - 1))
    better = data.draw(st.integers(0, worse - 1))
    share = data.draw(st.floats(0, 1)) * membership[row, worse]
    moved = membership.copy()
    moved[row, worse] -= share
    moved[row, better] += share
    before = fuzzy.evaluate(system, crit, sub, membership, scores).score
    after = fuzzy.evaluate(system, crit, sub, moved, scores).score
    assert after >= before - 1e-9


@settings(max_examples=40, deadline=None)
@given(two_level_cases(), st.sampled_from(fuzzy.OPERATORS), st.integers(0, 2**32 - 1))
def test_stacked_inputs_give_the_same_scores_as_one_at_a_time(case, operator, seed):
    system, crit, sub, membership, scores = case
    rng = np.random.default_rng(seed)
    stack = rng.dirichlet(np.ones(membership.shape[1]), size=(4, membership.shape[0]))
    crit_draws = rng.dirichlet(np.ones(crit.size), size=4)
    batched = fuzzy.batch_scores(system, crit_draws, sub, stack, scores, operator)
    single = [
        fuzzy.evaluate(system, crit_draws[k], sub, stack[k], scores, operator).score
        for k in range(4)
    ]
    np.testing.assert_allclose(batched, single, atol=1e-9)


@settings(max_examples=40, deadline=None)
@given(two_level_cases(), st.sampled_from(fuzzy.OPERATORS), st.integers(0, 2**32 - 1))
def test_weight_draws_give_the_same_scores_as_one_at_a_time(case, operator, seed):
    system, crit, sub, membership, scores = case
    rng = np.random.default_rng(seed)
    crit_draws = rng.dirichlet(np.ones(crit.size), size=5)
    sub_draws = np.concatenate(
        [rng.dirichlet(np.ones(len(g)), size=5) for g in system.groups], axis=1
    )
    batched = fuzzy.scores_for_weight_draws(
        system, crit_draws, sub_draws, membership, scores, operator
    )
    single = [
        fuzzy.evaluate(system, crit_draws[k], sub_draws[k], membership, scores, operator).score
        for k in range(5)
    ]
    np.testing.assert_allclose(batched, single, atol=1e-9)


def test_threshold_label_names_the_grade_with_that_score():
    from types import SimpleNamespace

    from ecomcase.fuzzy.case import threshold_label

    five = SimpleNamespace(grades=("excellent", "good", "average", "poor", "very_poor"),
                           grade_scores=np.array([100, 80, 60, 40, 20.0]))
    four = SimpleNamespace(grades=("strong", "adequate", "weak", "poor"),
                           grade_scores=np.array([100, 75, 50, 25.0]))
    assert threshold_label(five, 80.0) == "good"
    assert threshold_label(four, 75.0) == "adequate"
    assert threshold_label(four, 80.0) == "threshold"


def test_weights_left_out_are_equal_within_each_group():
    from ecomcase.fuzzy.case import equal_criterion_weights, equal_sub_weights

    system = fuzzy.IndexSystem.from_pairs([("K1", "a"), ("K1", "b"), ("K1", "c"), ("K2", "d")])
    assert equal_criterion_weights(system) == {"K1": 0.5, "K2": 0.5}
    assert equal_sub_weights(system) == pytest.approx({"a": 1 / 3, "b": 1 / 3, "c": 1 / 3, "d": 1.0})


def test_absent_reason_names_the_missing_or_empty_table(tmp_path):
    from ecomcase.fuzzy.case import absent_reason

    assert absent_reason(tmp_path) == "the case has no fuzzy_index table"
    (tmp_path / "fuzzy_index.csv").write_text("criterion_code,sub_code\nK1,a\n")
    (tmp_path / "fuzzy_membership.csv").write_text("sub_code,high,low\n")
    assert absent_reason(tmp_path) == "the case's fuzzy_membership table has no rows"
    (tmp_path / "fuzzy_membership.csv").write_text("sub_code,high,low\na,0.5,0.5\n")
    assert absent_reason(tmp_path) is None


@pytest.mark.parametrize(
    ("scores", "threshold"),
    [([100, 80, 60, 40, 20], 80.0), ([100, 75, 50, 25], 75.0), ([10, 7, 5, 3, 2, 1, 0], 7.0),
     ([60], 60.0)],
)
def test_good_threshold_defaults_to_the_cases_second_best_grade(scores, threshold):
    from types import SimpleNamespace

    from ecomcase.fuzzy.case import default_threshold, threshold_label

    setup = SimpleNamespace(
        grade_scores=np.array(scores, dtype=float), grades=[f"g{i}" for i in range(len(scores))]
    )
    assert default_threshold(setup) == threshold
    # the figures name the threshold by its grade, never a bare number of another case
    assert threshold_label(setup, threshold) == ("g1" if len(scores) > 1 else "g0")


def test_a_tie_for_the_largest_grade_names_every_tied_grade():
    from ecomcase.fuzzy.sections import largest_grades

    assert largest_grades(["excellent", "good", "poor"], [0.4, 0.4, 0.2]) == "excellent; good"
    assert largest_grades(["excellent", "good", "poor"], [0.5, 0.3, 0.2]) == "excellent"

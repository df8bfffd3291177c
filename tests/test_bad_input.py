"""Every kind of bad input gives one clear message naming file, row and field,
a non-zero exit, and writes nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import run_cli


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def _assert_fails(project: Path, *patterns: str, command: str = "validate", case: str = "alibaba"):
    result = run_cli(project, command, "--case", case)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    for pattern in patterns:
        assert re.search(pattern, result.stderr), f"{pattern!r} not in:\n{result.stderr}"
    assert not (project / "reports").exists()
    assert not (project / "data" / "processed").exists()
    return result.stderr


def test_unknown_case(project):
    _assert_fails(project, r"unknown case 'nosuch'.*known cases: alibaba", case="nosuch")


def test_case_name_that_is_a_path(project):
    _assert_fails(project, r"not a plain identifier", case="../alibaba")


def test_malformed_params(project):
    (project / "params" / "alibaba.yaml").write_text("case: alibaba\ncompany: [unclosed\n")
    _assert_fails(project, r"params/alibaba.yaml, line \d+: not valid YAML")


def test_misspelled_top_level_key(project):
    _edit(project / "params" / "alibaba.yaml", "figure_dpi:", "figure_dip:")
    _assert_fails(project, r"unknown key 'figure_dip'")


def test_misspelled_notebook_parameter(project):
    _edit(project / "params" / "alibaba.yaml", "grade_scores:", "grade_score:")
    _assert_fails(
        project, r"04_fuzzy_evaluation: unknown parameter 'grade_score' \(expected: .*grade_scores"
    )


def test_parameter_of_wrong_type(project):
    _edit(project / "params" / "alibaba.yaml", "operator: weighted_average", "operator: 3")
    _assert_fails(
        project,
        r"params/alibaba.yaml, field 'notebooks.04_fuzzy_evaluation.operator': should be text, "
        r"one of: weighted_average",
    )


def test_params_error_also_stops_make_before_any_notebook(project):
    _edit(project / "params" / "alibaba.yaml", "figure_dpi:", "figure_dip:")
    _assert_fails(project, r"unknown key 'figure_dip'", command="params")


EVENTS = "data/raw/alibaba/events.csv"


def _event_line(project: Path, contains: str) -> tuple[int, str]:
    lines = (project / EVENTS).read_text().splitlines()
    for number, line in enumerate(lines, 1):
        if contains in line:
            return number, line
    raise AssertionError(contains)


@pytest.mark.parametrize(
    ("old", "new", "field", "what"),
    [
        (
            ",Auctiva,United States,holding_ma,",
            ",Auctiva,Atlantis,holding_ma,",
            "country",
            "unknown country 'Atlantis'",
        ),
        (
            ",Auctiva,United States,holding_ma,",
            ",Auctiva,United States,takeover,",
            "mode",
            "constraint",
        ),
        (
            ",Auctiva,United States,holding_ma,e_commerce,",
            ",Auctiva,United States,holding_ma,bakery,",
            "industry",
            "constraint",
        ),
    ],
)
def test_bad_event_cells(project, old, new, field, what):
    line, _ = _event_line(project, ",Auctiva,")
    _edit(project / EVENTS, old, new)
    _assert_fails(project, rf"events.csv, row {line}, field '{field}': .*{re.escape(what)}")


def test_wrong_type_and_negative_amount(project):
    line, text = _event_line(project, ",Lyft,")
    fields = text.split(",")
    bad_year = ",".join(["20x4", *fields[1:]])
    _edit(project / EVENTS, text, bad_year)
    _assert_fails(
        project, rf"events.csv, row {line}, field 'year': value '20x4' is not a whole number"
    )


def test_negative_amount(project):
    line, text = _event_line(project, "2014-05-28,Singapore Post")
    assert ",249," in text
    new = re.sub(r",(\d+(\.\d+)?),alibaba,", r",-\1,alibaba,", text, count=1)
    _edit(project / EVENTS, text, new)
    _assert_fails(project, rf"events.csv, row {line}, field 'amount_usd_m': .*minimum")


def test_year_outside_params_range(project):
    _edit(
        project / "params" / "alibaba.yaml",
        "event_years: [2010, 2021]",
        "event_years: [2011, 2021]",
    )
    _assert_fails(
        project,
        r"events.csv, row 2, field 'year': year 2010 is outside the case's event_years 2011-2021",
    )


def test_duplicate_event(project):
    line, text = _event_line(project, ",Auctiva,")
    _edit(project / EVENTS, text, text + "\n" + text.replace("E2010-04", "E2010-99"))
    _assert_fails(
        project,
        rf"events.csv, row {line + 1}, field 'target': duplicate event .* already on row {line}",
    )


def test_duplicated_event_id(project):
    line, text = _event_line(project, ",Auctiva,")
    _edit(project / EVENTS, text, text + "\n" + text.replace(",Auctiva,", ",Auctiva II,"))
    _assert_fails(
        project,
        rf"events.csv, row {line + 1}, field 'event_id': duplicate value 'E2010-04' already on row {line}",
    )


def test_unknown_deal_status(project):
    line, text = _event_line(project, ",Auctiva,")
    _edit(project / EVENTS, text, text.replace(",completed,", ",closed,", 1))
    _assert_fails(
        project, rf"events.csv, row {line}, field 'deal_status': value 'closed' breaks a constraint"
    )


def test_dangling_follow_on(project):
    line, text = _event_line(project, ",Vendio,")
    _edit(project / EVENTS, text, text.replace("E2010-03,completed,,", "E2010-03,completed,E2009-01,", 1))
    _assert_fails(
        project,
        rf"events.csv, row {line}, field 'follow_on_of': follow_on_of 'E2009-01' is no event_id",
    )


def test_missing_column(project):
    path = project / EVENTS
    lines = path.read_text().splitlines()
    path.write_text(
        "\n".join(
            ",".join(line.split(",")[:-1]) if i == 0 else line for i, line in enumerate(lines)
        )
        + "\n"
    )
    _assert_fails(project, r"events.csv.*field 'check_note'")


def test_missing_file(project):
    (project / "data/raw/alibaba/countries.csv").unlink()
    _assert_fails(project, r"countries.csv: missing")


def test_membership_row_not_summing_to_one(project):
    _edit(
        project / "data/raw/alibaba/fuzzy_membership.csv",
        "A12,0.5,0.3,0.2,0,0",
        "A12,0.5,0.3,0.3,0,0",
    )
    _assert_fails(
        project,
        r"fuzzy_membership.csv, row 3, field 'excellent, good, average, poor, very_poor': "
        r"membership degrees sum to 1.1, not 1 \(off by \+0.1; the tolerance is 1e-06\)",
    )


def test_membership_rows_not_matching_index_system(project):
    path = project / "data/raw/alibaba/fuzzy_membership.csv"
    path.write_text("\n".join(path.read_text().splitlines()[:-1]) + "\n")
    _assert_fails(project, r"fuzzy_membership.csv.*do not match the index system")


def test_weights_not_summing_to_one(project):
    _edit(project / "params" / "alibaba.yaml", "A4: 0.15}", "A4: 0.25}")
    _assert_fails(
        project,
        r"params/alibaba.yaml, field 'notebooks.04_fuzzy_evaluation.criterion_weights': criterion weights sum to 1.1",
    )


def test_sub_weights_of_a_criterion_not_summing_to_one(project):
    _edit(project / "params" / "alibaba.yaml", "A41: 0.7", "A41: 0.6")
    _assert_fails(project, r"sub-criterion weights of A4 sum to 0.9")


def test_every_problem_is_listed_at_once(project):
    _edit(project / EVENTS, ",Auctiva,United States,", ",Auctiva,Atlantis,")
    _edit(project / EVENTS, ",Vendio,United States,", ",Vendio,Narnia,")
    stderr = _assert_fails(project, r"2 problem\(s\)")
    assert "Atlantis" in stderr and "Narnia" in stderr


def test_grade_scores_that_do_not_fit_the_grades(project):
    _edit(
        project / "params" / "alibaba.yaml",
        "grade_scores: [100, 80, 60, 40, 20]",
        "grade_scores: [100, 80, 60, 40]",
    )
    _assert_fails(
        project,
        r"params/alibaba.yaml, field 'notebooks.04_fuzzy_evaluation.grade_scores': "
        r"should be 5 numbers, one per grade \(excellent, good, average, poor, very_poor\)",
    )


def test_validate_lists_params_and_data_problems_together(project):
    _edit(project / "params" / "alibaba.yaml", "figure_dpi:", "figure_dip:")
    line, text = _event_line(project, "PayPal")
    _edit(project / EVENTS, text, text.replace("strategic_cooperation", "merger", 1))
    stderr = _assert_fails(project, r"unknown key 'figure_dip'")
    assert re.search(rf"events.csv, row {line}, field 'mode'", stderr), stderr


def test_own_group_that_owns_no_platform(project):
    _edit(project / "params" / "alibaba.yaml", "company: Alibaba Group", "company: Alibaba Grp")
    _assert_fails(
        project,
        r"params/alibaba.yaml, field 'company': 'Alibaba Grp' owns no platform in "
        r"data/raw/alibaba/platform_mau.csv",
    )

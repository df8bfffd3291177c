"""The issue's bad inputs, each caught by validate with file, row and field,
checked in this process (the CLI's exit code and wording are in test_bad_input.py)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ecomcase.errors import DataError, EcomcaseError

EVENTS = "data/raw/alibaba/events.csv"
PARAMS = "params/alibaba.yaml"
CLAIMS = "data/raw/alibaba/claims.yaml"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _problems(case: str = "alibaba") -> list[str]:
    from ecomcase.data.dataset import validate_case

    with pytest.raises(DataError) as caught:
        validate_case(case)
    return [str(p) for p in caught.value.problems]


def _line_of(path: Path, text: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if text in line:
            return number
    raise AssertionError(text)


def _set_cell(project: Path, target: str, field: str, value: str) -> int:
    """Put ``value`` (raw text) into ``field`` of the first event row naming ``target``."""
    path = project / EVENTS
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    number = _line_of(path, f",{target},")
    cells = lines[number - 1].split(",")
    assert cells[2] == target, "the row's text has quoted commas before the target"
    cells[header.index(field)] = value
    lines[number - 1] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return number


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("date", "2010-13-45", r"date '2010-13-45' has month 13"),
        ("date", "2015-02-30", r"date '2015-02-30' is not a day of the calendar"),
        ("source_date", "2016-00", r"date '2016-00' has month 00"),
        ("amount_usd_m", "inf", r"value 'inf' is not a finite number"),
        ("amount_usd_m", "nan", r"value 'nan' is not a finite number"),
        ("amount_usd_m", "-Infinity", r"value '-Infinity' is not a finite number"),
        ("amount_usd_m", "1_000", r"value '1_000' has a digit separator: write '1000'"),
        ("year", "２０１４", r"value '２０１４' has full-width characters .* retype it as '2014'"),
        ("amount_usd_m", "１２.５", r"value '１２.５' has full-width characters .* retype it as '12.5'"),
        ("year", "2014.0", r"value '2014.0' is not a whole number"),
        ("year", "9" * 40, r"value '9{40}' is too large for a whole number"),
        ("amount_usd_m", "1e309", r"value '1e309' is too large to be a number"),
        ("investor", "alibaba_xyz", r"value 'alibaba_xyz' breaks a constraint .*pattern"),
        ("investor", "xyz_alibaba", r"value 'xyz_alibaba' breaks a constraint .*pattern"),
    ],
)
def test_bad_cell_names_file_row_and_field(in_process, field, value, message):
    row = _set_cell(in_process, "Auctiva", field, value)
    problems = _problems()
    expected = rf"^{re.escape(EVENTS)}, row {row}, field '{field}': {message}"
    assert any(re.search(expected, p) for p in problems), problems
    assert len(problems) == 1, problems


def test_investor_pattern_is_grouped_so_frictionless_anchors_all_of_it():
    import json

    package = json.loads((Path(__file__).parents[1] / "data/raw/alibaba/datapackage.json").read_text())
    events = next(r for r in package["resources"] if r["name"] == "events")
    investor = next(f for f in events["schema"]["fields"] if f["name"] == "investor")
    pattern = investor["constraints"]["pattern"]
    assert pattern.startswith("(") and pattern.endswith(")")
    assert re.fullmatch(pattern, "affiliate:ant_group")
    assert not re.fullmatch(pattern, "alibaba_xyz")


@pytest.mark.parametrize(
    ("encode", "message"),
    [
        (lambda t: b"\xef\xbb\xbf" + t.encode(), r"starts with a byte-order mark"),
        (lambda t: t.encode("utf-16"), r"is UTF-16 \(Excel's 'Unicode text'\)"),
        (lambda t: t.encode("utf-16-le"), r"is UTF-16"),
        (
            lambda t: t.replace("Auctiva", "Auctivä").encode("latin-1"),
            r"row \d+, field '\w+': byte 0xe4 is not UTF-8 .*iconv -f WINDOWS-1252",
        ),
    ],
)
def test_file_in_another_encoding_says_how_to_resave_it(in_process, encode, message):
    path = in_process / EVENTS
    path.write_bytes(encode(path.read_text(encoding="utf-8")))
    problems = _problems()
    assert len(problems) == 1, problems
    assert re.search(rf"^{re.escape(EVENTS)}.*{message}", problems[0]), problems


def test_duplicated_key_in_params_names_both_lines(in_process):
    _edit(in_process / PARAMS, "figure_dpi: 200", "figure_dpi: 200\nfigure_dpi: 300")
    line = _line_of(in_process / PARAMS, "figure_dpi: 300")
    problems = _problems()
    assert problems == [
        f"{PARAMS}, line {line}: not valid YAML (duplicated key 'figure_dpi' "
        f"(first on line {line - 1}; the second would silently replace it))"
    ]


def test_duplicated_key_in_claims_is_an_error(in_process):
    _edit(in_process / CLAIMS, "- {id: P01, kind: stated,", "- {id: P01, kind: stated, kind: check,")
    problems = _problems()
    assert len(problems) == 1 and "duplicated key 'kind'" in problems[0], problems
    assert problems[0].startswith(f"{CLAIMS}, line ")


def test_comments_only_claims_are_empty_not_an_error(in_process):
    (in_process / CLAIMS).write_text("# no claims yet\n# - {id: P01}\n", encoding="utf-8")
    from ecomcase.data.dataset import validate_case
    from ecomcase.report.claims import load_claims

    assert load_claims(in_process / CLAIMS) == []
    validate_case("alibaba")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("operator: weighted_average", "operator: Zadeh",
         r"operator': 'Zadeh' is not allowed: text, one of: weighted_average, zadeh"),
        ("operator: weighted_average", "operator: foo", r"operator': 'foo' is not allowed"),
        ("operator: weighted_average", "operator: weighted_average\n    interval_level: 95",
         r"interval_level': 95 is out of range: number in \(0, 1\) \(a fraction, not a "
         r"percentage: 0.95\?\)"),
        ("operator: weighted_average", "operator: weighted_average\n    mc_draws: 0",
         r"mc_draws': 0 is out of range: integer >= 1"),
        ("operator: weighted_average", "operator: weighted_average\n    perturbation: .nan",
         r"perturbation': should be a finite number"),
        ("status: completed", "status: closed",
         r"coding.status': 'closed' is not one of \['completed', 'announced'\]"),
        ("acquisition_mode: holding_ma", "acquisition_mode: holding_ma\n    alpha: 1.5",
         r"alpha': 1.5 is out of range"),
    ],
)
def test_parameter_values_are_checked_by_validate(in_process, old, new, message):
    _edit(in_process / PARAMS, old, new)
    problems = _problems()
    assert len(problems) == 1, problems
    expected = rf"^{re.escape(PARAMS)}, field 'notebooks\.\d\d_\w+\.{message}"
    assert re.search(expected, problems[0]), problems


def test_every_notebook_parameter_declares_its_allowed_values():
    from ecomcase.build.params import NOTEBOOK_PARAMETERS, declared_parameters
    from ecomcase.config import NOTEBOOKS

    for notebook in NOTEBOOKS:
        declared = set(declared_parameters(notebook)) - {"case"}
        assert declared == set(NOTEBOOK_PARAMETERS[notebook]), notebook
        for name, rule in NOTEBOOK_PARAMETERS[notebook].items():
            default = declared_parameters(notebook)[name]
            assert default is None or rule.problem(default) is None, (notebook, name)


def test_declared_parameters_read_as_papermill_reads_them():
    """The validator parses the parameters cells itself; papermill must agree."""
    import ast

    import papermill

    from ecomcase.build.params import declared_parameters
    from ecomcase.config import NOTEBOOKS, NOTEBOOKS_DIR

    def literal(text: str):
        try:
            return ast.literal_eval(text)
        except (ValueError, SyntaxError):
            return None

    for notebook in NOTEBOOKS:
        inspected = papermill.inspect_notebook(str(NOTEBOOKS_DIR / f"{notebook}.ipynb"))
        expected = {name: literal(spec["default"]) for name, spec in inspected.items()}
        assert declared_parameters(notebook) == expected, notebook


def test_schema_and_cross_file_problems_in_one_run(in_process):
    """A bad mode used to hide every unknown country until it was fixed."""
    _edit(in_process / EVENTS, ",Auctiva,United States,holding_ma,", ",Auctiva,Atlantis,takeover,")
    _edit(in_process / EVENTS, ",Vendio,United States,", ",Vendio,Narnia,")
    _edit(in_process / PARAMS, "event_years: [2010, 2021]", "event_years: [2011, 2021]")
    problems = "\n".join(_problems())
    assert "field 'mode': value 'takeover' breaks a constraint" in problems
    assert "unknown country 'Atlantis'" in problems and "unknown country 'Narnia'" in problems
    assert "year 2010 is outside the case's event_years 2011-2021" in problems


def test_unquoted_comma_is_one_problem_and_hides_nothing(in_process):
    row = _line_of(in_process / EVENTS, ",Auctiva,")
    _edit(in_process / EVENTS, ",Auctiva,", ",Auct,iva,")
    _edit(in_process / PARAMS, "event_years: [2010, 2021]", "event_years: [2011, 2021]")
    problems = _problems()
    shifted = [p for p in problems if f"row {row}," in p or f"row {row}:" in p]
    assert len(shifted) == 1 and "needs double quotes" in shifted[0], problems
    assert any("year 2010 is outside" in p for p in problems), problems


def test_deleted_raw_file_is_named(in_process):
    (in_process / "data/raw/alibaba/countries.csv").unlink()
    (in_process / "data/raw/alibaba/frameworks.yaml").unlink()
    problems = "\n".join(_problems())
    assert "data/raw/alibaba/countries.csv: missing (resource 'countries')" in problems
    assert "data/raw/alibaba/frameworks.yaml: missing" in problems


def test_inputs_makefile_lists_declared_files_and_processed_outputs(in_process):
    from ecomcase.data.package import inputs_makefile

    text = inputs_makefile("alibaba")
    raw = re.search(r"^RAW_INPUTS := (.*)$", text, re.M).group(1).split()
    processed = re.search(r"^PROCESSED_OUTPUTS := (.*)$", text, re.M).group(1).split()
    assert "data/raw/alibaba/events.csv" in raw and "data/raw/alibaba/claims.yaml" in raw
    assert "data/raw/alibaba/CHANGES.md" not in raw  # not declared: not an input
    assert "data/processed/alibaba/frameworks.json" in processed
    assert not any("claims" in p for p in processed)


# -- memberships from a panel ---------------------------------------------------


def _membership(rows: list[list[float]]) -> pd.DataFrame:
    grades = ["excellent", "good", "average"]
    table = pd.DataFrame(rows, columns=grades)
    table.insert(0, "sub_code", [f"A{i}" for i in range(len(rows))])
    return table


def test_rounded_panel_shares_pass_only_with_the_declared_panel():
    from ecomcase.data.dataset import membership_problems

    # 12 experts: 7, 4 and 1 votes written with 4 decimals (sum 0.9999)
    table = _membership([[0.5833, 0.3333, 0.0833]])
    [(row, message)] = membership_problems(table, None)
    assert row == 2
    assert "sum to 1.0000, not 1" not in message
    assert "sum to 0.9999999999" not in message and "sum to 1.00000000" not in message
    assert "sum to 0.9999, not 1 (off by -0.0001; the tolerance is 1e-06)" in message
    assert "declare `panel_size`" in message
    assert membership_problems(table, 12) == []
    # the same shares do not fit a panel of 10
    [(_, message)] = membership_problems(table, 10)
    assert "not whole votes of the declared panel of 10" in message


def test_six_decimal_shares_that_sum_to_one_when_rounded():
    from ecomcase.data.dataset import membership_problems, panel_votes

    table = _membership([[0.583333, 0.333333, 0.083333]])  # 7, 4, 1 of 12
    assert membership_problems(table, 12) == []
    assert list(panel_votes(np.array([0.583333, 0.333333, 0.083333]), 12)) == [7, 4, 1]
    assert panel_votes(np.array([0.5833, 0.3333, 0.0834]), 12) is None  # 0.0834 is no 1/12


def test_panel_rows_are_read_as_exact_votes_and_validate_says_so(in_process):
    from ecomcase.data.dataset import load_case, validate_case

    path = in_process / "data/raw/alibaba/fuzzy_membership.csv"
    lines = path.read_text().splitlines()
    header = lines[0].split(",")
    lines[1] = ",".join(["A11", "0.4444", "0.3333", "0.2222", "0", "0"])  # 8, 6, 4 of 18
    path.write_text("\n".join(lines) + "\n")
    assert len(header) == 6
    summary = validate_case("alibaba")
    assert "rows 2 read as whole votes of the declared panel of 18" in summary
    membership = load_case("alibaba").tables["fuzzy_membership"]
    assert membership.iloc[0, 1:].to_list() == pytest.approx([8 / 18, 6 / 18, 4 / 18, 0, 0])


def test_validate_errors_are_the_package_errors(in_process):
    (in_process / "data/raw/alibaba/datapackage.json").write_text("[1, 2]")
    with pytest.raises(EcomcaseError):
        from ecomcase.data.dataset import validate_case

        validate_case("alibaba")


def test_docs_list_every_parameter_as_validate_checks_it():
    from ecomcase.build.params import parameter_reference

    docs = (Path(__file__).parents[1] / "docs/adapting.md").read_text()
    block = docs.split("<!-- parameter-reference:start -->\n")[1].split(
        "<!-- parameter-reference:end -->"
    )[0]
    assert block == parameter_reference()


def test_a_flawed_params_file_hides_no_cross_file_problem(in_process):
    """An unknown key and a bad operator in the params; the data are still checked
    against the params' sound parts (years, weights), so one run lists all."""
    _edit(in_process / PARAMS, "figure_dpi:", "figure_dip:")
    _edit(in_process / PARAMS, "operator: weighted_average", "operator: Zadeh")
    _edit(in_process / PARAMS, "A4: 0.15}", "A4: 0.25}")
    _edit(in_process / EVENTS, ",Auctiva,United States,", ",Auctiva,Atlantis,")
    problems = "\n".join(_problems())
    assert "unknown key 'figure_dip'" in problems
    assert "operator': 'Zadeh' is not allowed" in problems
    assert "criterion weights sum to 1.1, not 1" in problems
    assert "unknown country 'Atlantis'" in problems


def test_weights_that_are_no_numbers_are_named(in_process):
    _edit(in_process / PARAMS, "A4: 0.15}", "A4: high}")
    problems = _problems()
    assert any(
        "field 'notebooks.04_fuzzy_evaluation.criterion_weights': weights must be numbers" in p
        for p in problems
    ), problems

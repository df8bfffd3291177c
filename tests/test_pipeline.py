"""End-to-end: the real pipeline (make, papermill, kernel, nbconvert) in a copy of the project."""

from __future__ import annotations

import csv
import json
import os
import re
import time
from pathlib import Path

import pytest

from conftest import run_cli, run_make

pytestmark = [pytest.mark.e2e, pytest.mark.notebook]
NOTEBOOKS = [
    "01_data_cleaning",
    "02_strategic_analysis",
    "03_internationalization_timeline",
    "04_fuzzy_evaluation",
]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    from conftest import make_project_copy

    project = make_project_copy(tmp_path_factory.mktemp("e2e") / "project")
    result = run_make(project, "all")
    assert result.returncode == 0, result.stdout + result.stderr
    return project


def _manifest(project: Path) -> dict:
    return json.loads((project / "reports/alibaba/manifest.json").read_text())


def test_make_all_writes_manifest_with_hashed_files(built):
    from ecomcase.fileio import sha256_file

    manifest = _manifest(built)
    assert manifest["case"] == "alibaba"
    assert len(manifest["params_sha256"]) == 64
    reproduces = {a["reproduces"] for a in manifest["artifacts"]}
    assert {
        "paper Figure 1",
        "paper Figure 4",
        "thesis Table 2.1",
        "thesis Table 3.3",
    } <= reproduces
    assert {a["notebook"] for a in manifest["artifacts"]} == set(NOTEBOOKS)
    for artifact in manifest["artifacts"]:
        assert artifact["files"], artifact["id"]
        for rel in artifact["files"]:
            path = built / "reports/alibaba" / rel
            assert sha256_file(path) == artifact["sha256"][rel]
    for nb in NOTEBOOKS:
        assert (built / f"reports/alibaba/notebooks/{nb}.ipynb").is_file()
        assert (built / f"reports/alibaba/notebooks/{nb}.html").stat().st_size > 10_000
    for name in ("claims.csv", "numbers.json", "numbers.tex", "index.html"):
        assert (built / "reports/alibaba" / name).is_file()
    assert (built / "data/processed/alibaba/events.csv").is_file()


def test_rebuild_is_byte_identical_and_verify_names_a_changed_file(built):
    """``make verify`` rebuilds from scratch elsewhere and compares every hash.

    One recorded hash is altered first: the rebuild must flag exactly that file
    and find every other figure, table, number and claims file identical.
    """
    path = built / "reports/alibaba/manifest.json"
    original = path.read_text()
    manifest = json.loads(original)
    artifact = next(a for a in manifest["artifacts"] if a["files"])
    tampered = artifact["files"][0]
    artifact["sha256"][tampered] = "0" * 64
    path.write_text(json.dumps(manifest))
    try:
        result = run_make(built, "verify")
    finally:
        path.write_text(original)
    total = sum(len(a["files"]) for a in manifest["artifacts"]) + len(manifest["outputs"])
    assert result.returncode != 0, result.stdout + result.stderr
    changed = [line for line in result.stdout.splitlines() if line.startswith("changed: ")]
    assert changed == [f"changed: reports/alibaba/{tampered}"], result.stdout
    assert f"({total - 1} identical)" in result.stdout, result.stdout
    assert {"claims.csv", "numbers.json", "numbers.tex"} <= set(manifest["outputs"])


def test_report_pages_in_headless_chromium_at_phone_and_desktop_width(built):
    """index.html and numbers.html at 400 and 1400 px: no sideways scrolling, every image
    loads, every local link and #anchor resolves, no console errors; screenshots."""
    if os.environ.get("ECOMCASE_SKIP_BROWSER") == "1":
        pytest.skip("ECOMCASE_SKIP_BROWSER=1")
    result = run_make(built, "check-page")
    assert result.returncode == 0, result.stdout + result.stderr
    manifest = _manifest(built)
    pngs = [a for a in manifest["artifacts"] if any(f.endswith(".png") for f in a["files"])]
    for width in (400, 1400):
        assert f"index.html at {width} px: page {width} px wide, {len(pngs)} images" in (
            result.stdout
        ), result.stdout
        assert f"numbers.html at {width} px: page {width} px wide" in result.stdout
        shot = built / f"reports/alibaba/index-{width}.png"
        assert shot.stat().st_size > 50_000
    assert result.stdout.count(", 0 console errors") == 4
    assert "alibaba: 4 of 4 page checks passed" in result.stdout


def test_report_page_opens_with_findings_and_links_claims_to_their_evidence(built):
    html = (built / "reports/alibaba/index.html").read_text()
    manifest = _manifest(built)
    for with_image in (True, False):
        positions = [
            html.index(f'id="{a["id"]}"')
            for a in manifest["artifacts"]
            if a["files"] and any(f.endswith(".png") for f in a["files"]) == with_image
        ]
        assert positions and positions == sorted(positions)
    assert html.index('id="findings"') < html.index('id="claims"') < html.index('id="figures"')
    with open(built / "reports/alibaba/claims.csv", newline="") as handle:
        claims = list(csv.DictReader(handle))
    findings = html[html.index('id="findings"'):html.index('id="claims"')]
    for doc in ("thesis", "paper"):
        stated = [c for c in claims if c["source"] == doc and c.get("kind", "stated") == "stated"]
        assert f"{len(stated)} stated claims" in findings
    # the largest discrepancies: the stated claims that differ or contradict, by their
    # relative gap as claims.csv gives the two values (numbers written as text there)
    def gap(claim):
        values = [claim["stated"], claim["reproduced"]]
        if not all(re.fullmatch(r"-?\d+(\.\d+)?", v) for v in values):
            return None
        stated, reproduced = map(float, values)
        return (reproduced - stated) / abs(stated) if stated else None

    ranked = sorted(
        (c for c in claims if c.get("kind", "stated") == "stated"
         and c["status"] in ("differs", "inconsistent") and gap(c) is not None),
        key=lambda c: (-abs(gap(c)), c["id"]),
    )
    shown = re.findall(r'<li><a href="#claim-(\w+)">', findings)
    assert shown == [c["id"] for c in ranked[:5]]
    assert "T83" in shown  # a share written as text in claims.csv ("0.065") is ranked too
    numbers = json.loads((built / "reports/alibaba/numbers.json").read_text())
    # numbers live on their own page, formatted by unit
    assert "market_mean_year_emerging" not in html
    numbers_html = (built / "reports/alibaba/numbers.html").read_text()
    assert all(f'id="n-{key}"' in numbers_html for key in numbers)
    assert "2,01" not in numbers_html  # no year grouped like a count
    # claim rows: number, artifact, notebook section
    row = html[html.index('<tr id="claim-P03"'):]
    row = row[: row.index("</tr>")]
    assert 'href="numbers.html#n-events_in_2015"' in row
    assert 'href="#events_per_year"' in row
    assert 'href="notebooks/03_internationalization_timeline.html#' in row
    card = html[html.index('<figure id="events_per_year">'):]
    card = card[: card.index("</figure>")]
    assert "paper Figure 4" in card and "rebuilt from data" in card
    pest = html[html.index('<figure id="pest">'):]
    assert "redrawn from the document&#39;s text" in pest[: pest.index("</figure>")]
    # built in a copy that is no git work tree: said, not guessed
    code = manifest["code"]
    assert code["git_commit"] is None and code["git_dirty"] is None
    assert len(code["src_sha256"]) == 64
    assert "not built from a git work tree" in html
    assert manifest["inputs_date"][:4].isdigit()


def test_every_report_file_is_readable_by_group_and_others(built):
    """Written atomically, yet with the mode of any new file (0644 under umask 022)."""
    import stat

    from ecomcase.fileio import new_file_mode

    if new_file_mode() & 0o044 != 0o044:
        pytest.skip("this process's umask hides files from group and others")
    files = [p for p in (built / "reports/alibaba").rglob("*") if p.is_file()]
    unreadable = [
        f"{p.relative_to(built)} {stat.filemode(p.stat().st_mode)}"
        for p in files
        if p.stat().st_mode & 0o044 != 0o044
    ]
    assert len(files) > 100
    assert unreadable == []


def test_every_tex_output_compiles_with_pdflatex(built, tmp_path):
    """Each table's .tex and numbers.tex, \\input into a minimal document, typeset by pdflatex."""
    import shutil

    from conftest import compile_latex

    if shutil.which("pdflatex") is None:
        pytest.skip("pdflatex not installed (Debian: apt-get install texlive-latex-recommended)")
    reports = built / "reports/alibaba"
    tables = sorted((reports / "tables").glob("*.tex"))
    manifest = _manifest(built)
    assert len(tables) == sum(
        f.startswith("tables/") and f.endswith(".tex") for a in manifest["artifacts"]
        for f in a["files"]
    ) > 10
    failures = compile_latex(tables, tmp_path / "latex", reports / "numbers.tex")
    assert failures == {}, "\n\n".join(f"{name}:\n{log}" for name, log in failures.items())


def test_every_figure_prints_as_it_is_and_the_thesis_kit_holds_them_all(built):
    """Text width, 8 pt body and 7 pt notes at that width, a source note, no code
    identifiers or source-text line references; the kit's Word file and LaTeX."""
    from conftest import figure_and_kit_problems

    problems = figure_and_kit_problems(built / "reports/alibaba")
    assert problems == [], "\n".join(problems)


def test_the_thesis_kit_compiles_and_the_page_links_it(built, tmp_path):
    import shutil

    from conftest import compile_latex

    reports = built / "reports/alibaba"
    html = (reports / "index.html").read_text()
    assert 'href="thesis/figures.docx"' in html
    assert _manifest(built)["outputs"]["thesis/figures.docx"]
    if shutil.which("pdflatex") is None:
        pytest.skip("pdflatex not installed (Debian: apt-get install texlive-latex-recommended)")
    assert 'href="thesis/figures.pdf"' in html
    failures = compile_latex([], tmp_path / "kit", document=reports / "thesis/figures.tex")
    assert failures == {}, "\n\n".join(f"{name}:\n{log}" for name, log in failures.items())


def test_notebooks_ran_in_the_venv_kernel(built):
    nb = json.loads((built / "reports/alibaba/notebooks/01_data_cleaning.ipynb").read_text())
    assert nb["metadata"]["papermill"]["parameters"] == {"case": "alibaba"}
    assert nb["metadata"]["kernelspec"]["name"] == "python3"


def test_every_step_writes_its_timings_outside_the_manifest(built):
    folder = built / "reports/alibaba/.build/timings"
    steps = {p.stem for p in folder.glob("*.json")}
    assert {f"run-{nb}" for nb in NOTEBOOKS} | {f"artifacts-{nb}" for nb in NOTEBOOKS} <= steps
    assert {"validate", "report"} <= steps
    run = json.loads((folder / "run-03_internationalization_timeline.json").read_text())
    assert set(run["seconds"]) == {"papermill", "html", "kernel_start"}
    assert len(run["cells"]) >= 5 and all(s >= 0 for _, s in run["cells"])
    figures = json.loads((folder / "artifacts-03_internationalization_timeline.json").read_text())
    assert {"layout", "png", "svg", "pdf"} <= set(figures["artifacts"]["events_per_year"])
    listed = json.dumps(_manifest(built))
    assert "timings" not in listed and "clean-reads" not in listed


def test_fuzzy_score_and_claims(built):
    numbers = json.loads((built / "reports/alibaba/numbers.json").read_text())
    assert numbers["fuzzy_score"]["value"] == pytest.approx(89.60)
    claims = (built / "reports/alibaba/claims.csv").read_text()
    assert "T06,stated,thesis" in claims and ",differs," in claims


def test_second_make_all_does_nothing(built):
    result = run_make(built, "all")
    assert result.returncode == 0
    assert "Nothing to be done" in result.stdout, result.stdout + result.stderr


def test_changing_only_fuzzy_weights_reruns_only_notebook_04(built):
    params = built / "params/alibaba.yaml"
    text = params.read_text()
    params.write_text(
        text.replace("grade_scores: [100, 80, 60, 40, 20]", "grade_scores: [95, 85, 65, 45, 25]")
    )
    before = {
        nb: (built / f"reports/alibaba/notebooks/{nb}.ipynb").stat().st_mtime for nb in NOTEBOOKS
    }
    time.sleep(1)
    result = run_make(built, "all")
    assert result.returncode == 0, result.stderr
    after = {
        nb: (built / f"reports/alibaba/notebooks/{nb}.ipynb").stat().st_mtime for nb in NOTEBOOKS
    }
    reran = {nb for nb in NOTEBOOKS if after[nb] != before[nb]}
    assert reran == {"04_fuzzy_evaluation"}
    params.write_text(text)
    assert run_make(built, "all").returncode == 0


def test_failing_cell_reports_notebook_and_cell_and_keeps_outputs(built):
    manifest = _manifest(built)
    figure = next(a for a in manifest["artifacts"] if a["notebook"] == "02_strategic_analysis")
    png = built / "reports/alibaba" / figure["files"][0]
    before = png.read_bytes()
    notebook = built / "notebooks/02_strategic_analysis.ipynb"
    original = notebook.read_text()
    nb = json.loads(original)
    nb["cells"].insert(
        4,
        {
            "cell_type": "code",
            "id": "boom",
            "metadata": {},
            "outputs": [],
            "execution_count": None,
            "source": "raise ValueError('deliberate failure')",
        },
    )
    notebook.write_text(json.dumps(nb))
    try:
        result = run_make(built, "all")
        assert result.returncode != 0
        message = result.stderr
        assert "notebook 02_strategic_analysis" in message
        assert "failed in cell" in message
        assert "ValueError: deliberate failure" in message
        assert (built / "reports/alibaba/notebooks/02_strategic_analysis.failed.ipynb").is_file()
        assert png.read_bytes() == before
        assert (built / "reports/alibaba/index.html").is_file()
    finally:
        notebook.write_text(original)
        os.utime(notebook)
    assert run_make(built, "all").returncode == 0
    assert not (built / "reports/alibaba/notebooks/02_strategic_analysis.failed.ipynb").exists()


def test_each_notebook_runs_alone_with_its_defaults(built):
    """As a reviewer in JupyterLab: papermill on notebooks/, no parameters given."""
    import papermill

    env_root = os.environ.get("ECOMCASE_ROOT")
    os.environ["ECOMCASE_ROOT"] = str(built)
    try:
        for nb in NOTEBOOKS:
            papermill.execute_notebook(
                str(built / "notebooks" / f"{nb}.ipynb"),
                str(built / f"alone_{nb}.ipynb"),
                kernel_name="python3",
                cwd=str(built / "notebooks"),
                progress_bar=False,
            )
    finally:
        if env_root is None:
            os.environ.pop("ECOMCASE_ROOT")
        else:
            os.environ["ECOMCASE_ROOT"] = env_root
    numbers = json.loads((built / "reports/alibaba/.build/04_fuzzy_evaluation.json").read_text())
    assert numbers["numbers"]["fuzzy_score"]["value"] == pytest.approx(89.60)


def test_unknown_case_from_make_writes_nothing(built):
    result = run_make(built, "all", "CASE=nosuch")
    assert result.returncode != 0
    assert "unknown case 'nosuch'" in result.stderr
    assert not (built / "reports/nosuch").exists() or not any(
        (built / "reports/nosuch").rglob("*.json")
    )


def test_validate_target(built):
    result = run_cli(built, "validate", "--case", "alibaba")
    assert result.returncode == 0
    assert "events: 126 rows" in result.stdout or "events:" in result.stdout


def test_executed_notebooks_show_every_figure_they_make_with_code_folded(built):
    """A reviewer reading the HTML sees each figure where it is made; code is one
    click away; only the parameters the run used are shown."""
    manifest = _manifest(built)
    for nb in NOTEBOOKS:
        figures = [
            a for a in manifest["artifacts"]
            if a["notebook"] == nb and any(f.startswith("figures/") for f in a["files"])
        ]
        html = (built / f"reports/alibaba/notebooks/{nb}.html").read_text(encoding="utf-8")
        assert html.count("<img") == len(figures), nb
        assert html.count("<details") == html.count('class="jp-Cell jp-CodeCell'), nb
        assert 'class="jp-InputPrompt' not in html, nb
        assert 'class="jp-OutputPrompt' not in html, nb
        # the defaults cell is left out; papermill's injected one stays
        assert "injected" in html or nb == "01_data_cleaning", nb
        assert "else the first case in params/" not in html, nb


def _notebook_times(project: Path) -> dict[str, float]:
    return {
        nb: (project / f"reports/alibaba/notebooks/{nb}.ipynb").stat().st_mtime for nb in NOTEBOOKS
    }


def test_missing_declared_raw_file_stops_make_and_keeps_the_report(built):
    index = built / "reports/alibaba/index.html"
    before = index.read_bytes()
    events = built / "data/raw/alibaba/events.csv"
    aside = built / "events.csv.aside"
    events.rename(aside)
    try:
        result = run_make(built, "all")
        assert result.returncode == 2, result.stdout + result.stderr
        assert "data/raw/alibaba/events.csv: missing" in result.stderr
        assert "datapackage.json declares it" in result.stderr
        assert "running" not in result.stderr
        assert index.read_bytes() == before
    finally:
        aside.rename(events)
    result = run_make(built, "all")
    assert "Nothing to be done" in result.stdout, result.stdout + result.stderr


def test_invalid_parameter_stops_make_before_any_notebook(built):
    params = built / "params/alibaba.yaml"
    text = params.read_text()
    before = _notebook_times(built)
    params.write_text(
        text.replace("operator: weighted_average", "operator: Zadeh").replace(
            "event_years: [2010, 2021]", "event_years: [2011, 2021]"
        )
    )
    try:
        time.sleep(1)
        result = run_make(built, "all")
        assert result.returncode == 2, result.stderr
        # every problem in one run: the parameter's and the data's against it
        assert "operator': 'Zadeh' is not allowed" in result.stderr
        assert "year 2010 is outside the case's event_years 2011-2021" in result.stderr
        assert "running" not in result.stderr
        assert _notebook_times(built) == before
    finally:
        params.write_text(text)
    assert run_make(built, "all").returncode == 0


def test_deleted_processed_data_is_rebuilt_before_notebook_04_reruns(built):
    """Deleting data/processed/ and changing a notebook-04 parameter: notebook 01
    rebuilds the processed data first, so the report keeps every number."""
    import shutil

    numbers = json.loads((built / "reports/alibaba/numbers.json").read_text())
    shutil.rmtree(built / "data/processed/alibaba")
    params = built / "params/alibaba.yaml"
    text = params.read_text()
    params.write_text(text.replace("operator: weighted_average", "operator: zadeh"))
    try:
        before = _notebook_times(built)
        time.sleep(1)
        result = run_make(built, "all")
        assert result.returncode == 0, result.stderr
        after = _notebook_times(built)
        assert after["01_data_cleaning"] != before["01_data_cleaning"]
        assert (built / "data/processed/alibaba/fuzzy_membership.csv").is_file()
        rebuilt = json.loads((built / "reports/alibaba/numbers.json").read_text())
        assert set(rebuilt) == set(numbers)
    finally:
        params.write_text(text)
    assert run_make(built, "all").returncode == 0


def test_up_to_date_make_all_starts_no_python_and_is_fast(built):
    started = time.perf_counter()
    result = run_make(built, "all")
    elapsed = time.perf_counter() - started
    assert "Nothing to be done" in result.stdout
    # the no-op reads the generated inputs file and stats files; no interpreter starts
    assert elapsed < 0.5, elapsed

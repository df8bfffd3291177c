"""The fictional teaching case builds end to end, says it is fictional, and skips what it lacks."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from conftest import run_make

pytestmark = [pytest.mark.e2e, pytest.mark.notebook]


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> Path:
    from conftest import make_project_copy
    from ecomcase.config import LAYOUT_CHECK_ENV

    project = make_project_copy(tmp_path_factory.mktemp("example") / "project")
    # every figure's quick layout held to the drawn one
    result = run_make(project, "all", "CASE=example", env={LAYOUT_CHECK_ENV: "1"})
    assert result.returncode == 0, result.stderr[-3000:]
    return project / "reports" / "example"


def test_example_is_marked_fictional_in_data_and_report(example):
    root = example.parents[1]
    package = json.loads((root / "data/raw/example/datapackage.json").read_text())
    assert "fictional" in (package["title"] + package["description"]).lower()
    html = (example / "index.html").read_text()
    assert "Fictional teaching case" in html


def test_example_has_its_own_shape(example):
    numbers = json.loads((example / "numbers.json").read_text())
    assert numbers["fuzzy_subcriteria_count"]["value"] == 7
    assert numbers["events_total"]["value"] == 36
    manifest = json.loads((example / "manifest.json").read_text())
    reproduces = {a["reproduces"] for a in manifest["artifacts"] if a["reproduces"]}
    assert reproduces and all(r.startswith("brief ") for r in reproduces)
    membership = next(a for a in manifest["artifacts"] if a["id"] == "fuzzy_membership")
    table = next(f for f in membership["files"] if f.endswith(".csv"))
    header = (example / table).read_text().splitlines()[0]
    assert header.count(",") >= 4  # sub-criterion plus four grades


def test_example_skips_the_ranking_with_a_reason(example):
    manifest = json.loads((example / "manifest.json").read_text())
    skipped = {a["id"]: a["skipped"] for a in manifest["artifacts"] if a.get("skipped")}
    assert any("fortune" in reason.lower() or "rank" in reason.lower()
               for reason in skipped.values()), skipped
    assert "Skipped for this case" in (example / "index.html").read_text()


def test_example_claims_reproduce_and_differ(example):
    with open(example / "claims.csv", newline="") as handle:
        rows = {row["id"]: row["status"] for row in csv.DictReader(handle)}
    assert rows["B01"] == "reproduced"
    assert rows["B06"] == "differs"
    assert rows["B12"] == "not_checkable"


def test_example_figures_print_as_they_are_and_the_kit_holds_them(example):
    from conftest import figure_and_kit_problems

    problems = figure_and_kit_problems(example)
    assert problems == [], "\n".join(problems)

"""Another company: the scaffold, `make validate` on it, and a third case of yet another shape.

The third case is written by this test itself on top of `make new-company`:
2 criteria, 5 sub-criteria, 3 grades, 2 entry modes, other years and
countries, no ranking, milestones, platforms, financials or claims.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
import yaml

from conftest import run_make

CASE = "third"


def _todo_lines(project: Path, case: str) -> int:
    files = [project / "params" / f"{case}.yaml", *(project / "data/raw" / case).iterdir()]
    count = 0
    for path in files:
        if path.suffix not in {".yaml", ".json", ".csv"}:
            continue
        for line in path.read_text().splitlines():
            content = line.split("#", 1)[0] if path.suffix == ".yaml" else line
            count += "TODO" in content
    return count


def test_new_company_scaffolds_every_file_and_validate_lists_what_is_left(project):
    result = run_make(project, "new-company", f"NAME={CASE}")
    assert result.returncode == 0, result.stderr
    raw = project / "data/raw" / CASE
    package = json.loads((raw / "datapackage.json").read_text())
    for resource in package["resources"]:
        path = raw / resource["path"]
        assert path.is_file(), path
        if "schema" in resource:
            header = path.read_text().splitlines()
            assert header == [",".join(f["name"] for f in resource["schema"]["fields"])]
    readme = (raw / "README.md").read_text()
    assert "| `mode` | string | yes |" in readme

    result = run_make(project, "validate", f"CASE={CASE}")
    assert result.returncode == 2
    listed = [line for line in result.stderr.splitlines() if line.startswith("  - ")]
    todo = [line for line in listed if "still to fill in" in line]
    assert len(todo) == _todo_lines(project, CASE) > 0
    assert f"  - data/raw/{CASE}/events.csv: no rows yet" in "\n".join(listed)
    assert f"  - data/raw/{CASE}/countries.csv: no rows yet" in "\n".join(listed)
    assert len(listed) == len(todo) + 2, result.stderr
    assert not (project / "reports" / CASE).exists()


@pytest.mark.parametrize("name", ["alibaba", "../evil", "Upper", "a/b", "x.y"])
def test_new_company_refuses_existing_or_unsafe_names(project, name):
    before = sorted(p.relative_to(project) for p in project.rglob("*"))
    result = run_make(project, "new-company", f"NAME={name}")
    assert result.returncode == 2
    assert result.stderr.startswith("error: ")
    assert "already exists" in result.stderr or "not a plain identifier" in result.stderr
    assert sorted(p.relative_to(project) for p in project.rglob("*")) == before


def test_new_company_needs_a_name(project):
    result = run_make(project, "new-company")
    assert result.returncode == 2
    assert "make new-company NAME=<case>" in result.stderr


def _write_csv(path: Path, rows: list[dict]) -> None:
    with open(path) as handle:
        header = handle.readline().strip().split(",")
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow(row)


def fill_third_case(project: Path) -> None:
    """Turn the scaffold into a small case of another shape (data invented for the test)."""
    raw = project / "data/raw" / CASE
    params_path = project / "params" / f"{CASE}.yaml"
    text = params_path.read_text()
    text = text.replace("company: TODO company name", "company: Third Test Traders")
    text = text.replace("short_name: TODO short name", "short_name: Third")
    text = text.replace("fictional: false", "fictional: true")
    text = text.replace("event_years: [2010, 2020]", "event_years: [2016, 2020]")
    text = text.replace("short: TODO Author (Year)", "short: Test brief (2024)")
    text = text.replace(
        "citation: TODO full citation of the document the case reproduces",
        "citation: An invented brief for the ecomcase test suite.",
    )
    text = text.replace("acquisition_mode: acquisition", "acquisition_mode: takeover")
    text = text.replace(
        "own_group: TODO owner_group of the company's own platforms in platform_mau.csv", ""
    )
    text = text.replace("grade_scores: [100, 80, 60, 40, 20]", "grade_scores: [90, 60, 30]")
    params_path.write_text(text)

    package = json.loads((raw / "datapackage.json").read_text())
    keep = {"events", "countries", "fuzzy_index", "fuzzy_membership", "frameworks"}
    package["resources"] = [r for r in package["resources"] if r["name"] in keep]
    for resource in package["resources"]:
        resource["sources"] = [{"title": "invented for the ecomcase test suite"}]
        fields = resource.get("schema", {}).get("fields", [])
        if resource["name"] == "events":
            mode = next(f for f in fields if f["name"] == "mode")
            mode["constraints"]["enum"] = ["takeover", "alliance"]
        if resource["name"] == "fuzzy_membership":
            resource["panel_size"] = 6
            resource["schema"]["fields"] = [fields[0]] + [
                {"name": g, "type": "number", "constraints": {"required": True, "minimum": 0,
                                                               "maximum": 1}}
                for g in ("high", "medium", "low")
            ]
    (raw / "datapackage.json").write_text(json.dumps(package, indent=2))
    for name in ("fortune_global500.csv", "milestones.csv", "platform_mau.csv",
                 "financials.csv", "claims.yaml"):
        (raw / name).unlink()
    (raw / "fuzzy_membership.csv").write_text("sub_code,high,medium,low\n")

    source = {"source_publisher": "ecomcase test suite (invented)", "source_date": "2024"}
    countries = [
        ("DE", "DEU", "Germany", "Europe", 2010, ""),
        ("KE", "KEN", "Kenya", "Africa", "", ""),
        ("CL", "CHL", "Chile", "South America", 2012, ""),
        ("VN", "VNM", "Viet Nam", "Asia", "", ""),
    ]
    _write_csv(raw / "countries.csv", [
        {"iso2": a, "iso3": b, "name": n, "continent": c, "high_income_from": f,
         "high_income_to": t, "source_note": "invented for the test"}
        for a, b, n, c, f, t in countries
    ])
    events = []
    for i in range(14):
        events.append({
            "year": 2016 + i % 5, "target": f"Target {i}", "country": countries[i % 4][2],
            "mode": "takeover" if i % 3 == 0 else "alliance",
            "industry": "logistics" if i % 2 else "e_commerce", "investor": "third", **source,
        })
    _write_csv(raw / "events.csv", events)
    index = [("K1", "S11"), ("K1", "S12"), ("K1", "S13"), ("K2", "S21"), ("K2", "S22")]
    _write_csv(raw / "fuzzy_index.csv", [
        {"criterion_code": c, "criterion_name": f"Criterion {c}", "sub_code": s,
         "sub_name": f"Sub-criterion {s}", "source": "invented"} for c, s in index
    ])
    votes = [(4, 2, 0), (3, 2, 1), (2, 2, 2), (5, 1, 0), (1, 3, 2)]
    _write_csv(raw / "fuzzy_membership.csv", [
        {"sub_code": s, "high": a / 6, "medium": b / 6, "low": c / 6}
        for (_, s), (a, b, c) in zip(index, votes, strict=True)
    ])
    frameworks = yaml.safe_load((raw / "frameworks.yaml").read_text())
    frameworks = json.loads(re.sub(r"TODO ", "", json.dumps(frameworks)))
    (raw / "frameworks.yaml").write_text(yaml.safe_dump(frameworks))


@pytest.mark.e2e
@pytest.mark.notebook
def test_a_third_case_of_another_shape_builds_and_says_what_it_skipped(project):
    assert run_make(project, "new-company", f"NAME={CASE}").returncode == 0
    fill_third_case(project)
    result = run_make(project, "validate", f"CASE={CASE}")
    assert result.returncode == 0, result.stderr
    result = run_make(project, "all", f"CASE={CASE}")
    assert result.returncode == 0, result.stderr[-3000:]
    reports = project / "reports" / CASE
    numbers = json.loads((reports / "numbers.json").read_text())
    assert numbers["events_total"]["value"] == 14
    assert numbers["fuzzy_subcriteria_count"]["value"] == 5
    manifest = json.loads((reports / "manifest.json").read_text())
    skipped = [a for a in manifest["artifacts"] if a.get("skipped")]
    assert skipped, "the ranking and milestone figures should be skipped with a reason"
    html = (reports / "index.html").read_text()
    assert "Skipped for this case" in html
    assert "has no <code>claims.yaml</code>" in html  # deleted above: missing, not empty
    assert "Fictional teaching case" in html

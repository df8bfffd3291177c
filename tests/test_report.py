"""The report step's pieces: ordering, formatting, the page template, verify's comparison."""

from __future__ import annotations

import pandas as pd

from ecomcase.build.verify import compare
from ecomcase.report.claims import COLUMNS
from ecomcase.report.page import document_order, format_number, numbers_tex, render_index

DOCS = ["thesis", "paper"]


def test_document_order_follows_the_params_documents_then_new():
    items = [None, "paper Figure 10", "thesis Table 2.1", "paper Figure 2", "thesis Figure 2.5",
             "other thing", "thesis Figure 2.10"]
    ordered = sorted(items, key=lambda r: document_order(r, DOCS))
    assert ordered == ["thesis Figure 2.5", "thesis Figure 2.10", "thesis Table 2.1",
                       "paper Figure 2", "paper Figure 10", "other thing", None]
    # another case's documents, another order
    assert document_order("report Figure 1", ["report"]) < document_order(None, ["report"])


def test_numbers_are_formatted_for_readers_and_latex():
    assert format_number({"value": 2015, "unit": "year"}) == "2015"
    assert format_number({"value": 376844, "unit": "RMB million"}) == "376,844"
    assert format_number({"value": 89.6, "decimals": 2}) == "89.60"
    assert format_number({"value": [1, 2], "unit": ""}) == "1, 2"
    tex = numbers_tex({"fuzzy_score": {"value": 89.6, "decimals": 2}})
    assert "\\csname ecnum@fuzzy_score\\endcsname{89.60}" in tex
    tex = numbers_tex({"top_industry": {"value": "e_commerce & 50% #1"}})
    assert "{e\\_commerce \\& 50\\% \\#1}" in tex


def _params(**extra):
    return {
        "case": "demo",
        "company": "Demo <Co>",
        "fictional": True,
        "documents": [{"id": "report", "citation": "A. Author (2020). A report."}],
        **extra,
    }


def _manifest(artifacts):
    return {
        "case": "demo",
        "params_sha256": "a" * 64,
        "inputs": {"params/demo.yaml": "b" * 64},
        "inputs_date": "2026-01-02",
        "versions": {"python": "3.11", "ecomcase": "0.1.0"},
        "artifacts": artifacts,
        "outputs": {},
    }


def test_page_without_claims_says_why_and_lists_skipped_artifacts():
    artifacts = [
        {"id": "fig_a", "title": "A figure", "reproduces": "report Figure 1",
         "notebook": "03_internationalization_timeline",
         "files": ["figures/fig_a.png", "tables/fig_a.csv"], "sha256": {}},
        {"id": "ranking", "title": "Ranking", "reproduces": "report Figure 2",
         "notebook": "03_internationalization_timeline", "files": [], "sha256": {},
         "skipped": "the case has no ranking data (fortune_global500.csv)"},
    ]
    html = render_index(
        _params(), _manifest(artifacts), {}, pd.DataFrame(columns=COLUMNS), claims_file=False
    )
    assert "Demo &lt;Co&gt;" in html  # escaped by the template engine
    assert "Fictional teaching case" in html
    assert "has no <code>claims.yaml</code>" in html
    assert "the case has no ranking data (fortune_global500.csv)" in html
    assert '<img src="figures/fig_a.png"' in html
    assert 'href="tables/fig_a.csv"' in html


def test_differing_claims_show_stated_and_reproduced():
    claims = pd.DataFrame(
        [["R1", "report", "p. 3", "score", 82.75, 89.6, "points", 0.005, "differs", ""]],
        columns=COLUMNS,
    )
    html = render_index(_params(), _manifest([]), {}, claims)
    row = html[html.index('<tr class="differs">'):]
    row = row[: row.index("</tr>")]
    assert "82.75" in row and "89.6" in row and "differs" in row
    assert "<strong>1</strong>differ" in html


def test_compare_flags_changed_missing_and_new_files():
    recorded = _manifest([{"files": ["a.png", "b.csv"], "sha256": {"a.png": "1", "b.csv": "2"}}])
    recorded["outputs"] = {"claims.csv": "3"}
    rebuilt = _manifest([{"files": ["a.png", "c.csv"], "sha256": {"a.png": "1", "c.csv": "4"}}])
    rebuilt["outputs"] = {"claims.csv": "9"}
    rebuilt["inputs"] = {"params/demo.yaml": "c" * 64}
    result = compare(recorded, rebuilt)
    assert result.same == ["a.png"]
    assert result.changed == ["claims.csv"]
    assert result.missing == ["b.csv"]
    assert result.extra == ["c.csv"]
    assert result.inputs_changed == ["params/demo.yaml"]
    assert not result.ok
    assert compare(recorded, recorded).ok

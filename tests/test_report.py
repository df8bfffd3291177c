"""The report step's pieces: ordering, formatting, the page template, verify's comparison."""

from __future__ import annotations

import re

import pandas as pd

from ecomcase.build.verify import compare
from ecomcase.report.claims import COLUMNS
from ecomcase.report.display import display_value
from ecomcase.report.page import (
    artifact_basis,
    document_order,
    format_number,
    numbers_tex,
    render_index,
    render_numbers,
)
from ecomcase.report.sections import NotebookSections, Section, heading_ids, notebook_sections

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
    assert format_number({"value": 2017.75, "unit": "year", "decimals": 2}) == "2017.75"
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
    empty = render_index(_params(), _manifest(artifacts), {}, pd.DataFrame(columns=COLUMNS))
    assert "<code>claims.yaml</code> is empty" in empty and "has no <code>" not in empty
    assert 'href="tables/fig_a.csv"' in html


def _claims(rows, columns=COLUMNS):
    return pd.DataFrame(rows, columns=columns)


def test_differing_claims_show_stated_and_reproduced():
    claims = _claims(
        [["R1", "report", "p. 3", "score", 82.75, 89.6, "points", 0.005, "differs", ""]],
        columns=["id", "source", "location", "quantity", "stated", "reproduced", "unit",
                 "tolerance", "status", "note"],
    )
    html = render_index(_params(), _manifest([]), {}, claims)
    row = html[html.index('<tr id="claim-R1" class="differs">'):]
    row = row[: row.index("</tr>")]
    assert "82.75" in row and "89.60" in row and "differs" in row


def test_values_are_formatted_by_unit():
    assert display_value(2017, "year") == "2017"
    assert display_value(2017.0, "year") == "2017"
    assert display_value(2017.75, "year") == "2017.8"  # a mean year, never 2,017.75
    assert display_value(0.30158, "share", 4) == "30.2%"
    assert display_value(0.5932, "share", at_least=2) == "59.32%"
    assert display_value(158273.0, "RMB million", 4) == "RMB 158,273 million"
    assert display_value(376844, "RMB million") == "RMB 376,844 million"
    assert display_value(176.0, "HK$ per share", 4) == "HK$ 176 per share"
    assert display_value(21.8, "US$ billion", 4) == "US$ 21.8 billion"
    assert display_value(15.0, "percent year on year", 4) == "15%"
    assert display_value(126, "events") == "126"
    assert display_value(12345, "events") == "12,345"
    assert display_value(4.0, "events", 4) == "4"
    assert display_value(3904.8383, "index", 0) == "3,905"
    assert display_value(0.0515815, "p", 4) == "0.0516"
    assert display_value(89.60000000000002, "points", 2, at_least=2) == "89.60"
    assert display_value(True, "") == "yes" and display_value(False, "") == "no"
    assert display_value(None, "events") == "–"
    assert display_value("e_commerce", "") == "e_commerce"
    assert display_value([95.1149, 71.3], "points", 2) == "95.11, 71.3"


ARTIFACTS = [
    {"id": "events_per_year", "title": "Events per year", "reproduces": "report Figure 4",
     "notebook": "03_internationalization_timeline",
     "files": ["figures/events_per_year.png", "tables/events_per_year.csv"], "sha256": {},
     "basis": "data"},
    {"id": "swot", "title": "SWOT matrix", "reproduces": "report Figure 2.5",
     "notebook": "02_strategic_analysis", "files": ["figures/swot.png"], "sha256": {},
     "basis": "text"},
    {"id": "dual_track_tests", "title": "Dual-track tests", "reproduces": None,
     "notebook": "03_internationalization_timeline", "files": ["tables/dual_track_tests.csv"],
     "sha256": {}, "basis": "new"},
]
NUMBERS = {
    "events_total": {"value": 126, "unit": "events", "decimals": 0, "description": "events",
                     "notebook": "03_internationalization_timeline"},
    "events_peak_year": {"value": 2015, "unit": "year", "decimals": 0,
                         "description": "peak year", "notebook": "03_internationalization_timeline"},
    "share_us": {"value": 0.3016, "unit": "share", "decimals": 4, "description": "US share",
                 "notebook": "03_internationalization_timeline"},
    "fuzzy_score": {"value": 89.6, "unit": "points", "decimals": 2, "description": "score",
                    "notebook": "04_fuzzy_evaluation"},
}


def _claim_table():
    """Claims with columns a later claims.csv may add (kind, comparison) and one it may lack."""
    columns = ["id", "kind", "source", "location", "quantity", "stated", "reproduced", "unit",
               "comparison", "status", "note"]
    rows = [
        ["R1", "stated", "report", "sec. 2, Figure 4", "events 2010-2021", 85, 126, "events",
         "equal", "differs", "the data list every round of an investment"],
        ["R2", None, "report", "sec. 2, Figure 4", "peak year", 2015, 2015, "year", "equal",
         "reproduced", ""],
        ["R3", "stated", "report", "sec. 3", "US share", 0.333, 0.3016, "share", "equal",
         "differs", "nearly a third"],
        ["R4", "stated", "report", "sec. 3.1", "score", 82.75, 89.6, "points", "equal",
         "differs", "weighted average"],
        ["R5", "check", "report", "sec. 3.1", "score tested", True, False, "", "equal",
         "differs", "our test; see dual_track_tests"],
        ["R6", "stated", "report", "sec. 4", "revenue", 5259, None, "USD million", "equal",
         "not_checkable", "no rate given"],
    ]
    return pd.DataFrame(rows, columns=columns)


NUMBER_KEYS = {"R1": "events_total", "R2": "events_peak_year", "R3": "share_us",
               "R4": "fuzzy_score"}


def test_findings_count_stated_claims_per_document_and_rank_discrepancies():
    html = render_index(_params(), _manifest(ARTIFACTS), NUMBERS, _claim_table(),
                        claim_numbers=NUMBER_KEYS)
    findings = html[html.index('<section id="findings">'):html.index('<section id="claims">')]
    # R5 is a check of this project: not counted among the document's claims
    assert "5 stated claims, plus 1 checks this project adds" in findings
    counts = dict(re.findall(r'status (\w+)">[^<]*</span><strong>(\d+)</strong>', findings))
    assert counts == {"reproduced": "1", "differs": "3", "not_checkable": "1"}
    # largest relative gap first: R1 +48%, R4 +8%, R3 -9% (a boolean has no gap)
    ranked = re.findall(r'<li><a href="#claim-(\w+)">', findings)
    assert ranked == ["R1", "R3", "R4"]
    assert "+48%" in findings and "the data list every round of an investment" in findings
    assert "stated <strong>33.3%</strong>, reproduced <strong>30.2%</strong>" in findings


def test_claims_as_claims_csv_holds_them_are_shown_by_unit_and_ranked():
    """check_claims writes numbers as text at the claim's precision ("0.0175"), as
    claims.csv prints them: the page still shows them by unit and ranks their gap."""
    from ecomcase.report.claims import check_claims

    base = {"kind": "stated", "source": "report", "location": "sec. 3", "comparison": "equal"}
    claims = [
        {**base, "id": "S1", "quantity": "Europe share", "stated": 0.069, "unit": "share",
         "tolerance": 0.005, "number": "share_eu"},
        {**base, "id": "S2", "quantity": "revenue", "stated": 376844, "unit": "RMB million",
         "tolerance": 0.5, "number": "revenue"},
    ]
    numbers = {"share_eu": {"value": 0.0175, "unit": "share", "notebook": "03_x"},
               "revenue": {"value": 376844.0, "unit": "RMB million", "notebook": "01_x"}}
    table = check_claims(claims, numbers)
    assert list(table["reproduced"]) == ["0.0175", "376844"]  # text, as in claims.csv
    html = render_index(_params(), _manifest([]), numbers, table)
    row = html[html.index('<tr id="claim-S1"'):]
    row = row[: row.index("</tr>")]
    assert ">6.9%<" in row and ">1.75%<" in row
    row = html[html.index('<tr id="claim-S2"'):]
    row = row[: row.index("</tr>")]
    assert row.count(">RMB 376,844 million<") == 2
    findings = html[html.index('<section id="findings">'):html.index('<section id="claims">')]
    assert re.findall(r'<li><a href="#claim-(\w+)">', findings) == ["S1"]
    assert "-75%" in findings


def test_claim_rows_link_number_artifact_and_notebook_section():
    sections = NotebookSections(
        sections=[Section("03_internationalization_timeline", "Events per year",
                          "Events-per-year", 2, 'out.figure("events_per_year", fig)\n')],
        notebooks={"03_internationalization_timeline", "04_fuzzy_evaluation"},
    )
    html = render_index(_params(), _manifest(ARTIFACTS), NUMBERS, _claim_table(),
                        sections=sections, claim_numbers=NUMBER_KEYS)

    def row(claim):
        text = html[html.index(f'<tr id="claim-{claim}"'):]
        return text[: text.index("</tr>")]

    assert 'href="numbers.html#n-events_total"' in row("R1")
    assert 'href="#events_per_year"' in row("R1")  # "Figure 4" of the same document
    assert 'href="notebooks/03_internationalization_timeline.html#Events-per-year"' in row("R1")
    # no section names the number: the notebook page
    assert 'href="notebooks/04_fuzzy_evaluation.html"' in row("R4")
    assert 'href="#dual_track_tests"' in row("R5")  # named in the note
    assert "numbers.html" not in row("R6")
    assert '<span class="tag check">check</span>' in row("R5")
    assert 'id="events_per_year"' in html and 'id="dual_track_tests"' in html


def test_figure_cards_say_what_they_reproduce_and_how():
    html = render_index(_params(), _manifest(ARTIFACTS), NUMBERS, _claim_table(),
                        claim_numbers=NUMBER_KEYS)
    card = html[html.index('<figure id="events_per_year">'):]
    card = card[: card.index("</figure>")]
    assert "report Figure 4" in card and "rebuilt from data" in card
    assert 'href="#claim-R1"' in card
    swot = html[html.index('<figure id="swot">'):]
    assert "redrawn from the document&#39;s text" in swot[: swot.index("</figure>")]
    table = html[html.index('<tr id="dual_track_tests">'):]
    assert '<span class="tag new">new</span>' in table[: table.index("</tr>")]


def test_artifact_basis_from_reproduces_and_the_table_behind_it(tmp_path):
    (tmp_path / "tables").mkdir()
    (tmp_path / "tables/swot.csv").write_text("group,item,locator,detail\nS,strong,,\n")
    (tmp_path / "tables/events.csv").write_text("year,events\n2015,25\n")
    swot = {"reproduces": "thesis Figure 2.5", "files": ["figures/swot.png", "tables/swot.csv"]}
    events = {"reproduces": "paper Figure 4", "files": ["tables/events.csv"]}
    assert artifact_basis(swot, tmp_path) == "text"
    assert artifact_basis(events, tmp_path) == "data"
    assert artifact_basis({**events, "reproduces": None}, tmp_path) == "new"


def test_numbers_page_groups_by_notebook_formats_by_unit_and_filters():
    html = render_numbers(_params(), _manifest([]), NUMBERS, _claim_table(), NUMBER_KEYS)
    assert html.index('id="nb-03_internationalization_timeline"') < html.index(
        'id="nb-04_fuzzy_evaluation"'
    )
    peak = html[html.index('<tr id="n-events_peak_year"'):]
    assert '<td class="num">2015</td>' in peak[: peak.index("</tr>")]
    share = html[html.index('<tr id="n-share_us"'):]
    assert '<td class="num">30.2%</td>' in share[: share.index("</tr>")]
    assert 'href="index.html#claim-R1"' in html
    assert '<input id="filter"' in html and "addEventListener" in html
    assert "http" not in html.lower().replace("https://doi.org", "")  # nothing fetched
    assert "4 of 4 numbers" in html


def test_page_shows_the_code_provenance():
    manifest = _manifest([])
    manifest["code"] = {"git_commit": "0123456789abcdef" * 2 + "01234567", "git_dirty": True,
                        "src_sha256": "f" * 64}
    html = render_index(_params(), manifest, {}, pd.DataFrame(columns=COLUMNS))
    assert "<code>0123456789ab</code>, with uncommitted changes" in html
    assert "<code>ffffffffffffffff</code>" in html
    manifest["code"] = {"git_commit": None, "git_dirty": None, "src_sha256": "f" * 64}
    html = render_index(_params(), manifest, {}, pd.DataFrame(columns=COLUMNS))
    assert "not built from a git work tree" in html


def test_sections_take_their_anchors_from_the_notebook_html(tmp_path):
    import json

    page = (
        '<h1 id="03-%C2%B7-Timeline">03 · Timeline<a class="anchor-link" href="#x">¶</a></h1>'
        '<h2 id="Porter&#39;s-five-forces">Porter&#39;s <em>five</em> forces'
        '<a class="anchor-link">¶</a></h2>'
        '<h2 id="Events-per-year">Events per year</h2>'
    )
    assert heading_ids(page)[1] == ("porter's five forces", "Porter's-five-forces")
    cells = [
        {"cell_type": "markdown", "source": "# 03 · Timeline"},
        {"cell_type": "code", "source": "events_total = 1", "metadata": {}},
        {"cell_type": "code", "source": "share_us = 2", "metadata": {"tags": ["parameters"]}},
        {"cell_type": "markdown", "source": ["## Porter's *five* forces\n", "text"]},
        {"cell_type": "code", "source": "out.figure('five_forces')", "metadata": {}},
        {"cell_type": "markdown", "source": "## Events per year"},
        {"cell_type": "code", "source": "n = numbers['events_total']", "metadata": {}},
    ]
    (tmp_path / "03_t.ipynb").write_text(json.dumps({"cells": cells}))
    (tmp_path / "03_t.html").write_text(page)
    sections = notebook_sections(tmp_path, ["03_t", "04_missing"])
    assert sections.notebooks == {"03_t"}
    assert sections.find("five_forces").href == "notebooks/03_t.html#Porter's-five-forces"
    # the title section's set-up code does not count; the first section that names it does
    assert sections.find("events_total").href == "notebooks/03_t.html#Events-per-year"
    assert sections.find("events") is None  # whole words only
    assert sections.find("share_us") is None  # parameter cells name everything


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


def test_checks_have_their_own_table_apart_from_the_documents_claims():
    html = render_index(_params(), _manifest(ARTIFACTS), NUMBERS, _claim_table(),
                        claim_numbers=NUMBER_KEYS)
    claims = html[html.index('<section id="claims">'):html.index('<h3 id="checks">')]
    checks = html[html.index('<h3 id="checks">'):html.index('<section id="figures">')]
    assert 'id="claim-R5"' not in claims and 'id="claim-R5"' in checks
    assert 'id="claim-R1"' in claims and 'id="claim-R1"' not in checks

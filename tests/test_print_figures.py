"""Figures a thesis prints as they are: sizes, text sizes, notes, colours, labels;
and the thesis kit (figures.tex, figures.docx) built from them."""

from __future__ import annotations

import io
import json
import shutil
import zipfile

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import ROOT, compile_latex, print_problems
from ecomcase import plots
from ecomcase.report import thesis
from ecomcase.strategy import charts, frameworks
from ecomcase.timeline import events as tl
from ecomcase.timeline import plots as timeline_plots

needs_pdflatex = pytest.mark.skipif(
    shutil.which("pdflatex") is None,
    reason="pdflatex not installed (Debian: apt-get install texlive-latex-recommended)",
)


def _svg(fig) -> str:
    return plots.figure_bytes(fig, "svg").decode()


def test_a_finished_figure_is_saved_at_the_text_width_with_its_note_below():
    plots.configure(16.0, titles=False)
    fig, ax = plt.subplots(figsize=(9, 3))
    ax.bar([1, 2], [3, 4])
    plots.title(ax, "A title the caption carries")
    plots.finish(fig, "Data: somewhere, 2 rows; x.csv")
    width, texts = plots.svg_texts(_svg(fig))
    assert width == pytest.approx(16 / 2.54 * 72, rel=0.005)
    assert ("Data: somewhere, 2 rows; x.csv", plots.NOTE_PT, True) in texts
    assert not any("title" in t for t, _, _ in texts)
    assert all(size >= plots.BODY_PT for _, size, note in texts if not note)


def test_the_quick_layout_is_the_drawn_one_and_its_check_can_fail(monkeypatch):
    """Figures are measured without drawing them; under the layout check each measurement
    is held to the drawn one, and an artist that moves only while drawn stops the step."""
    from matplotlib.text import Text

    from ecomcase.config import LAYOUT_CHECK_ENV
    from ecomcase.errors import FigureError

    monkeypatch.setenv(LAYOUT_CHECK_ENV, "1")
    plots.configure(16.0, titles=False)
    # what places itself late: a legend at "best", an offset annotation, a colour bar
    fig, ax = plt.subplots(figsize=(5, 3))
    image = ax.imshow([[0, 1], [2, 3]], aspect="auto")
    fig.colorbar(image, ax=ax, label="a colour bar")
    ax.plot([0, 1], [0, 1], label="a line")
    ax.legend(loc="best")
    ax.annotate("an annotation set off", (1, 1), xytext=(30, -20), textcoords="offset points")
    box = plots.finish(fig, "Data: somewhere")
    assert box.width == pytest.approx(plots.full_width(), abs=0.01)

    class GrowsWhenDrawn(Text):
        def draw(self, renderer):
            self.set_fontsize(30)
            super().draw(renderer)

    fig, ax = plt.subplots(figsize=(5, 3))
    fig.add_artist(GrowsWhenDrawn(0.5, 0.98, "a label sized while drawing", ha="center"))
    with pytest.raises(FigureError, match="places itself only while drawn"):
        plots.finish(fig)


def test_titles_come_back_for_slides():
    plots.configure(16.0, titles=True)
    try:
        fig, ax = plt.subplots()
        plots.title(ax, "Slide title")
        assert ax.get_title() == "Slide title"
    finally:
        plots.configure(16.0, titles=False)


def test_the_text_size_check_can_fail():
    """A 6 pt label is found, and so is a canvas wider than the text width."""
    plots.configure(16.0)
    fig, ax = plt.subplots(figsize=(plots.full_width(), 3))
    ax.set_xlabel("tiny", fontsize=6)
    plots.finish(fig, "Data: x; x.csv")
    problems = print_problems("tiny_figure", _svg(fig), 16.0)
    assert any("tiny" in p and "6.0 pt" in p for p in problems), problems
    wide, ax = plt.subplots(figsize=(12, 3))
    ax.set_xlabel("Events")
    wide.text(0.5, 0.5, "Data: x; x.csv")
    problems = print_problems("wide", _svg(wide), 16.0)
    assert any("wide" in p and "width" in p for p in problems), problems


def test_working_notes_and_code_identifiers_are_found():
    plots.configure(16.0)
    fig, ax = plt.subplots(figsize=(plots.full_width(), 3))
    ax.set_xlabel("holding_ma events (txt L265)")
    plots.finish(fig, "Data: events; events.csv")
    problems = " ".join(print_problems("bad", _svg(fig), 16.0))
    assert "code identifier 'holding_ma'" in problems
    assert "source-text line reference" in problems


def test_figure_sources_drop_line_references_of_the_plain_text_copy():
    text = "Gao (2025), end of sec. 2.2 (after Figure 2.5), pp. ~32-33; txt L379-381"
    assert frameworks.figure_source(text) == (
        "Gao (2025), end of sec. 2.2 (after Figure 2.5), pp. ~32-33"
    )
    assert frameworks.figure_source("Our cross-mapping (Conclusions, txt L684-692)") == (
        "Cross-mapping (Conclusions)"
    )


def _milestones() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": [2003, 2009, 2014, 2016],
            "date": ["2003-05", "", "2014-09-19", "2016-04"],
            "event": ["Marketplace " * 12, "Cloud unit founded", "Listing in New York", "Lazada"],
            "category": ["platform_launch", "founding", "listing", "acquisition"],
        }
    )


def _legend_colours(fig) -> dict[str, str]:
    from matplotlib.colors import to_hex

    found = {}
    for legend in [*fig.legends, *(ax.get_legend() for ax in fig.axes)]:
        if legend is None:
            continue
        for handle, text in zip(legend.legend_handles, legend.get_texts(), strict=True):
            colour = (
                handle.get_facecolor() if hasattr(handle, "get_facecolor") else handle.get_color()
            )
            if hasattr(handle, "get_markerfacecolor"):
                colour = handle.get_markerfacecolor()
            found[text.get_text()] = to_hex(colour)
    return found


def test_a_milestone_category_has_one_colour_in_the_history_and_strategy_timelines():
    plots.configure(16.0)
    categories = ["founding", "platform_launch", "acquisition", "listing", "finance"]
    labels = {"platform_launch": "Platform launch"}
    history = timeline_plots.milestone_timeline(
        _milestones().iloc[1:], "t", labels, categories
    )  # a period without the first category
    sequence = {"phases": [{"name": "Integration", "start": 2003, "end": None}]}
    strategy = charts.strategy_phase_timeline(_milestones(), sequence, categories, labels)
    a, b = _legend_colours(history), _legend_colours(strategy)
    shared = set(a) & set(b)
    assert shared >= {"Founding", "Listing", "Acquisition"}
    assert {k: a[k] for k in shared} == {k: b[k] for k in shared}
    assert b["Platform launch"] == plots.category_colours(categories)["platform_launch"].lower()
    assert a["Listing"] == plots.category_colours(categories)["listing"].lower()


def test_strategy_timeline_keeps_every_text_whole():
    plots.configure(16.0)
    sequence = {"phases": [{"name": "Integration", "start": 2003, "end": 2010}]}
    fig = charts.strategy_phase_timeline(_milestones(), sequence)
    drawn = " ".join(t.get_text().replace("\n", " ") for t in fig.findobj(plt.Text))
    assert "…" not in drawn and "..." not in drawn
    assert ("Marketplace " * 12).strip() in drawn
    assert "Integration (2003-2010)" in drawn or "Integration (2003–2010)" in drawn


def test_fortune_editions_are_matched_to_the_fiscal_year_they_rank():
    fortune = pd.DataFrame({"edition_year": [2017, 2018, 2019], "rank": [462, 300, 182]})
    march = pd.DataFrame(
        {
            "metric": ["revenue_fy2017", "revenue_fy2018", "revenue_international_fy2018"],
            "period": [
                "FY2017 (12 months ended 2017-03-31)",
                "FY2018 (12 months ended 2018-03-31)",
                "FY2018 (12 months ended 2018-03-31)",
            ],
            "value": [158273, 250266, 1],
            "unit": ["RMB million"] * 3,
        }
    )
    matched = tl.fortune_revenue(fortune, march)
    assert list(matched["fiscal_year"]) == ["FY2017", "FY2018", ""]
    assert matched["revenue"].iloc[1] == 250266
    assert matched["revenue_unit"].iloc[0] == "RMB million"
    december = march.assign(
        period=[f"FY{y} (12 months ended {y}-12-31)" for y in (2017, 2018, 2018)]
    )
    later = tl.fortune_revenue(fortune, december)
    # a year ending in December is ranked by the next year's edition
    assert list(later["fiscal_year"]) == ["", "FY2017", "FY2018"]


def test_a_cut_that_splits_a_tie_says_so_and_ties_go_by_name():
    events = pd.DataFrame(
        {
            "iso2": ["US", "US", "DE", "AT", "FR"],
            "country": ["United States", "United States", "Germany", "Austria", "France"],
            "continent": ["North America", "North America", "Europe", "Europe", "Europe"],
        }
    )
    by_country = tl.country_counts(events)
    assert list(by_country["name"]) == ["United States", "Austria", "France", "Germany"]
    note = tl.cut_note(by_country, 2)
    assert "splits a tie" in note and "Austria" in note and "Germany" in note
    assert tl.cut_note(by_country, 1) == ""


def _kit_case(tmp_path):
    """A reports folder with two figures and a table, as the notebooks leave it."""
    reports = tmp_path / "reports"
    (reports / "figures").mkdir(parents=True)
    (reports / "tables").mkdir()
    plots.configure(16.0)
    artifacts = []
    for i, ident in enumerate(["pest", "events_per_year"]):
        fig, ax = plt.subplots(figsize=(plots.full_width(), 2))
        ax.plot([1, 2], [i, 2])
        plots.finish(fig, "Data: x; x.csv")
        plots.save_figure(fig, reports / "figures" / ident, ["png", "pdf"], 100)
        artifacts.append(
            {
                "id": ident,
                "title": f"Figure {ident} & 50%",
                "reproduces": ["thesis Figure 2.3", None][i],
                "files": [f"figures/{ident}.png", f"figures/{ident}.pdf"],
            }
        )
    from ecomcase.tables import save_table

    table = pd.DataFrame({"grade": ["very_good", "good"], "weight": [0.3, 0.7]})
    save_table(table, reports / "tables" / "weights", "Weights ≥ 0 (M(∧,⊕))")
    artifacts.append(
        {
            "id": "weights",
            "title": "Weights ≥ 0 (M(∧,⊕))",
            "reproduces": "thesis Table 3.2",
            "files": ["tables/weights.csv", "tables/weights.md", "tables/weights.tex"],
        }
    )
    artifacts.append({"id": "gone", "title": "x", "reproduces": None, "files": [], "skipped": "r"})
    (reports / "numbers.tex").write_text("% none\n\\providecommand{\\ecnum}[1]{}\n")
    return reports, artifacts


def test_kit_items_keep_the_documents_numbers_and_number_the_new_ones():
    artifacts = [
        {"id": "a", "title": "A", "reproduces": "thesis Figure 2.3", "files": ["figures/a.pdf"]},
        {"id": "b", "title": "B", "reproduces": None, "files": ["figures/b.pdf"]},
        {"id": "c", "title": "C", "reproduces": "paper Table 1", "files": ["tables/c.tex"]},
    ]
    items = thesis.kit_items(artifacts, {"thesis": "Gao (2025)"})
    assert [(i.prefix, i.number) for i in items] == [
        ("Figure", "2.3"),
        ("Figure", "N1"),
        ("Table", "1"),
    ]
    assert items[0].source == "Gao (2025), Figure 2.3"


@needs_pdflatex
def test_the_kit_compiles_opens_in_word_and_is_byte_identical(tmp_path):
    from docx import Document

    reports, artifacts = _kit_case(tmp_path)
    epoch = int(thesis.FIXED_DATE.timestamp())
    kit = thesis.build_kit(reports, artifacts, {"thesis": "Gao (2025)"}, "Acme & Co", 16.0, epoch)
    assert kit["pdf_built"] and kit["figures"] == 2 and kit["tables"] == 1
    folder = reports / "thesis"
    first = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert set(first) == {"figures.tex", "figures.pdf", "figures.docx"}
    tex = first["figures.tex"].decode()
    assert tex.index("pest.pdf") < tex.index("events_per_year.pdf") < tex.index("weights.tex")
    assert "\\renewcommand{\\thefigure}{2.3}" in tex and "\\label{fig:pest}" in tex
    document = Document(io.BytesIO(first["figures.docx"]))
    assert len(document.inline_shapes) == 2
    assert len(document.tables) == 1
    assert document.tables[0].rows[1].cells[0].text == "very_good"
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert captions[0].startswith("Figure 2.3.") and captions[1].startswith("Figure N1.")
    assert captions[2].startswith("Table 3.2.")
    with zipfile.ZipFile(io.BytesIO(first["figures.docx"])) as archive:
        assert {i.date_time for i in archive.infolist()} == {(2000, 1, 1, 0, 0, 0)}
    thesis.build_kit(reports, artifacts, {"thesis": "Gao (2025)"}, "Acme & Co", 16.0, epoch)
    again = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert again == first


def test_without_pdflatex_the_kit_says_so_and_skips_the_pdf(tmp_path, monkeypatch):
    reports, artifacts = _kit_case(tmp_path)
    monkeypatch.setattr(thesis.shutil, "which", lambda name: None)
    kit = thesis.build_kit(reports, artifacts, {}, "Acme", 16.0, 0)
    assert not kit["pdf_built"] and "pdflatex not found" in kit["note"]
    assert kit["files"] == ["thesis/figures.docx", "thesis/figures.tex"]
    assert not (reports / "thesis" / "figures.pdf").exists()


@needs_pdflatex
def test_figures_tex_of_the_kit_compiles_with_the_shared_checker(tmp_path):
    reports, artifacts = _kit_case(tmp_path)
    items = thesis.kit_items(artifacts, {})
    tex = thesis.figures_tex(items, 16.0, "Acme_Co & 50%")
    folder = reports / "thesis"
    folder.mkdir()
    (folder / "figures.tex").write_text(tex)
    failures = compile_latex([], tmp_path / "build", document=folder / "figures.tex")
    assert failures == {}


def test_params_of_the_cases_keep_figure_sizes_sane():
    for case in ("alibaba", "example"):
        from ecomcase.build.params import load_params

        params = load_params(case, check_sections=False)
        assert 10 <= params["figure_width_cm"] <= 20
        assert params["figure_titles"] is False
    assert json.loads((ROOT / "data/raw/alibaba/datapackage.json").read_text())["resources"]


def test_industry_ties_go_by_the_label_a_reader_sees():
    table = pd.DataFrame({"industry": ["a_code", "b_code", "c_code"], "events": [2, 5, 2]})
    labels = {"a_code": "Zoology", "c_code": "Aviation"}
    ordered = tl.ties_by_label(table, "industry", "events", labels)
    assert list(ordered["industry"]) == ["b_code", "c_code", "a_code"]


def test_a_working_note_wrapped_over_two_lines_is_found():
    plots.configure(16.0)
    fig, ax = plt.subplots(figsize=(plots.full_width(), 3))
    ax.text(0.1, 0.5, "AliExpress: cross-border retail, set up 2011 per\nthesis")
    plots.finish(fig, "Data: x; x.csv")
    problems = print_problems("wrapped", _svg(fig), 16.0)
    assert problems == ["wrapped: source-text line reference across lines of its text"]


def test_diagram_notes_lose_line_references_and_our_readings():
    from ecomcase.strategy.diagrams import _figure_note

    assert _figure_note("Named in the segment list only (sec. 2.1, txt L265); no units") == (
        "Named in the segment list only (sec. 2.1); no units"
    )
    assert _figure_note("Placing AliGenie here is our reading") == ""


@given(st.integers(1, 60), st.integers(0, 80), st.integers(0, 70))
def test_the_widest_first_line_is_the_largest_length_that_fits(low, span, threshold):
    high = low + span
    asked = []

    def first_fits(n):
        asked.append(n)
        return n <= threshold

    found = plots.widest_first_line(high, low, first_fits)
    fitting = [n for n in range(low, high + 1) if n <= threshold]
    assert found == (max(fitting) if fitting else None)
    assert len(asked) <= 2 + span.bit_length()  # bisection, not a scan


def test_notes_wrap_as_a_scan_of_every_line_length_wraps_them():
    import textwrap

    def scanned(text, width_in, size):  # the search wrap_to saves: every length, longest first
        limit = width_in * 0.98
        for n in range(max(20, int(width_in * 72 / (size * 0.45))), 10, -1):
            lines = textwrap.wrap(text, n)
            if all(plots.text_width(line, size) <= limit for line in lines):
                return "\n".join(lines)
        return "\n".join(textwrap.wrap(text, 10))

    notes = [
        "Data: Li & Li (2022), Table 2, 85 events; overseas investment, M&A and cooperation "
        "events 2010-2021 as the paper counts them; events.csv. Rebuilt from press releases.",
        "Data: thesis Table 3.3",
        "Averyveryveryveryverylongwordthatdoesnotfitanywhereatall and some short words after",
        "",
    ]
    for text in notes:
        for width_in, size in ((6.2, 7.0), (3.0, 7.0), (1.2, 8.0)):
            assert plots.wrap_to(text, width_in, size) == scanned(text, width_in, size)


def test_table_cells_filled_from_copied_runs_hold_the_runs_python_docx_makes():
    from docx import Document
    from docx.shared import Pt
    from lxml import etree

    texts = [["Year", "Events"], ["2015", "x\ty"], ["", "2.5"]]
    made = Document().add_table(rows=3, cols=2)
    for i, (row, row_texts) in enumerate(zip(made.rows, texts, strict=True)):
        for cell, text in zip(row.cells, row_texts, strict=True):
            run = cell.paragraphs[0].add_run(text)
            run.font.size = Pt(8)
            if i == 0:
                run.bold = True
    copied = Document().add_table(rows=3, cols=2)
    thesis._fill(copied, texts, Pt(8))
    assert etree.tostring(copied._tbl) == etree.tostring(made._tbl)


def test_png_files_hold_the_pixels_and_resolution_pillow_would_write():
    """ecomcase.png_canvas encodes Agg's pixels without Pillow's filter search: decoded,
    its PNG is Pillow's (pixels, size, mode, dpi); only the compressed bytes differ."""
    import numpy as np
    from PIL import Image

    fig, (top, bottom) = plt.subplots(2, 1, figsize=(5, 4))
    top.bar(["Tmall", "Lazada"], [3.5, 2.25], color=["#0072B2", "#D55E00"], alpha=0.7)
    top.annotate("stated: 85", (0, 3), fontsize=9)
    bottom.plot(np.linspace(0, 1, 50), np.sin(np.linspace(0, 9, 50)), linewidth=0.6)
    bottom.fill_between([0, 1], [0, 0], [0.3, 0.5], color="#DDDDDD")
    box = plots.finish(fig, "Data: a test, 2 rows; x.csv")
    ours = plots.figure_bytes(fig, "png", 200, box)
    pillows = io.BytesIO()
    fig.savefig(pillows, format="png", dpi=200, bbox_inches=box, pad_inches=plots.PAD_INCHES,
                metadata={"Software": None})
    plt.close(fig)
    with Image.open(io.BytesIO(ours)) as a, Image.open(pillows) as b:
        assert (a.size, a.mode, a.info["dpi"]) == (b.size, b.mode, b.info["dpi"])
        assert np.array_equal(np.asarray(a), np.asarray(b))
    assert not set(Image.open(io.BytesIO(ours)).info) - {"dpi"}  # no text chunks
    with pytest.raises(ValueError, match="no PNG text chunks"):
        fig.savefig(io.BytesIO(), format="png", backend=plots.png_canvas.BACKEND,
                    metadata={"Software": "x"})

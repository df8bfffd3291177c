"""LaTeX output: one escape for every caption, cell and number; real pdflatex compiles it."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from conftest import compile_latex
from ecomcase.report.page import numbers_tex
from ecomcase.tables import latex_escape, table_texts

needs_pdflatex = pytest.mark.skipif(
    shutil.which("pdflatex") is None,
    reason="pdflatex not installed (Debian: apt-get install texlive-latex-recommended)",
)

NASTY = r"e_commerce & 50% #1 {x} $5 ~a ^b \c"


def test_latex_escape_covers_the_ten_special_characters():
    assert latex_escape(NASTY) == (
        r"e\_commerce \& 50\% \#1 \{x\} \$5 \textasciitilde{}a \textasciicircum{}b "
        r"\textbackslash{}c"
    )
    assert latex_escape(3) == "3"


def test_table_caption_headers_and_cells_are_escaped():
    table = pd.DataFrame({"very_poor": [0.5, None], "name": ["a_b", "R&D"]})
    tex = table_texts(table, "Result (weighted_average) at 100%")["tex"]
    assert r"\caption{Result (weighted\_average) at 100\%}" in tex
    assert r"very\_poor & name \\" in tex
    assert r"0.5000 & a\_b \\" in tex
    assert r" & R\&D \\" in tex


@needs_pdflatex
def test_tables_and_numbers_with_special_characters_compile(tmp_path):
    table = pd.DataFrame({"grade_name": [NASTY, "Börse – 2015"], "share_%": [0.25, None]})
    (tmp_path / "t.tex").write_text(table_texts(table, f"Caption {NASTY}")["tex"])
    (tmp_path / "numbers.tex").write_text(
        numbers_tex({"top_industry": {"value": NASTY}, "score": {"value": 89.6, "decimals": 2}})
    )
    failures = compile_latex([tmp_path / "t.tex"], tmp_path / "build", tmp_path / "numbers.tex")
    assert failures == {}


@needs_pdflatex
def test_an_unescaped_caption_fails_to_compile(tmp_path):
    """The compile check can fail: a raw ``_`` outside math mode stops pdflatex."""
    (tmp_path / "bad.tex").write_text(
        "\\begin{table}[htbp]\n\\caption{weighted_average}\n\\end{table}\n"
    )
    failures = compile_latex([tmp_path / "bad.tex"], tmp_path / "build")
    assert list(failures) == ["bad.tex"]

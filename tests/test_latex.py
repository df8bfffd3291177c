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


KIT_TEX = r"""\pdftrailerid{}
\documentclass{article}
\begin{document}
\section{Figures}\label{sec:figures}
A table\label{tab:one} and a reference to section~\ref{sec:figures}.
\end{document}
"""


@needs_pdflatex
def test_the_kept_aux_file_saves_a_run_and_changes_no_byte(tmp_path, monkeypatch):
    import subprocess

    from ecomcase.report import thesis

    folder = tmp_path / "thesis"
    folder.mkdir()
    (folder / thesis.TEX).write_text(KIT_TEX)
    memo = tmp_path / "build" / "kit.aux"
    runs = []
    real_run = subprocess.run
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: runs.append(1) or real_run(*a, **k))

    def typeset(aux_memo, memos=True) -> tuple[int, bytes]:
        monkeypatch.setenv("ECOMCASE_NO_CACHE", "" if memos else "1")
        runs.clear()
        assert thesis.compile_pdf(folder, 946684800, aux_memo) == (True, "")
        return len(runs), (folder / thesis.PDF).read_bytes()

    fresh = typeset(None)
    first, again, off = typeset(memo), typeset(memo), typeset(memo, memos=False)
    assert fresh[0] == first[0] == off[0] == 2  # a fresh .aux: the reference settles in two
    assert again[0] == 1  # the kept .aux: settled already
    assert fresh[1] == first[1] == again[1] == off[1]
    (folder / thesis.TEX).write_text(KIT_TEX.replace("\\section{Figures}", "\\section{Intro}"
                                                     "\\section{Figures}"))
    assert typeset(memo)[0] == 2  # a label moved: pdflatex asks for its rerun


@needs_pdflatex
def test_a_document_printing_no_label_back_typesets_once_to_the_same_bytes(
    tmp_path, monkeypatch
):
    """Labels without a reference: LaTeX still notes that labels may have changed, but
    nothing reads them; a second run gives the same bytes, so it is left out."""
    import subprocess

    from ecomcase.report import thesis

    folder = tmp_path / "thesis"
    folder.mkdir()
    unread = KIT_TEX.replace(" and a reference to section~\\ref{sec:figures}", "")
    (folder / thesis.TEX).write_text(unread)
    assert not thesis.reads_labels(folder / thesis.TEX)
    runs = []
    real_run = subprocess.run
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: runs.append(1) or real_run(*a, **k))

    def typeset() -> tuple[int, bytes]:
        runs.clear()
        assert thesis.compile_pdf(folder, 946684800) == (True, "")
        return len(runs), (folder / thesis.PDF).read_bytes()

    once = typeset()
    monkeypatch.setattr(thesis, "reads_labels", lambda tex: True)
    twice = typeset()
    assert (once[0], twice[0]) == (1, 2)
    assert once[1] == twice[1]


def test_references_in_an_input_file_count_as_reading_labels(tmp_path):
    from ecomcase.report import thesis

    (tmp_path / "tables").mkdir()
    (tmp_path / "main.tex").write_text("\\label{a}\\input{tables/one}\\input{missing.tex}")
    (tmp_path / "tables" / "one.tex").write_text("see table~\\ref{a}")
    assert thesis.reads_labels(tmp_path / "main.tex")
    (tmp_path / "tables" / "one.tex").write_text("\\refstepcounter{table} \\references")
    assert not thesis.reads_labels(tmp_path / "main.tex")

"""Shared fixtures: a throw-away copy of the project to break or build in."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def make_project_copy(dest: Path) -> Path:
    """A project root in ``dest`` sharing the venv and sources, with its own inputs."""
    from ecomcase.build.verify import project_copy

    return project_copy(dest, root=ROOT)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project_copy(tmp_path / "project")


def run_cli(root: Path, *args: str) -> subprocess.CompletedProcess:
    """``python -m ecomcase ARGS`` with the project root at ``root``."""
    env = {**os.environ, "ECOMCASE_ROOT": str(root)}
    return subprocess.run(
        [sys.executable, "-m", "ecomcase", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def run_make(
    root: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """``make ARGS`` in ``root`` as a person would run it (not as a sub-make of ``make test``),
    with ``env`` added to its environment."""
    from ecomcase.build.verify import make_env

    env = {**make_env(root), **(env or {})}
    return subprocess.run(
        ["make", *args], cwd=root, env=env, capture_output=True, text=True, timeout=900
    )


@pytest.fixture(autouse=True)
def _close_figures():
    """Each test starts and ends with no open matplotlib figures."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


#: Figure texts that are working notes, not print: line references of a plain-text copy.
_LINE_REFERENCE = re.compile(r"\btxt\b|\bL\d{2,}\b|our reading|per thesis", re.IGNORECASE)
#: A code identifier: lower-case words joined by underscores (file names excepted).
_IDENTIFIER = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b")
_FILE_NAME = re.compile(r"[\w/.-]+\.(?:csv|yaml|json)\b")


def print_problems(name: str, svg: str, width_cm: float = 16.0) -> list[str]:
    """What keeps a saved figure (its SVG) from printing as it is: a canvas that is not
    the full or half text width or is taller than a page, body text under 8 pt or a
    note under 7 pt at that size, no source note, a code identifier or a reference to
    a line of a source's plain-text copy."""
    from ecomcase import plots

    width, texts = plots.svg_texts(svg)
    height = float(re.search(r'height="([0-9.]+)pt"', svg).group(1))
    full = width_cm / 2.54 * 72
    problems = []
    # a named size: the full or half text width (a hair narrower prints at its size too)
    if not any(0.98 * size <= width <= size + 1.5 for size in (full, full / 2)):
        problems.append(f"{name}: width {width:.1f} pt, not {full:.1f} or {full / 2:.1f} pt")
    if height > plots.page_height() * 72 + 1:
        problems.append(f"{name}: height {height / 72 * 2.54:.1f} cm, more than a page")
    for text, size, note in texts:
        floor = plots.NOTE_PT if note else plots.BODY_PT
        if size < floor - 1e-6:
            problems.append(f"{name}: '{text}' at {size:.1f} pt (at least {floor:g})")
        plain = _FILE_NAME.sub("", text)
        for word in _IDENTIFIER.findall(plain):
            problems.append(f"{name}: code identifier '{word}' in '{text}'")
        if _LINE_REFERENCE.search(text):
            problems.append(f"{name}: source-text line reference in '{text}'")
    # a working note may be wrapped over lines: look at the figure's text as one
    joined = " ".join(t for t, _, _ in texts)
    if _LINE_REFERENCE.search(joined) and not any(_LINE_REFERENCE.search(t) for t, _, _ in texts):
        problems.append(f"{name}: source-text line reference across lines of its text")
    if not any(t.startswith(("Data:", "Source:")) for t, _, _ in texts):
        problems.append(f"{name}: no source note (a text starting 'Data:' or 'Source:')")
    return problems


def figure_and_kit_problems(reports: Path, width_cm: float = 16.0) -> list[str]:
    """Every print problem of every figure of a built case (its SVGs), and of its
    thesis kit: figures.docx holds one picture per figure and one Word table per
    table, figures.tex names every figure PDF and table, figures.pdf is built when
    pdflatex is installed."""
    import shutil

    from docx import Document

    problems: list[str] = []
    svgs = sorted((reports / "figures").glob("*.svg"))
    assert svgs, f"no SVG figures in {reports}"
    for svg in svgs:
        problems += print_problems(svg.stem, svg.read_text(encoding="utf-8"), width_cm)
    manifest = json.loads((reports / "manifest.json").read_text())
    kit = manifest["thesis"]
    figures = [a for a in manifest["artifacts"] if any(f.startswith("figures/") for f in a["files"])]
    tables = [
        a
        for a in manifest["artifacts"]
        if not any(f.startswith("figures/") for f in a["files"])
        and any(f.endswith(".tex") for f in a["files"])
    ]
    if (kit["figures"], kit["tables"]) != (len(figures), len(tables)):
        problems.append(f"kit: {kit['figures']} figures, {kit['tables']} tables in the manifest")
    document = Document(str(reports / "thesis/figures.docx"))
    if len(document.inline_shapes) != len(figures):
        problems.append(f"figures.docx: {len(document.inline_shapes)} pictures, {len(figures)} figures")
    if len(document.tables) != len(tables):
        problems.append(f"figures.docx: {len(document.tables)} tables, {len(tables)} tables")
    tex = (reports / "thesis/figures.tex").read_text()
    for artifact in figures:
        if f"figures/{artifact['id']}.pdf" not in tex or f"fig:{artifact['id']}" not in tex:
            problems.append(f"figures.tex: no figure {artifact['id']} with its label")
    for artifact in tables:
        if f"tables/{artifact['id']}.tex" not in tex:
            problems.append(f"figures.tex: no table {artifact['id']}")
    if shutil.which("pdflatex") and not (
        kit["pdf_built"] and (reports / "thesis/figures.pdf").is_file()
    ):
        problems.append("figures.pdf not built although pdflatex is installed")
    return problems


def compile_latex(
    tex_files: list[Path],
    workdir: Path,
    preamble_input: Path | None = None,
    document: Path | None = None,
):
    """Typeset ``tex_files`` with pdflatex, each ``\\input`` into a minimal document.

    All files go into one document first; when that fails, each is compiled alone
    so the error names the file. Returns ``{file name: log tail}`` for the files
    that did not compile (empty when all did). ``preamble_input`` (``numbers.tex``)
    is input in the preamble and every macro it defines is typeset.
    """
    import shutil

    engine = shutil.which("pdflatex")
    assert engine, "pdflatex is required (the caller skips without it)"
    workdir.mkdir(parents=True, exist_ok=True)
    if document is not None:  # a whole document, compiled where it lies (relative inputs)
        done = subprocess.run(
            [engine, "-interaction=nonstopmode", "-halt-on-error",
             f"-output-directory={workdir}", document.name],
            cwd=document.parent, capture_output=True, text=True, timeout=300,
        )
        ok = done.returncode == 0 and (workdir / document.with_suffix(".pdf").name).is_file()
        return {} if ok else {document.name: done.stdout[-1500:]}

    def run(name: str, inputs: list[Path]) -> str | None:
        body = []
        preamble = ""
        if preamble_input is not None:
            preamble = f"\\input{{{preamble_input.as_posix()}}}\n"
            keys = re.findall(r"\\csname ecnum@(.+?)\\endcsname\{", preamble_input.read_text())
            body += [f"\\texttt{{{k.replace('_', chr(92) + '_')}}}: \\ecnum{{{k}}}\\par" for k in keys]
        for path in inputs:
            body += [f"\\input{{{path.as_posix()}}}", "\\clearpage"]
        document = (
            "\\documentclass{article}\n\\usepackage[utf8]{inputenc}\n"
            "\\usepackage{booktabs}\n\\usepackage{longtable}\n" + preamble
            + "\\begin{document}\n" + "\n".join(body) + "\n\\end{document}\n"
        )
        (workdir / f"{name}.tex").write_text(document, encoding="utf-8")
        done = subprocess.run(
            [engine, "-interaction=nonstopmode", "-halt-on-error", f"{name}.tex"],
            cwd=workdir, capture_output=True, text=True, timeout=300,
        )
        if done.returncode == 0 and (workdir / f"{name}.pdf").is_file():
            return None
        return done.stdout[-1500:]

    if run("all", tex_files) is None:
        return {}
    failures = {}
    for path in tex_files:
        log = run(f"one_{path.stem}", [path])
        if log is not None:
            failures[path.name] = log
    if not failures:
        failures["(all together)"] = run("all", tex_files) or ""
    return failures


def use_project_in_process(root: Path, monkeypatch) -> Path:
    """Point this process's package at the project ``root`` (params, data, reports),
    so a test calls the validator directly instead of starting ``python -m ecomcase``."""
    import ecomcase.config as config
    import ecomcase.data.package as package
    import ecomcase.strategy.frameworks as frameworks

    for name, value in {
        "PROJ_ROOT": root,
        "PARAMS_DIR": root / "params",
        "RAW_DATA_DIR": root / "data" / "raw",
        "PROCESSED_DATA_DIR": root / "data" / "processed",
        "REPORTS_DIR": root / "reports",
    }.items():
        monkeypatch.setattr(config, name, value)
    monkeypatch.setattr(package, "PROJ_ROOT", root)
    monkeypatch.setattr(frameworks, "PROJ_ROOT", root)
    return root


@pytest.fixture
def in_process(tmp_path: Path, monkeypatch) -> Path:
    """A throw-away project copy that the package in this process reads."""
    return use_project_in_process(make_project_copy(tmp_path / "project"), monkeypatch)

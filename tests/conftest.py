"""Shared fixtures: a throw-away copy of the project to break or build in."""

from __future__ import annotations

import os
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


def run_make(root: Path, *args: str) -> subprocess.CompletedProcess:
    """``make ARGS`` in ``root`` as a person would run it (not as a sub-make of ``make test``)."""
    from ecomcase.build.verify import make_env

    env = make_env(root)
    return subprocess.run(
        ["make", *args], cwd=root, env=env, capture_output=True, text=True, timeout=900
    )


@pytest.fixture(autouse=True)
def _close_figures():
    """Each test starts and ends with no open matplotlib figures."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def compile_latex(tex_files: list[Path], workdir: Path, preamble_input: Path | None = None):
    """Typeset ``tex_files`` with pdflatex, each ``\\input`` into a minimal document.

    All files go into one document first; when that fails, each is compiled alone
    so the error names the file. Returns ``{file name: log tail}`` for the files
    that did not compile (empty when all did). ``preamble_input`` (``numbers.tex``)
    is input in the preamble and every macro it defines is typeset.
    """
    import re
    import shutil

    engine = shutil.which("pdflatex")
    assert engine, "pdflatex is required (the caller skips without it)"
    workdir.mkdir(parents=True, exist_ok=True)

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
    import ecomcase.data.dataset as dataset
    import ecomcase.strategy.frameworks as frameworks

    for name, value in {
        "PROJ_ROOT": root,
        "PARAMS_DIR": root / "params",
        "RAW_DATA_DIR": root / "data" / "raw",
        "PROCESSED_DATA_DIR": root / "data" / "processed",
        "REPORTS_DIR": root / "reports",
    }.items():
        monkeypatch.setattr(config, name, value)
    monkeypatch.setattr(dataset, "PROJ_ROOT", root)
    monkeypatch.setattr(frameworks, "PROJ_ROOT", root)
    return root


@pytest.fixture
def in_process(tmp_path: Path, monkeypatch) -> Path:
    """A throw-away project copy that the package in this process reads."""
    return use_project_in_process(make_project_copy(tmp_path / "project"), monkeypatch)

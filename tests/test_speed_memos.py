"""The build's speed-ups change no byte and let no bad file through: PDF font
subsets made once per process, the gate's list of clean raw files, step timings."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pandas as pd
import pytest

from ecomcase.data import schema
from ecomcase.errors import DataError

ROOT = Path(__file__).resolve().parents[1]


def _pdf(text: str, monkeypatch, memo: bool) -> bytes:
    import matplotlib.pyplot as plt

    from ecomcase import plots

    if memo:
        monkeypatch.delenv("ECOMCASE_NO_CACHE", raising=False)
    else:
        monkeypatch.setenv("ECOMCASE_NO_CACHE", "1")
    fig, ax = plt.subplots(figsize=(plots.full_width(), 2))
    ax.set_title(text, fontweight="bold")
    ax.set_xlabel(text)
    box = plots.finish(fig, "Data: x; x.csv")
    data = plots.figure_bytes(fig, "pdf", 100, box)
    plt.close(fig)
    return data


def test_pdf_font_subsets_are_made_once_and_change_no_byte(monkeypatch):
    from ecomcase import pdf_fonts

    text = "Office fi\u2013ffl \u2265 5 \u00d7"
    without = _pdf(text, monkeypatch, memo=False)
    pdf_fonts._SUBSETS.clear()
    first = _pdf(text, monkeypatch, memo=True)
    made = len(pdf_fonts._SUBSETS)
    again = _pdf(text, monkeypatch, memo=True)
    assert first == without == again
    assert made >= 1 and len(pdf_fonts._SUBSETS) == made  # reused, not made anew
    # a figure with other common glyphs asks for the same subset
    _pdf("Another title, other words 123", monkeypatch, memo=True)
    assert len(pdf_fonts._SUBSETS) == made


def test_subsets_kept_on_disk_are_read_by_the_next_process_unchanged(monkeypatch, tmp_path):
    from ecomcase import pdf_fonts

    monkeypatch.setenv("ECOMCASE_CACHE_DIR", str(tmp_path))
    without = _pdf("Kept on disk", monkeypatch, memo=False)
    pdf_fonts._SUBSETS.clear()
    made = _pdf("Kept on disk", monkeypatch, memo=True)  # made and written
    kept = sorted(p.name for p in (tmp_path / pdf_fonts.FOLDER).iterdir())
    assert kept and all(n.endswith((".ttf", ".json")) for n in kept)
    pdf_fonts._SUBSETS.clear()  # as a new process
    monkeypatch.setattr(pdf_fonts, "_make_subset", lambda *a: pytest.fail("made again"))
    read = _pdf("Kept on disk", monkeypatch, memo=True)
    assert without == made == read


def test_an_unwritable_cache_folder_is_no_error(monkeypatch, tmp_path):
    from ecomcase import pdf_fonts

    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("ECOMCASE_CACHE_DIR", str(blocker))
    pdf_fonts._SUBSETS.clear()
    assert _pdf("No folder", monkeypatch, memo=True).startswith(b"%PDF")


def test_a_glyph_outside_the_common_set_gets_its_own_subset(monkeypatch):
    from ecomcase import pdf_fonts

    pdf_fonts._SUBSETS.clear()
    _pdf("plain", monkeypatch, memo=True)
    before = set(pdf_fonts._SUBSETS)
    _pdf("plain \u03a9\u03b1", monkeypatch, memo=True)  # Greek: not in COMMON_TEXT
    assert set(pdf_fonts._SUBSETS) > before


def test_compiled_templates_are_kept_and_give_the_same_html(monkeypatch, tmp_path):
    from ecomcase import templates
    from ecomcase.build import pipeline

    notebook = ROOT / "notebooks" / "01_data_cleaning.ipynb"
    monkeypatch.setenv("ECOMCASE_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("ECOMCASE_NO_CACHE", "1")
    assert templates.bytecode_cache() is None
    without = pipeline.notebook_html(notebook)
    assert not (tmp_path / templates.FOLDER).exists()
    monkeypatch.delenv("ECOMCASE_NO_CACHE")
    kept = pipeline.notebook_html(notebook)
    entries = sorted((tmp_path / templates.FOLDER).iterdir())
    assert len(entries) >= 5  # the folded template and the nbconvert ones it extends
    # a new exporter (as the next process) loads them instead of compiling
    import jinja2

    compiled = []
    real = jinja2.Environment.compile
    monkeypatch.setattr(
        jinja2.Environment, "compile", lambda *a, **k: compiled.append(1) or real(*a, **k)
    )
    read = pipeline.notebook_html(notebook)
    assert without == kept == read
    assert not compiled


def test_an_unwritable_template_cache_is_no_error(monkeypatch, tmp_path):
    from ecomcase import templates
    from ecomcase.build import pipeline

    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("ECOMCASE_CACHE_DIR", str(blocker))
    monkeypatch.delenv("ECOMCASE_NO_CACHE", raising=False)
    assert templates.bytecode_cache() is None
    assert "<html" in pipeline.notebook_html(ROOT / "notebooks" / "01_data_cleaning.ipynb")


def _tables(case: str = "alibaba") -> dict[str, pd.DataFrame]:
    from ecomcase.data import dataset

    dataset._read_content.cache_clear()
    schema.clean_reads.cache_clear()
    return dataset.load_case(case).tables


def test_clean_reads_give_the_same_tables_and_skip_frictionless(in_process, monkeypatch):
    from ecomcase.data import dataset

    full = _tables()
    dataset.record_clean_reads("alibaba")
    listed = json.loads((in_process / "reports/alibaba/.build/clean-reads.json").read_text())
    assert len(listed) == sum("schema" in r for r in dataset.read_package("alibaba")["resources"])
    monkeypatch.setattr(schema, "frictionless", lambda: pytest.fail("frictionless ran"))
    known = _tables()
    assert full.keys() == known.keys()
    for name in full:
        pd.testing.assert_frame_equal(full[name], known[name])


def test_a_file_changed_after_the_gate_is_checked_in_full(in_process):
    from ecomcase.data import dataset

    dataset.record_clean_reads("alibaba")
    events = in_process / "data/raw/alibaba/events.csv"
    text = events.read_text(encoding="utf-8")
    events.write_text(text.replace(",holding_ma,", ",takeover,", 1), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        _tables()
    assert any("'takeover'" in str(p) for p in caught.value.problems)


def test_the_clean_read_key_names_frictionless_by_its_installed_version():
    from importlib.metadata import version

    assert schema._frictionless_version() == version("frictionless")


def test_clean_reads_are_ignored_with_the_memos_off(in_process, monkeypatch):
    from ecomcase.data import dataset

    dataset.record_clean_reads("alibaba")
    monkeypatch.setenv("ECOMCASE_NO_CACHE", "1")
    calls = []
    real = schema.frictionless
    monkeypatch.setattr(schema, "frictionless", lambda: calls.append(1) or real())
    _tables()
    assert calls


def test_bench_profile_adds_up_each_step():
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import bench
    finally:
        sys.path.remove(str(ROOT / "tools"))
    run = {
        "seconds": {"papermill": 5.0, "html": 0.5, "kernel_start": 1.0},
        "cells": [["case = None", 0.01], ["# Parameters", 0.01], ["from x import y", 1.5],
                  ["fig = a()", 2.48]],
    }
    artifacts = {"artifacts": {"fig_a": {"layout": 0.2, "png": 0.3, "pdf": 0.1},
                               "tab_b": {"table": 0.05}}}
    build = {"run-02_x": run, "artifacts-02_x": artifacts, "validate": {"seconds": {"total": 0.9}}}
    found = bench.profile([build, build, build])
    row = found["notebooks"]["02_x"]
    assert row["setup_cell"] == 1.5 and row["other_cells"] == pytest.approx(2.5)
    assert row["total"] == pytest.approx(1.0 + 1.5 + 2.5 + 0.5)
    assert found["formats"] == {"layout": 0.2, "png": 0.3, "pdf": 0.1, "table": 0.05}
    assert found["artifacts"]["fig_a"] == pytest.approx(0.6)
    assert found["steps"] == {"validate": 0.9}


def test_bench_says_when_the_machine_speed_changed_during_it():
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import bench
    finally:
        sys.path.remove(str(ROOT / "tools"))
    assert bench.speed_drift(0.50, 0.55) is None
    assert "+42%" in bench.speed_drift(0.52, 0.74)
    assert "-20%" in bench.speed_drift(0.50, 0.40)


def test_the_prefetching_child_gives_the_messages_validation_gives_alone(in_process, monkeypatch):
    from ecomcase.data import dataset

    events = in_process / "data/raw/alibaba/events.csv"
    text = events.read_text(encoding="utf-8")
    events.write_text(text.replace(",holding_ma,", ",takeover,", 1), encoding="utf-8")
    alone = _problems_of_validation(dataset)
    if sys.platform != "linux" or (os.cpu_count() or 1) < 2:
        pytest.skip("the check is prefetched on Linux with two cores or more")
    monkeypatch.setattr(schema, "_PREFETCH", None)
    schema.prefetch("alibaba")
    assert schema._PREFETCH is not None
    # from here, every result must come from the child
    monkeypatch.setattr(schema, "_check", lambda *a: pytest.fail("checked here, not in the child"))
    assert _problems_of_validation(dataset) == alone
    assert any("'takeover'" in p for p in alone)


def _problems_of_validation(dataset) -> list[str]:
    dataset._read_content.cache_clear()
    with pytest.raises(DataError) as caught:
        dataset.validate_case("alibaba")
    return [str(p) for p in caught.value.problems]


def test_the_command_line_leaves_with_its_code_output_and_exit_handlers():
    """``python -m ecomcase`` skips the interpreter's teardown, not its exit handlers
    (matplotlib's temporary folder, a thread pool's join) nor buffered output."""
    import subprocess

    code = (
        "import atexit, sys\n"
        "from ecomcase.__main__ import _leave\n"
        "atexit.register(lambda: print('exit handler ran'))\n"
        "print('buffered', end='')\n"
        "sys.stderr.write('to stderr')\n"
        "_leave(3)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 3
    assert done.stdout == "buffered" + "exit handler ran\n"
    assert done.stderr == "to stderr"


def test_make_include_file_is_written_without_pandas(tmp_path):
    """``python -m ecomcase inputs`` runs first in every cold build: it reads
    datapackage.json and writes the file list, importing neither pandas nor the
    pipeline (0.4 s of imports before, for a list of file names)."""
    import subprocess

    from conftest import make_project_copy

    project = make_project_copy(tmp_path / "project")
    code = (
        "import sys\n"
        "from ecomcase.__main__ import main\n"
        "code = main(['inputs', '--case', 'alibaba'])\n"
        "heavy = sorted(m for m in ('pandas', 'numpy', 'ecomcase.build.pipeline') if m in sys.modules)\n"
        "print(code, heavy)\n"
    )
    env = {**os.environ, "ECOMCASE_ROOT": str(project)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.stdout.strip() == "0 []", done.stderr
    written = (project / "reports/alibaba/.build/inputs.mk").read_text(encoding="utf-8")
    assert "data/raw/alibaba/events.csv" in written


def test_the_run_step_loads_papermill_and_the_params_without_numpy():
    """A run step's own process only drives the kernel and writes the HTML: the params
    check names the fuzzy operators without importing NumPy (0.08 s in each step)."""
    import subprocess

    code = (
        "import sys\n"
        "from ecomcase.build import pipeline\n"
        "from ecomcase.build.params import load_params\n"
        "import papermill\n"
        "load_params('alibaba', check_sections=False)\n"
        "print(sorted(m for m in ('pandas', 'numpy') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "[]", done.stderr


def test_a_build_kernel_runs_cells_without_ipykernel_s_debugger():
    """The run step's kernel is ipykernel started by ecomcase.build.batch_kernel:
    debugpy (0.1-0.2 s of each start) stays unimported, cells run as usual."""
    from ecomcase.build import kernel

    manager = kernel.start()
    try:
        assert "ecomcase.build.batch_kernel" in manager.format_kernel_cmd()
        client = manager.client()
        client.start_channels()
        client.wait_for_ready(timeout=60)
        replies = []
        client.execute_interactive(
            "import sys, os; print(sys.modules.get('debugpy'), os.environ['ECOMCASE_BATCH'])",
            output_hook=lambda m: replies.append(m["content"].get("text", "")),
            timeout=60,
        )
        client.stop_channels()
    finally:
        manager.shutdown_kernel(now=True)
    assert "".join(replies).strip() == "None 1"

"""Figure files written by forked children: the same bytes as a serial save, and a
child's failure stops the notebook with the figure's name."""

from __future__ import annotations

import os
import sys

import pytest

from ecomcase.build import background

pytestmark = pytest.mark.skipif(
    sys.platform != "linux" or (os.cpu_count() or 1) < 2, reason="children fork on Linux only"
)


def _publish_one_figure(
    case: str, monkeypatch, serial: bool, batch: bool = False
) -> dict[str, bytes]:
    import matplotlib.pyplot as plt

    from ecomcase import plots  # noqa: F401 - the package's style, as in a notebook
    from ecomcase.build.outputs import Outputs
    from ecomcase.config import case_paths

    monkeypatch.setenv(background.SERIAL_ENV, "1" if serial else "0")
    monkeypatch.setenv(background.BATCH_ENV, "1" if batch else "0")
    out = Outputs(case, "04_fuzzy_evaluation")
    for name in ("first", "second", "third"):  # more figures than children at a time
        fig, ax = plt.subplots()
        ax.bar(["a", "b"], [1, 2])
        ax.set_title(f"A {name} figure \u2013 with a dash")
        out.figure(f"check_{name}", fig, f"The {name} figure", note="Data: a test; x.csv")
    out.publish()
    reports = case_paths(case).reports / "figures"
    return {p.name: p.read_bytes() for p in sorted(reports.glob("check_*"))}


def test_children_write_the_bytes_a_serial_save_writes(in_process, monkeypatch):
    forked = _publish_one_figure("alibaba", monkeypatch, serial=False)
    batch = _publish_one_figure("alibaba", monkeypatch, serial=False, batch=True)
    serial = _publish_one_figure("alibaba", monkeypatch, serial=True)
    assert sorted(forked) == [f"check_{n}.{f}" for n in ("first", "second", "third")
                              for f in ("pdf", "png", "svg")]
    assert forked == batch == serial


def test_formats_a_child_has_not_begun_are_written_here_with_the_same_bytes(
    in_process, monkeypatch
):
    import time

    from ecomcase import plots

    save = plots.save_figure
    log = in_process / "writers.txt"

    def slow(fig, stem, formats, *args):  # a child busy long enough for this process to help
        if formats:
            time.sleep(0.3)
            with log.open("a", encoding="utf-8") as out:
                out.write(f"{os.getpid()} {stem.name} {formats}\n")
        return save(fig, stem, formats, *args)

    monkeypatch.setattr(plots, "save_figure", slow)  # the children are copies of this process
    shared = _publish_one_figure("alibaba", monkeypatch, serial=False, batch=True)
    monkeypatch.setattr(plots, "save_figure", save)
    serial = _publish_one_figure("alibaba", monkeypatch, serial=True)
    assert shared == serial
    writes = [line.split(" ", 2) for line in log.read_text(encoding="utf-8").splitlines()]
    assert len(writes) == 9  # each format of each figure written once
    assert str(os.getpid()) in {pid for pid, _, _ in writes}  # some here
    assert len({pid for pid, _, _ in writes}) > 1  # some by children


def test_the_parts_of_a_childs_work_are_each_done_once(tmp_path):
    import time

    writer = background.Writer(tmp_path / "children")
    done = tmp_path / "done.txt"

    def part(name: str, pause: float):
        def write(seconds):
            time.sleep(pause)
            with done.open("a", encoding="utf-8") as out:
                out.write(f"{name} {os.getpid()}\n")
            seconds[name] = pause

        return write

    writer.start_parts("work", [part("first", 1.0), part("second", 0), part("third", 0)])
    time.sleep(0.1)  # the child has begun the first part
    seconds = writer.wait()  # it is busy with it: the last two are done here
    lines = sorted(done.read_text(encoding="utf-8").splitlines())
    assert [line.split()[0] for line in lines] == ["first", "second", "third"]
    by = dict(line.split() for line in lines)
    assert by["second"] == by["third"] == str(os.getpid()) != by["first"]
    assert set(seconds["work"]) == {"first", "second", "third"}
    assert not list((tmp_path / "children").glob("*.claim"))


@pytest.mark.parametrize(
    ("serial", "batch", "here", "child"),
    [("1", "1", ["png", "svg", "pdf"], []), ("0", "0", ["png"], ["svg", "pdf"]),
     ("0", "1", [], ["png", "svg", "pdf"])],
)
def test_the_shown_format_is_written_here_unless_in_a_build(monkeypatch, serial, batch,
                                                            here, child):
    monkeypatch.setenv(background.SERIAL_ENV, serial)
    monkeypatch.setenv(background.BATCH_ENV, batch)
    assert background.split(["png", "svg", "pdf"]) == (here, child)


def test_what_follows_a_child_runs_here_once_it_has_written(tmp_path, monkeypatch):
    from ecomcase import plots

    monkeypatch.setattr(plots, "save_figure", lambda fig, stem, *a: stem.write_text("done"))
    writer = background.Writer(tmp_path / "children")
    seen = []
    writer.save("a", object(), tmp_path / "a", ["png"], 100, None,
                then=lambda: seen.append((tmp_path / "a").read_text()))
    assert writer.wait() == {"a": {}} and seen == ["done"]


def test_a_failing_child_names_its_figure_when_the_notebook_publishes(tmp_path, monkeypatch):
    from ecomcase import plots

    def broken(*args, **kwargs):
        raise ValueError("no room on the device")

    monkeypatch.setattr(plots, "save_figure", broken)  # the child is a copy of this process
    writer = background.Writer(tmp_path / "children")
    paths = writer.save("fuzzy_tornado", object(), tmp_path / "fig", ["svg", "pdf"], 100, None)
    assert [p.name for p in paths] == ["fig.svg", "fig.pdf"]
    with pytest.raises(background.WriteError) as caught:
        writer.wait()
    assert "figure 'fuzzy_tornado'" in str(caught.value)
    assert "ValueError: no room on the device" in str(caught.value)
    assert writer.wait() == {}  # nothing left running


def test_no_child_without_formats_to_write(tmp_path):
    writer = background.Writer(tmp_path / "children")
    assert writer.save("table_only", object(), tmp_path / "x", [], 100, None) == []
    assert writer.wait() == {}


def test_the_word_file_written_by_a_child_is_the_one_written_here(tmp_path, monkeypatch):
    import matplotlib.pyplot as plt
    import pandas as pd

    from ecomcase import plots
    from ecomcase.report import thesis
    from ecomcase.tables import save_table

    reports = tmp_path / "reports"
    (reports / "figures").mkdir(parents=True)
    fig, ax = plt.subplots()
    ax.plot([1, 2], [3, 4])
    plots.save_figure(fig, reports / "figures" / "a_line", ["png"], 100)
    plt.close(fig)
    save_table(pd.DataFrame({"x": [1.5, 2.0]}), reports / "tables" / "a_table", "A table")
    artifacts = [
        {"id": "a_line", "title": "A line", "files": ["figures/a_line.png"]},
        {"id": "a_table", "title": "A table", "files": ["tables/a_table.tex"]},
    ]
    monkeypatch.setattr(thesis, "compile_pdf", lambda *a: (False, "not typeset in this test"))
    docx = {}
    for serial in ("1", "0"):
        monkeypatch.setenv(background.SERIAL_ENV, serial)
        writer = background.Writer(tmp_path / "children")
        kit = thesis.build_kit(reports, artifacts, {}, "Acme", 16.0, 946684800, None, writer)
        writer.wait()
        docx[serial] = (reports / thesis.KIT_DIR / thesis.DOCX).read_bytes()
        (reports / thesis.KIT_DIR / thesis.DOCX).unlink()
    assert kit["figures"] == kit["tables"] == 1
    assert docx["1"] == docx["0"] and docx["0"].startswith(b"PK")

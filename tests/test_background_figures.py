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


def _publish_one_figure(case: str, monkeypatch, serial: bool) -> dict[str, bytes]:
    import matplotlib.pyplot as plt

    from ecomcase import plots  # noqa: F401 - the package's style, as in a notebook
    from ecomcase.build.outputs import Outputs
    from ecomcase.config import case_paths

    monkeypatch.setenv(background.SERIAL_ENV, "1" if serial else "0")
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
    serial = _publish_one_figure("alibaba", monkeypatch, serial=True)
    assert sorted(forked) == [f"check_{n}.{f}" for n in ("first", "second", "third")
                              for f in ("pdf", "png", "svg")]
    assert forked == serial


def test_a_failing_child_names_its_figure_when_the_notebook_publishes(tmp_path, monkeypatch):
    from ecomcase import plots

    def broken(*args, **kwargs):
        raise ValueError("no room on the device")

    monkeypatch.setattr(plots, "save_figure", broken)  # the child is a copy of this process
    writer = background.Writer(tmp_path / "children")
    paths = writer.save("fuzzy_tornado", object(), tmp_path / "fig", ["svg", "pdf"], 100, None)
    assert [p.name for p in paths] == ["fig.svg", "fig.pdf"]
    with pytest.raises(background.FigureWriteError) as caught:
        writer.wait()
    assert "figure 'fuzzy_tornado'" in str(caught.value)
    assert "ValueError: no room on the device" in str(caught.value)
    assert writer.wait() == {}  # nothing left running


def test_no_child_without_formats_to_write(tmp_path):
    writer = background.Writer(tmp_path / "children")
    assert writer.save("table_only", object(), tmp_path / "x", [], 100, None) == []
    assert writer.wait() == {}

"""The page check itself: it must fail on a page that scrolls sideways or links nowhere."""

from __future__ import annotations

import os
import shutil

import pytest

from ecomcase.report.browser import check_report, file_ids, link_resolves


def _chromium_or_skip() -> None:
    if os.environ.get("ECOMCASE_SKIP_BROWSER") == "1":
        pytest.skip("ECOMCASE_SKIP_BROWSER=1")
    if not (os.environ.get("ECOMCASE_CHROMIUM") or shutil.which("chromium")):
        pytest.skip("no Chromium (Debian: apt-get install chromium)")


PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"></head><body>
<h1 id="top">Report</h1>
<p><a href="#top">here</a> <a href="other.html#part">there</a> <a href="other.html">page</a></p>
{extra}
</body></html>"""


def test_link_resolution_reads_anchors_of_the_target_file(tmp_path):
    (tmp_path / "other.html").write_text('<h2 id="Porter&#39;s-forces">x</h2><p id=\'b\'>')
    assert file_ids(tmp_path / "other.html") == {"Porter's-forces", "b"}
    base = (tmp_path / "other.html").as_uri()
    assert link_resolves(base + "#Porter's-forces", file_ids)
    assert link_resolves(base + "#Porter%27s-forces", file_ids)  # percent-encoded by the browser
    assert not link_resolves(base + "#nowhere", file_ids)
    assert not link_resolves((tmp_path / "missing.html").as_uri(), file_ids)


def test_a_good_page_passes_and_a_bad_one_names_each_fault(tmp_path):
    _chromium_or_skip()
    good, bad = tmp_path / "good", tmp_path / "bad"
    for folder in (good, bad):
        folder.mkdir()
        (folder / "other.html").write_text('<p id="part">part</p>')
    (good / "index.html").write_text(
        PAGE.format(extra='<div style="overflow-x:auto"><div style="width:900px">wide, '
                    "in its own box</div></div>")
    )
    (bad / "index.html").write_text(
        PAGE.format(extra='<div style="width:900px">wide</div><a href="#gone">x</a>'
                    '<a href="other.html#gone">y</a><p id="top">twice</p>'
                    '<img src="missing.png" alt=""><script>console.error("boom")</script>')
    )
    (bad / "other.html").write_text("<p>no anchor</p>")
    results = check_report(good, widths=(400,), pages=("index.html",))
    assert [r.ok for r in results] == [True], results[0].summary()
    assert (good / "index-400.png").stat().st_size > 1000
    [result] = check_report(bad, widths=(400,), pages=("index.html",))
    assert not result.ok
    assert result.scroll_width > 400 and result.too_wide
    assert sorted(h.rsplit("/", 1)[-1] for h in result.broken_links) == [
        "index.html#gone", "other.html#gone", "other.html#part"
    ]
    assert result.duplicate_ids == ["top"]
    assert result.broken_images == ["missing.png"]
    assert result.console_errors and "boom" in " ".join(result.console_errors)
    assert "wider than the window: " in result.summary()

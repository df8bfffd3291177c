"""Framework diagrams stay legible with long and many items; bad frameworks fail clearly."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pandas as pd
import pytest
import yaml

from conftest import run_cli
from ecomcase.errors import FrameworkError
from ecomcase.strategy import charts, diagrams, market
from ecomcase.strategy import frameworks as strategy

LONG = (
    "A deliberately long factor that goes on and on about regulation, logistics, consumer "
    "habits and cloud computing so that it must wrap over several lines in any box"
)
WORD = "Supercalifragilisticexpialidocious-platform-interoperability-requirement"


def _items(prefix: str, n: int) -> list[str]:
    return [f"{prefix} {i}: {LONG if i % 2 else 'short'} (sec. 9.{i}, txt L{i})" for i in range(n)]


SMALL_YAML = f"""
company: Fictional Example Holdings With A Rather Long Registered Company Name Ltd
source: "Test document"
business_architecture:
  source: "test"
  core: "A core platform hub with a long description that must wrap inside the band"
  mission_vision_values: {json.dumps(_items("value", 4))}
  segments:
{
    "".join(
        f'''    - name: "Segment {i} with a fairly long name"
      items: {json.dumps(_items("unit", i % 4))}
      note: "our reading: placement of segment {i}"
'''
        for i in range(9)
    )
}
  stakeholders:
{
    "".join(
        f'''    - name: participant {i}
      role: "{LONG}"
'''
        for i in range(6)
    )
}
values_stages:
  source: "test"
  boundary_note: "End years are our reading"
  stages:
{
    "".join(
        f'''    - name: Stage {i}
      start: {2000 + 3 * i}
      end: {None if i == 4 else 2002 + 3 * i}
      end_basis: "our reading: test"
      values: {json.dumps(_items("value", 3 + i))}
      events: {json.dumps(_items("event", i))}
'''
        for i in range(5)
    ).replace("end: None", "end: null")
}
pest:
  source: "test"
  political: {json.dumps(_items("political", 12))}
  economic: {json.dumps([WORD, *_items("economic", 3)])}
  social: ["one"]
  technological: {json.dumps(_items("tech", 7))}
five_forces:
  source: "test"
  rating_scale: [very low, low, medium, high, very high]
  forces:
{
    "".join(
        f'''    - key: {key}
      name: "{key.replace("_", " ").title()} with a long force title to wrap"
      rating: {rating}
      rating_basis: "{"our reading: test" if i % 2 else "stated"}"
      factors: {json.dumps(_items("factor", 2 + 2 * i))}
'''
        for i, (key, rating) in enumerate(
            zip(
                strategy.FORCE_KEYS, ["very low", "low", "medium", "high", "very high"], strict=True
            )
        )
    )
}
swot:
  source: "test"
  strengths: {json.dumps(_items("S", 9))}
  weaknesses: {json.dumps(_items("W", 2))}
  opportunities: {json.dumps([WORD * 2])}
  threats: {json.dumps(_items("T", 15))}
tows:
  source: "test"
  note: "our reading"
  SO: {json.dumps(_items("SO", 5))}
  ST: {json.dumps(_items("ST", 1))}
  WO: {json.dumps(_items("WO", 8))}
  WT: {json.dumps(_items("WT", 3))}
strategic_sequence:
  source: "test"
  dating_note: "test dating"
  phases:
    - {{name: First, start: 2001, end: null, start_basis: "our reading: test"}}
    - {{name: Second, start: 2004, end: 2010}}
    - {{name: Third, start: null, end: null}}
"""


@pytest.fixture(scope="module")
def frameworks() -> dict:
    document = yaml.safe_load(SMALL_YAML)
    return strategy.validate_frameworks(document, "test.yaml")


def _assert_legible(fig) -> None:
    extents = diagrams.rendered_extents(fig)
    tol = 0.5  # pixels: anti-aliasing rounds extents
    inside = lambda inner, outer: (  # noqa: E731
        inner.x0 >= outer.x0 - tol
        and inner.y0 >= outer.y0 - tol
        and inner.x1 <= outer.x1 + tol
        and inner.y1 <= outer.y1 + tol
    )
    assert extents.texts, "no text drawn"
    for name, text, box in extents.texts:
        assert inside(box, extents.boxes[name]), f"text {text[:40]!r} leaves box {name!r}"
        assert inside(box, extents.figure), f"text {text[:40]!r} leaves the figure"
    for name, box in extents.boxes.items():
        assert inside(box, extents.figure), f"box {name!r} leaves the figure"
    for (a, box_a), (b, box_b) in itertools.combinations(extents.boxes.items(), 2):
        overlap_w = min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0)
        overlap_h = min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0)
        assert overlap_w <= tol or overlap_h <= tol, f"boxes {a!r} and {b!r} overlap"


@pytest.mark.parametrize("section", sorted(diagrams.DIAGRAMS))
def test_diagram_with_long_and_many_items_keeps_text_in_boxes(frameworks, section):
    fig = diagrams.draw(frameworks, section)
    _assert_legible(fig)
    width, height = fig.get_size_inches()
    assert width <= 12 and height < 40


def test_real_case_diagrams_are_legible():
    path = Path(__file__).resolve().parents[1] / "data/raw/alibaba/frameworks.yaml"
    document = strategy.validate_frameworks(yaml.safe_load(path.read_text()), str(path))
    for section in diagrams.DIAGRAMS:
        _assert_legible(diagrams.draw(document, section))


def test_a_tall_diagram_shrinks_its_font_but_not_below_the_floor(frameworks):
    crowded = {**frameworks["pest"], "political": _items("p", 60)}
    fig = diagrams.pest_diagram(crowded, "X")
    sizes = {t.get_fontsize() for t in fig.texts}
    assert min(sizes) >= diagrams.FONT_FLOOR
    assert min(sizes) < diagrams.FONT_SIZE
    _assert_legible(fig)


def test_wrap_breaks_a_word_longer_than_the_box_only_at_the_font_floor():
    text, size = diagrams.wrap(WORD * 3, 1.0, 9.0)
    assert size == diagrams.FONT_FLOOR
    assert len(text.splitlines()) > 1
    text, size = diagrams.wrap("short words only", 3.0, 9.0)
    assert (text, size) == ("short words only", 9.0)


def test_figures_leave_locators_out_and_tables_keep_them(frameworks):
    assert strategy.split_locator("Stable bases (sec. 2.1, txt L360-362)") == (
        "Stable bases",
        "sec. 2.1, txt L360-362",
    )
    assert strategy.split_locator("Own channels (Gree via Douyin)") == (
        "Own channels (Gree via Douyin)",
        "",
    )
    fig = diagrams.draw(frameworks, "swot")
    assert not any("txt L" in t.get_text() for t in fig.texts)
    table = strategy.framework_table(frameworks["swot"], "swot")
    assert len(table) == 9 + 2 + 1 + 15
    assert table["locator"].str.contains("txt L").sum() == 9 + 2 + 15


def test_strategy_sequence_on_the_timeline(frameworks):
    milestones = pd.DataFrame(
        {
            "year": [2000, 2005, 2012, 2003],
            "date": ["2000-01", None, "", "2003-04"],
            "event": ["a", "b", "c " + LONG * 3, "d"],
            "category": ["founding", "finance", "finance", "listing"],
        }
    )
    phases = frameworks["strategic_sequence"]["phases"]
    spans = strategy.phase_spans(milestones, phases)
    assert spans["year"].tolist() == [2000, 2003, 2005, 2012]
    assert spans["phases"].tolist() == ["", "First", "First; Second", "First"]
    fig = charts.strategy_phase_timeline(milestones, frameworks["strategic_sequence"])
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "3. Third (not dated)" in texts
    # phases are bars on a time axis, labelled in full; milestone texts are never cut
    assert "1. First (2001 onward)" in texts
    assert any(t.replace("\n", " ").endswith((LONG * 3).strip()) for t in texts)
    assert not any("\u2026" in t or "..." in t for t in texts)
    renderer = fig.canvas.get_renderer()
    bars = {p.get_x(): p.get_window_extent(renderer) for p in fig.axes[0].patches}
    for label in (t for t in fig.axes[0].texts if t.get_color() == "white"):
        box = label.get_window_extent(renderer)
        assert any(bar.x0 <= box.x0 and bar.y0 <= box.y0 <= box.y1 <= bar.y1 + 1
                   for bar in bars.values()), label
    artists = [*fig.axes[0].texts, *fig.texts, *fig.legends]
    for artist in artists:
        box = artist.get_window_extent(renderer)
        assert fig.bbox.x0 <= box.x0 and box.x1 <= fig.bbox.x1, artist
        assert fig.bbox.y0 <= box.y0 and box.y1 <= fig.bbox.y1, artist


# --------------------------------------------------------------------------- validation


def _problems(document: dict) -> str:
    with pytest.raises(FrameworkError) as caught:
        strategy.validate_frameworks(document, "data/raw/x/frameworks.yaml")
    return str(caught.value)


def test_missing_required_section_is_named(frameworks):
    document = {k: v for k, v in frameworks.items() if k != "swot"}
    message = _problems(document)
    assert "data/raw/x/frameworks.yaml: section 'swot': missing" in message


def test_malformed_sections_are_named_with_item_and_field(frameworks):
    document = json.loads(json.dumps(frameworks))
    document["pest"]["social"] = "not a list"
    document["swot"]["threats"][2] = 42
    document["five_forces"]["forces"][0]["rating"] = "extreme"
    document["five_forces"]["forces"][1]["key"] = "rivalry"
    document["values_stages"]["stages"][0]["end"] = 1990
    document["business_architecture"]["segments"][3].pop("name")
    document["tows"]["SO_typo"] = ["x"]
    document["strategic_sequence"]["phases"][1]["start"] = "2004"
    document["pest_typo"] = {}
    message = _problems(document)
    for expected in (
        "section 'pest', field 'social': expected a list of texts, got str",
        "section 'swot', field 'threats', item 3: expected non-empty text, got int",
        "section 'five_forces', field 'forces', item 1, field 'rating': 'extreme' is not on "
        "the rating_scale",
        "section 'five_forces', field 'forces': force 'supplier_power' is missing",
        "force 'rivalry' is listed 2 times",
        "section 'values_stages', field 'stages', item 1: ends (1990) before it starts (2000)",
        "section 'business_architecture', field 'segments', item 4: missing field 'name'",
        "section 'tows': unknown field 'SO_typo'",
        "section 'strategic_sequence', field 'phases', item 2, field 'start': expected a year",
        "top level: unknown section 'pest_typo'",
    ):
        assert expected in message, f"{expected!r} not in:\n{message}"
    assert all(
        line.startswith("  - data/raw/x/frameworks.yaml: ") for line in message.splitlines()[1:]
    )


def test_section_that_is_not_a_mapping(frameworks):
    message = _problems({**frameworks, "five_forces": ["low", "high"]})
    assert "section 'five_forces': expected a mapping of keys to values, got list" in message


def test_absent_optional_section_is_skipped_with_a_reason(frameworks):
    document = {k: v for k, v in frameworks.items() if k != "tows"}
    assert strategy.validate_frameworks(document, "f.yaml") is document
    reason = strategy.absent_reason(document, "tows", "alibaba")
    assert reason.endswith("frameworks.yaml has no 'tows' section")
    assert strategy.absent_reason(document, "swot", "alibaba") is None


def test_read_frameworks_without_the_file_names_the_raw_file(tmp_path):
    with pytest.raises(FrameworkError, match=r"alibaba/frameworks\.yaml: missing.*pest"):
        strategy.read_frameworks("alibaba", tmp_path)


def test_make_validate_stops_on_a_malformed_frameworks_file(project):
    path = project / "data/raw/alibaba/frameworks.yaml"
    text = path.read_text()
    path.write_text(text.replace("    rating: high\n", "    rating: severe\n", 1))
    result = run_cli(project, "validate", "--case", "alibaba")
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "frameworks.yaml" in result.stderr
    assert "section 'five_forces'" in result.stderr and "'severe' is not on" in result.stderr


# --------------------------------------------------------------------------- concentration

PLATFORMS = pd.DataFrame(
    {
        "platform": ["a1", "b", "a2", "c", "d"],
        "owner_group": ["A", "B", "A", "C", "D"],
        "mau_10k": [40.0, 30.0, 10.0, 15.0, 5.0],
    }
)


def test_concentration_numbers_on_known_shares():
    numbers = {k: v for k, v, *_ in market.concentration_numbers(PLATFORMS, "A")}
    assert numbers["mau_platforms_count"] == 5
    assert numbers["mau_groups_count"] == 4
    assert numbers["mau_share_own_group"] == pytest.approx(0.5)
    assert numbers["mau_share_top_platform"] == pytest.approx(0.4)
    assert numbers["mau_cr2_platforms"] == pytest.approx(0.7)
    assert numbers["mau_cr4_platforms"] == pytest.approx(0.95)
    assert numbers["mau_share_top2_groups"] == pytest.approx(0.8)
    assert numbers["mau_cr4_groups"] == pytest.approx(1.0)
    groups = market.group_shares(PLATFORMS)
    # 50^2 + 30^2 + 15^2 + 5^2
    assert market.herfindahl(groups["share"]) == pytest.approx(3650)
    # 40^2 + 30^2 + 15^2 + 10^2 + 5^2
    assert market.herfindahl(market.platform_shares(PLATFORMS)["share"]) == pytest.approx(2850)


def test_own_group_absent_from_the_table_has_zero_share():
    numbers = {k: v for k, v, *_ in market.concentration_numbers(PLATFORMS, "Z")}
    assert numbers["mau_share_own_group"] == 0.0


@pytest.mark.parametrize(
    ("hhi", "band"),
    [
        (1000, "unconcentrated"),
        (1500, "moderately concentrated"),
        (2500, "moderately concentrated"),
        (2501, "highly concentrated"),
    ],
)
def test_hhi_band(hhi, band):
    assert market.hhi_band(hhi) == band


def test_bar_chart_marks_only_the_own_group():
    shares = market.platform_shares(PLATFORMS)
    fig = charts.mau_bar_chart(shares, "A")
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend == ["A platforms", "other groups"]
    fig = charts.mau_bar_chart(shares, "nobody")
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["other groups"]


def test_box_text_wraps_as_a_scan_of_every_line_length_and_size_wraps_it():
    import textwrap

    def scanned(text, width, size, weight="normal", style="normal", bullet=False):
        first, rest = ("\u2022 ", "   ") if bullet else ("", "")
        width *= diagrams.WIDTH_SAFETY
        sizes = [size]
        while sizes[-1] - 0.5 >= diagrams.FONT_FLOOR:
            sizes.append(sizes[-1] - 0.5)
        wrapped = text
        for fs, breaking in [(fs, False) for fs in sizes] + [(min(sizes), True)]:
            for n in range(max(8, int(width * 72 / (fs * 0.45))), 2, -1):
                wrapped = textwrap.fill(
                    text, n, initial_indent=first, subsequent_indent=rest,
                    break_long_words=breaking,
                )
                if diagrams._text_size(wrapped, fs, weight, style)[0] <= width:
                    return wrapped, fs
        return wrapped, min(sizes)

    texts = [
        "Cross-border e-commerce platforms (AliExpress, Lazada) reach buyers in 200 markets",
        "Internationalisation",
        "Unbreakablewordthatiswiderthananyboxcanholdatall",
    ]
    for text in texts:
        for width, size, bullet in ((2.5, 9.0, False), (1.1, 9.0, True), (0.4, 8.5, False)):
            assert diagrams.wrap(text, width, size, bullet=bullet) == scanned(
                text, width, size, bullet=bullet
            )

"""The coding switches and the multiverse: hand-counted cases, a property test
against a plain filter-then-count, validation of the coding columns."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecomcase.data.dataset import follow_on_problems
from ecomcase.errors import ParamsError
from ecomcase.report.claims import multiverse_support
from ecomcase.timeline import coding as rules

GROUP = ["acme", "acme_partner"]

# Seven hand-made rows: E1 a first entry, E2 its follow-on; E3 an affiliate's deal;
# E4 terminated; E5 a home-market deal; E6 with a government; E7 a follow-on of E3
# by the group (the group's first entry into that target under `group`).
EVENTS = pd.DataFrame(
    {
        "event_id": ["E1", "E2", "E3", "E4", "E5", "E6", "E7"],
        "year": [2015, 2016, 2015, 2017, 2018, 2019, 2019],
        "date": ["2015-01", "2016-05", "2015-03", "2017-01", "2018-02", "2019-03", "2019-06"],
        "investor": ["acme", "acme", "affiliate:pay", "acme_partner", "subsidiary:x", "acme", "acme"],
        "deal_status": ["completed", "completed", "completed", "terminated", "completed", "completed", "completed"],
        "follow_on_of": ["", "E1", "", "", "", "", "E3"],
        "market_focus": ["overseas", "overseas", "overseas", "overseas", "china", "overseas", "overseas"],
        "counterpart": ["company", "company", "company", "company", "company", "government", "company"],
    }
)


def kept(spec: dict[str, str]) -> list[str]:
    mask = rules.masks(EVENTS, GROUP).select(spec)
    return EVENTS.loc[mask, "event_id"].tolist()


BROAD = {s: o[1] for s, o in rules.SWITCHES.items()}
NARROW = {s: o[0] for s, o in rules.SWITCHES.items()}


def test_broadest_specification_keeps_every_row():
    assert kept(BROAD) == ["E1", "E2", "E3", "E4", "E5", "E6", "E7"]


@pytest.mark.parametrize(
    ("switch", "expected"),
    [
        ("investor", ["E1", "E2", "E4", "E5", "E6", "E7"]),  # subsidiary:x is the group
        ("status", ["E1", "E2", "E3", "E5", "E6", "E7"]),
        ("rounds", ["E1", "E3", "E4", "E5", "E6"]),
        ("market", ["E1", "E2", "E3", "E4", "E6", "E7"]),
        ("counterpart", ["E1", "E2", "E3", "E4", "E5", "E7"]),
    ],
)
def test_each_narrow_option_alone(switch, expected):
    assert kept(dict(BROAD, **{switch: rules.SWITCHES[switch][0]})) == expected


def test_first_entry_among_the_rows_the_other_switches_keep():
    # Without the affiliate's E3, the group's E7 is the first entry into that target.
    spec = dict(BROAD, investor="group", rounds="first_entry")
    assert kept(spec) == ["E1", "E4", "E5", "E6", "E7"]


def test_narrowest_specification_by_hand():
    assert kept(NARROW) == ["E1", "E7"]


def test_thirty_two_specifications_each_once():
    specs = rules.specifications()
    assert len(specs) == 32
    assert len({tuple(s.values()) for s in specs}) == 32


def test_multiverse_counts_per_specification():
    table = rules.multiverse(EVENTS, GROUP, lambda e: {"events_total": len(e)})
    assert (table["events_total"] == table["rows"]).all()
    assert table["events_total"].min() == 2 and table["events_total"].max() == 7


def test_multiverse_support_names_the_nearest_specification():
    default = dict(BROAD)
    table = rules.multiverse(EVENTS, GROUP, lambda e: {"events_total": len(e)})
    record = rules.as_record(table, default)
    claim = {"id": "X1", "source": "doc", "location": "p. 1", "quantity": "events", "stated": 2, "number": "events_total"}
    support = multiverse_support(claim, record)
    # two rows: E1 and E7 under the narrowest coding (5 switches changed), E1 and
    # E3 with affiliates counted (4 changed): the nearer one is named
    assert support["specifications_supporting"] == "2 of 32"
    assert support["nearest_supporting_specification"] == (
        "status: completed; rounds: first_entry; market: overseas; counterpart: companies"
    )
    never = multiverse_support(dict(claim, stated=99), record)
    assert never == {"specifications_supporting": "0 of 32", "nearest_supporting_specification": "none"}
    always = multiverse_support(dict(claim, stated=7), record)
    assert always["nearest_supporting_specification"] == "default"


def test_exclusion_counts():
    table = rules.exclusions(EVENTS, NARROW, GROUP)
    assert dict(zip(table["switch"], table["rows_removed"], strict=True)) == {
        "investor": 1, "status": 1, "rounds": 2, "market": 1, "counterpart": 1,
    }


def test_coding_setting_checked():
    with pytest.raises(ParamsError, match=r"coding.status: 'closed' is not one of"):
        rules.check_coding(dict(BROAD, status="closed"), "coding")
    with pytest.raises(ParamsError, match="unknown switch"):
        rules.check_coding(dict(BROAD, region="asia"), "coding")
    with pytest.raises(ParamsError, match="must name the default coding"):
        rules.Coding.from_setting(None, EVENTS, "coding")


def test_events_without_coding_columns_count_every_row():
    plain = EVENTS.drop(columns=["deal_status"])
    coding = rules.Coding.from_setting(None, plain, "coding")
    assert coding.default is None and "deal_status" in coding.reason
    assert len(coding.apply(plain)) == len(plain)


rows = st.fixed_dictionaries(
    {
        "investor": st.sampled_from(["acme", "acme_partner", "subsidiary:s", "affiliate:a", "other"]),
        "deal_status": st.sampled_from(["completed", "announced", "terminated"]),
        "market_focus": st.sampled_from(["overseas", "china"]),
        "counterpart": st.sampled_from(["company", "government", "fund"]),
        "year": st.integers(2010, 2020),
        "target": st.integers(0, 5),
    }
)


@settings(max_examples=200, deadline=None)
@given(st.lists(rows, min_size=1, max_size=25), st.sampled_from(rules.specifications()))
def test_masks_equal_a_plain_filter_then_count(data, spec):
    frame = pd.DataFrame(data)
    frame["event_id"] = [f"E{i}" for i in range(len(frame))]
    frame["date"] = ""
    order = frame.sort_values("year", kind="stable")
    first_of = order.groupby("target")["event_id"].first()
    frame["follow_on_of"] = [
        "" if first_of[t] == e else first_of[t] for t, e in zip(frame["target"], frame["event_id"], strict=True)
    ]
    mask = rules.masks(frame, GROUP).select(spec)

    expected = []
    seen = set()
    for row in order.itertuples():
        i = frame.index.get_loc(row.Index)
        rec = frame.iloc[i]
        ok = True
        if spec["investor"] == "group":
            ok &= rec.investor in GROUP or rec.investor.startswith("subsidiary:")
        if spec["status"] == "completed":
            ok &= rec.deal_status == "completed"
        if spec["market"] == "overseas":
            ok &= rec.market_focus == "overseas"
        if spec["counterpart"] == "companies":
            ok &= rec.counterpart == "company"
        if ok and spec["rounds"] == "first_entry":
            ok = rec.target not in seen
            seen.add(rec.target)
        if ok:
            expected.append(rec.event_id)
    assert sorted(frame.loc[mask, "event_id"]) == sorted(expected)


def test_follow_on_validation_names_file_row_field():
    bad = EVENTS.copy()
    bad.loc[1, "follow_on_of"] = "E99"  # dangling
    bad.loc[6, "follow_on_of"] = "E2"  # a follow-on of a follow-on
    early = EVENTS.copy()
    early.loc[0, "follow_on_of"] = "E2"  # E1 dated before E2
    early.loc[1, "follow_on_of"] = ""
    problems = follow_on_problems(bad, "events.csv") + follow_on_problems(early, "events.csv")
    text = [str(p) for p in problems]
    assert len(problems) == 3
    assert all(p.field == "follow_on_of" for p in problems)
    assert "'E99' is no event_id" in text[0] and problems[0].row == 3
    assert "itself a follow-on" in text[1] and problems[1].row == 8
    assert "after this row" in text[2] and problems[2].row == 2

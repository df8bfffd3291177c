"""Claims: every comparison and status, pairs that contradict each other, values
from data rows and combinations of numbers, precision, and validation messages."""

from __future__ import annotations

import pandas as pd
import pytest

from ecomcase.errors import DataError
from ecomcase.report.claims import (
    check_claims,
    compare,
    format_value,
    load_claims,
    status_counts,
)


def claim(**kw):
    base = {"id": "X1", "kind": "stated", "source": "doc", "location": "sec. 1",
            "quantity": "q", "stated": 10, "comparison": "equal", "tolerance": 0, "number": "k"}
    return {**base, **kw}


@pytest.mark.parametrize(
    ("kw", "value", "status"),
    [
        ({}, 10, "reproduced"),
        ({}, 11, "differs"),
        ({"tolerance": 1}, 11, "reproduced"),
        ({"comparison": "at_least", "stated": 100}, 26, "differs"),  # "over 100 years"
        ({"comparison": "at_least", "stated": 20}, 26, "reproduced"),
        ({"comparison": "at_most", "stated": 400}, 399, "reproduced"),  # "nearly 400"
        ({"comparison": "at_most", "stated": 400}, 401, "differs"),
        ({"comparison": "range", "stated": [5, 9]}, 7, "reproduced"),
        ({"comparison": "range", "stated": [5, 9]}, 9.5, "differs"),
        ({"comparison": "same", "stated": "e_commerce"}, "E_commerce", "reproduced"),
        ({"comparison": "same", "stated": True}, False, "differs"),
        ({"comparison": "same_date", "stated": "2014-09"}, "2014-09-19", "reproduced"),
        ({"comparison": "same_date", "stated": "2003"}, "2004-12", "differs"),
        ({"comparison": "upper_bound", "stated": 0.5}, 0.81, "consistent"),  # a share of 5 bounds a share of all
        ({"comparison": "upper_bound", "stated": 0.5}, 0.4, "differs"),
        ({"comparison": "lower_bound", "stated": 2000}, 1500, "consistent"),  # a sum of disclosed amounts
        ({"comparison": "lower_bound", "stated": 1000}, 1500, "differs"),
        ({}, None, "not_checkable"),
    ],
)
def test_every_comparison(kw, value, status):
    assert compare(claim(**kw), value) == status


def test_a_pair_of_claims_that_contradict_each_other():
    a = claim(id="P1", stated=2015, number=None, reason="no data", conflicts_with="P2", location="line 139")
    b = claim(id="P2", stated=2014, number=None, reason="no data", location="line 147")
    table = check_claims([a, b], {})
    assert list(table["status"]) == ["inconsistent", "inconsistent"]
    assert "line 147" in table.loc[0, "note"] and "line 139" in table.loc[1, "note"]


def test_data_decide_a_contradiction_where_they_can():
    a = claim(id="P1", stated=2015, conflicts_with="P2")
    b = claim(id="P2", stated=2014, number=None, reason="no data")
    table = check_claims([a, b], {"k": {"value": 2015, "notebook": "03"}})
    assert list(table["status"]) == ["reproduced", "inconsistent"]
    same = check_claims([a, dict(b, stated=2015)], {"k": {"value": 2015}})
    assert list(same["status"]) == ["reproduced", "not_checkable"]


def test_headline_counts_count_stated_claims_only():
    rows = [claim(id="S1"), claim(id="C1", kind="check"), claim(id="S2", stated=3)]
    table = check_claims(rows, {"k": {"value": 10}})
    assert status_counts(table) == {"reproduced": 1, "consistent": 0, "differs": 1,
                                     "inconsistent": 0, "not_checkable": 0}
    assert status_counts(table, kind=None)["reproduced"] == 2


def test_values_from_a_data_row_and_from_combined_numbers():
    events = pd.DataFrame({"event_id": ["E2018-10"], "year": [2018], "amount_usd_m": [None]})
    tables = {"events": events}
    rows = [
        claim(id="R1", stated=2018, number=None, record={"table": "events", "id": "E2018-10", "field": "year"}),
        claim(id="R2", stated=5, number=None, record={"table": "events", "id": "E2018-10", "field": "amount_usd_m"}),
        claim(id="R3", stated=5, number=None, record={"table": "events", "id": "E1999-01", "field": "year"}),
        claim(id="G1", stated=0.42, tolerance=0.005, number=None, growth=["now", "before"]),
        claim(id="Q1", stated=0.4, tolerance=0.05, number=None, ratio=["part", "whole"]),
        claim(id="D1", stated=100, comparison="at_least", number=None, difference=["now_year", "founded"]),
        claim(id="S1", stated=0.5, comparison="at_least", number=None, sum=["a", "b"]),
    ]
    numbers = {k: {"value": v, "notebook": "01"} for k, v in
               {"now": 34455, "before": 24323, "part": 540.3, "whole": 8317,
                "now_year": 2025, "founded": 1999, "a": 0.3, "b": 0.25}.items()}
    table = check_claims(rows, numbers, evidence={"tables": tables}).set_index("id")
    assert table.loc["R1", "status"] == "reproduced" and table.loc["R1", "rows"] == "E2018-10"
    assert table.loc["R2", "status"] == "not_checkable" and "blank" in table.loc["R2", "note"]
    assert table.loc["R3", "status"] == "not_checkable" and "no row E1999-01" in table.loc["R3", "note"]
    assert table.loc["G1", "status"] == "reproduced" and table.loc["G1", "reproduced"] == "0.417"
    assert table.loc["Q1", "status"] == "differs"
    assert table.loc["D1", "status"] == "differs" and table.loc["D1", "reproduced"] == "26"
    assert table.loc["S1", "status"] == "reproduced"


def test_values_printed_at_the_claims_precision():
    assert format_value(89.60000000000002, 2) == "89.6"
    assert format_value(0.30327868852459017, 3) == "0.303"
    assert format_value(122, 0) == 122
    row = check_claims([claim(stated=82.75, tolerance=0.005)], {"k": {"value": 89.60000000000002}})
    assert row.loc[0, "reproduced"] == "89.6" and row.loc[0, "stated"] == "82.75"


def test_attempts_are_listed_under_their_claim_not_as_claims():
    c = claim(stated=82.75, tolerance=0.005, attempts=[{"label": "Zadeh", "number": "z"}])
    table = check_claims([c], {"k": {"value": 89.6}, "z": {"value": 77.78}})
    assert len(table) == 1
    assert "Zadeh 77.78 (differs)" in table.loc[0, "evidence"]


def test_validation_names_file_claim_and_field(tmp_path):
    path = tmp_path / "claims.yaml"
    path.write_text(
        "- {id: A1, kind: said, source: doc, location: x, quantity: q, stated: 1, comparison: equal, number: k}\n"
        "- {id: A2, kind: stated, source: doc, location: x, quantity: q, stated: 1, comparison: roughly, number: k}\n"
        "- {id: A3, kind: stated, source: doc, location: x, quantity: q, stated: 1, comparison: equal}\n"
        "- {id: A4, kind: stated, source: doc, quantity: q, stated: 1, comparison: equal, number: k, colour: red}\n"
        "- {id: A5, kind: stated, source: doc, location: x, quantity: q, stated: 1, comparison: equal, reason: r, conflicts_with: A9}\n"
        "- {id: A6, kind: stated, source: doc, location: x, quantity: q, stated: 1, comparison: range, number: k}\n"
        "- {id: A7, kind: stated, source: doc, location: x, quantity: q, stated: 2011, comparison: equal, record: {table: events, id: E1, field: year}}\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError) as err:
        load_claims(path, {"doc"})
    text = str(err.value)
    for expected in [
        "(claim A1), field 'kind': 'said' is not one of",
        "(claim A2), field 'comparison': 'roughly' is not one of",
        "(claim A3), field 'number': needs one of number, record",
        "(claim A4), field 'location': is required",
        "(claim A4), field 'colour': unknown field",
        "(claim A5), field 'conflicts_with': names no claim 'A9'",
        "(claim A6), field 'stated': a range needs stated: [low, high]",
        "(claim A7), field 'unit': compares a record's year: give `unit: year`",
    ]:
        assert expected in text, expected
    assert str(path) in text


def test_a_number_key_no_notebook_recorded_is_named(tmp_path):
    from ecomcase.report.claims import unknown_numbers

    claims = [
        claim(id="K1", number="events_totl"),
        claim(id="K2", number=None, growth=["a", "b"], attempts=[{"label": "x", "number": "zz"}]),
    ]
    problems = unknown_numbers(claims, {"a": {"value": 1}}, tmp_path / "claims.yaml")
    text = [str(p) for p in problems]
    assert len(problems) == 3
    assert "(claim K1), field 'number': no notebook recorded 'events_totl'" in text[0]
    assert "(claim K2), field 'growth': no notebook recorded 'b'" in text[1]
    assert "(claim K2), field 'attempts.number': no notebook recorded 'zz'" in text[2]

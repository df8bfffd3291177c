"""What counts as an event: the coding switches, their masks and the multiverse.

A source document counts "events" without saying which: deals by the group
only or by its affiliates too, completed deals or every announcement, first
entries or every round, overseas markets or deals whose substance is the home
market, companies or governments and trade bodies as well. Each of these is a
column of the events table (``investor``, ``deal_status``, ``follow_on_of``,
``market_focus``, ``counterpart``) and a switch of the case's coding rules.

Every switch has a narrow and a broad option; a *specification* picks one
option per switch (2**5 = 32 of them). Each specification is a boolean mask
over the one events table, so the whole multiverse is computed without
rerunning anything per specification.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ecomcase.errors import ParamsError
from ecomcase.report.claims import compare, multiverse_support

#: switch -> (narrow option, broad option), in the order specifications list them.
SWITCHES: dict[str, tuple[str, str]] = {
    "investor": ("group", "group_and_affiliates"),
    "status": ("completed", "announced"),
    "rounds": ("first_entry", "every_round"),
    "market": ("overseas", "overseas_and_china"),
    "counterpart": ("companies", "all"),
}

#: Columns of the events table the switches read.
COLUMNS = ("event_id", "investor", "deal_status", "follow_on_of", "market_focus", "counterpart")

#: Display text of each option, for tables, figures and prose.
OPTION_LABELS = {
    "group": "the group and its consolidated subsidiaries",
    "group_and_affiliates": "affiliates too",
    "completed": "completed deals",
    "announced": "every announced deal",
    "first_entry": "first entry per target",
    "every_round": "every round",
    "overseas": "overseas markets",
    "overseas_and_china": "home-market deals too",
    "companies": "companies",
    "all": "governments and other bodies too",
}

Specification = dict[str, str]


def has_coding(events: pd.DataFrame) -> bool:
    """Whether ``events`` carries every coding column (a case may have none)."""
    return all(column in events.columns for column in COLUMNS)


def check_coding(coding: Any, where: str) -> Specification:
    """The case's default coding from its params: one known option per switch."""
    if not isinstance(coding, Mapping):
        raise ParamsError(f"{where}: expected a mapping of the switches {list(SWITCHES)}")
    problems = []
    for switch, options in SWITCHES.items():
        if coding.get(switch) not in options:
            problems.append(
                f"{where}.{switch}: {coding.get(switch)!r} is not one of {list(options)}"
            )
    unknown = sorted(set(coding) - set(SWITCHES) - {"group_investors"})
    problems += [f"{where}.{key}: unknown switch (known: {list(SWITCHES)})" for key in unknown]
    if problems:
        raise ParamsError("; ".join(problems), problems)
    return {switch: coding[switch] for switch in SWITCHES}


def specifications() -> list[Specification]:
    """Every combination of options: narrow-first, the first switch varying slowest."""
    return [
        dict(zip(SWITCHES, combo, strict=True)) for combo in itertools.product(*SWITCHES.values())
    ]


def spec_text(spec: Specification) -> str:
    """A specification in words: 'affiliates too; completed deals; ...'."""
    return "; ".join(OPTION_LABELS[spec[switch]] for switch in SWITCHES)


def _root(events: pd.DataFrame) -> np.ndarray:
    """The target key of each row: its first entry's id (its own id for a first entry)."""
    follow = events["follow_on_of"].fillna("").astype(str).to_numpy()
    own = events["event_id"].astype(str).to_numpy()
    return np.where(follow == "", own, follow)


@dataclass(frozen=True)
class Masks:
    """The per-option row masks of one events table, computed once."""

    options: dict[str, np.ndarray]  # option -> rows that option keeps
    order: np.ndarray  # row positions sorted by date (stable): first entries come first
    root: np.ndarray  # target key per row

    def select(self, spec: Specification) -> np.ndarray:
        """Rows kept by ``spec``. Under ``first_entry`` a target keeps its earliest
        row among the rows the other switches keep."""
        keep = np.ones(len(self.root), dtype=bool)
        for switch in ("investor", "status", "market", "counterpart"):
            keep &= self.options[spec[switch]]
        if spec["rounds"] == "every_round":
            return keep
        kept = self.order[keep[self.order]]
        _, first = np.unique(self.root[kept], return_index=True)
        out = np.zeros_like(keep)
        out[kept[first]] = True
        return out


def masks(events: pd.DataFrame, group_investors: Sequence[str]) -> Masks:
    """Masks of every option over ``events`` (which must carry the coding columns).

    An investor counts as the group when it is one of ``group_investors`` (the
    case's own codes, e.g. the company alone and its joint deals) or a
    consolidated subsidiary (``subsidiary:<name>``)."""
    investor = events["investor"].astype(str)
    group = investor.isin(list(group_investors)) | investor.str.startswith("subsidiary:")
    everything = np.ones(len(events), dtype=bool)
    options = {
        "group": group.to_numpy(),
        "group_and_affiliates": everything,
        "completed": (events["deal_status"] == "completed").to_numpy(),
        "announced": everything,
        "overseas": (events["market_focus"] == "overseas").to_numpy(),
        "overseas_and_china": everything,
        "companies": (events["counterpart"] == "company").to_numpy(),
        "all": everything,
    }
    dates = events["date"].fillna("").astype(str) if "date" in events else None
    sort_key = events["year"].astype(str) + ("-" + dates if dates is not None else "")
    order = np.argsort(sort_key.to_numpy(), kind="stable")
    return Masks(options=options, order=order, root=_root(events))


def exclusions(
    events: pd.DataFrame, spec: Specification, group_investors: Sequence[str]
) -> pd.DataFrame:
    """Rows each switch of ``spec`` removes on its own (from all rows), with the
    option that removes them; switches at their broad option remove none."""
    m = masks(events, group_investors)
    broad = {switch: options[1] for switch, options in SWITCHES.items()}
    rows = []
    for switch in SWITCHES:
        alone = dict(broad, **{switch: spec[switch]})
        removed = int(len(events) - m.select(alone).sum())
        rows.append({"switch": switch, "option": spec[switch], "rows_removed": removed})
    return pd.DataFrame(rows)


#: Columns that say where an event's record comes from and how it was checked. No
#: number reads them, so :func:`multiverse` leaves them out of the rows it hands to
#: ``compute`` (a third less to copy per specification).
RECORD_COLUMNS = ("source_publisher", "source_date", "source_url", "note", "check_note")


def multiverse(
    events: pd.DataFrame,
    group_investors: Sequence[str],
    compute: Callable[[pd.DataFrame], dict[str, Any]],
    specs: Sequence[Specification] | None = None,
) -> pd.DataFrame:
    """``compute`` (events -> {number key: value}) under every specification.

    One row per specification: its options, the rows it keeps, then one column
    per number key."""
    specs = list(specs) if specs is not None else specifications()
    m = masks(events, group_investors)
    events = events.drop(columns=[c for c in RECORD_COLUMNS if c in events.columns])
    rows = []
    for i, spec in enumerate(specs, 1):
        keep = m.select(spec)
        values = compute(events[keep])
        rows.append({"specification": i, **spec, "rows": int(keep.sum()), **values})
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Coding:
    """The case's default coding and what it does to the events table."""

    default: Specification | None  # None: the events carry no coding columns
    group_investors: tuple[str, ...]
    reason: str = ""  # why there is no coding, when there is none

    @classmethod
    def from_setting(cls, setting: Any, events: pd.DataFrame, where: str) -> Coding:
        """From the notebook's ``coding`` parameter; every row counts when the
        events have no coding columns."""
        if not has_coding(events):
            missing = [c for c in COLUMNS if c not in events.columns]
            return cls(None, (), f"the events have no coding columns ({', '.join(missing)})")
        if setting is None:
            raise ParamsError(
                f"{where}: the events carry coding columns, so the params must name the "
                f"default coding (one option per switch: {SWITCHES})"
            )
        default = check_coding(setting, where)
        investors = setting.get("group_investors")
        if not isinstance(investors, list) or not all(isinstance(i, str) for i in investors):
            raise ParamsError(
                f"{where}.group_investors: expected a list of the group's investor codes"
            )
        return cls(default, tuple(investors))

    def apply(self, events: pd.DataFrame) -> pd.DataFrame:
        """The rows the default coding counts (all rows without a coding)."""
        if self.default is None:
            return events
        return events[masks(events, self.group_investors).select(self.default)].reset_index(
            drop=True
        )

    def exclusions(self, events: pd.DataFrame) -> pd.DataFrame:
        """Rows each switch of the default removes on its own."""
        if self.default is None:
            return pd.DataFrame(columns=["switch", "option", "rows_removed"])
        return exclusions(events, self.default, self.group_investors)

    def sentence(self, events: pd.DataFrame) -> str:
        """One sentence: the default coding, and how many rows it leaves out and why."""
        if self.default is None:
            return f"Every row of the events table counts: {self.reason}."
        kept = len(self.apply(events))
        parts = [f"{OPTION_LABELS[self.default[s]]}" for s in SWITCHES]
        removed = self.exclusions(events)
        why = [
            f"{r.rows_removed} by '{OPTION_LABELS[r.option]}'"
            for r in removed.itertuples()
            if r.rows_removed
        ]
        text = (
            f"Events are counted under the case's default coding ({'; '.join(parts)}): "
            f"{kept} of {len(events)} rows"
        )
        return text + (f"; left out: {', '.join(why)}." if why else ".")


def support_table(
    claims: Sequence[dict[str, Any]], table: pd.DataFrame, default: Specification
) -> pd.DataFrame:
    """Per claim whose number the multiverse computes: stated, the value under the
    default coding, how many specifications reproduce it and the nearest one."""
    record = as_record(table, default)
    is_default = (table[list(SWITCHES)] == pd.Series(default)).all(axis=1).to_numpy()
    rows = []
    for claim in claims:
        key = claim.get("number")
        if key not in table.columns:
            continue
        value = table.loc[is_default, key].iloc[0]
        status = compare(claim, value)
        support = multiverse_support(claim, record)
        rows.append(
            {
                "claim": claim["id"],
                "quantity": claim["quantity"],
                "stated": claim["stated"],
                "default coding": round(value, 4) if isinstance(value, float) else value,
                "status at default": status.replace("_", " "),
                "specifications reproducing": support["specifications_supporting"],
                "nearest reproducing": support["nearest_supporting_specification"],
            }
        )
    return pd.DataFrame(rows)


def as_record(table: pd.DataFrame, default: Specification) -> dict[str, Any]:
    """The multiverse as recorded in a notebook's fragment (see ``Outputs.multiverse``)."""
    keys = [c for c in table.columns if c not in {"specification", "rows", *SWITCHES}]
    return {
        "switches": list(SWITCHES),
        "default": dict(default),
        "specifications": table[list(SWITCHES)].to_dict(orient="records"),
        "values": {key: table[key].tolist() for key in keys},
    }


def claims_reproduced(claims: Sequence[dict[str, Any]], table: pd.DataFrame) -> pd.Series:
    """Per specification (table row), how many of ``claims`` reproduce (or are
    consistent)."""
    keyed = [c for c in claims if c.get("number") in table.columns]
    return pd.Series(
        [
            sum(compare(c, row[c["number"]]) in ("reproduced", "consistent") for c in keyed)
            for _, row in table.iterrows()
        ],
        index=table.index,
    )

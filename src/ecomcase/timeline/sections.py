"""Sections of notebook 03 that branch on what a case has: each records its
figures, tables and numbers on an :class:`~ecomcase.build.outputs.Outputs` and
returns what the notebook shows (text, or 'not available for this case')."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from IPython.display import Markdown

from ecomcase.build.outputs import Outputs, Skipped
from ecomcase.display import Shown, display_table
from ecomcase.timeline import coding as rules
from ecomcase.timeline import events as tl
from ecomcase.timeline import plots, stats


@dataclass
class Settings:
    """Notebook 03's parameters (a value left at None is read from the params file)
    and what follows from them: the event years, windows and the data package."""

    out: Outputs
    first: int
    last: int
    company: str
    fortune_window: tuple[int, int] | None
    window: tuple[int, int] | None
    turning: int | None
    values: dict[str, Any]
    package: dict[str, Any] | None

    @classmethod
    def start(cls, out: Outputs, **settings: Any) -> Settings:
        """From the notebook's parameters as resolved by :meth:`Outputs.settings`."""
        from ecomcase.data.package import read_package

        values = dict(settings)
        first, last = out.params["event_years"]
        return cls(
            out=out,
            first=first,
            last=last,
            company=out.params["short_name"],
            fortune_window=tl.year_window(values.get("fortune_years"), "fortune_years"),
            window=tl.year_window(values.get("inverted_v_window"), "inverted_v_window"),
            turning=values.get("turning_year"),
            values=values,
            package=read_package(out.case),
        )

    def __getitem__(self, name: str) -> Any:
        return self.values.get(name)

    @property
    def reproduces(self) -> dict[str, str]:
        return self.values.get("source_figures") or {}

    def coding_rules(self, all_events: pd.DataFrame) -> rules.Coding:
        where = f"params/{self.out.case}.yaml: notebooks.03_internationalization_timeline.coding"
        return rules.Coding.from_setting(self.values.get("coding"), all_events, where)

    def modes(self, events: pd.DataFrame) -> tuple[list[str], str]:
        """The entry modes in display order and the one the dual-track test calls
        the acquisition mode."""
        modes = tl.modes_from_package(self.package, events)
        return modes, self.values.get("acquisition_mode") or modes[0]

    def mode_labels(self, modes: Sequence[str]) -> dict[str, str]:
        return {m: tl.label(m, self.values.get("mode_labels")) for m in modes}

    def _counting(self, modes: Sequence[str]) -> tuple:
        """What the event numbers are counted under, in the order both
        ``event_numbers`` functions take it: years, modes, window, turning year,
        amount threshold, host concentration."""
        return (
            self.first,
            self.last,
            modes,
            self.window,
            self.turning,
            self["amount_threshold_usd_m"],
            self["host_concentration"],
        )

    def event_numbers(self, events: pd.DataFrame, modes: Sequence[str]) -> list[tl.Number]:
        """:func:`ecomcase.timeline.events.event_numbers` under these settings."""
        return tl.event_numbers(events, *self._counting(modes))

    def event_values(
        self, modes: Sequence[str], acquisition: str
    ) -> Callable[[pd.DataFrame], dict[str, Any]]:
        """:func:`event_values` under these settings, for the coding multiverse."""
        return event_values(*self._counting(modes), acquisition, self["alpha"])


def event_values(
    first: int,
    last: int,
    modes: Sequence[str],
    window: tuple[int, int] | None,
    turning: int | None,
    threshold: float | None,
    host_concentration: int,
    acquisition: str,
    alpha: float,
) -> Callable[[pd.DataFrame], dict[str, Any]]:
    """events -> {number key: value}: what notebook 03 records from the events,
    with the dual-track readings (no Monte Carlo), for the coding multiverse."""

    def compute(events: pd.DataFrame) -> dict[str, Any]:
        found = tl.event_numbers(
            events, first, last, modes, window, turning, threshold, host_concentration
        )
        dual = stats.dual_track(events, modes, acquisition, seed=0, n_resamples=0)
        found += stats.dual_track_numbers(dual, alpha)
        return {key: value for key, value, *_ in found}

    return compute


def coding_section(out: Outputs, coding: rules.Coding, all_events: pd.DataFrame) -> Markdown:
    """The default coding: what it counts, and the rows each switch leaves out."""
    counted = coding.apply(all_events)
    out.number("coding_rows_total", len(all_events), "events", "rows of the events table", 0)
    out.number("coding_rows_counted", len(counted), "events", "rows the default coding counts", 0)
    sentence = out.number(
        "coding_default",
        coding.sentence(all_events),
        "",
        "the default coding of the events and the rows it leaves out",
    )
    if coding.default is not None:
        table = coding.exclusions(all_events)
        table["option"] = table["option"].map(rules.OPTION_LABELS)
        out.table("coding_exclusions", table, "Rows each rule of the default coding leaves out")
    return Markdown(sentence)


def multiverse_section(
    out: Outputs,
    coding: rules.Coding,
    all_events: pd.DataFrame,
    compute: Callable[[pd.DataFrame], dict[str, Any]],
    claims: Sequence[dict[str, Any]],
    headlines: Sequence[str],
) -> Skipped | Shown:
    """Every claim on the events under every coding specification: the table, one
    specification curve per headline number, the supporting specifications."""
    title = "The source's event counts under every coding"
    if coding.default is None:
        return out.skip("coding_multiverse", title, coding.reason)
    table = rules.multiverse(all_events, coding.group_investors, compute)
    switches = list(rules.SWITCHES)
    out.multiverse(rules.as_record(table, coding.default))
    keyed = [c for c in claims if c.get("number") in table.columns]
    columns = ["specification", *switches, "rows"] + list(dict.fromkeys(c["number"] for c in keyed))
    out.table("coding_multiverse", table[columns], f"{title}: one row per specification")
    support = rules.support_table(keyed, table, coding.default)
    out.table(
        "coding_multiverse_support",
        support,
        "Claims on the events: specifications that reproduce each",
    )
    reproduced = rules.claims_reproduced(keyed, table)
    best = int(reproduced.idxmax())
    best_spec = {s: table.loc[best, s] for s in switches}
    out.number(
        "multiverse_specifications", len(table), "specifications", "coding specifications", 0
    )
    out.number("multiverse_claims", len(keyed), "claims", "claims the multiverse checks", 0)
    out.number(
        "multiverse_best_specification",
        rules.spec_text(best_spec),
        "",
        "the specification that reproduces the most claims (the first of tied ones)",
    )
    out.number(
        "multiverse_best_reproduced", int(reproduced.max()), "claims", "claims it reproduces", 0
    )
    is_default = (table[switches] == pd.Series(coding.default)).all(axis=1)
    out.number(
        "multiverse_default_reproduced",
        int(reproduced[is_default].iloc[0]),
        "claims",
        "claims the default coding reproduces",
        0,
    )
    stated = {c["number"]: c["stated"] for c in reversed(keyed)}
    quantity = {c["number"]: c["quantity"] for c in reversed(keyed)}
    specs = table[switches].to_dict(orient="records")
    for key in headlines:
        fig = plots.specification_curve(
            table[key].astype(float),
            specs,
            rules.SWITCHES,
            coding.default,
            stated.get(key),
            quantity.get(key, key),
            rules.OPTION_LABELS,
        )
        out.figure(
            f"spec_curve_{key}",
            fig,
            f"Specification curve: {quantity.get(key, key)}",
            table=table[["specification", *switches, key]],
            note=out.source_note(
                "events", len(all_events), f"rows counted under {len(table)} codings"
            ),
        )
    text = (
        f"Of {len(table)} codings, the one counting **{rules.spec_text(best_spec)}** "
        "reproduces the most of the "
        f"{len(keyed)} claims on the events: {int(reproduced.max())} (the default coding: "
        f"{int(reproduced[is_default].iloc[0])})."
    )
    return Shown(Markdown(text), display_table(support, decimals=4))


def fortune_section(
    out: Outputs,
    fortune: pd.DataFrame | None,
    window: tuple[int, int] | None,
    company: str,
    reproduces: str | None,
) -> Skipped | Markdown:
    """The company's Fortune Global 500 ranks (and revenue where the data hold it)."""
    title = "Fortune Global 500 rank and revenue"
    if fortune is None or fortune.empty:
        return out.skip(
            "fortune_rank", title, "the case has no Fortune Global 500 table", reproduces
        )
    if window:
        fortune = fortune[fortune["edition_year"].between(*window)]
    if fortune.empty:
        return out.skip("fortune_rank", title, f"no Fortune edition in {list(window)}", reproduces)
    financials = tl.read_processed(out.paths.processed, "financials")
    fortune = tl.fortune_revenue(fortune, financials)
    fig = plots.fortune_rank(fortune, company)
    ranked = fortune[fortune["fiscal_year"] != ""]
    note = out.source_note("fortune_global500", len(fortune), "editions")
    if not ranked.empty:
        note += "; revenue: " + out.source_note("financials").removeprefix("Data: ")
        note += (
            ". Edition N ranks the fiscal year ending by 31 March of N "
            f"({ranked['fiscal_year'].iloc[0]} for the {int(ranked['edition_year'].iloc[0])} "
            "edition)"
        )
    out.figure(
        "fortune_rank",
        fig,
        title,
        reproduces,
        table=fortune[
            ["edition_year", "rank", "fiscal_year", "revenue", "revenue_unit", "source_publisher"]
        ],
        note=note,
    )
    out.record(tl.fortune_numbers(fortune))
    n = out.numbers
    first, last = int(fortune["edition_year"].min()), int(fortune["edition_year"].max())
    return Markdown(
        f"Rank {tl.quote(n, f'fortune_rank_{first}')} in the {first} edition, "
        f"{tl.quote(n, f'fortune_rank_{last}')} in {last}: "
        f"**{tl.quote(n, 'fortune_rank_gain')}** places gained over "
        f"{tl.quote(n, 'fortune_editions_count')} editions. The bars are the company's own "
        "revenue for the fiscal year each edition ranks (financials.csv), in the currency "
        "it reports."
    )


def milestones_section(
    out: Outputs,
    milestones: pd.DataFrame | None,
    periods_setting: Any,
    package: dict[str, Any] | None,
    labels: dict[str, str] | None,
    company: str,
    reproduces: dict[str, str],
) -> Shown:
    """One milestone timeline per history period; a period without milestones is skipped."""
    if milestones is None or milestones.empty:
        return Shown(
            out.skip(
                "milestones",
                "History milestones",
                "the case has no milestones",
                reproduces.get("milestones"),
            )
        )
    periods = tl.year_periods(periods_setting, milestones["year"], "history_periods")
    declared = tl.enum_values(package, "milestones", "category")
    categories = tl.ordered_values(declared, milestones["category"])
    shown = Shown()
    for artifact_id, (first, last) in tl.history_figures(periods):
        items = milestones[milestones["year"].between(first, last)]
        title = f"{company}: milestones {first}-{last}"
        if items.empty:
            shown.items.append(
                out.skip(
                    artifact_id,
                    title,
                    f"no milestone in {first}-{last}",
                    reproduces.get(artifact_id),
                )
            )
            continue
        fig = plots.milestone_timeline(items, title, labels, list(categories))
        out.figure(
            artifact_id,
            fig,
            title,
            reproduces.get(artifact_id),
            table=items[["year", "date", "event", "category", "source_publisher"]],
            note=out.source_note("milestones", len(items), "milestones"),
        )
        out.number(
            f"milestones_{first}_{last}", len(items), "milestones", f"milestones {first}-{last}", 0
        )
    return shown

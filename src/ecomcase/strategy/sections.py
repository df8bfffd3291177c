"""Sections of notebook 02 that branch on what a case has: each records its
figures, tables and numbers on an :class:`~ecomcase.build.outputs.Outputs` and
returns what the notebook shows (text and a table, or 'not available for this
case')."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
from IPython.display import Markdown

from ecomcase.build.outputs import Outputs, Skipped
from ecomcase.display import Shown, display_table
from ecomcase.strategy import charts, diagrams, frameworks, market
from ecomcase.timeline.events import enum_values, ordered_values


def settings(out: Outputs, namespace: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """Notebook 02's owning group of the company's platforms (default: the params'
    company) and its map of artifact ids to the source's figures."""
    values = out.settings(namespace)
    return values["own_group"] or out.params["company"], values["source_figures"] or {}


PLATFORM_TITLE = "Monthly active users of the listed e-commerce platforms"
GROUPS_TITLE = "Monthly active users by owning group"


def platform_section(
    out: Outputs,
    platforms: pd.DataFrame | None,
    own_group: str,
    hhi_moderate: float,
    hhi_high: float,
    reproduces: dict[str, str],
) -> Skipped | Shown:
    """The platform user table, its chart, the owning groups' shares and the
    concentration numbers (CR2, CR4, HHI by platform and by group)."""
    if platforms is None or platforms.empty:
        reason = "the case has no platform_mau table (or it has no rows)"
        out.skip("mau_group_shares", GROUPS_TITLE, reason, reproduces.get("mau_group_shares"))
        return out.skip("platform_mau", PLATFORM_TITLE, reason, reproduces.get("platform_mau"))
    shares = market.platform_shares(platforms)
    platform_table = shares[["platform", "owner_group", "mau_10k", "share"]]
    year = market.years_label(platforms)
    in_year = f", {year}" if year else ""
    fig = charts.mau_bar_chart(shares, own_group)
    out.figure(
        "platform_mau",
        fig,
        f"{PLATFORM_TITLE}{in_year}",
        reproduces.get("platform_mau"),
        table=platform_table,
        note=out.source_note("platform_mau", len(platforms), "platforms"),
    )
    groups = market.group_shares(platforms)
    out.table(
        "mau_group_shares", groups, f"{GROUPS_TITLE}{in_year}", reproduces.get("mau_group_shares")
    )
    out.record(market.concentration_numbers(platforms, own_group))
    hhi_platforms = out.number(
        "mau_hhi_platforms",
        market.herfindahl(shares["share"]),
        "index",
        "HHI of platform MAU shares (0-10,000)",
        0,
    )
    hhi_groups = out.number(
        "mau_hhi_groups",
        market.herfindahl(groups["share"]),
        "index",
        "HHI of group MAU shares (0-10,000)",
        0,
    )
    band = market.hhi_band(hhi_groups, hhi_moderate, hhi_high)
    out.number(
        "mau_groups_highly_concentrated",
        hhi_groups > hhi_high,
        "",
        f"group HHI above {hhi_high:,.0f}",
    )
    n = {key: entry["value"] for key, entry in out.numbers.items()}
    text = Markdown(
        f"The two largest of the {n['mau_groups_count']} groups hold "
        f"**{n['mau_share_top2_groups']:.1%}** of the listed platforms' users; {own_group} alone "
        f"holds **{n['mau_share_own_group']:.1%}**. By platform, CR2 is "
        f"{n['mau_cr2_platforms']:.1%} and CR4 {n['mau_cr4_platforms']:.1%}. The group HHI of "
        f"**{hhi_groups:,.0f}** (platforms: {hhi_platforms:,.0f}) is *{band}* on the thresholds "
        f"{hhi_moderate:,.0f} / {hhi_high:,.0f}. These are shares of the listed platforms only, "
        "so they bound a share of the whole industry from above."
    )
    labels = {
        "mau_10k": "MAU (10,000 users)",
        "share": "share of listed MAU",
        "owner_group": "owning group",
        "platform": "platform",
    }
    return Shown(text, display_table(platform_table, labels, shares=["share"]))


def strategy_timeline_section(
    out: Outputs,
    document: dict[str, Any],
    milestones: pd.DataFrame | None,
    reproduces: str | None,
) -> Skipped | None:
    """The source's strategic phases placed on the milestone timeline."""
    artifact_id = "strategy_sequence_timeline"
    title = "Strategic development sequence on the milestone timeline"
    if milestones is None or milestones.empty:
        return out.skip(
            artifact_id, title, "the case has no milestones to place the phases on", reproduces
        )
    package = json.loads((out.paths.raw / "datapackage.json").read_text(encoding="utf-8"))
    categories = ordered_values(
        enum_values(package, "milestones", "category"), milestones["category"]
    )
    labels = (
        out.params["notebooks"].get("03_internationalization_timeline", {}).get("milestone_labels")
    )
    return diagrams.record(
        out,
        document,
        "strategic_sequence",
        artifact_id,
        title,
        reproduces=reproduces,
        draw_section=lambda section: charts.strategy_phase_timeline(
            milestones, section, categories, labels
        ),
        table=lambda section: frameworks.phase_spans(milestones, section["phases"]),
        note=lambda section: frameworks.strategy_timeline_note(
            section, out.source_note("milestones", len(milestones), "milestones")
        ),
    )

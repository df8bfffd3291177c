"""Market concentration from platform user counts (shares, CRk, HHI)."""

from __future__ import annotations

import pandas as pd


def platform_shares(platforms: pd.DataFrame, value: str = "mau_10k") -> pd.DataFrame:
    """Each platform's share of the listed platforms' total, largest first."""
    table = platforms.sort_values(value, ascending=False, kind="stable").reset_index(drop=True)
    table["share"] = table[value] / table[value].sum()
    return table


def group_shares(platforms: pd.DataFrame, value: str = "mau_10k") -> pd.DataFrame:
    """Each owning group's share (platforms of one group added up), largest first."""
    groups = platforms.groupby("owner_group", as_index=False)[value].sum()
    groups = groups.sort_values([value, "owner_group"], ascending=[False, True], kind="stable")
    groups["share"] = groups[value] / groups[value].sum()
    return groups.reset_index(drop=True)


def concentration_ratio(shares: pd.Series, k: int) -> float:
    """CRk: the sum of the k largest shares."""
    return float(shares.sort_values(ascending=False).head(k).sum())


def herfindahl(shares: pd.Series) -> float:
    """Herfindahl-Hirschman index on the 0-10,000 scale (shares as fractions)."""
    return float(((shares * 100) ** 2).sum())


def concentration_numbers(
    platforms: pd.DataFrame, own_group: str, value: str = "mau_10k"
) -> list[tuple[str, float | int | bool, str, str]]:
    """``(key, value, unit, description)`` of the shares and counts, keyed ``mau_*``.

    Shares are of the listed platforms' total: a user of two apps counts twice.
    CRk for k larger than the number of platforms/groups is the whole market (1.0).
    """
    by_platform = platform_shares(platforms, value)["share"]
    by_group = group_shares(platforms, value)
    own = by_group.loc[by_group["owner_group"] == own_group, "share"]
    return [
        ("mau_platforms_count", int(len(platforms)), "platforms", "platforms listed"),
        ("mau_groups_count", int(len(by_group)), "groups", "owning groups of the listed platforms"),
        (
            "mau_share_own_group",
            float(own.sum()),
            "share",
            f"MAU share of the platforms owned by {own_group}",
        ),
        (
            "mau_share_top_platform",
            float(by_platform.max()),
            "share",
            "MAU share of the largest platform",
        ),
        (
            "mau_cr2_platforms",
            concentration_ratio(by_platform, 2),
            "share",
            "CR2: MAU share of the two largest platforms",
        ),
        (
            "mau_cr4_platforms",
            concentration_ratio(by_platform, 4),
            "share",
            "CR4: MAU share of the four largest platforms",
        ),
        (
            "mau_share_top2_groups",
            concentration_ratio(by_group["share"], 2),
            "share",
            "CR2: MAU share of the two largest groups",
        ),
        (
            "mau_cr4_groups",
            concentration_ratio(by_group["share"], 4),
            "share",
            "CR4: MAU share of the four largest groups",
        ),
    ]


def years_label(platforms: pd.DataFrame) -> str:
    """The year(s) of the platform figures for a title: ``2022``, ``2021-2022``, or ``""``."""
    years = sorted({int(y) for y in platforms["year"].dropna()}) if len(platforms) else []
    if not years:
        return ""
    return str(years[0]) if len(years) == 1 else f"{years[0]}-{years[-1]}"


def hhi_band(hhi: float, moderate: float = 1500, high: float = 2500) -> str:
    """``unconcentrated`` / ``moderately concentrated`` / ``highly concentrated``.

    Default thresholds are those of the 2010 US Horizontal Merger Guidelines.
    """
    if hhi > high:
        return "highly concentrated"
    if hhi >= moderate:
        return "moderately concentrated"
    return "unconcentrated"

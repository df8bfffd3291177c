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

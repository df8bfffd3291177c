"""Values as a reader expects them on the page, by unit.

A year as 2017 (never 2,017), a share as 30.2 %, money with its currency
(``RMB 540.3 billion``), a count as an integer, anything else at most at its
recorded decimals, without padding zeros. Units are the strings numbers.json
and claims.yaml use (``year``, ``share``, ``RMB million``, ``US$ billion``,
``HK$ per share``, ``percent year on year``, ``events`` ...).
"""

from __future__ import annotations

import math
from typing import Any

YEAR_UNITS = {"year", "fiscal year", "calendar year"}
SHARE_UNITS = {"share", "fraction", "proportion"}
#: The first word of a money unit.
CURRENCIES = {"RMB", "CNY", "USD", "US$", "HK$", "HKD", "EUR", "GBP", "JPY", "INR", "$", "€", "¥"}
#: Shares are shown with this many decimals of a percent unless a stated value needs more.
SHARE_DECIMALS = 1


def unit_kind(unit: Any) -> str:
    """``year``, ``share``, ``percent``, ``money`` or ``other``."""
    text = str(unit or "").strip()
    lowered = text.lower()
    if lowered in YEAR_UNITS:
        return "year"
    if lowered in SHARE_UNITS:
        return "share"
    if lowered.startswith(("percent", "%")):
        return "percent"
    if text.split() and text.split()[0] in CURRENCIES:
        return "money"
    return "other"


def _plain(value: float, decimals: int, grouped: bool = True) -> str:
    """At most ``decimals`` decimals, trailing zeros dropped (``-0`` shown as ``0``)."""
    text = f"{value:,.{max(decimals, 0)}f}" if grouped else f"{value:.{max(decimals, 0)}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _fixed(value: float, decimals: int) -> str:
    return f"{value:,.{max(decimals, 0)}f}"


def decimals_of(value: Any, unit: Any = "") -> int:
    """Decimals a value is written with, in its display unit (0.5862 as a share: 2)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return 0
    shown = value * 100 if unit_kind(unit) == "share" else value
    text = f"{round(float(shown), 10):.10f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0


def display_value(
    value: Any, unit: Any = "", decimals: int | None = None, at_least: int | None = None
) -> str:
    """``value`` formatted for a reader by its ``unit``.

    ``decimals`` is the most a plain number shows (numbers.json's ``decimals``,
    4 when absent); ``at_least`` fixes the decimals (a reproduced value shown
    as precisely as the stated one it is compared with).
    """
    if value is None or (isinstance(value, float) and math.isnan(value)) or value == "":
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(display_value(v, unit, decimals, at_least) for v in value)
    if not isinstance(value, int | float):
        return str(value)
    kind = unit_kind(unit)
    most = 4 if decimals is None else int(decimals)
    if kind == "year":
        if float(value).is_integer():
            return str(int(value))
        return _plain(float(value), 1, grouped=False)
    if kind == "share":
        places = SHARE_DECIMALS if at_least is None else at_least
        return f"{_fixed(float(value) * 100, places)}%"
    if kind == "percent":
        shown = _plain(value, most) if at_least is None else _fixed(value, at_least)
        return f"{shown}%"
    if isinstance(value, int):
        number = f"{value:,}"
    else:
        number = _plain(value, most) if at_least is None else _fixed(value, at_least)
    if kind == "money":
        currency, _, scale = str(unit).strip().partition(" ")
        return f"{currency} {number}" + (f" {scale}" if scale else "")
    return number


def unit_shown(unit: Any) -> str:
    """The unit beside a displayed value: empty when the value already carries it."""
    kind = unit_kind(unit)
    if kind == "percent":  # "percent year on year": the value ends in %, the rest stays
        return str(unit).strip().removeprefix("percent").removeprefix("%").strip()
    return "" if kind in {"year", "share", "money"} else str(unit or "")


def relative_gap(stated: Any, reproduced: Any) -> float | None:
    """``(reproduced - stated) / |stated|`` for two numbers; ``None`` otherwise."""
    numbers = [
        v for v in (stated, reproduced) if isinstance(v, int | float) and not isinstance(v, bool)
    ]
    if len(numbers) < 2 or not all(math.isfinite(v) for v in numbers) or stated == 0:
        return None
    return (float(reproduced) - float(stated)) / abs(float(stated))

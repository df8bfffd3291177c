"""What a reader sees instead of a code: display labels and tables for notebooks.

One owner for the words a notebook or figure shows: entry-mode, grade and
operator names come from the case's params (``mode_labels`` ...) or from
:data:`OPERATOR_LABELS`, else the code humanised; tables are shown with labelled
columns, no index, shares as percentages and numbers at a sensible precision.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd
from pandas.io.formats.style import Styler

#: The four classical composition operators, M(·,·) as the fuzzy literature writes them.
OPERATOR_LABELS = {
    "weighted_average": "weighted average M(·,+)",
    "zadeh": "Zadeh M(∧,∨)",
    "product_max": "product-max M(·,∨)",
    "min_bounded_sum": "min-bounded sum M(∧,⊕)",
}


def label(code: object, labels: Mapping[str, str] | None = None) -> str:
    """Display label of ``code``: from ``labels`` when given, else the code humanised
    (``"holding_ma"`` -> ``"Holding ma"``)."""
    if labels and code in labels:
        return str(labels[code])  # type: ignore[index]
    text = str(code).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def operator_label(operator: str) -> str:
    """``"min_bounded_sum"`` -> ``"min-bounded sum M(∧,⊕)"``."""
    return OPERATOR_LABELS.get(operator, label(operator))


def display_table(
    table: pd.DataFrame,
    columns: Mapping[str, str] | None = None,
    shares: Iterable[str] = (),
    decimals: int = 2,
) -> Styler:
    """``table`` as a notebook shows it: columns renamed by ``columns`` (others
    humanised), no index, ``shares`` (fractions of 1) as percentages, other
    floats at ``decimals``, True/False as yes/no, missing values blank."""
    shares = set(shares)
    formats: dict[str, object] = {}
    for column in table.columns:
        series = table[column]
        if column in shares:
            formats[column] = "{:.1%}"
        elif pd.api.types.is_bool_dtype(series):
            formats[column] = lambda v: "yes" if v else "no"
        elif pd.api.types.is_float_dtype(series):
            # a year (or a mean year) never takes a thousands separator: 2009.5
            comma = "" if "year" in str(column).lower() else ","
            formats[column] = f"{{:{comma}.{decimals}f}}"
        elif pd.api.types.is_integer_dtype(series) and "year" not in str(column).lower():
            formats[column] = "{:,}"
        elif series.dtype == object:
            formats[column] = lambda v, d=decimals: _mixed(v, d)
    names = {c: (columns or {}).get(c, label(c)) for c in table.columns}
    return (
        table.style.format(formats, na_rep="")
        .hide(axis="index")
        .relabel_index([names[c] for c in table.columns], axis="columns")
    )


def _mixed(value: object, decimals: int) -> str:
    """A cell of a column holding numbers and text alike."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        text = f"{value:,.{decimals}f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    return "" if value is None else str(value)


class Shown:
    """Several things shown one after the other (text, a table ...) as one cell's
    result; a plain list would show as its Python repr."""

    def __init__(self, *items: object):
        self.items = [i for i in items if i is not None]

    def _ipython_display_(self) -> None:
        from IPython.display import display

        for item in self.items:
            display(item)

    def __len__(self) -> int:
        return len(self.items)

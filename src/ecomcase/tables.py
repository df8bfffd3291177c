"""Tables as CSV (data), Markdown (reading) and LaTeX booktabs (a thesis)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ecomcase.fileio import atomic_write_text

_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def latex_escape(text: object) -> str:
    """``text`` as LaTeX prints it literally: the ten special characters escaped.

    The one escape of the package: every caption, header and cell of a ``.tex``
    table and every value of ``numbers.tex`` goes through it.
    """
    return "".join(_LATEX_SPECIAL.get(ch, ch) for ch in str(text))


def _latex_cell(value: object, digits: int) -> str:
    """One table cell: fixed ``digits`` decimals for floats, empty when missing, escaped."""
    if value is None or (not isinstance(value, str | list | tuple) and pd.isna(value)):
        return ""
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return latex_escape(value)


def table_texts(table: pd.DataFrame, caption: str, float_digits: int = 4) -> dict[str, str]:
    """The three renderings of ``table``, keyed by file extension."""
    csv = table.to_csv(index=False, lineterminator="\n")
    md = _markdown(table, float_digits)
    styler = (
        table.style.hide(axis="index")
        .format(lambda value: _latex_cell(value, float_digits))
        .format_index(latex_escape, axis=1)
    )
    tex = styler.to_latex(hrules=True, caption=latex_escape(caption), position="htbp")
    return {"csv": csv, "md": md, "tex": tex}


def _plain_float(value: float, digits: int) -> str:
    """Fixed point, at most ``digits`` decimals, no trailing zeros (never 4.769e+04)."""
    if pd.isna(value):
        return ""
    text = f"{value:.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _markdown(table: pd.DataFrame, digits: int) -> str:
    shown = table.copy()
    align = []
    for column in shown.columns:
        series = shown[column]
        numeric = pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)
        if pd.api.types.is_float_dtype(series):
            shown[column] = [_plain_float(v, digits) for v in series]
        align.append("right" if numeric else "left")
    shown = shown.astype(object).where(shown.notna(), "")
    text = shown.to_markdown(index=False, disable_numparse=True, colalign=align)
    return text + "\n"


def save_table(table: pd.DataFrame, stem: Path, caption: str) -> list[Path]:
    written = []
    for ext, text in table_texts(table, caption).items():
        path = stem.with_suffix(f".{ext}")
        atomic_write_text(path, text)
        written.append(path)
    return written

"""Tables as CSV (data), Markdown (reading) and LaTeX booktabs (a thesis)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ecomcase.fileio import atomic_write_text


def table_texts(table: pd.DataFrame, caption: str, float_digits: int = 4) -> dict[str, str]:
    """The three renderings of ``table``, keyed by file extension."""
    csv = table.to_csv(index=False, lineterminator="\n")
    md = table.to_markdown(index=False, floatfmt=f".{float_digits}g") + "\n"
    styler = (
        table.style.hide(axis="index")
        .format(precision=float_digits, na_rep="", escape="latex")
        .format_index(escape="latex", axis=1)
    )
    tex = styler.to_latex(hrules=True, caption=caption, position="htbp")
    return {"csv": csv, "md": md, "tex": tex}


def save_table(table: pd.DataFrame, stem: Path, caption: str) -> list[Path]:
    written = []
    for ext, text in table_texts(table, caption).items():
        path = stem.with_suffix(f".{ext}")
        atomic_write_text(path, text)
        written.append(path)
    return written

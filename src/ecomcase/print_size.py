"""The print settings of the case being built: the text width figures are drawn for,
and whether they carry titles. Apart from :mod:`ecomcase.plots` so that a notebook
drawing no figure (data cleaning) sets them without importing matplotlib."""

from __future__ import annotations

CM = 1 / 2.54
TEXT_WIDTH_CM = 16.0
PAGE_HEIGHT_CM = 23.0

#: ``configure`` sets them from the case's params.
_PRINT = {"width_cm": TEXT_WIDTH_CM, "titles": False}


def configure(width_cm: float = TEXT_WIDTH_CM, titles: bool = False) -> None:
    """Print settings for the figures drawn next: the text width (cm) and whether
    figures carry their titles (for slides; a printed caption carries them)."""
    _PRINT.update(width_cm=float(width_cm), titles=bool(titles))


def full_width() -> float:
    """Width (inches) of a figure printed across the text width."""
    return _PRINT["width_cm"] * CM


def half_width() -> float:
    """Width (inches) of a small chart printed at half the text width."""
    return full_width() / 2


def page_height() -> float:
    """The tallest a figure may be (inches): a text page less room for its caption."""
    return PAGE_HEIGHT_CM * CM


def titles_on() -> bool:
    return bool(_PRINT["titles"])

"""User-facing errors: each prints as one clear message, grouped by domain."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


class EcomcaseError(Exception):
    """Base class: the message is meant for the reader, not a traceback."""


class CaseError(EcomcaseError):
    """Unknown or malformed case name."""


class ParamsError(EcomcaseError):
    """A params file that is missing, malformed, or holds unknown/mistyped keys."""

    def __init__(self, message: str, problems: Iterable[str] = ()):
        super().__init__(message)
        #: each problem on its own (the message joins them), for listings
        self.problems = list(problems) or [message]


class FuzzyInputError(EcomcaseError):
    """Inputs of the fuzzy evaluation that do not fit together."""


class FrameworkError(EcomcaseError):
    """A strategy-framework YAML section that is missing or malformed."""


class NotebookError(EcomcaseError):
    """A notebook cell failed while the pipeline ran."""


class FigureError(EcomcaseError):
    """A figure whose layout, measured the quick way, is not the one drawing gives."""


class ReportError(EcomcaseError):
    """The report step could not write an output (e.g. LaTeX failed on the thesis kit)."""


@dataclass(frozen=True)
class Problem:
    """One defect in one place of the input: file, row (1-based data row) and field."""

    file: str
    message: str
    row: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            # a table's row (header = row 1); a line of a YAML or JSON document
            unit = "line" if self.file.endswith((".yaml", ".yml", ".json")) else "row"
            where += f", {unit} {self.row}"
        if self.field is not None:
            where += f", field '{self.field}'"
        return f"{where}: {self.message}"


class DataError(EcomcaseError):
    """Raw data that fails validation; holds every problem found, one per line."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        lines = [str(p) for p in self.problems]
        head = f"{len(lines)} problem(s) in the case's input data:"
        super().__init__("\n".join([head, *("  - " + line for line in lines)]))

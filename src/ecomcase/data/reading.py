"""Reading raw CSV files strictly: the encoding first, then every cell by its field type.

Frictionless checks the table schema; what it lets through and pandas would
later choke on (or read as a plausible wrong value) is caught here, one
:class:`~ecomcase.errors.Problem` per cell naming file, row and field:
a byte-order mark, UTF-16, a file in a legacy code page, full-width digits,
digit separators (``1_000``, ``1,000``), ``inf``/``nan`` amounts and
impossible dates (``2010-13-45``). Rows are numbered as frictionless numbers
them: the header is row 1.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ecomcase.errors import Problem

RESAVE = (
    "re-save it as UTF-8 without a byte-order mark (Excel: Save As > 'CSV UTF-8' and then "
    "remove the BOM, or LibreOffice: Save As > Text CSV, character set 'Unicode (UTF-8)'; "
    "on the command line: {command})"
)
_INTEGER = re.compile(r"[+-]?[0-9]+", re.ASCII)
_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?", re.ASCII)
_DATE = re.compile(r"([0-9]{4})(-([0-9]{2})(-([0-9]{2}))?)?", re.ASCII)
TRUE_VALUES = ("true", "True", "TRUE", "1")
FALSE_VALUES = ("false", "False", "FALSE", "0")


def decode_csv(data: bytes, file: str) -> tuple[str | None, list[Problem]]:
    """The text of a CSV file, or None and a problem saying how to re-save it."""
    if data.startswith(b"\xef\xbb\xbf"):
        command = f"sed -i '1s/^\\xEF\\xBB\\xBF//' {file}"
        return None, [
            Problem(file, "starts with a byte-order mark (BOM); " + RESAVE.format(command=command))
        ]
    head = data[:4096]
    utf16 = head and head.count(b"\x00") * 4 >= len(head)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or utf16:
        command = f"iconv -f UTF-16 -t UTF-8 {file} > fixed.csv"
        return None, [
            Problem(
                file,
                "is UTF-16 (Excel's 'Unicode text'), not UTF-8; " + RESAVE.format(command=command),
            )
        ]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        start = data.rfind(b"\n", 0, exc.start) + 1
        header = data.split(b"\n", 1)[0].decode("utf-8", "replace").rstrip("\r")
        column = _column_at(data[start : exc.start].decode("utf-8", "replace"), header)
        sample = data[exc.start : exc.start + 1].hex()
        command = f"iconv -f WINDOWS-1252 -t UTF-8 {file} > fixed.csv"
        return None, [
            Problem(
                file,
                f"byte 0x{sample} is not UTF-8 (the file looks saved in a legacy code page "
                f"such as Latin-1 or Windows-1252); " + RESAVE.format(command=command),
                line,
                column,
            )
        ]
    if "\x00" in text:
        return None, [Problem(file, "holds NUL bytes: not a text CSV file")]
    return text, []


def _column_at(prefix: str, header: str) -> str | None:
    """The field a line's ``prefix`` ends in: the header's name for that column."""
    try:
        cells = next(csv.reader([prefix]), [""])
        names = next(csv.reader([header]), [])
    except csv.Error:
        return None
    position = max(len(cells), 1)
    return names[position - 1] if position <= len(names) else f"column {position}"


@dataclass
class ParsedTable:
    """A CSV's rows as typed cells; bad cells are missing and listed in ``problems``."""

    columns: list[str]
    rows: dict[int, dict[str, Any]] = field(default_factory=dict)  # row number -> cells
    problems: list[Problem] = field(default_factory=list)

    def frame(self, fields: list[dict[str, Any]]) -> pd.DataFrame:
        """The rows that could be read, typed as :func:`pandas_dtype` types them; the
        index is each row's number minus 2 (the first data row is 0, as when read whole)."""
        kinds = {f.get("name"): f.get("type", "string") for f in fields}
        index = [n - 2 for n in self.rows]
        data = {}
        for name in self.columns:
            values = [cells.get(name) for cells in self.rows.values()]
            dtype = pandas_dtype(kinds.get(name, "string"))
            data[name] = pd.Series(values, index=index, dtype=dtype if dtype != "float64" else None)
            if dtype == "float64":
                data[name] = pd.to_numeric(data[name], errors="coerce").astype("float64")
        return pd.DataFrame(data, index=index, columns=self.columns)


def pandas_dtype(kind: str) -> str:
    return {"integer": "Int64", "number": "float64", "boolean": "boolean"}.get(kind, "string")


def parse_csv(text: str, fields: list[dict[str, Any]], file: str) -> ParsedTable:
    """Every cell of ``text`` read by its schema field; a row whose cells do not
    line up with the header is left out (frictionless names it)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, [])
    except csv.Error as exc:
        return ParsedTable([], problems=[Problem(file, f"unreadable header ({exc})", 1)])
    table = ParsedTable(header)
    by_name = {f.get("name"): f for f in fields if isinstance(f, dict)}
    number = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            number += 1
            table.problems.append(Problem(file, f"unreadable row ({exc})", number))
            continue
        number += 1
        if not cells or len(cells) != len(header):
            continue
        row = {}
        for name, text_value in zip(header, cells, strict=True):
            value, why = parse_cell(text_value, by_name.get(name, {}))
            if why is not None:
                table.problems.append(Problem(file, why, number, name))
            row[name] = value
        table.rows[number] = row
    return table


def parse_cell(text: str, spec: dict[str, Any]) -> tuple[Any, str | None]:
    """(value, None) or (None, why the cell cannot be read as its field's type)."""
    if text == "":
        return None, None
    kind = spec.get("type", "string")
    if kind == "integer":
        if _INTEGER.fullmatch(text.strip()):
            value = int(text)
            if abs(value) >= 2**63:
                return None, f"value {text!r} is too large for a whole number of this table"
            return value, None
        return None, _number_problem(text, "a whole number")
    if kind == "number":
        if _NUMBER.fullmatch(text.strip()):
            value = float(text)
            if not math.isfinite(value):
                return None, f"value {text!r} is too large to be a number"
            return value, None
        return None, _number_problem(text, "a number")
    if kind == "boolean":
        if text in TRUE_VALUES:
            return True, None
        if text in FALSE_VALUES:
            return False, None
        return None, f"value {text!r} is not true or false"
    if is_date_field(spec):
        why = date_problem(text)
        if why is not None:
            return None, why
    return text, None


def _number_problem(text: str, what: str) -> str:
    stripped = text.strip()
    if any("\uff10" <= c <= "\uff19" or c in "\uff0e\uff0c\uff0d" for c in stripped):
        ascii_text = "".join(
            chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" else c for c in stripped
        )
        return (
            f"value {text!r} has full-width characters (typed with a Chinese or Japanese input "
            f"method): retype it as {ascii_text!r} in half-width ASCII"
        )
    if stripped.lower().lstrip("+-") in {"inf", "infinity", "nan"}:
        return f"value {text!r} is not a finite number: leave the cell empty when unknown"
    if re.fullmatch(r"[+-]?[0-9]{1,3}([_,' ][0-9]{3})+(\.[0-9]*)?", stripped, re.ASCII):
        plain = re.sub(r"[_,' ]", "", stripped)
        return f"value {text!r} has a digit separator: write {plain!r}"
    return f"value {text!r} is not {what}"


def is_date_field(spec: dict[str, Any]) -> bool:
    """A text field holding a date: named ``date`` or ``*_date``."""
    name = spec.get("name")
    return isinstance(name, str) and (name == "date" or name.endswith("_date"))


def date_problem(text: str) -> str | None:
    """Why ``text`` (YYYY, YYYY-MM or YYYY-MM-DD) is no date of the calendar, or None."""
    match = _DATE.fullmatch(text)
    if match is None:
        return None  # the schema's pattern says what is wrong
    year, month, day = match.group(1), match.group(3), match.group(5)
    if month is not None and not 1 <= int(month) <= 12:
        return f"date {text!r} has month {month}: no such month (YYYY-MM-DD)"
    if day is not None:
        try:
            dt.date(int(year), int(month), int(day))
        except ValueError:
            return f"date {text!r} is not a day of the calendar (YYYY-MM-DD)"
    return None

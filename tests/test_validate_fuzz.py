"""Property test: malformed params, CSV and YAML never crash the validator.

Each generated input breaks one file of a case (byte flips, truncation, swapped
columns, another encoding, odd numbers, duplicated or mangled YAML lines) and
goes through ``validate_case``, the code ``make validate`` runs, in this
process. The only exceptions allowed are the package's own (their message
names file, row and field); nothing may be written under ``reports/`` or
``data/processed/``. ``ECOMCASE_FUZZ_EXAMPLES`` sets the number of inputs
(``make fuzz`` runs 10,000).
"""

from __future__ import annotations

import csv
import io
import os
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import make_project_copy, use_project_in_process
from ecomcase.errors import EcomcaseError

EXAMPLES = int(os.environ.get("ECOMCASE_FUZZ_EXAMPLES", "2000"))
CASE = "example"

ODD_NUMBERS = [
    "inf", "-inf", "nan", "NaN", "Infinity", "1e309", "-0", "0x10", "1_000", "1,000",
    "1 000", "２０１４", "１．５", "٣", "1e", ".", "-", "+", " 5", "5 ", "9" * 40,
    "2010-13-45", "2015-02-30", "2014-1-1", "0000-00-00", "true", "", "\t", '"', "''",
]
ODD_YAML = [
    "~", "null", ".nan", ".inf", "1e999", "[", "{", "[[[[", "&a [*a]", "*x", "!!binary 9",
    "!!python/object:os.system x", "? [a]", "- x", "{a: 1, a: 2}", "yes", "0o17", "2010-13-45",
    "'unclosed", "|", ">-", "%YAML 1.1", "---", "...", "@", "`", "\t1", "[1, 2", "{x: }",
]
ENCODINGS = ["utf-16", "utf-16-le", "utf-32", "latin-1", "cp1252", "gb18030", "utf-8-sig"]


def _case_files(root: Path) -> list[Path]:
    raw = root / "data" / "raw" / CASE
    files = [root / "params" / f"{CASE}.yaml"]
    files += sorted(p for p in raw.iterdir() if p.suffix in {".csv", ".yaml", ".json"})
    return files


def _flip_bytes(data: bytes, draw) -> bytes:
    if not data:
        return data
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 6))):
        i = draw(st.integers(0, len(out) - 1))
        out[i] = draw(st.integers(0, 255))
    return bytes(out)


def _truncate(data: bytes, draw) -> bytes:
    return data[: draw(st.integers(0, max(len(data) - 1, 0)))]


def _cut_line(data: bytes, draw) -> bytes:
    lines = data.split(b"\n")
    i = draw(st.integers(0, len(lines) - 1))
    lines[i] = lines[i][: draw(st.integers(0, len(lines[i])))]
    return b"\n".join(lines)


def _swap_columns(data: bytes, draw) -> bytes:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    width = max((len(r) for r in rows), default=0)
    if width < 2:
        return data
    a, b = draw(st.integers(0, width - 1)), draw(st.integers(0, width - 1))
    header_only = draw(st.booleans())
    for n, row in enumerate(rows):
        if len(row) == width and (n == 0 or not header_only):
            row[a], row[b] = row[b], row[a]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def _odd_cell(data: bytes, draw) -> bytes:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    if len(rows) < 2:
        return data
    n = draw(st.integers(1, len(rows) - 1))
    if not rows[n]:
        return data
    rows[n][draw(st.integers(0, len(rows[n]) - 1))] = draw(
        st.sampled_from(ODD_NUMBERS) | st.text(max_size=8)
    )
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def _reencode(data: bytes, draw) -> bytes:
    text = data.decode("utf-8")
    if draw(st.booleans()):
        text = text.replace("a", "ä", 1).replace("e", "é", 1)
    return text.encode(draw(st.sampled_from(ENCODINGS)), errors="replace")


def _yaml_line(data: bytes, draw) -> bytes:
    lines = data.decode("utf-8").split("\n")
    i = draw(st.integers(0, len(lines) - 1))
    action = draw(st.sampled_from(["duplicate", "value", "delete", "indent", "dedent"]))
    line = lines[i]
    if action == "duplicate":
        lines.insert(i, line)
    elif action == "value" and ":" in line:
        key = line.split(":", 1)[0]
        lines[i] = f"{key}: {draw(st.sampled_from(ODD_YAML) | st.text(max_size=10))}"
    elif action == "delete":
        del lines[i]
    elif action == "indent":
        lines[i] = "  " + line
    else:
        lines[i] = line.lstrip()
    return "\n".join(lines).encode("utf-8")


def _swap_lines(data: bytes, draw) -> bytes:
    lines = data.split(b"\n")
    a, b = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
    lines[a], lines[b] = lines[b], lines[a]
    return b"\n".join(lines)


GENERIC = [_flip_bytes, _truncate, _cut_line, _reencode, _swap_lines]
BY_SUFFIX = {".csv": [_swap_columns, _odd_cell, _odd_cell], ".yaml": [_yaml_line, _yaml_line]}


@st.composite
def broken_input(draw, files: list[Path], originals: dict[Path, bytes]):
    path = draw(st.sampled_from(files))
    mutations = GENERIC + BY_SUFFIX.get(path.suffix, [])
    mutate = draw(st.sampled_from(mutations))
    return path, mutate.__name__, mutate(originals[path], draw)


@pytest.fixture(scope="module")
def fuzz_project(tmp_path_factory):
    root = make_project_copy(tmp_path_factory.mktemp("fuzz") / "project")
    monkeypatch = pytest.MonkeyPatch()
    use_project_in_process(root, monkeypatch)
    yield root
    monkeypatch.undo()


def _written(root: Path) -> list[Path]:
    return [p for d in ("reports", "data/processed") for p in (root / d).rglob("*") if p.is_file()]


def test_validator_survives_malformed_inputs(fuzz_project):
    from ecomcase.data.dataset import validate_case

    root = fuzz_project
    validate_case(CASE)  # the unbroken case is valid
    files = _case_files(root)
    originals = {p: p.read_bytes() for p in files}
    seen = {"inputs": 0, "rejected": 0, "kinds": set()}
    started = time.perf_counter()

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(broken_input(files, originals))
    def check(change):
        path, kind, data = change
        path.write_bytes(data)
        try:
            validate_case(CASE)
        except EcomcaseError as exc:
            seen["rejected"] += 1
            assert str(exc).strip(), "an error without a message"
        finally:
            path.write_bytes(originals[path])
        seen["inputs"] += 1
        seen["kinds"].add(kind)

    check()
    elapsed = time.perf_counter() - started
    print(
        f"\n{seen['inputs']} malformed inputs in {elapsed:.1f} s: {seen['rejected']} rejected "
        f"with a package error, none crashed; mutations: {sorted(seen['kinds'])}"
    )
    assert seen["inputs"] >= EXAMPLES
    assert _written(root) == []
    assert {"_flip_bytes", "_reencode", "_swap_columns", "_odd_cell", "_yaml_line"} <= seen["kinds"]

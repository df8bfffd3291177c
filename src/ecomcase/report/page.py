"""The report step: one manifest, one numbers file, one claims table, one page.

Merges the fragments the notebooks published (``reports/<case>/.build``) into
``manifest.json``, ``numbers.json`` + ``numbers.tex``, ``claims.csv`` and
``index.html``. Every file is written atomically; none carries a build date.
"""

from __future__ import annotations

import datetime as dt
import json
import platform
import re
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd

import ecomcase
from ecomcase.build.params import document_citations, load_params
from ecomcase.config import NOTEBOOKS, NOTEBOOKS_DIR, PROJ_ROOT, case_paths
from ecomcase.errors import EcomcaseError
from ecomcase.fileio import atomic_write_text, sha256_file, write_json
from ecomcase.report.claims import check_claims, load_claims, status_counts

KEY_PACKAGES = ("numpy", "pandas", "scipy", "matplotlib", "seaborn", "papermill", "nbconvert")


def claim_evidence(processed: Path, fragments: list[dict[str, Any]]) -> dict[str, Any]:
    """What claims link to: the processed tables a ``record`` reads, and the data
    rows behind small counts (``rows`` of the notebooks' fragments)."""
    from ecomcase.report.claims import ID_COLUMNS

    tables = {}
    for name in ID_COLUMNS:
        path = processed / f"{name}.csv"
        if path.is_file():
            tables[name] = pd.read_csv(path, keep_default_na=False, na_values=[""])
    rows: dict[str, list[str]] = {}
    for fragment in fragments:
        rows.update(fragment.get("rows", {}))
    return {"tables": tables, "rows": rows}


def _fragments(case: str) -> list[dict[str, Any]]:
    paths = case_paths(case)
    fragments = []
    for notebook in NOTEBOOKS:
        path = paths.fragment(notebook)
        if not path.is_file():
            raise EcomcaseError(
                f"{path} is missing: notebook {notebook} has not published its outputs "
                f"(run `make all CASE={case}`)"
            )
        fragments.append(json.loads(path.read_text(encoding="utf-8")))
    return fragments


def _input_files(case: str) -> list[Path]:
    paths = case_paths(case)
    files = [paths.params_file, *sorted(p for p in paths.raw.rglob("*") if p.is_file())]
    return files + [NOTEBOOKS_DIR / f"{nb}.ipynb" for nb in NOTEBOOKS]


def _inputs(case: str) -> dict[str, str]:
    return {p.relative_to(PROJ_ROOT).as_posix(): sha256_file(p) for p in _input_files(case)}


def inputs_date(files: list[Path]) -> str:
    """When the inputs were last changed (not when the report was built).

    The date of the last commit that touched them when they are committed
    unchanged; otherwise the newest modification time, marked as uncommitted.
    """
    rel = [p.relative_to(PROJ_ROOT).as_posix() for p in files]

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", *args, "--", *rel], cwd=PROJ_ROOT, capture_output=True, text=True
            )
        except OSError:
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    committed = git("log", "-1", "--format=%cs")
    if committed and git("status", "--porcelain") == "":
        return committed
    newest = max(p.stat().st_mtime for p in files)
    day = dt.datetime.fromtimestamp(newest, dt.UTC).date().isoformat()
    return f"{day} (files changed since the last commit)" if committed else day


def _versions() -> dict[str, str]:
    versions = {"python": platform.python_version(), "ecomcase": ecomcase.__version__}
    for name in KEY_PACKAGES:
        versions[name] = metadata.version(name)
    return versions


def build_manifest(
    case: str, fragments: list[dict[str, Any]], documents: list[str]
) -> dict[str, Any]:
    paths = case_paths(case)
    artifacts = []
    for fragment in fragments:
        for artifact in fragment["artifacts"]:
            files = sorted(artifact["files"])
            artifacts.append(
                {
                    **artifact,
                    "files": files,
                    "sha256": {f: sha256_file(paths.reports / f) for f in files},
                }
            )
    artifacts.sort(
        key=lambda a: (document_order(a["reproduces"], documents), a["notebook"], a["id"])
    )
    return {
        "case": case,
        "params_sha256": sha256_file(paths.params_file),
        "inputs": _inputs(case),
        "versions": _versions(),
        "artifacts": artifacts,
    }


_REPRODUCES = re.compile(r"^(?P<doc>\w+) (?P<kind>Figure|Table) (?P<num>[\d.]+)$")
_KINDS = ("Figure", "Table")


def document_order(reproduces: str | None, documents: list[str]) -> tuple:
    """Documents in the params' order, figures before tables, then by number; new last."""
    if not reproduces:
        return (2, 0, 0, ())
    match = _REPRODUCES.match(reproduces)
    if not match or match["doc"] not in documents:
        return (1, 0, 0, (reproduces,))
    number = tuple(int(part) for part in match["num"].split(".") if part)
    return (0, documents.index(match["doc"]), _KINDS.index(match["kind"]), number)


def numbers_tex(numbers: dict[str, dict[str, Any]]) -> str:
    """LaTeX definitions: ``\\ecnum{key}`` expands to the formatted number."""
    lines = [
        "% Generated by ecomcase from numbers.json; do not edit.",
        "\\providecommand{\\ecnum}[1]{\\csname ecnum@#1\\endcsname}",
    ]
    for key in sorted(numbers):
        value = latex_escape(format_number(numbers[key]))
        lines.append(f"\\expandafter\\def\\csname ecnum@{key}\\endcsname{{{value}}}")
    return "\n".join(lines) + "\n"


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


def latex_escape(text: str) -> str:
    """``text`` safe inside a LaTeX macro body (text values such as ``e_commerce``)."""
    return "".join(_LATEX_SPECIAL.get(ch, ch) for ch in text)


def format_number(entry: dict[str, Any]) -> str:
    value = entry["value"]
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int):
        return str(value) if _is_year(entry.get("unit", "")) else f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.{entry.get('decimals', 2)}f}"
    if isinstance(value, list):
        return ", ".join(format_number({**entry, "value": v}) for v in value)
    return str(value)


REPORT_FILES = ("claims.csv", "numbers.json", "numbers.tex")


def build_report(case: str) -> Path:
    """Write the case's manifest, numbers, claims and index page; returns the page."""
    params = load_params(case)
    paths = case_paths(case)
    fragments = _fragments(case)
    numbers: dict[str, dict[str, Any]] = {}
    for fragment in fragments:
        numbers.update(fragment["numbers"])
    documents = document_citations(params)
    claims = load_claims(paths.raw / "claims.yaml", set(documents))
    multiverse = next((f["multiverse"] for f in fragments if f.get("multiverse")), None)
    checked = check_claims(claims, numbers, multiverse, claim_evidence(paths.processed, fragments))

    atomic_write_text(
        paths.reports / "claims.csv", checked.to_csv(index=False, lineterminator="\n")
    )
    write_json(paths.reports / "numbers.json", numbers)
    atomic_write_text(paths.reports / "numbers.tex", numbers_tex(numbers))
    manifest = build_manifest(case, fragments, list(documents))
    manifest["outputs"] = {name: sha256_file(paths.reports / name) for name in REPORT_FILES}
    manifest["inputs_date"] = inputs_date(_input_files(case))
    write_json(paths.reports / "manifest.json", manifest)
    index = paths.reports / "index.html"
    atomic_write_text(
        index, render_index(params, manifest, numbers, checked, claims_file=bool(claims))
    )
    return index


def render_index(
    params: dict[str, Any],
    manifest: dict[str, Any],
    numbers: dict[str, dict[str, Any]],
    checked: pd.DataFrame,
    claims_file: bool = True,
) -> str:
    """The reviewer's page (Jinja2 template ``templates/index.html.j2``)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("ecomcase.report", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    template = env.get_template("index.html.j2")
    rows = checked.astype(object).where(checked.notna(), "").to_dict("records")
    for row in rows:
        row["stated_shown"] = _shown(row["stated"], row["unit"])
        row["reproduced_shown"] = _shown(row["reproduced"], row["unit"])
    documents = params["documents"]
    groups = [
        {
            "document": doc,
            "claims": [r for r in rows if r["source"] == doc["id"]],
            "counts": status_counts(checked[checked["source"] == doc["id"]]),
        }
        for doc in documents
    ]
    artifacts = [_artifact_view(a) for a in manifest["artifacts"]]
    return template.render(
        params=params,
        manifest=manifest,
        numbers={
            k: {**v, "shown": _shown(v["value"], v.get("unit", ""))}
            for k, v in sorted(numbers.items())
        },
        groups=[g for g in groups if g["claims"]],
        claims_file=claims_file,
        counts=status_counts(checked),
        total_claims=len(rows),
        artifacts=[a for a in artifacts if not a["skipped"] and a["image"]],
        tables=[a for a in artifacts if not a["skipped"] and not a["image"]],
        skipped=[a for a in artifacts if a["skipped"]],
        notebooks=[
            {"name": nb, "artifacts": sum(a["notebook"] == nb for a in artifacts)}
            for nb in NOTEBOOKS
        ],
        make_command=f"make all CASE={params['case']}",
    )


_FORMAT_ORDER = {".png": 0, ".svg": 1, ".pdf": 2, ".csv": 3, ".md": 4, ".tex": 5}


def _artifact_view(artifact: dict[str, Any]) -> dict[str, Any]:
    files = sorted(artifact["files"], key=lambda f: (_FORMAT_ORDER.get(Path(f).suffix, 9), f))
    images = [f for f in files if f.endswith(".png")]
    return {
        **artifact,
        "skipped": artifact.get("skipped", ""),
        "image": images[0] if images else None,
        "links": [{"href": f, "label": Path(f).suffix.lstrip(".").upper()} for f in files],
    }


def _is_year(unit: str) -> bool:
    return unit.strip().lower() in {"year", "years", "fiscal year"}


def _shown(value: Any, unit: str) -> str:
    """A value as a reader expects it: grouped digits, no trailing zeros."""
    if isinstance(value, list):
        return ", ".join(_shown(v, unit) for v in value)
    if isinstance(value, float):
        return f"{value:,.4f}".rstrip("0").rstrip(".")
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value) if _is_year(unit) else f"{value:,}"
    return "" if value is None else str(value)

"""The report step: one manifest, one numbers file, one claims table, one page.

Merges the fragments the notebooks published (``reports/<case>/.build``) into
``manifest.json``, ``numbers.json`` + ``numbers.tex``, ``claims.csv``, the
verdict page ``index.html`` and the numbers page ``numbers.html``. Every file
is written atomically; none carries a build date.
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
from ecomcase.build import background
from ecomcase.build.params import document_citations, load_params
from ecomcase.config import NOTEBOOKS, NOTEBOOKS_DIR, PROJ_ROOT, case_paths
from ecomcase.errors import DataError, EcomcaseError
from ecomcase.fileio import atomic_write_text, sha256_file, write_json
from ecomcase.report import thesis
from ecomcase.report.claims import check_claims, load_claims, unknown_numbers
from ecomcase.report.display import (
    SHARE_DECIMALS,
    decimals_of,
    display_value,
    relative_gap,
    unit_kind,
    unit_shown,
)
from ecomcase.report.provenance import code_provenance
from ecomcase.report.sections import NotebookSections, notebook_sections
from ecomcase.tables import latex_escape
from ecomcase.templates import bytecode_cache

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
                    "basis": artifact_basis(artifact, paths.reports),
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
        "code": code_provenance(),
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


def format_number(entry: dict[str, Any]) -> str:
    value = entry["value"]
    if isinstance(value, bool) or value is None:
        return str(value)
    year = unit_kind(entry.get("unit", "")) == "year"
    if isinstance(value, int):
        return str(value) if year else f"{value:,}"
    if isinstance(value, float):
        # a year is never grouped (2017.75, not 2,017.75)
        return f"{value:{'' if year else ','}.{entry.get('decimals', 2)}f}"
    if isinstance(value, list):
        return ", ".join(format_number({**entry, "value": v}) for v in value)
    return str(value)


REPORT_FILES = ("claims.csv", "numbers.json", "numbers.tex")


def build_report(case: str) -> Path:
    """Write the case's manifest, numbers, claims and both pages; returns the index page."""
    params = load_params(case, check_sections=False)  # checked by the validation gate
    paths = case_paths(case)
    fragments = _fragments(case)
    numbers: dict[str, dict[str, Any]] = {}
    for fragment in fragments:
        numbers.update(fragment["numbers"])
    documents = document_citations(params)
    claims = load_claims(paths.raw / "claims.yaml", set(documents))
    unknown = unknown_numbers(claims, numbers, paths.raw / "claims.yaml")
    if unknown:
        raise DataError(unknown)
    write_json(paths.reports / "numbers.json", numbers)
    atomic_write_text(paths.reports / "numbers.tex", numbers_tex(numbers))  # the kit reads it
    manifest = build_manifest(case, fragments, list(documents))
    # the Word file is written by a child and figures.pdf by pdflatex while the claims
    # are checked and the pages rendered here
    writer = background.Writer(paths.build / "children" / "report")
    kit = thesis.start_kit(
        paths.reports,
        manifest["artifacts"],
        {d["id"]: d.get("short", d["id"]) for d in params["documents"]},
        params["company"],
        params["figure_width_cm"],
        int(thesis.FIXED_DATE.timestamp()),
        paths.build / "thesis-figures.aux",
        writer,
    )
    if kit.entry["note"]:
        print(f"[ecomcase] {case}: {kit.entry['note']}")
    manifest["thesis"] = kit.entry
    multiverse = next((f["multiverse"] for f in fragments if f.get("multiverse")), None)
    checked = check_claims(claims, numbers, multiverse, claim_evidence(paths.processed, fragments))
    atomic_write_text(
        paths.reports / "claims.csv", checked.to_csv(index=False, lineterminator="\n")
    )
    manifest["inputs_date"] = inputs_date(_input_files(case))
    sections = notebook_sections(paths.executed_notebooks, list(NOTEBOOKS))
    claim_numbers = {c["id"]: c["number"] for c in claims if c.get("number")}
    atomic_write_text(
        paths.reports / "numbers.html",
        render_numbers(params, manifest, numbers, checked, claim_numbers),
    )
    index = paths.reports / "index.html"
    atomic_write_text(
        index,
        render_index(
            params,
            manifest,
            numbers,
            checked,
            claims_file=(paths.raw / "claims.yaml").is_file(),
            sections=sections,
            claim_numbers=claim_numbers,
        ),
    )
    # the pages show no file digests: those wait for the PDF and the Word file
    kit.finish()
    writer.wait()
    outputs = [*REPORT_FILES, *kit.entry["files"]]
    manifest["outputs"] = {name: sha256_file(paths.reports / name) for name in outputs}
    write_json(paths.reports / "manifest.json", manifest)
    return index


#: Statuses in the order the page lists them (docs: DESIGN.md, Claims).
STATUS_ORDER = ("reproduced", "consistent", "differs", "inconsistent", "not_checkable")
#: Statuses a reader must look at; their claims are ranked by relative gap.
DISCREPANT = ("differs", "inconsistent")
TOP_DISCREPANCIES = 5
BASIS_LABELS = {
    "data": "rebuilt from data",
    "text": "redrawn from the document's text",
    "new": "new",
}
#: The table behind a framework diagram (strategy.frameworks.framework_table): the
#: figure is drawn from frameworks.yaml, a paraphrase of the document's text.
TEXT_TABLE_COLUMNS = ["group", "item", "locator", "detail"]
_SOURCE_REF = re.compile(r"\b(Figure|Table)\s+(\d+(?:\.\d+)*)")


def artifact_basis(artifact: dict[str, Any], reports: Path) -> str:
    """``new`` (reproduces nothing), ``text`` (a diagram of the document's text) or ``data``."""
    if artifact.get("basis"):
        return str(artifact["basis"])
    if not artifact.get("reproduces"):
        return "new"
    for rel in artifact.get("files", []):
        if rel.endswith(".csv") and (reports / rel).is_file():
            with open(reports / rel, encoding="utf-8") as handle:
                header = handle.readline().strip().split(",")
            if header == TEXT_TABLE_COLUMNS:
                return "text"
    return "data"


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("ecomcase.report", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        bytecode_cache=bytecode_cache(),
    )
    env.filters["status_label"] = lambda status: str(status).replace("_", " ")
    return env


def _plain_value(value: Any) -> Any:
    """numpy scalars as Python ones; missing as ``None``."""
    if hasattr(value, "item") and not isinstance(value, list | dict | str):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    return value


def _claim_rows(checked: pd.DataFrame) -> list[dict[str, Any]]:
    """The claims as dicts of plain values, whatever columns the table has."""
    rows = checked.astype(object).to_dict("records")
    return [{k: _plain_value(v) for k, v in row.items()} for row in rows]


def _status_order(statuses: list[str]) -> list[str]:
    known = [s for s in STATUS_ORDER if s in statuses or s in ("reproduced", "differs")]
    return known + sorted(set(statuses) - set(known))


_NUMBER_TEXT = re.compile(r"^-?\d+(\.\d+)?$")


def _written_number(value: Any) -> tuple[Any, int | None]:
    """claims.csv writes a number as text at the claim's precision ("376844",
    "0.0175"): that number and the decimals written; any other value as it is, None."""
    if isinstance(value, str) and _NUMBER_TEXT.match(value):
        decimals = len(value.partition(".")[2])
        return (float(value) if decimals else int(value)), decimals
    return value, None


def _claim_view(
    row: dict[str, Any],
    numbers: dict[str, dict[str, Any]],
    artifacts: list[dict[str, Any]],
    sections: NotebookSections,
    claim_numbers: dict[str, str],
) -> dict[str, Any]:
    unit = row.get("unit") or ""
    # numbers as numbers, so they are shown by their unit (grouped, %, currency) and
    # ranked by their gap; the reproduced one never with fewer decimals than written
    stated, _ = _written_number(row.get("stated"))
    reproduced, written = _written_number(row.get("reproduced"))
    numeric = isinstance(stated, int | float) and not isinstance(stated, bool)
    share = unit_kind(unit) == "share"
    places = decimals_of(stated, unit)
    if share:
        places = max(places, SHARE_DECIMALS)
    shown_places = places if written is None else max(places, written - 2 * share)
    key = row.get("number") or claim_numbers.get(str(row.get("id")))
    number = numbers.get(key) if key else None
    linked = _claim_artifacts(row, artifacts)
    section = None
    if key:
        section = sections.find(key, number.get("notebook") if number else None)
    for artifact in linked:
        section = section or sections.find(artifact["id"], artifact["notebook"])
    notebook = (number or {}).get("notebook") or next((a["notebook"] for a in linked), None)
    if section is not None:
        notebook_link = {"href": section.href, "label": f"{section.notebook[:2]} · {section.title}"}
    elif notebook in sections.notebooks:
        notebook_link = {"href": f"notebooks/{notebook}.html", "label": notebook}
    else:
        notebook_link = None
    gap = relative_gap(stated, reproduced)
    return {
        **row,
        "kind": row.get("kind") or "stated",
        "status": row.get("status") or "not_checkable",
        "note": row.get("note") or "",
        "stated_shown": display_value(stated, unit, at_least=places if numeric else None),
        "reproduced_shown": display_value(
            reproduced,
            unit,
            at_least=shown_places if numeric and isinstance(reproduced, float) else None,
        ),
        "unit_shown": unit_shown(unit),
        "gap": gap,
        "gap_shown": "" if gap is None else f"{gap:+.0%}",
        "number_key": key if number is not None else None,
        "artifacts": linked,
        "notebook_link": notebook_link,
    }


def _claim_artifacts(row: dict[str, Any], artifacts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Artifacts a claim is about: named in ``artifact``, by the source's figure or table
    number in its location, or by id in its quantity or note."""
    explicit = {a.strip() for a in str(row.get("artifact") or "").split(",") if a.strip()}
    refs = {
        f"{row.get('source')} {kind} {num}"
        for kind, num in _SOURCE_REF.findall(str(row.get("location") or ""))
    }
    text = f"{row.get('quantity') or ''} {row.get('note') or ''}"
    return [
        a
        for a in artifacts
        if a["id"] in explicit
        or (a.get("reproduces") in refs)
        # the substring test first: most ids are not in the text (186 claims x 40 ids)
        or (a["id"] in text and re.search(rf"(?<![\w]){re.escape(a['id'])}(?![\w])", text))
    ]


def _page_context(params: dict[str, Any], manifest: dict[str, Any]) -> dict[str, Any]:
    code = manifest.get("code") or {}
    return {
        "params": params,
        "manifest": manifest,
        "code": {
            "git_commit": code.get("git_commit"),
            "git_dirty": code.get("git_dirty"),
            "src_sha256": code.get("src_sha256"),
        },
        "make_command": f"make all CASE={params['case']}",
    }


def render_index(
    params: dict[str, Any],
    manifest: dict[str, Any],
    numbers: dict[str, dict[str, Any]],
    checked: pd.DataFrame,
    claims_file: bool = True,
    sections: NotebookSections | None = None,
    claim_numbers: dict[str, str] | None = None,
) -> str:
    """The reviewer's page: findings first, then claims, figures, tables, notebooks."""
    sections = sections or NotebookSections()
    artifacts = [_artifact_view(a) for a in manifest["artifacts"]]
    shown = [a for a in artifacts if not a["skipped"] and a["files"]]
    rows = [
        _claim_view(row, numbers, shown, sections, claim_numbers or {})
        for row in _claim_rows(checked)
    ]
    stated = [r for r in rows if r["kind"] == "stated"]
    statuses = _status_order([r["status"] for r in rows])
    groups = []
    for doc in params["documents"]:
        claims = [r for r in rows if r.get("source") == doc["id"]]
        if not claims:
            continue
        doc_stated = [r for r in claims if r["kind"] == "stated"]
        groups.append(
            {
                "document": doc,
                "claims": doc_stated,
                "stated": len(doc_stated),
                "checks": len(claims) - len(doc_stated),
                "counts": {s: sum(r["status"] == s for r in doc_stated) for s in statuses},
            }
        )
    discrepancies = sorted(
        (r for r in stated if r["status"] in DISCREPANT and r["gap"] is not None),
        key=lambda r: (-abs(r["gap"]), str(r["id"])),
    )[:TOP_DISCREPANCIES]
    for artifact in shown:
        artifact["claims"] = [r["id"] for r in rows if artifact in r["artifacts"]]
    return (
        _environment()
        .get_template("index.html.j2")
        .render(
            **_page_context(params, manifest),
            groups=groups,
            checks=[r for r in rows if r["kind"] != "stated"],
            statuses=statuses,
            claims_file=claims_file,
            counts={s: sum(r["status"] == s for r in stated) for s in statuses},
            total_claims=len(rows),
            total_stated=len(stated),
            discrepancies=discrepancies,
            artifacts=[a for a in shown if a["image"]],
            tables=[a for a in shown if not a["image"]],
            skipped=[a for a in artifacts if a["skipped"] or not a["files"]],
            numbers_count=len(numbers),
            numbers=numbers,
            notebooks=[
                {
                    "name": nb,
                    "artifacts": sum(a["notebook"] == nb for a in artifacts),
                    "sections": [s for s in sections.sections if s.notebook == nb and s.level >= 2],
                    "executed": nb in sections.notebooks,
                }
                for nb in NOTEBOOKS
            ],
            basis_labels=BASIS_LABELS,
        )
    )


def render_numbers(
    params: dict[str, Any],
    manifest: dict[str, Any],
    numbers: dict[str, dict[str, Any]],
    checked: pd.DataFrame | None = None,
    claim_numbers: dict[str, str] | None = None,
) -> str:
    """Every computed number, grouped by notebook, formatted by unit, with a text filter."""
    used_by: dict[str, list[str]] = {}
    rows = _claim_rows(checked) if checked is not None else []
    for row in rows:
        key = row.get("number") or (claim_numbers or {}).get(str(row.get("id")))
        if key:
            used_by.setdefault(key, []).append(str(row["id"]))
    notebooks = list(NOTEBOOKS) + sorted(
        {str(n.get("notebook") or "") for n in numbers.values()} - set(NOTEBOOKS)
    )
    groups = []
    for nb in notebooks:
        entries = [
            {
                "key": key,
                "shown": display_value(
                    entry.get("value"), entry.get("unit"), entry.get("decimals")
                ),
                "unit": unit_shown(entry.get("unit")),
                "description": entry.get("description") or "",
                "claims": used_by.get(key, []),
            }
            for key, entry in sorted(numbers.items())
            if str(entry.get("notebook") or "") == nb
        ]
        if entries:
            groups.append({"notebook": nb or "(no notebook)", "numbers": entries})
    return (
        _environment()
        .get_template("numbers.html.j2")
        .render(**_page_context(params, manifest), groups=groups, total=len(numbers))
    )


_FORMAT_ORDER = {".png": 0, ".svg": 1, ".pdf": 2, ".csv": 3, ".md": 4, ".tex": 5}


def _artifact_view(artifact: dict[str, Any]) -> dict[str, Any]:
    files = sorted(artifact["files"], key=lambda f: (_FORMAT_ORDER.get(Path(f).suffix, 9), f))
    images = [f for f in files if f.endswith(".png")]
    basis = artifact.get("basis") or ("data" if artifact.get("reproduces") else "new")
    return {
        **artifact,
        "skipped": artifact.get("skipped", ""),
        "basis": basis,
        "image": images[0] if images else None,
        "links": [{"href": f, "label": Path(f).suffix.lstrip(".").upper()} for f in files],
    }

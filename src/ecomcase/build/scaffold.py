"""``make new-company NAME=<case>``: a new case's params and raw-data files.

The scaffold is the smallest case the pipeline accepts in form: every file the
notebooks read, with its columns (CSV headers), its schema (``datapackage.json``,
also rendered as the folder's ``README.md``) and ``TODO`` wherever a value is
still to be written. ``make validate CASE=<case>`` then lists exactly what is
left to fill in. Nothing is written when the name is not a plain identifier or
the case already exists.
"""

from __future__ import annotations

import json
import shutil
import string
import tempfile
from importlib import resources
from pathlib import Path
from typing import Any

from ecomcase.config import PARAMS_DIR, RAW_DATA_DIR, case_paths
from ecomcase.errors import CaseError
from ecomcase.fileio import atomic_write_text

#: Files copied with ``$case`` and ``$company`` filled in.
TEMPLATES = ("frameworks.yaml", "claims.yaml")


def _template(name: str) -> str:
    return resources.files("ecomcase.build").joinpath("scaffold", name).read_text(encoding="utf-8")


def _fill(text: str, case: str) -> str:
    return string.Template(text).safe_substitute(case=case, company=f"TODO {case} company")


def scaffold_package(case: str) -> dict[str, Any]:
    """The scaffold's ``datapackage.json`` for ``case``."""
    return json.loads(_fill(_template("datapackage.json"), case))


def readme(package: dict[str, Any], case: str) -> str:
    """The raw-data folder's README: every file, its columns, types and allowed values."""
    lines = [
        f"# Raw data of the `{case}` case",
        "",
        "Every file the pipeline reads. `datapackage.json` is the schema the data is",
        f"validated against (`make validate CASE={case}`); this page shows the same.",
        "A CSV row is one record; every record names its source. Leave optional",
        "tables with their header only when the case has no such data.",
        "",
    ]
    for resource in package["resources"]:
        lines += [f"## `{resource['path']}`: {resource['title']}", "", resource["description"], ""]
        schema = resource.get("schema")
        if not schema:
            lines += ["(YAML; the comments at the top of the file describe it.)", ""]
            continue
        lines += [
            "| column | type | required | allowed values | meaning |",
            "|---|---|---|---|---|",
        ]
        for field in schema["fields"]:
            constraints = field.get("constraints", {})
            allowed = _allowed(constraints)
            required = "yes" if constraints.get("required") else ""
            lines.append(
                f"| `{field['name']}` | {field['type']} | {required} | {allowed} "
                f"| {field.get('description', '')} |"
            )
        lines.append("")
    return "\n".join(lines)


def _allowed(constraints: dict[str, Any]) -> str:
    if "enum" in constraints:
        return ", ".join(f"`{v}`" for v in constraints["enum"])
    parts = []
    if "minimum" in constraints:
        parts.append(f">= {constraints['minimum']}")
    if "maximum" in constraints:
        parts.append(f"<= {constraints['maximum']}")
    if "pattern" in constraints:
        parts.append(f"pattern `{constraints['pattern']}`")
    return ", ".join(parts)


def new_case(name: str) -> list[Path]:
    """Write ``params/<name>.yaml`` and ``data/raw/<name>/``; returns the files written."""
    if not name:
        raise CaseError("give the new case a name: make new-company NAME=<case>")
    paths = case_paths(name)
    taken = [p for p in (paths.params_file, paths.raw) if p.exists()]
    if taken:
        raise CaseError(
            f"case '{name}' already exists ({', '.join(str(p) for p in taken)}); "
            "choose another name or edit the existing files"
        )
    package = scaffold_package(name)
    RAW_DATA_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=RAW_DATA_DIR, prefix=f".{name}.") as tmp:
        folder = Path(tmp) / name
        folder.mkdir()
        for resource in package["resources"]:
            schema = resource.get("schema")
            if schema:
                header = ",".join(f["name"] for f in schema["fields"])
                atomic_write_text(folder / resource["path"], header + "\n")
        for template in TEMPLATES:
            atomic_write_text(folder / template, _fill(_template(template), name))
        atomic_write_text(
            folder / "datapackage.json", json.dumps(package, indent=2, ensure_ascii=False) + "\n"
        )
        atomic_write_text(folder / "README.md", readme(package, name))
        shutil.move(str(folder), paths.raw)
    PARAMS_DIR.mkdir(parents=True, exist_ok=True)
    atomic_write_text(paths.params_file, _fill(_template("params.yaml"), name))
    return [paths.params_file, *sorted(paths.raw.iterdir())]

"""Which code built a report: the git commit, uncommitted changes, a hash of ``src/``.

Recorded in ``manifest.json`` under ``code`` and shown on the page. A build
outside a git work tree (a copy for ``make verify``, an unpacked archive, no
git installed) records ``null`` for the git fields instead of failing.
"""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path
from typing import Any

import ecomcase
from ecomcase.config import PROJ_ROOT

#: Source files whose content is the code: modules, page templates, scaffold files.
SOURCE_SUFFIXES = (".py", ".j2", ".yaml", ".yml", ".json", ".css", ".js", ".tpl")
#: Generated files that may sit in the work tree without making it "changed".
GENERATED_DIRS = ("reports/", "data/processed/")


def source_files(package_dir: Path) -> list[Path]:
    """The package's source files, sorted by path, without caches."""
    return sorted(
        p
        for p in package_dir.rglob("*")
        if p.is_file()
        and p.suffix in SOURCE_SUFFIXES
        and "__pycache__" not in p.parts
        and not any(part.endswith(".egg-info") for part in p.parts)
    )


def source_sha256(package_dir: Path | None = None) -> str:
    """SHA-256 over the sorted relative paths and contents of the package's sources.

    Stable across machines and checkouts: paths are relative to ``src/`` and
    use ``/``; each path and content is length-prefixed so no two trees collide.
    """
    package_dir = (package_dir or Path(ecomcase.__file__).parent).resolve()
    digest = hashlib.sha256()
    for path in source_files(package_dir):
        rel = path.relative_to(package_dir.parent).as_posix().encode("utf-8")
        content = path.read_bytes()
        for part in (rel, content):
            digest.update(len(part).to_bytes(8, "big"))
            digest.update(part)
    return digest.hexdigest()


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def git_state(root: Path = PROJ_ROOT) -> dict[str, Any]:
    """``git_commit`` and ``git_dirty`` of the work tree at ``root`` (``None`` when not one).

    Only a work tree whose top level is ``root`` counts (a project copy inside
    some other repository is not that repository's code). Untracked files under
    ``reports/`` and ``data/processed/`` are outputs, not changes.
    """
    none = {"git_commit": None, "git_dirty": None}
    top = _git(root, "rev-parse", "--show-toplevel")
    if top is None or Path(top.strip()).resolve() != root.resolve():
        return none
    commit = _git(root, "rev-parse", "HEAD")
    status = _git(root, "status", "--porcelain", "--untracked-files=all")
    if commit is None or status is None:
        return none
    changes = [
        line
        for line in status.splitlines()
        if line.strip()
        and not (line.startswith("?? ") and line[3:].strip('"').startswith(GENERATED_DIRS))
    ]
    return {"git_commit": commit.strip(), "git_dirty": bool(changes)}


def code_provenance(root: Path = PROJ_ROOT) -> dict[str, Any]:
    """What ``manifest.json`` records under ``code``."""
    return {**git_state(root), "src_sha256": source_sha256()}

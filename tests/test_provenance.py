"""The code behind a report: git commit, uncommitted changes, a hash of src/."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

import ecomcase
from ecomcase.report.provenance import git_state, source_sha256

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")


def _git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=root, check=True, capture_output=True, text=True,
    ).stdout.strip()


@needs_git
def test_git_state_names_the_commit_and_only_real_changes(tmp_path):
    root = tmp_path / "project"
    (root / "src").mkdir(parents=True)
    (root / "src" / "a.py").write_text("x = 1\n")
    _git(root, "init", "-q")
    _git(root, "add", ".")
    _git(root, "commit", "-qm", "first")
    head = _git(root, "rev-parse", "HEAD")
    assert git_state(root) == {"git_commit": head, "git_dirty": False}
    # outputs of a build are not changes
    (root / "reports" / "demo").mkdir(parents=True)
    (root / "reports" / "demo" / "index.html").write_text("page")
    (root / "data" / "processed" / "demo").mkdir(parents=True)
    (root / "data" / "processed" / "demo" / "events.csv").write_text("a\n")
    assert git_state(root)["git_dirty"] is False
    (root / "src" / "a.py").write_text("x = 2\n")
    assert git_state(root) == {"git_commit": head, "git_dirty": True}
    _git(root, "checkout", "-q", "--", "src/a.py")
    (root / "notes.txt").write_text("untracked, outside the outputs")
    assert git_state(root)["git_dirty"] is True


@needs_git
def test_no_repository_or_a_copy_inside_another_one_records_null(tmp_path):
    assert git_state(tmp_path) == {"git_commit": None, "git_dirty": None}
    _git(tmp_path, "init", "-q")
    nested = tmp_path / "copy"
    nested.mkdir()
    assert git_state(nested) == {"git_commit": None, "git_dirty": None}


def test_source_hash_is_stable_and_ignores_caches(tmp_path):
    package = Path(ecomcase.__file__).parent
    copy = tmp_path / "src" / "ecomcase"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert source_sha256(copy) == source_sha256(package)
    (copy / "__pycache__").mkdir(exist_ok=True)
    (copy / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"\0cache")
    assert source_sha256(copy) == source_sha256(package)
    template = next(copy.rglob("*.j2"))
    template.write_text(template.read_text() + " ")
    assert source_sha256(copy) != source_sha256(package)

"""Rebuild a case in a temporary project and compare it with its manifest.

``make verify CASE=<case>`` answers a reviewer's question: do the same inputs
give the same files? The case is rebuilt from scratch in a throw-away copy of
the project (sharing ``src/`` and the venv), and every figure, table, number
and claim is compared, by SHA-256, with ``reports/<case>/manifest.json``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ecomcase.config import LAYOUT_CHECK_ENV, NO_CACHE_ENV, PROJ_ROOT, case_paths
from ecomcase.errors import EcomcaseError

#: What a project copy needs besides the case's own files.
PROJECT_FILES = ("Makefile", "requirements.lock", "pyproject.toml")


def project_copy(dest: Path, cases: list[str] | None = None, root: Path = PROJ_ROOT) -> Path:
    """A project root at ``dest`` with its own inputs, sharing ``src/`` and ``.venv``.

    ``cases`` limits the copied params and raw data to those cases (all by default).
    """
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(root / "notebooks", dest / "notebooks")
    if cases is None:
        shutil.copytree(root / "params", dest / "params")
        shutil.copytree(root / "data" / "raw", dest / "data" / "raw")
    else:
        (dest / "params").mkdir()
        for case in cases:
            shutil.copy2(root / "params" / f"{case}.yaml", dest / "params" / f"{case}.yaml")
            shutil.copytree(root / "data" / "raw" / case, dest / "data" / "raw" / case)
    for name in PROJECT_FILES:
        shutil.copy2(root / name, dest / name)
        # make must not see the venv as older than the copied lock
        os.utime(dest / name, (0, 0))
    (dest / "src").symlink_to(root / "src")
    (dest / ".venv").symlink_to(root / ".venv")
    return dest


#: Variables of a calling make; a separate make run must not inherit its jobserver.
MAKE_VARIABLES = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")


def make_env(project: Path) -> dict[str, str]:
    """The environment of a separate ``make`` run in ``project``."""
    env = {k: v for k, v in os.environ.items() if k not in MAKE_VARIABLES}
    return {**env, "ECOMCASE_ROOT": str(project)}


def run_make(
    project: Path, *targets: str, capture: bool = True, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """``make TARGETS`` in ``project``, with the package pointed at it (and ``env`` added)."""
    env = {**make_env(project), **(env or {})}
    return subprocess.run(
        ["make", "--no-print-directory", *targets],
        cwd=project,
        env=env,
        capture_output=capture,
        text=True,
    )


def output_hashes(manifest: dict) -> dict[str, str]:
    """Every output file the manifest hashes, by path under ``reports/<case>/``."""
    hashes = dict(manifest.get("outputs", {}))
    for artifact in manifest["artifacts"]:
        hashes.update(artifact["sha256"])
    return hashes


@dataclass
class Comparison:
    """Files of a rebuild compared with a manifest."""

    same: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    inputs_changed: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.changed or self.missing or self.extra)


def compare(recorded: dict, rebuilt: dict) -> Comparison:
    before, after = output_hashes(recorded), output_hashes(rebuilt)
    result = Comparison()
    for path in sorted(before):
        if path not in after:
            result.missing.append(path)
        elif after[path] == before[path]:
            result.same.append(path)
        else:
            result.changed.append(path)
    result.extra = sorted(set(after) - set(before))
    old_inputs, new_inputs = recorded.get("inputs", {}), rebuilt.get("inputs", {})
    result.inputs_changed = sorted(
        p for p in set(old_inputs) | set(new_inputs) if old_inputs.get(p) != new_inputs.get(p)
    )
    return result


def verify(case: str) -> Comparison:
    """Rebuild ``case`` from scratch in a temporary project, with the build's speed-up
    memos off (``ECOMCASE_NO_CACHE``) and each figure's quick layout checked against the
    drawn one (``ECOMCASE_CHECK_LAYOUT``); compare with its manifest."""
    manifest_path = case_paths(case).reports / "manifest.json"
    if not manifest_path.is_file():
        raise EcomcaseError(
            f"{manifest_path} does not exist: build the case first (make all CASE={case})"
        )
    recorded = json.loads(manifest_path.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory(prefix=f"ecomcase-verify-{case}-") as tmp:
        project = project_copy(Path(tmp) / "project", [case])
        done = run_make(
            project,
            "all",
            f"CASE={case}",
            capture=False,
            env={NO_CACHE_ENV: "1", LAYOUT_CHECK_ENV: "1"},
        )
        if done.returncode != 0:
            raise EcomcaseError(f"the rebuild of {case} in {project} failed (see above)")
        rebuilt_path = project / "reports" / case / "manifest.json"
        rebuilt = json.loads(rebuilt_path.read_text(encoding="utf-8"))
    return compare(recorded, rebuilt)

"""Shared fixtures: a throw-away copy of the project to break or build in."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def make_project_copy(dest: Path) -> Path:
    """A project root in ``dest`` sharing the venv and sources, with its own inputs."""
    from ecomcase.build.verify import project_copy

    return project_copy(dest, root=ROOT)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project_copy(tmp_path / "project")


def run_cli(root: Path, *args: str) -> subprocess.CompletedProcess:
    """``python -m ecomcase ARGS`` with the project root at ``root``."""
    env = {**os.environ, "ECOMCASE_ROOT": str(root)}
    return subprocess.run(
        [sys.executable, "-m", "ecomcase", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def run_make(root: Path, *args: str) -> subprocess.CompletedProcess:
    """``make ARGS`` in ``root`` as a person would run it (not as a sub-make of ``make test``)."""
    from ecomcase.build.verify import make_env

    env = make_env(root)
    return subprocess.run(
        ["make", *args], cwd=root, env=env, capture_output=True, text=True, timeout=900
    )


@pytest.fixture(autouse=True)
def _close_figures():
    """Each test starts and ends with no open matplotlib figures."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")

"""`make lab` starts JupyterLab, as root too (most containers and CI run as root)."""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import time

import pytest

from conftest import make_project_copy


@pytest.mark.skipif(os.geteuid() != 0, reason="the root case needs root")
def test_make_lab_starts_as_root_with_a_note(tmp_path):
    from ecomcase.build.verify import make_env

    project = make_project_copy(tmp_path / "project")
    process = subprocess.Popen(
        ["make", "lab", "LAB_ARGS=--no-browser --port=0 --ServerApp.token=ci-check"],
        cwd=project,
        env=make_env(project),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    output = []
    try:
        selector = selectors.DefaultSelector()
        selector.register(process.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            if not selector.select(timeout=1):
                continue
            line = process.stdout.readline()
            output.append(line)
            if "is running at" in line or "http://127.0.0.1:" in line:
                break
        text = "".join(output)
        assert process.poll() is None, text
        assert "Running as root is not recommended" not in text
        assert "--allow-root" in text  # the note says how it started
        assert "is running at" in text or "http://127.0.0.1:" in text, text
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

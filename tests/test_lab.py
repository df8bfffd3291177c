"""`make lab` starts JupyterLab, as root too (most containers and CI run as root), and a
notebook runs there through the UI, as a reader would run it, without an error."""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import subprocess
import time
from pathlib import Path

import pytest

from conftest import make_project_copy

#: The address a started server prints; its port is the one it listens on.
_SERVING = re.compile(r"http://127\.0\.0\.1:(\d+)/")


def start_lab(
    project: Path, log: Path, *variables: str, env: dict[str, str] | None = None
) -> tuple[subprocess.Popen, int | None]:
    """``make lab VARIABLES`` in ``project`` as a person would start it, its output in
    ``log``. Returns the process (the leader of its own process group: make, JupyterLab
    and its kernels) and the port it serves on, or None when it stopped or printed no
    address within two minutes."""
    from ecomcase.build.verify import make_env

    with log.open("w") as sink:  # a file, not a pipe: nobody has to keep reading it
        process = subprocess.Popen(
            ["make", "lab", *variables],
            cwd=project,
            env=env or make_env(project),
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        serving = _SERVING.search(log.read_text(errors="replace"))
        if serving:
            return process, int(serving.group(1))
        time.sleep(0.2)
    return process, None


def stop_lab(process: subprocess.Popen) -> None:
    """SIGTERM to JupyterLab and its kernels (it shuts the kernels down); SIGKILL after 20 s."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:  # stopped by itself; the assertion says why
        process.wait()
        return
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


#: JupyterLab settings for a run nobody watches: no prompt about Jupyter news, no
#: update check, every cell attached to the page (so each one's prompt and outputs
#: can be read, whatever the default windowing becomes).
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
}


def lab_env(project: Path, home: Path) -> dict[str, str]:
    """The environment of ``make lab`` with every Jupyter, IPython and Matplotlib file
    (settings, workspaces, runtime, history, caches) under ``home``."""
    from ecomcase.build.verify import make_env

    for name, settings in LAB_SETTINGS.items():
        path = home / ".jupyter/lab/user-settings" / f"{name}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(settings), encoding="utf-8")
    own_dirs = ("JUPYTER", "IPYTHONDIR", "MPLCONFIGDIR", "XDG_")
    env = {k: v for k, v in make_env(project).items() if not k.startswith(own_dirs)}
    return {**env, "HOME": str(home)}


@pytest.mark.skipif(os.geteuid() != 0, reason="the root case needs root")
def test_make_lab_starts_as_root_with_a_note(tmp_path):
    project = make_project_copy(tmp_path / "project")
    log = tmp_path / "lab.log"
    env = lab_env(project, tmp_path / "home")
    lab_args = "LAB_ARGS=--no-browser --port=0 --ServerApp.token=ci-check"
    process, port = start_lab(project, log, lab_args, env=env)
    try:
        text = log.read_text(errors="replace")
        assert process.poll() is None, text
        assert "Running as root is not recommended" not in text
        assert "--allow-root" in text  # the note says how it started
        assert port is not None, text
    finally:
        stop_lab(process)


#: The notebook's kernel has started and is idle (the indicator reads "idle" before a
#: kernel is attached too, so the toolbar must name one).
KERNEL_IDLE = """() => {
    const name = document.querySelector('.jp-NotebookPanel-toolbar [data-jp-item-name="kernelName"]');
    const status = document.querySelector('.jp-Notebook-ExecutionIndicator');
    return !!name && !!status && name.textContent.trim() !== 'No Kernel'
        && status.dataset.status === 'idle';
}"""

#: The output type of an error and of a stream written to stderr (JupyterLab marks both alike).
STDERR = "application/vnd.jupyter.stderr"

#: Every code cell's prompt and outputs, in order.
CELLS = """() => Array.from(document.querySelectorAll('.jp-Notebook .jp-CodeCell')).map(cell => ({
    prompt: cell.querySelector('.jp-InputPrompt').textContent.trim(),
    outputs: Array.from(cell.querySelectorAll('.jp-OutputArea-output')).map(out => ({
        mime: out.dataset.mimeType || '', text: out.textContent })),
}))"""

#: A prompt with an execution count ("[3]:"), not "[ ]:" or "[*]:".
_COUNT = re.compile(r"\[\d+\]")
#: An exception as the kernel shows it: IPython's traceback, or its last line ("KeyError: ...").
_RAISED = re.compile(r"Traceback \(most recent call last\)|^\w*(Error|Exception|Interrupt|Exit)\b", re.M)


def run_all_cells(page, timeout: float = 180) -> list[dict]:
    """Run > Run All Cells from the menu bar; the code cells once the kernel is idle and
    no cell waits ("[*]"), with every cell executed or one failed (JupyterLab then leaves
    the cells after it unrun). Raises TimeoutError with the prompts after ``timeout`` s."""
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    deadline = time.monotonic() + timeout
    while True:
        cells = page.evaluate(CELLS)
        waiting = not cells or any("*" in c["prompt"] for c in cells)
        done = all(_COUNT.search(c["prompt"]) for c in cells)
        failed = any(o["mime"] == STDERR for c in cells for o in c["outputs"])
        if not waiting and (done or failed) and page.evaluate(KERNEL_IDLE):
            return cells
        if time.monotonic() > deadline:
            prompts = " ".join(c["prompt"] for c in cells)
            raise TimeoutError(f"Run All not finished after {timeout:.0f} s: {prompts}")
        page.wait_for_timeout(250)


def error_outputs(cells: list[dict]) -> list[str]:
    """Each error a cell shows: ``code cell N ([n]:): <its last line>``, then its text."""
    found = []
    for number, cell in enumerate(cells, start=1):
        for output in cell["outputs"]:
            text = output["text"]
            if output["mime"] == STDERR and _RAISED.search(text):
                last = text.strip().splitlines()[-1]
                found.append(f"code cell {number} ({cell['prompt']}): {last}\n{text[-2000:]}")
    return found


@pytest.mark.notebook
def test_notebook_01_runs_in_jupyterlab_through_the_ui_without_an_error(tmp_path):
    from ecomcase.errors import EcomcaseError
    from ecomcase.report.browser import CHROMIUM_ARGS, find_chromium

    try:
        chromium = find_chromium()
    except EcomcaseError as exc:
        pytest.skip(str(exc))
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    project = make_project_copy(tmp_path / "project")
    home = tmp_path / "home"
    env = lab_env(project, home)
    log, screenshot = tmp_path / "lab.log", tmp_path / "lab.png"
    token = secrets.token_hex(16)
    lab_args = (
        f"--no-browser --ip=127.0.0.1 --port=0 --ServerApp.token={token} "
        "--LabApp.news_url=None --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"
    )
    process, port = start_lab(project, log, "CASE=alibaba", f"LAB_ARGS={lab_args}", env=env)
    try:
        assert port is not None, log.read_text(errors="replace")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=chromium, args=CHROMIUM_ARGS, env={**os.environ, "HOME": str(home)}
            )
            page = browser.new_page(viewport={"width": 1280, "height": 1600})
            page.set_default_timeout(90_000)  # a busy two-core machine loads the app slowly
            try:
                page.goto(f"http://127.0.0.1:{port}/lab/tree/01_data_cleaning.ipynb?token={token}")
                page.wait_for_function(KERNEL_IDLE)
                cells = run_all_cells(page)
            except (PlaywrightError, TimeoutError) as exc:
                page.screenshot(path=str(screenshot))
                pytest.fail(
                    f"{exc}\nscreenshot: {screenshot}\n"
                    f"server log (end):\n{log.read_text(errors='replace')[-3000:]}"
                )
            page.screenshot(path=str(screenshot))
            browser.close()
    finally:
        stop_lab(process)

    errors = error_outputs(cells)
    assert not errors, "\n\n".join(errors) + f"\nscreenshot: {screenshot}"
    unrun = [f"{n} ({c['prompt']})" for n, c in enumerate(cells, start=1) if not _COUNT.search(c["prompt"])]
    assert not unrun, f"code cells not executed: {', '.join(unrun)}; screenshot: {screenshot}"
    assert any(c["outputs"] for c in cells), f"no cell shows an output; screenshot: {screenshot}"
    # the notebook found its case through make lab's ECOMCASE_CASE and wrote into the copy
    assert (project / "data/processed/alibaba/events.csv").is_file()

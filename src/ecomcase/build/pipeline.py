"""Running the notebooks: papermill in the venv's kernel, HTML by nbconvert.

Make calls these through ``python -m ecomcase``; tests call them directly.
"""

from __future__ import annotations

import shutil
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ecomcase.build import kernel as kernels
from ecomcase.build import timings
from ecomcase.build.params import load_params, notebook_parameters
from ecomcase.config import NOTEBOOKS, NOTEBOOKS_DIR, case_paths
from ecomcase.errors import NotebookError
from ecomcase.fileio import atomic_write_text, dumps_json, write_if_changed


def split_params(case: str) -> list[str]:
    """Validate the case's params and write one parameter file per notebook.

    A notebook's file holds the params it depends on (the shared keys and its
    own section); it is rewritten only when that content changes, so make
    reruns exactly the notebooks whose parameters changed. Returns the
    notebooks whose file was written.
    """
    # the notebook sections against the notebooks' parameters: the validation gate's job
    params = load_params(case, check_sections=False)
    paths = case_paths(case)
    shared = {k: v for k, v in params.items() if k != "notebooks"}
    changed = []
    for notebook in NOTEBOOKS:
        content = {"shared": shared, "notebook": notebook_parameters(params, notebook)}
        if write_if_changed(paths.notebook_params(notebook), dumps_json(content)):
            changed.append(notebook)
    return changed


def run_notebook(case: str, notebook: str, kernel: Any = None) -> Path:
    """Execute ``notebooks/<notebook>.ipynb`` for ``case`` in ``kernel`` (from
    :func:`kernel.start`; started here when None, and stopped here in any case);
    returns the executed copy.

    On a failing cell, raises :class:`NotebookError` naming the notebook, the
    cell and the error; the partly executed notebook is kept as
    ``<notebook>.failed.ipynb`` and earlier outputs stay as they were.
    """
    stopping: threading.Thread | None = None

    def stop() -> None:
        """Stop the kernel at once, in a thread (jupyter_client takes a tenth of a second
        to see it gone): every output is written (atomically) by the last cell."""
        nonlocal stopping
        if kernel is not None and stopping is None:
            stopping = threading.Thread(target=kernel.shutdown_kernel, kwargs={"now": True})
            stopping.start()

    try:
        kernels.check_notebook(notebook)
        # the kernel boots (about a second) while this process imports papermill
        kernel = kernel or kernels.start()
        return _run_in(kernel, case, notebook, stop)
    finally:
        stop()
        if stopping is not None:
            stopping.join()


def _run_in(kernel: Any, case: str, notebook: str, stop: Any) -> Path:
    import papermill
    from papermill.exceptions import PapermillExecutionError

    params = load_params(case, check_sections=False)
    paths = case_paths(case)
    source = NOTEBOOKS_DIR / f"{notebook}.ipynb"
    running = paths.build / "run" / f"{notebook}.ipynb"
    running.parent.mkdir(parents=True, exist_ok=True)
    final = paths.executed_notebooks / f"{notebook}.ipynb"
    failed = paths.executed_notebooks / f"{notebook}.failed.ipynb"
    final.parent.mkdir(parents=True, exist_ok=True)
    watch = timings.Stopwatch()
    # nbconvert loads while the kernel runs the cells (this process only waits for them)
    pool = ThreadPoolExecutor(max_workers=1)
    exporter = pool.submit(html_exporter)
    pool.shutdown(wait=False)
    try:
        with watch.part("papermill"):
            executed = papermill.execute_notebook(
                str(source),
                str(running),
                parameters=notebook_parameters(params, notebook),
                kernel_name=kernels.KERNEL,
                cwd=str(NOTEBOOKS_DIR),
                progress_bar=False,
                # written once at the end (or on a failing cell), not after every cell
                request_save_on_cell_execute=False,
                km=kernel,  # started by kernel.start, with its arguments
            )
    except PapermillExecutionError as exc:
        shutil.move(str(running), failed)
        evalue = str(exc.evalue).strip()
        raise NotebookError(
            f"notebook {notebook} (case {case}) failed in cell {exc.cell_index} "
            f"[execution count {exc.exec_count}]: {exc.ename}: {evalue}\n"
            f"  the partly executed notebook is kept at {failed}\n"
            f"  earlier outputs of this notebook were left unchanged"
        ) from None
    stop()  # while the HTML is written
    with watch.part("html"):
        atomic_write_text(final.with_suffix(".html"), notebook_html(running, exporter.result()))
    running.replace(final)
    failed.unlink(missing_ok=True)
    cells = timings.cell_seconds(executed)
    # papermill's time less its cells': the kernel's start and shutdown, reading and writing
    watch.parts["kernel_start"] = watch.parts["papermill"] - sum(s for _, s in cells)
    watch.write(case, f"run-{notebook}", cells=cells)
    return final


def notebook_html(path: Path, exporter: Any = None) -> str:
    """The executed notebook as a self-contained HTML page that reads as a paper:
    code folded behind "Show code" (template ``report/templates/folded``), no
    In/Out prompts, and only the parameters the run used (papermill's injected
    cell; the notebook's defaults cell is left out). The ``.ipynb`` keeps all.
    ``exporter``: one from :func:`html_exporter` (made here when None)."""
    body, _ = (exporter or html_exporter()).from_filename(str(path))
    return body


def html_exporter() -> Any:
    """The nbconvert exporter of :func:`notebook_html`, warmed up: a two-cell notebook
    converted once loads its templates (compiled ones kept, :mod:`ecomcase.templates`),
    markdown renderer and code highlighter."""
    import nbformat
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    from ecomcase.templates import bytecode_cache

    class Exporter(HTMLExporter):
        def _create_environment(self) -> Any:
            environment = super()._create_environment()
            environment.bytecode_cache = bytecode_cache()
            return environment

    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = {"parameters"}
    config.TemplateExporter.exclude_input_prompt = True
    config.TemplateExporter.exclude_output_prompt = True
    exporter = Exporter(
        config=config,
        template_name="folded",
        extra_template_basedirs=[str(Path(__file__).parents[1] / "report" / "templates")],
    )
    v4 = nbformat.v4
    exporter.from_notebook_node(
        v4.new_notebook(cells=[v4.new_markdown_cell("# *A* heading"), v4.new_code_cell("x = 1")])
    )
    return exporter


def progress(message: str) -> None:
    print(f"[ecomcase] {message}", file=sys.stderr, flush=True)

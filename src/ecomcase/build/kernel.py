"""The kernel a notebook runs in, started before anything else of the run step.

``python -m ecomcase run`` starts it first: the kernel boots (about half a second)
while the run step imports papermill and the package. This module imports nothing
heavy for that reason.
"""

from __future__ import annotations

import os
from typing import Any

from ecomcase.config import NOTEBOOKS, NOTEBOOKS_DIR
from ecomcase.errors import NotebookError

KERNEL = "python3"
#: Quiet the kernel process's own log. A build needs nothing from it: a cell's error
#: comes back through papermill (cell, name, value), a dead kernel as papermill's
#: error. What it did print was noise: notices about its local TCP transport at
#: start, and "KeyboardInterrupt caught in kernel" at the end of a good run, when the
#: interrupt jupyter_client sends every kernel before shutting it down lands while
#: the kernel is still finishing its last reply.
KERNEL_ARGS = ["--IPKernelApp.log_level=CRITICAL"]


def check_notebook(notebook: str) -> None:
    """Raise :class:`NotebookError` unless ``notebook`` is one of the package's."""
    if notebook not in NOTEBOOKS:
        raise NotebookError(
            f"unknown notebook '{notebook}' (expected one of: {', '.join(NOTEBOOKS)})"
        )


def start() -> Any:
    """A started kernel (a jupyter_client ``KernelManager``) in the notebooks' folder:
    the environment's Python running :mod:`ecomcase.build.batch_kernel`."""
    from jupyter_client.manager import KernelManager

    from ecomcase.build import batch_kernel
    from ecomcase.build.background import BATCH_ENV

    class BatchKernelManager(KernelManager):
        def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
            # the kernel spec's command, with ipykernel's launcher module replaced
            cmd = super().format_kernel_cmd(extra_arguments)
            return [batch_kernel.__name__ if part == "ipykernel_launcher" else part for part in cmd]

    kernel = BatchKernelManager(kernel_name=KERNEL)
    # a build's kernel: figures may be shown once written (ecomcase.build.background)
    env = {**os.environ, BATCH_ENV: "1"}
    kernel.start_kernel(extra_arguments=KERNEL_ARGS, cwd=str(NOTEBOOKS_DIR), env=env)
    return kernel

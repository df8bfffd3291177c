"""The kernel of a build's run step: ipykernel, started without its debugger.

ipykernel imports debugpy as it starts, for the debugger a person may attach in
JupyterLab: 0.1-0.2 s of each kernel's start, four times per build, once on the
path every build waits for (notebook 01). A build's kernel only runs cells. With
debugpy marked absent, ipykernel starts as where debugpy is not installed: the same
kernel, without a debugger. Kernels opened in JupyterLab are ipykernel's own.

Run as ``python -m ecomcase.build.batch_kernel -f <connection file>`` (the arguments
of ``python -m ipykernel_launcher``), by :func:`ecomcase.build.kernel.start`.
"""

from __future__ import annotations

import sys
from pathlib import Path

#: The module ipykernel imports for its debugger.
DEBUGGER_MODULE = "debugpy"


def main() -> None:
    # as ipykernel_launcher: the working folder leaves sys.path while ipykernel loads
    # (the kernel's shell puts it back)
    if sys.path and (sys.path[0] == "" or Path(sys.path[0]) == Path.cwd()):
        del sys.path[0]
    from ecomcase.imports import skip_unused_format_checker

    skip_unused_format_checker()
    sys.modules.setdefault(DEBUGGER_MODULE, None)  # type: ignore[arg-type]
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


if __name__ == "__main__":
    main()

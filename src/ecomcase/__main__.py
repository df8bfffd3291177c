"""Command line used by the Makefile: ``python -m ecomcase <command> --case <case>``."""

from __future__ import annotations

import argparse
import sys
import time

from ecomcase.errors import EcomcaseError
from ecomcase.imports import skip_unused_format_checker


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ecomcase", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_text in [
        ("params", "validate params/<case>.yaml and split it per notebook"),
        ("run", "execute one notebook for a case"),
        ("report", "merge the notebooks' outputs into manifest, numbers, claims and index.html"),
        ("validate", "check a case's params and raw data without running notebooks "
         "(with --stamp, make's gate: also split the params per notebook)"),
        ("inputs", "write the make include file naming the case's declared inputs"),
        ("verify", "rebuild a case in a temporary folder and compare it with its manifest"),
        ("new-company", "scaffold params/<case>.yaml and data/raw/<case>/ for a new case"),
        ("check-page", "open index.html and numbers.html in headless Chromium at 400 and 1400 px"),
    ]:
        cmd = sub.add_parser(name, help=help_text)
        cmd.add_argument("--case", required=True)
        if name == "validate":
            cmd.add_argument(
                "--stamp", help="touch this file when the case is valid (make's gate)"
            )
        if name == "run":
            cmd.add_argument("--notebook", required=True)
    args = parser.parse_args(argv)
    skip_unused_format_checker()
    kernel = None
    if args.command == "run":
        kernel = _start_kernel(args.notebook)
    if args.command == "validate":
        from ecomcase.data import schema

        # frictionless checks the tables in a child while this process loads the rest
        schema.prefetch(args.case)

    started = time.perf_counter()
    try:
        if args.command == "params":
            _split_params(args.case)
        elif args.command == "run":
            from ecomcase.build import pipeline

            pipeline.progress(f"{args.case}: running {args.notebook} ...")
            pipeline.run_notebook(args.case, args.notebook, kernel)
            pipeline.progress(
                f"{args.case}: {args.notebook} done in {time.perf_counter() - started:.1f} s"
            )
        elif args.command == "report":
            from ecomcase.build.pipeline import progress
            from ecomcase.report.page import build_report

            index = build_report(args.case)
            progress(f"{args.case}: report written to {index}")
        elif args.command == "validate":
            from ecomcase.data.dataset import validate_case

            summary = validate_case(args.case)
            print(f"{args.case}: params and data are valid ({summary})")
            if args.stamp:  # make's gate: parameter files per notebook, clean reads, stamp
                from pathlib import Path

                from ecomcase.data.dataset import record_clean_reads
                from ecomcase.fileio import atomic_write_text

                _split_params(args.case)
                record_clean_reads(args.case)
                atomic_write_text(Path(args.stamp), summary + "\n")
        elif args.command == "inputs":
            from ecomcase.config import case_paths
            from ecomcase.data.package import inputs_makefile
            from ecomcase.fileio import write_if_changed

            write_if_changed(case_paths(args.case).build / "inputs.mk", inputs_makefile(args.case))
        elif args.command == "new-company":
            from ecomcase.build.scaffold import new_case

            written = new_case(args.case)
            print(f"{args.case}: wrote {len(written)} files:")
            for path in written:
                print(f"  {path}")
            print(
                "next: fill in every TODO and the data files, then "
                f"`make validate CASE={args.case}` (lists what is left) and "
                f"`make all CASE={args.case}`; see docs/adapting.md"
            )
        elif args.command == "verify":
            return _verify(args.case)
        elif args.command == "check-page":
            return _check_page(args.case)
    except EcomcaseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.command in ("params", "report") or (args.command == "validate" and args.stamp):
        _write_timing(args.case, args.command, time.perf_counter() - started)
    return 0


def _start_kernel(notebook: str):
    """The run step's kernel, started before the package's heavier imports (None for
    an unknown notebook: the run says what is wrong)."""
    from ecomcase.build import kernel
    from ecomcase.config import NOTEBOOKS

    return kernel.start() if notebook in NOTEBOOKS else None


def _split_params(case: str) -> None:
    from ecomcase.build import pipeline

    changed = pipeline.split_params(case)
    if changed:
        pipeline.progress(f"{case}: parameters changed for {', '.join(changed)}")


def _write_timing(case: str, command: str, seconds: float) -> None:
    """The step's seconds for `make bench` (the build's own steps only: a plain
    `make validate` writes nothing)."""
    from ecomcase.build import timings

    watch = timings.Stopwatch()
    watch.parts["total"] = seconds
    watch.write(case, command)


def _verify(case: str) -> int:
    from ecomcase.build.verify import verify

    result = verify(case)
    for label, paths in [
        ("changed", result.changed),
        ("missing from the rebuild", result.missing),
        ("new in the rebuild", result.extra),
    ]:
        for path in paths:
            print(f"{label}: reports/{case}/{path}")
    if result.inputs_changed:
        print(
            "note: these inputs changed since the manifest was written: "
            + ", ".join(result.inputs_changed)
        )
    if result.ok:
        print(f"{case}: the rebuild matches the manifest ({len(result.same)} files identical)")
        return 0
    bad = len(result.changed) + len(result.missing) + len(result.extra)
    print(f"{case}: {bad} files differ from the manifest ({len(result.same)} identical)")
    return 1


def _check_page(case: str) -> int:
    from ecomcase.config import case_paths
    from ecomcase.report.browser import check_report

    results = check_report(case_paths(case).reports)
    for result in results:
        print(result.summary())
    bad = [r for r in results if not r.ok]
    print(f"{case}: {len(results) - len(bad)} of {len(results)} page checks passed")
    return 0 if not bad else 1


def _leave(code: int) -> None:
    """End the process with ``code`` once :func:`main` has returned: the exit handlers
    run and the output streams are flushed, then the process ends without the
    interpreter's teardown of its modules (0.15-0.3 s with pandas and matplotlib
    loaded, in every step of a build). By then every file a command writes is closed,
    its children are waited for and its kernel is stopped."""
    import atexit
    import os

    run_exit_handlers = getattr(atexit, "_run_exitfuncs", None)
    if run_exit_handlers is None:  # not CPython: the usual exit
        sys.exit(code)
    run_exit_handlers()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    _leave(main())

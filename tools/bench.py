"""``make bench``: what a rebuild costs against the least it could cost.

Runs in a throw-away copy of the project (sharing ``src/`` and ``.venv``) and
prints one table, medians of ``--repeat`` runs:

- full rebuild: ``make all`` with generated outputs removed;
- floor: the same notebooks' code, parameters injected as papermill would,
  executed one after another in ONE Python process (same files written);
- ratio of the two, the headline figure;
- no-op: ``make all`` with everything up to date;
- one change: only the fuzzy grade scores changed in the params; which
  notebooks reran and how long it took;
- Monte Carlo: weight draws through the two-level evaluation, vectorised vs a
  plain Python loop over the same draws;
- peak memory (largest resident set of any process) of a full rebuild, from
  ``/usr/bin/time -v``; with ``BENCH_SETUP=1`` also a first-time venv build.

The figures are written to ``reports/bench.json`` as well.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from ecomcase.build.verify import make_env, project_copy  # noqa: E402

TIME = Path("/usr/bin/time")
RAN = re.compile(r"\] \w+: running (\S+) \.\.\.")


def run(project: Path, *args: str, env: dict | None = None) -> tuple[float, str, int]:
    """Wall time, stderr and peak RSS (KiB, 0 when unknown) of a command in ``project``."""
    env = {**make_env(project), **(env or {})}
    cmd = list(args)
    use_time = TIME.is_file()
    if use_time:
        cmd = [str(TIME), "-f", "__peak_rss_kib=%M", *cmd]
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=project, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"bench: {' '.join(args)} failed in {project}:\n{done.stdout}\n{done.stderr}")
    peak = 0
    if use_time:
        match = re.search(r"__peak_rss_kib=(\d+)", done.stderr)
        peak = int(match.group(1)) if match else 0
    return wall, done.stderr, peak


def clean(project: Path, case: str) -> None:
    for folder in (project / "reports" / case, project / "data" / "processed" / case):
        shutil.rmtree(folder, ignore_errors=True)


def floor_script(case: str) -> str:
    """Python code that runs the notebooks' code for ``case`` in the current process."""
    return f"""
import contextlib, io, os, sys
from ecomcase.imports import skip_unused_format_checker
skip_unused_format_checker()  # as every process of the package starts
import matplotlib
matplotlib.use("Agg")
from IPython.core.inputtransformer2 import TransformerManager
from IPython.display import display
from papermill.iorw import load_notebook_node
from papermill.parameterize import parameterize_notebook
from ecomcase.config import NOTEBOOKS, NOTEBOOKS_DIR
from ecomcase.build.params import load_params, notebook_parameters

params = load_params({case!r})
transform = TransformerManager().transform_cell
os.chdir(NOTEBOOKS_DIR)
for name in NOTEBOOKS:
    nb = load_notebook_node(str(NOTEBOOKS_DIR / f"{{name}}.ipynb"))
    nb = parameterize_notebook(nb, notebook_parameters(params, name))
    code = "\\n".join(
        transform(c.source) for c in nb.cells if c.cell_type == "code"
    )
    namespace = {{"__name__": "__main__", "display": display}}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(code, name, "exec"), namespace)
"""


def median(values: list[float]) -> float:
    return statistics.median(values)


def read_timings(project: Path, case: str) -> dict[str, dict]:
    """The steps' timings of the last build in ``project`` (ecomcase.build.timings)."""
    folder = project / "reports" / case / ".build" / "timings"
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in folder.glob("*.json")}


def profile(builds: list[dict[str, dict]]) -> dict:
    """Medians over ``builds`` of every step's parts: per notebook (kernel start, set-up
    cell, other cells, HTML), per artifact, per file format, and the other steps."""

    def med(values: list[float]) -> float:
        return round(median(values), 3) if values else 0.0

    notebooks, artifacts, formats, steps = {}, {}, {}, {}
    names = sorted({k for b in builds for k in b})
    for name in names:
        records = [b[name] for b in builds if name in b]
        if name.startswith("run-"):
            parts = {"kernel_start": [], "setup_cell": [], "other_cells": [], "html": []}
            for r in records:
                cells = [s for _, s in r["cells"]]
                # the parameters cell, papermill's injected cell, then the set-up cell
                setup = cells[2] if len(cells) > 2 else 0.0
                parts["kernel_start"].append(r["seconds"]["kernel_start"])
                parts["setup_cell"].append(setup)
                parts["other_cells"].append(sum(cells) - setup)
                parts["html"].append(r["seconds"]["html"])
            row = {k: med(v) for k, v in parts.items()}
            row["total"] = round(sum(row.values()), 3)
            notebooks[name.removeprefix("run-")] = row
        elif name.startswith("artifacts-"):
            per_artifact: dict[str, list[float]] = {}
            per_format: dict[str, list[float]] = {}
            for r in records:
                totals: dict[str, float] = {}
                for artifact, parts in r["artifacts"].items():
                    per_artifact.setdefault(artifact, []).append(sum(parts.values()))
                    for part, seconds in parts.items():
                        totals[part] = totals.get(part, 0.0) + seconds
                for part, seconds in totals.items():
                    per_format.setdefault(part, []).append(seconds)
            artifacts.update({a: med(v) for a, v in per_artifact.items()})
            for part, values in per_format.items():
                formats[part] = round(formats.get(part, 0.0) + med(values), 3)
        else:
            steps[name] = med([r["seconds"]["total"] for r in records])
    return {"notebooks": notebooks, "artifacts": artifacts, "formats": formats, "steps": steps}


#: A change of the calibration loop's time beyond which the bench says its figures mix
#: machine speeds (this shared machine's speed drifts by up to 1.8x within minutes).
SPEED_TOLERANCE = 0.15


def speed_drift(before: float, after: float) -> str | None:
    """What to say when the machine's speed changed during the bench (the loop's time
    ``before`` and ``after``, seconds); None within :data:`SPEED_TOLERANCE`."""
    change = after / before - 1
    if abs(change) <= SPEED_TOLERANCE:
        return None
    return (
        f"the loop took {change:+.0%} at the end: the figures mix machine speeds; "
        "compare builds in interleaved runs"
    )


def calibration(repeat: int) -> float:
    """Seconds for a fixed pure-Python loop (median): how fast this machine ran this time,
    to compare benches of different days (a shared machine's speed drifts by a third)."""
    def loop() -> float:
        started = time.perf_counter()
        total = 0
        for i in range(10_000_000):
            total += i
        return time.perf_counter() - started

    return median([loop() for _ in range(repeat)])


def bench_validate(project: Path, case: str, repeat: int) -> dict:
    """``python -m ecomcase validate`` on the case's params and raw data, start-up included:
    a full check (memos off) and one reusing the gate's list of clean file contents."""
    py = str(project / ".venv" / "bin" / "python")
    command = [py, "-m", "ecomcase", "validate", "--case", case]
    full = [run(project, *command, env={"ECOMCASE_NO_CACHE": "1"})[0] for _ in range(repeat)]
    known = [run(project, *command)[0] for _ in range(repeat)]
    return {"validate_s": median(full), "validate_known_clean_s": median(known)}


def bench_pipeline(project: Path, case: str, repeat: int) -> dict:
    make = ["make", "--no-print-directory", "all", f"CASE={case}"]
    full, peaks, builds = [], [], []
    for _ in range(repeat):
        clean(project, case)
        wall, _, peak = run(project, *make)
        full.append(wall)
        peaks.append(peak)
        builds.append(read_timings(project, case))
    py = str(project / ".venv" / "bin" / "python")
    script = project / "floor.py"
    script.write_text(floor_script(case))
    floor = []
    for _ in range(repeat):
        clean(project, case)
        floor.append(run(project, py, str(script))[0])
    # leave a complete build behind for the no-op and one-change runs
    clean(project, case)
    run(project, *make)
    noop = [run(project, *make)[0] for _ in range(max(repeat, 5))]

    params = project / "params" / f"{case}.yaml"
    original = params.read_text(encoding="utf-8")
    one_change, reran = [], []
    for i in range(repeat):
        changed = re.sub(
            r"grade_scores:.*",
            f"grade_scores: [100, 80, 60, 40, {20 + (i % 2) + 1}]",
            original,
            count=1,
        )
        if changed == original:
            sys.exit(f"bench: no 'grade_scores:' line in {params} to change")
        params.write_text(changed, encoding="utf-8")
        wall, stderr, _ = run(project, *make)
        one_change.append(wall)
        reran = RAN.findall(stderr)
        params.write_text(original, encoding="utf-8")
    run(project, *make)
    return {
        "full_rebuild_s": median(full),
        "floor_s": median(floor),
        "ratio_full_to_floor": median(full) / median(floor),
        "noop_s": median(noop),
        "one_change_s": median(one_change),
        "one_change_reran": reran,
        "peak_rss_mib": max(peaks) / 1024 if any(peaks) else None,
        "profile": profile(builds),
        "runs": {"full": full, "floor": floor, "noop": noop, "one_change": one_change},
    }


def bench_monte_carlo(project: Path, case: str, draws: int, repeat: int) -> dict:
    """The case's own two-level evaluation under ``draws`` Dirichlet weight draws."""
    import numpy as np
    import yaml

    from ecomcase.fuzzy import case as fuzzy_case
    from ecomcase.fuzzy import core as fuzzy
    from ecomcase.fuzzy import sensitivity as fuzzy_sensitivity

    params = yaml.safe_load((project / "params" / f"{case}.yaml").read_text(encoding="utf-8"))
    section = (params.get("notebooks") or {}).get("04_fuzzy_evaluation") or {}
    setup = fuzzy_case.load(
        project / "data" / "processed" / case,
        section.get("criterion_weights"),
        section.get("sub_weights"),
        section.get("grade_scores"),
    )
    system, a, b, membership, scores = setup.inputs
    crit, sub = fuzzy_sensitivity.dirichlet_weight_draws(system, a, b, 50.0, draws, seed=1)

    def vectorised():
        return fuzzy.scores_for_weight_draws(system, crit, sub, membership, scores)

    def loop():
        return fuzzy_sensitivity.scores_for_weight_draws_loop(
            system, crit, sub, membership, scores
        )

    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fast = vectorised()
        times.append(time.perf_counter() - started)
    started = time.perf_counter()
    slow = loop()
    loop_s = time.perf_counter() - started
    return {
        "mc_draws": draws,
        "mc_vectorised_s": median(times),
        "mc_loop_s": loop_s,
        "mc_speedup": loop_s / median(times),
        "mc_same_scores": bool(np.allclose(fast, slow)),
    }


def bench_multiverse(project: Path, case: str, repeat: int) -> dict:
    """The coding multiverse of notebook 03: every specification, every event number."""
    import pandas as pd
    import yaml

    from ecomcase.timeline import coding as rules
    from ecomcase.timeline import sections

    params = yaml.safe_load((project / "params" / f"{case}.yaml").read_text(encoding="utf-8"))
    section = (params.get("notebooks") or {}).get("03_internationalization_timeline") or {}
    events = pd.read_csv(
        project / "data" / "processed" / case / "events.csv", keep_default_na=False, na_values=[""]
    )
    coding = rules.Coding.from_setting(section.get("coding"), events, "coding")
    if coding.default is None:
        return {"multiverse_s": None}
    modes = sorted(events["mode"].unique())
    first, last = params["event_years"]
    compute = sections.event_values(
        first, last, modes, section.get("inverted_v_window"), section.get("turning_year"),
        100.0, 3, section.get("acquisition_mode") or modes[0], 0.05,
    )
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        table = rules.multiverse(events, coding.group_investors, compute)
        times.append(time.perf_counter() - started)
    return {"multiverse_s": median(times), "multiverse_specifications": len(table)}


def bench_setup(repeat: int) -> dict:
    times = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            venv = Path(tmp) / "venv"
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
            subprocess.run(
                [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
                 "--disable-pip-version-check", "-r", str(ROOT / "requirements.lock")],
                check=True,
                capture_output=True,
            )
            times.append(time.perf_counter() - started)
    return {"venv_build_s": median(times)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", default="alibaba")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--draws", type=int, default=100_000)
    parser.add_argument("--output", type=Path, default=ROOT / "reports" / "bench.json")
    parser.add_argument(
        "--root", type=Path, default=ROOT, help="project to measure (default: this one)"
    )
    args = parser.parse_args()

    started = time.perf_counter()
    results: dict = {
        "case": args.case,
        "root": str(args.root.resolve()),
        "repeat": args.repeat,
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
    }
    results["calibration_s"] = calibration(args.repeat)
    with tempfile.TemporaryDirectory(prefix="ecomcase-bench-") as tmp:
        project = project_copy(Path(tmp) / "project", [args.case], root=args.root.resolve())
        results.update(bench_pipeline(project, args.case, args.repeat))
        results.update(bench_monte_carlo(project, args.case, args.draws, args.repeat))
        results.update(bench_multiverse(project, args.case, args.repeat))
        results.update(bench_validate(project, args.case, args.repeat))
    if os.environ.get("BENCH_SETUP") == "1":
        results.update(bench_setup(1))
    results["calibration_after_s"] = calibration(args.repeat)
    results["bench_s"] = time.perf_counter() - started

    drift = speed_drift(results["calibration_s"], results["calibration_after_s"])
    rows = [
        ("machine speed: 10M-step Python loop", f"{results['calibration_s']:.2f} s before, "
         f"{results['calibration_after_s']:.2f} s after"),
        *([("  speed changed", drift)] if drift else []),
        ("full rebuild (make all, outputs removed)", f"{results['full_rebuild_s']:.2f} s"
         "  (target <= 25)"),
        ("floor (same notebooks, one process)", f"{results['floor_s']:.2f} s"),
        ("ratio full / floor", f"{results['ratio_full_to_floor']:.2f}x  (target <= 2.0)"),
        ("no-op (make all, up to date)", f"{results['noop_s']:.3f} s  (target <= 0.1)"),
        ("one change (fuzzy grade scores)", f"{results['one_change_s']:.2f} s  (target <= 8)"),
        ("  notebooks rerun", ", ".join(results["one_change_reran"]) or "none"),
        ("validation (python -m ecomcase validate)", f"{results['validate_s']:.2f} s"
         "  (target <= 1)"),
        ("  files unchanged since the gate passed", f"{results['validate_known_clean_s']:.2f} s"),
        ("peak memory of a full rebuild", f"{results['peak_rss_mib']:.0f} MiB  (target <= 400)"
         if results["peak_rss_mib"] else "unknown (no /usr/bin/time)"),
        (f"Monte Carlo {args.draws:,} draws, vectorised", f"{results['mc_vectorised_s']:.3f} s"
         "  (target <= 0.3)"),
        ("  plain Python loop, same draws", f"{results['mc_loop_s']:.2f} s"),
        ("  speed-up", f"{results['mc_speedup']:.0f}x  (target >= 50); same scores: "
         f"{'yes' if results['mc_same_scores'] else 'NO'}"),
    ]
    if results.get("multiverse_s") is not None:
        rows.append((f"coding multiverse, {results['multiverse_specifications']} specifications",
                     f"{results['multiverse_s']:.3f} s  (target <= 1.0)"))
    if "venv_build_s" in results:
        rows.append(("first-time venv build", f"{results['venv_build_s']:.0f} s"))
    width = max(len(label) for label, _ in rows)
    print(f"ecomcase bench, case {args.case}, medians of {args.repeat} runs "
          f"({os.cpu_count()} cores, Python {platform.python_version()})")
    for label, value in rows:
        print(f"  {label:<{width}}  {value}")
    print_profile(results["profile"])
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    print(f"  written to {args.output} ({results['bench_s']:.0f} s in all)")


def print_profile(found: dict, slowest: int = 8) -> None:
    """Where a full rebuild's time goes (seconds, medians): the slowest thing first."""
    print("  profile of a full rebuild (s, medians; each step in its own process):")
    header = ("notebook", "kernel start", "set-up cell", "other cells", "HTML", "total")
    print("    " + "  ".join(f"{h:>12}" if i else f"{h:<34}" for i, h in enumerate(header)))
    for name, row in sorted(found["notebooks"].items(), key=lambda kv: -kv[1]["total"]):
        values = [row[k] for k in ("kernel_start", "setup_cell", "other_cells", "html", "total")]
        print(f"    {name:<34}" + "".join(f"  {v:>12.2f}" for v in values))
    steps = ", ".join(f"{k} {v:.2f}" for k, v in sorted(found["steps"].items()))
    print(f"    other steps (in-process): {steps}")
    formats = ", ".join(
        f"{k} {v:.2f}" for k, v in sorted(found["formats"].items(), key=lambda kv: -kv[1])
    )
    print(f"    artifacts by part, all notebooks: {formats}")
    ranked = sorted(found["artifacts"].items(), key=lambda kv: -kv[1])[:slowest]
    print("    slowest artifacts: " + ", ".join(f"{a} {s:.2f}" for a, s in ranked))


if __name__ == "__main__":
    main()

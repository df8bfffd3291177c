"""Write environment.yml (conda) with exactly the pins of requirements.lock.

The lock is universal (one resolution for every supported Python): a pin that
only some interpreters need keeps its environment marker, which pip honours
inside conda's ``pip:`` section. conda's Python range is pyproject.toml's
``requires-python``.
"""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def lock_requirements(text: str) -> list[str]:
    """'name==version' or 'name==version ; marker' for each pin of the lock file."""
    requirements = []
    for line in text.splitlines():
        requirement = line.split("#", 1)[0].strip()
        if re.match(r"^[A-Za-z0-9_.\-]+==[^\s;]+", requirement):
            requirements.append(re.sub(r"\s*;\s*", " ; ", requirement))
    return requirements


def conda_python(requires_python: str) -> str:
    """pyproject's '>=3.11,<3.14' as conda's 'python>=3.11,<3.14'."""
    return "python" + requires_python.replace(" ", "")


def main() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = lock_requirements((ROOT / "requirements.lock").read_text())
    lines = [
        "# Generated from requirements.lock by `make lock`; do not edit by hand.",
        "name: ecomcase",
        "channels:",
        "  - conda-forge",
        "dependencies:",
        f"  - {conda_python(project['requires-python'])}",
        "  - pip",
        "  - pip:",
        *[f'      - "{r}"' if ";" in r else f"      - {r}" for r in requirements],
        "      - -e .",
    ]
    (ROOT / "environment.yml").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()

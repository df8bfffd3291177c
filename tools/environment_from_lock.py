"""Write environment.yml (conda) with exactly the pins of requirements.lock."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
pins = [
    m[0]
    for line in (ROOT / "requirements.lock").read_text().splitlines()
    if (m := re.match(r"^[A-Za-z0-9_.\-]+==[^\s;#]+", line))
]
lines = [
    "# Generated from requirements.lock by `make lock`; do not edit by hand.",
    "name: ecomcase",
    "channels:",
    "  - conda-forge",
    "dependencies:",
    "  - python=3.11",
    "  - pip",
    "  - pip:",
    *[f"      - {pin}" for pin in pins],
    "      - -e .",
]
(ROOT / "environment.yml").write_text("\n".join(lines) + "\n")

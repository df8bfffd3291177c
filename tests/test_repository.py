"""Properties of the committed repository itself."""

import json
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def test_notebooks_are_committed_without_outputs():
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = json.loads(path.read_text())
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                assert not cell.get("outputs"), f"{path.name} has outputs"
                assert cell.get("execution_count") is None, f"{path.name} has execution counts"


def test_each_notebook_has_a_parameters_cell():
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = json.loads(path.read_text())
        tagged = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
        assert len(tagged) == 1, path.name


def _lock_pins() -> dict[str, str]:
    """name -> 'version' or 'version ; marker' of every pin in requirements.lock."""
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;#]+)\s*(;\s*([^#]+?))?\s*(#|$)", line)
        if match:
            marker = f" ; {match[4]}" if match[4] else ""
            pins[match[1].lower().replace("_", "-")] = match[2] + marker
    return pins


def test_environment_yml_pins_the_same_versions_as_the_lock_file():
    import tomllib

    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    env_pins = {}
    for line in pip_section:
        if line.startswith("-e"):
            continue
        name, version = line.split("==", 1)
        env_pins[name.lower().replace("_", "-")] = version
    python = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python"))
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert python == "python" + requires.replace(" ", "")
    assert env_pins == _lock_pins()


def test_one_lock_for_every_supported_python():
    """Pins that only some interpreters need carry a marker; the range is 3.11-3.13."""
    import tomllib

    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert requires.replace(" ", "") == ">=3.11,<3.14"
    pins = _lock_pins()
    assert "numpy" in pins and ";" not in pins["numpy"]
    readme = (ROOT / "README.md").read_text()
    assert "3.11, 3.12 and 3.13" in readme


def _top_level_lines(source: str) -> list[str]:
    """Code lines of a cell that a reader must read: not imports, blanks or comments."""
    return [
        line for line in source.splitlines()
        if line.strip() and not line.lstrip().startswith(("#", "import ", "from "))
    ]


def test_notebook_cells_are_short_calls_without_branches():
    """Logic with a branch or a loop lives in the package, where it is tested."""
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = json.loads(path.read_text())
        for cell in nb["cells"]:
            if cell["cell_type"] != "code" or "parameters" in cell["metadata"].get("tags", []):
                continue
            source = "".join(cell["source"])
            lines = _top_level_lines(source)
            assert len(source.splitlines()) <= 8, f"{path.name} cell {cell['id']}: too long"
            for line in lines:
                assert not re.match(r"(if|for|while|try|with|def|class)\b", line), (
                    f"{path.name} cell {cell['id']}: top-level '{line.strip()}'"
                )


def test_notebook_tables_print_years_without_a_thousands_separator():
    import pandas as pd

    from ecomcase.display import display_table

    html = display_table(pd.DataFrame({"mean year": [2009.5], "events": [12345]})).to_html()
    assert "2009.50" in html and "2,009" not in html and "12,345" in html

"""Where in an executed notebook a number or an artifact is computed.

The page links each claim to the notebook section that computes it. A section
is a markdown heading of the executed notebook; its anchor is the ``id`` that
nbconvert gave the heading in the notebook's HTML (read from that HTML, not
re-derived, so any nbconvert version or template works). A name (an artifact
id, a number key) belongs to the first section whose code mentions it as a
whole word (parameter cells and the title section, which name everything,
are left out); a name no cell mentions gets the notebook page.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

PARAMETER_TAGS = {"parameters", "injected-parameters"}
_HEADING_HTML = re.compile(r"<h([1-6])\b[^>]*\bid=\"([^\"]+)\"[^>]*>(.*?)</h\1>", re.S | re.I)
_TAG = re.compile(r"<[^>]+>")
_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.+?)\s*#*\s*$")
_MD_MARKUP = re.compile(r"[*_`]|\[([^\]]*)\]\([^)]*\)")


def _normal(text: str) -> str:
    """Heading text compared loosely: markup, pilcrows and spacing removed, case folded."""
    text = _MD_MARKUP.sub(lambda m: m.group(1) or "", text)
    text = text.replace("¶", "")
    return " ".join(text.split()).casefold()


@dataclass
class Section:
    notebook: str
    title: str
    anchor: str | None
    level: int = 2
    code: str = ""

    @property
    def href(self) -> str:
        page = f"notebooks/{self.notebook}.html"
        return f"{page}#{self.anchor}" if self.anchor else page


@dataclass
class NotebookSections:
    """The sections of the executed notebooks, in order."""

    sections: list[Section] = field(default_factory=list)
    notebooks: set[str] = field(default_factory=set)

    def find(self, name: str, notebook: str | None = None) -> Section | None:
        """The first section (of ``notebook`` when given) whose code names ``name``."""
        if not name:
            return None
        word = re.compile(rf"(?<![\w]){re.escape(name)}(?![\w])")
        for section in self.sections:
            if notebook and section.notebook != notebook:
                continue
            # the notebook's title section holds set-up code that names everything
            if (
                section.level >= 2
                and section.anchor
                and name in section.code  # cheap; the word test only where it can match
                and word.search(section.code)
            ):
                return section
        return None


def heading_ids(page_html: str) -> list[tuple[str, str]]:
    """``(normalised text, id)`` of every heading with an id, in page order."""
    found = []
    for _level, anchor, inner in _HEADING_HTML.findall(page_html):
        text = html.unescape(_TAG.sub("", inner))
        found.append((_normal(text), html.unescape(anchor)))
    return found


def notebook_sections(executed_dir: Path, notebooks: list[str]) -> NotebookSections:
    """Sections of each ``<executed_dir>/<notebook>.ipynb`` with their HTML anchors."""
    result = NotebookSections()
    for notebook in notebooks:
        ipynb, page = executed_dir / f"{notebook}.ipynb", executed_dir / f"{notebook}.html"
        if not ipynb.is_file():
            continue
        result.notebooks.add(notebook)
        anchors = heading_ids(page.read_text(encoding="utf-8")) if page.is_file() else []
        cells = json.loads(ipynb.read_text(encoding="utf-8")).get("cells", [])
        current: Section | None = None
        for cell in cells:
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else source
            if cell.get("cell_type") == "markdown":
                for line in source.splitlines():
                    match = _MD_HEADING.match(line)
                    if not match:
                        continue
                    title = _MD_MARKUP.sub(lambda m: m.group(1) or "", match.group(2)).strip()
                    anchor = _take_anchor(anchors, _normal(match.group(2)))
                    current = Section(notebook, title, anchor, len(match.group(1)))
                    result.sections.append(current)
            elif (
                cell.get("cell_type") == "code"
                and current is not None
                and not (PARAMETER_TAGS & set(cell.get("metadata", {}).get("tags", [])))
            ):
                current.code += source + "\n"
    return result


def _take_anchor(anchors: list[tuple[str, str]], text: str) -> str | None:
    """The id of the first remaining heading with this text (removed, so repeats pair up)."""
    for index, (heading, anchor) in enumerate(anchors):
        if heading == text:
            del anchors[index]
            return anchor
    return None

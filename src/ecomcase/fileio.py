"""Writing files so that a reader never sees half of one.

Every output of the package goes through :func:`atomic_write_bytes` (write to a
temporary file in the same folder, then rename), so an interrupted run leaves
the previous good file in place. The file gets the mode any new file gets
(``0666`` less the umask, ``0644`` by default), not the owner-only mode of a
temporary file, so a report copied to a shared folder or a web server is readable.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any


def new_file_mode() -> int:
    """The mode ``open()`` gives a new file: ``0o666`` less the process umask."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def atomic_write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        # mkstemp creates the file owner-only (0600); give it the usual mode before it appears
        os.chmod(tmp, new_file_mode())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def dumps_json(obj: Any) -> str:
    """Stable JSON: sorted keys, two-space indent, trailing newline."""
    return json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n"


def write_json(path: Path, obj: Any) -> None:
    atomic_write_text(path, dumps_json(obj))


def write_if_changed(path: Path, text: str) -> bool:
    """Write ``text`` unless the file already holds it; True when written.

    Keeping the old modification time lets make skip everything downstream.
    """
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    atomic_write_text(path, text)
    return True


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def strict_yaml_load(text: str) -> Any:
    """``yaml.safe_load`` that refuses a mapping naming one key twice.

    PyYAML keeps the last of two equal keys without a word; in a params or
    claims file the first would silently stop counting. Raises
    :class:`yaml.constructor.ConstructorError` (a :class:`yaml.YAMLError`)
    with the line of the second key.
    """
    import yaml

    return yaml.load(text, Loader=_strict_loader())


@functools.cache
def _strict_loader() -> type:
    import yaml

    # libyaml's parser when PyYAML was built with it (several times faster)
    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class StrictLoader(base):  # type: ignore[misc, valid-type]
        def construct_mapping(self, node, deep=False):  # type: ignore[override]
            seen: dict[Any, Any] = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=deep)
                try:
                    first = seen.get(key)
                except TypeError:  # an unhashable key: SafeLoader says so itself
                    continue
                if first is not None:
                    raise yaml.constructor.ConstructorError(
                        "while reading a mapping",
                        node.start_mark,
                        f"duplicated key {key!r} (first on line {first.line + 1}; "
                        "the second would silently replace it)",
                        key_node.start_mark,
                    )
                seen[key] = key_node.start_mark
            return super().construct_mapping(node, deep=deep)

    return StrictLoader


def yaml_error_text(exc: Exception) -> tuple[int | None, str]:
    """(line, what is wrong) of a YAML error, without PyYAML's snippet of the file."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    text = f"{context}: {problem}" if context and "duplicated key" not in problem else problem
    return (mark.line + 1 if mark is not None else None), f"not valid YAML ({text})"


def read_yaml_file(path: Path) -> Any:
    """A YAML file read strictly (UTF-8, no duplicated keys); raises ``ValueError``
    with the line and what is wrong (``line`` attribute, None when unknown)."""
    import yaml

    try:
        return strict_yaml_load(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError as exc:
        line = path.read_bytes().count(b"\n", 0, exc.start) + 1
        error = ValueError(
            f"byte 0x{exc.object[exc.start:exc.start + 1].hex()} is not UTF-8: re-save the "
            "file as UTF-8 (the editor's 'Save with encoding' or `iconv -f WINDOWS-1252 "
            "-t UTF-8`)"
        )
        error.line = line  # type: ignore[attr-defined]
        raise error from None
    except yaml.YAMLError as exc:
        line, text = yaml_error_text(exc)
        error = ValueError(text)
        error.line = line  # type: ignore[attr-defined]
        raise error from None

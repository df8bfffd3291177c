"""Atomic writes give files the usual mode, not a temporary file's owner-only one."""

from __future__ import annotations

import os
import stat

import pytest

from ecomcase.fileio import atomic_write_bytes, new_file_mode


@pytest.mark.parametrize("umask", [0o022, 0o027, 0o077])
def test_atomic_write_gives_the_mode_of_a_new_file(tmp_path, umask):
    previous = os.umask(umask)
    try:
        assert new_file_mode() == 0o666 & ~umask
        path = tmp_path / "out.txt"
        atomic_write_bytes(path, b"first")
        atomic_write_bytes(path, b"second")  # replacing keeps the usual mode too
        with open(tmp_path / "plain.txt", "w") as handle:
            handle.write("as open() makes it")
    finally:
        os.umask(previous)
    mode = stat.S_IMODE(path.stat().st_mode)
    assert mode == stat.S_IMODE((tmp_path / "plain.txt").stat().st_mode) == 0o666 & ~umask
    assert path.read_bytes() == b"second"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []

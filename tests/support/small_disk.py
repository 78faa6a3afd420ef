"""A real, small file system for a full file store: a tmpfs of SIZE bytes mounted on a folder
of the test's own, which `fill` fills to the last byte with one file and `free` empties again.

Mounting needs root (the test machines' containers run as root and allow it); where it is not
allowed the test is skipped, since a store made to fail by other means would prove nothing
about ENOSPC.
"""

from __future__ import annotations

import errno
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

SIZE = 256 * 1024
CHUNK = 4096


class SmallDisk:
    def __init__(self, mount: Path) -> None:
        self.mount = mount
        self.folder = mount / "files"
        self._filler = mount / "filler"

    def fill(self) -> None:
        """Unbuffered, so the file's closing has nothing left to write: chunks, then the room
        a last partial chunk left, byte by byte."""
        with self._filler.open("ab", buffering=0) as out:
            for size in (CHUNK, 1):
                while True:
                    try:
                        out.write(b"\0" * size)
                    except OSError as error:
                        if error.errno != errno.ENOSPC:
                            raise
                        break

    def free(self) -> None:
        self._filler.unlink()


@contextmanager
def small_disk(mount: Path) -> Iterator[SmallDisk]:
    mount.mkdir(parents=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={SIZE}", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"a small file system cannot be mounted here: {done.stderr!r}")
    try:
        yield SmallDisk(mount)
    finally:
        subprocess.run(["umount", str(mount)], check=True)

"""Real faults for the error-path tests: read-only folders and files, a full disk, a command
run by an ordinary user.

- :func:`read_only_folder` makes a folder read-only for this very process: a read-only bind
  mount when we are root (root ignores permission bits), ``chmod 555`` otherwise.
- :func:`small_filesystem` is a tmpfs of a few megabytes (root), so a write really ends in
  "No space left on device"; without root it yields None and the tests limit the size of
  files a subprocess may write instead (``RLIMIT_FSIZE``: "File too large").
- :func:`ordinary_user` is the prefix that runs a subprocess as root without the capability
  to ignore permission bits (``setpriv``), so a mode-444 file is really read-only to it.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = os.geteuid() == 0


def _mount(*args: str) -> bool:
    if shutil.which("mount") is None:
        return False
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


def _umount(path: Path) -> None:
    for _ in range(50):
        if subprocess.run(["umount", str(path)], capture_output=True).returncode == 0:
            return
        subprocess.run(["sync"], check=False)
    subprocess.run(["umount", "-l", str(path)], check=False)


@contextmanager
def read_only_folder(folder: Path) -> Iterator[tuple[Path, list[str] | None]]:
    """``folder`` seen read-only: (its path, None) for this process and its children, or
    (its path, a command prefix) when only a subprocess started with that prefix sees it
    read-only (root without mount rights: ``chmod`` plus :func:`ordinary_user`)."""
    if not ROOT or not shutil.which("mount"):
        with _chmod_read_only(folder):
            yield folder, (None if not ROOT else ordinary_user())
        return
    view = folder.with_name(folder.name + "-alleen-lezen")
    view.mkdir()
    if not _mount("--bind", str(folder), str(view)):
        view.rmdir()
        with _chmod_read_only(folder):
            yield folder, ordinary_user()
        return
    try:
        if not _mount("-o", "remount,bind,ro", str(view)):
            pytest.skip("a read-only bind mount could not be made read-only")
        yield view, None
    finally:
        _umount(view)
        view.rmdir()


@contextmanager
def _chmod_read_only(folder: Path) -> Iterator[None]:
    modes = {p: p.stat().st_mode for p in [folder, *folder.iterdir()]}
    for p in folder.iterdir():
        p.chmod(0o444)
    folder.chmod(0o555)
    try:
        yield
    finally:
        for p, mode in modes.items():
            p.chmod(mode)


@contextmanager
def small_filesystem(where: Path, megabytes: float) -> Iterator[Path | None]:
    """A tmpfs of ``megabytes`` at a new folder under ``where`` (None without mount rights)."""
    mount_point = where / f"klein-{uuid.uuid4().hex[:6]}"
    mount_point.mkdir()
    size = max(int(megabytes * 1024), 64)
    if not ROOT or not _mount("-t", "tmpfs", "-o", f"size={size}k", "tmpfs", str(mount_point)):
        mount_point.rmdir()
        yield None
        return
    try:
        yield mount_point
    finally:
        _umount(mount_point)
        mount_point.rmdir()


def file_size_limit(limit_bytes: int) -> Callable[[], None]:
    """A ``preexec_fn``: files the subprocess writes may not grow beyond ``limit_bytes``."""

    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write fails with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))

    return apply


def ordinary_user() -> list[str]:
    """Command prefix: run without the power to ignore permission bits."""
    if not ROOT:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: cannot drop the permission override")
    drop = "-dac_override,-dac_read_search"
    return ["setpriv", f"--bounding-set={drop}", f"--inh-caps={drop}", "--"]

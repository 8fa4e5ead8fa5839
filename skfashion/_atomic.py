"""Atomic file replacement, shared by the data cache and the model files."""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def _new_file(path: Path, suffix: str) -> Path:
    """Create an empty, unique file beside ``path`` with the permissions that
    writing ``path`` in place would leave: the existing file's, else 0o666
    less the umask (``tempfile.mkstemp``'s 0o600 would shut other users and
    services out of a saved model)."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = None
    for _ in range(100):
        tmp = path.parent / f".{path.name}.{secrets.token_hex(4)}{suffix}"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:  # pragma: no cover - 32 random bits collided
            continue
        os.close(fd)
        if mode is not None:
            os.chmod(tmp, mode)
        return tmp
    raise FileExistsError(f"no free temporary name beside {path}")  # pragma: no cover


@contextmanager
def atomic_path(path: Path, suffix: str = ".tmp") -> Iterator[Path]:
    """Yield a temporary path beside ``path``; write it, and it replaces ``path``.

    On leaving the block the temporary file is fsynced and renamed over
    ``path``, so a crash or kill at any moment leaves either the old file or
    the complete new one, with the old file's permissions (a new file gets
    the umask's). If the block raises, the temporary file is removed.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _new_file(path, suffix)
    try:
        yield tmp
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)

"""Writing files that must never be seen half-written or by other users (keys, wallets, checkpoints)."""

from __future__ import annotations

import os
from pathlib import Path


def write_atomically(path: Path, data: bytes, *, private: bool = True) -> None:
    """Replace ``path`` with ``data`` all at once, mode 0600 (0644 when not ``private``).

    The bytes go to a temporary sibling created with the final mode (so there is no moment when a key is
    world-readable), are fsynced, and the sibling is renamed over ``path``; fsyncing the directory makes the
    rename survive a crash. A reader sees the old content or the new, never a mix.
    """
    mode = 0o600 if private else 0o644
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        os.fchmod(descriptor, mode)  # an older temporary file may have had other bits
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view):]
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    os.replace(temporary, path)
    fsync_directory(path.parent)


def fsync_directory(directory: Path) -> None:
    """Persist a rename; platforms that cannot open directories just skip it."""
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)

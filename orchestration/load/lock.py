"""The single-writer lock of the warehouse (DuckDB allows one writing process)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout, lock_descriptor, unlock_descriptor


class WarehouseBusy(RuntimeError):
    """Another process is writing the warehouse."""


@contextmanager
def writer_lock(lock_path: Path, wait: bool = False) -> Iterator[None]:
    """Serialise writers across processes (DuckDB allows one writing process).

    Re-entrant within a thread: the CLI takes it for the whole run and the Dagster
    resources take it again around each write without deadlocking on themselves (one
    ``FileLock`` per path, ``is_singleton``, counts its holds).
    """
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    # preserve_lock_file: the file stays on release, so writer_running can probe it.
    lock = FileLock(lock_path, is_singleton=True, preserve_lock_file=True)
    try:
        lock.acquire(blocking=wait)
    except Timeout as exc:
        raise WarehouseBusy(
            f"Một lượt chạy khác đang ghi kho dữ liệu ({lock_path}); hãy chờ nó kết thúc. / "
            "Another run is writing the warehouse; wait for it to finish and try again."
        ) from exc
    try:
        yield
    finally:
        lock.release()


def writer_running(lock_path: Path) -> bool:
    """Whether another process holds the writer lock. Creates and changes nothing (read
    commands never write): no lock file means no writer, since a writer creates it first."""
    try:
        fd = os.open(lock_path, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        if not lock_descriptor(fd, blocking=False):  # the primitive FileLock uses
            return True
        unlock_descriptor(fd)
        return False
    finally:
        os.close(fd)

"""Run `cchc` as an operator without special rights would, for permission tests.

Tests run as root on the project's machines, and root ignores permission bits: a chmod'ed
directory stays writable to it. Where the tests run as root, the command is started
without the two capabilities that let root pass permission checks (CAP_DAC_OVERRIDE and
CAP_DAC_READ_SEARCH, dropped from its bounding set before exec), so that a read-only or
unreadable directory is what it is for an operator. Files stay owned by root, so the
owner's permission bits are the ones that count.
"""

from __future__ import annotations

import ctypes
import os
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.support.pipeline import _cli_command, cli_env

PR_CAPBSET_DROP = 24  # <linux/prctl.h>
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 1, 2  # <linux/capability.h>
CLI_TIMEOUT_SECONDS = 300


@dataclass
class Outcome:
    returncode: int
    stdout: str
    stderr: str

    @property
    def lines(self) -> list[str]:
        return [line for line in (self.stdout + self.stderr).splitlines() if line.strip()]

    def __str__(self) -> str:
        return f"rc {self.returncode}\nstdout:\n{self.stdout}\nstderr:\n{self.stderr}"


def _drop_permission_override() -> None:
    """In the child before exec: root keeps its uid but obeys permission bits."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


def run_cchc(
    args: list[str],
    data_dir: Path,
    landing: Path,
    *,
    env: Mapping[str, str] | None = None,
    unprivileged: bool = False,
    cwd: Path | None = None,
) -> Outcome:
    """`cchc <args>` in a subprocess; ``env`` entries override (``""`` sets a var empty)."""
    environment = cli_env(data_dir, landing, extra=env)
    as_root = os.geteuid() == 0
    preexec = _drop_permission_override if unprivileged and as_root else None
    completed = subprocess.run(
        _cli_command(args),
        env=environment,
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT_SECONDS,
        cwd=cwd or data_dir.parent,
        check=False,
        preexec_fn=preexec,
    )
    return Outcome(completed.returncode, completed.stdout, completed.stderr)


@contextmanager
def open_dir(prefix: str) -> Iterator[Path]:
    """A fresh directory, removed afterwards (made writable again first)."""
    root = Path(tempfile.mkdtemp(prefix=prefix, dir=os.environ.get("PYTEST_DEBUG_TEMPROOT")))
    try:
        yield root
    finally:
        subprocess.run(["chmod", "-R", "u+rwx", str(root)], check=False)
        subprocess.run(["rm", "-rf", str(root)], check=False)


def tree_state(root: Path) -> dict[str, tuple[int, int]]:
    """Every path below ``root`` with its size and mtime: what a read command must not change."""
    return {
        str(path.relative_to(root)): (path.stat().st_size, path.stat().st_mtime_ns)
        for path in sorted(root.rglob("*"))
    }

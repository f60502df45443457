"""Run a command as a subprocess and measure its wall time and memory.

Memory is measured two ways, because the pipeline is several processes (the run, dbt's
subprocess, extraction workers):

- ``peak_tree_mib``: the largest *sum* of resident memory over the command's whole process
  tree, sampled every ``SAMPLE_SECONDS`` from /proc (what the machine must hold at once);
- ``max_process_mib``: the largest single process, from the kernel's own accounting
  (``wait4`` rusage: the child and every descendant it waited for), exact but per process.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

SAMPLE_SECONDS = 0.2
_PAGE = os.sysconf("SC_PAGE_SIZE")
_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Measured:
    seconds: float
    cpu_seconds: float  # user + system, the command and every descendant it waited for
    peak_tree_mib: float
    max_process_mib: float
    returncode: int
    output: str  # stdout and stderr, interleaved
    largest: str = ""  # the process with the largest sampled RSS, and that RSS
    started_epoch: float = 0.0  # wall-clock time of the launch (start-up is measured from it)

    def check(self, what: str) -> Measured:
        if self.returncode != 0:
            tail = "\n".join(self.output.splitlines()[-40:])
            raise RuntimeError(f"{what} failed (exit {self.returncode}):\n{tail}")
        return self


def run_measured(
    command: list[str], env: dict[str, str] | None = None, cwd: Path | None = None
) -> Measured:
    log_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-out-{os.getpid()}.log"
    with log_path.open("w+b") as log:
        started_epoch = time.time()
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=cwd)
        sampler = _TreeSampler(process.pid)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        sampler.stop()
        log.seek(0)
        output = log.read().decode("utf-8", errors="replace")
    log_path.unlink(missing_ok=True)
    return Measured(
        seconds=seconds,
        # rusage counts only descendants that were waited for; a JVM that py4j leaves to
        # exit on its own is not, so the tree's sampled CPU is taken when it is larger.
        cpu_seconds=max(usage.ru_utime + usage.ru_stime, sampler.cpu_seconds()),
        peak_tree_mib=sampler.peak_bytes / 2**20,
        max_process_mib=usage.ru_maxrss / 1024,  # Linux reports KiB
        returncode=process.returncode,
        output=output,
        largest=sampler.largest(),
        started_epoch=started_epoch,
    )


class _TreeSampler(threading.Thread):
    """Samples the summed RSS of a process and all its descendants, and each process's
    own peak (to name the biggest one)."""

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.peak_bytes = 0
        self.per_process: dict[int, int] = {}
        self.cpu_ticks: dict[int, int] = {}  # last seen utime + stime of each process
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            sizes = tree_rss_bytes(self.root, self.cpu_ticks)
            self.peak_bytes = max(self.peak_bytes, sum(sizes.values()))
            for pid, size in sizes.items():
                if size > self.per_process.get(pid, 0):
                    self.per_process[pid] = size
                    _remember_name(pid)
            self._done.wait(SAMPLE_SECONDS)

    def stop(self) -> None:
        self._done.set()
        self.join()

    def cpu_seconds(self) -> float:
        return sum(self.cpu_ticks.values()) / _TICKS

    def largest(self) -> str:
        if not self.per_process:
            return ""
        pid = max(self.per_process, key=self.per_process.__getitem__)
        return f"{_names.get(pid, '?')} {self.per_process[pid] / 2**20:,.0f} MiB"


_names: dict[int, str] = {}


def _remember_name(pid: int) -> None:
    """A short name for a process: the module or script it runs and its first argument."""
    if pid in _names:
        return
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            argv = [a.decode(errors="replace") for a in handle.read().split(b"\0") if a]
    except OSError:
        return
    words = [Path(a).name if "/" in a else a for a in argv[1:4] if a != "-m"]
    if any("multiprocessing" in a or "spawn_main" in a for a in argv):
        words = ["extraction worker"]
    _names[pid] = " ".join(words[:2]) or Path(argv[0]).name if argv else "?"


def tree_rss_bytes(root: int, cpu_ticks: dict[int, int] | None = None) -> dict[int, int]:
    """Resident bytes of ``root`` and each of its descendants, by pid; ``cpu_ticks``, when
    given, gets each one's CPU so far (utime + stime, clock ticks)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    ticks: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue  # the process ended while we looked
        pid = int(entry.name)
        parents[pid] = int(fields[1])  # after "pid (comm)": state, ppid, ...
        rss[pid] = int(fields[21]) * _PAGE  # rss in pages
        ticks[pid] = int(fields[11]) + int(fields[12])  # utime, stime
    children: dict[int, list[int]] = {}
    for pid, parent in parents.items():
        children.setdefault(parent, []).append(pid)
    found, stack = {}, [root]
    while stack:
        pid = stack.pop()
        found[pid] = rss.get(pid, 0)
        if cpu_ticks is not None and pid in ticks:
            cpu_ticks[pid] = max(cpu_ticks.get(pid, 0), ticks[pid])
        stack.extend(children.get(pid, ()))
    return found

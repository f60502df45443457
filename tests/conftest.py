"""Session fixtures shared by the end-to-end and reliability tests.

The baseline — one `cchc run` over the whole bundled sample — is the most expensive thing
in the suite, so it is made once per pytest session, even under pytest-xdist: the first
worker that needs it builds it in the session's shared tmp root under a file lock; the
others wait for it and reuse it. Nothing may write into the baseline's data dir: tests that
run the pipeline again copy it first (`tests.support.pipeline.copy_data_dir`).

Pipeline runs write their data dirs below `scratch` — on tmpfs (/dev/shm) when there is
one. Dagster's SQLite storage commits (fsyncs) every event, about 2,000 per `cchc run`;
on a virtual disk that alone added ~40 s to a 75 s run. A SIGKILL test does not need
fsync (the kernel keeps written pages of a killed process). `CCHC_TEST_TMPFS=0` keeps
everything in pytest's tmp dir. The pytest controller removes the tmpfs dir at the end.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

# A pytest-xdist worker runs as `python -c ...`: its __main__ has neither __spec__ nor
# __file__, which pyspark's Spark Connect utilities take for a doctest run and answer with
# sys.exit(0) when grpc is absent. Great Expectations imports them once pyspark is
# installed (requirements.lock has it for the Spark target), so every worker would exit
# while collecting. The worker's main module is given a real, empty file instead (a spawned
# child process re-runs the parent's main file: that one does nothing).
_main = sys.modules["__main__"]
if getattr(_main, "__spec__", None) is None and not hasattr(_main, "__file__"):
    _main.__file__ = str(Path(__file__).parent / "support" / "xdist_main.py")

from orchestration.settings import Settings  # noqa: E402 - after the worker fix above
from tests.support.pipeline import (  # noqa: E402
    SAMPLE_LANDING,
    Snapshot,
    file_lock,
    run_cli,
    snapshot_marts,
)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Keep `--dist loadgroup` working on pytest ≥ 9.2.

    pytest-xdist tells the controller a test's group by appending ``@<group>`` to its node
    id on the worker, by assigning ``item._nodeid``; pytest 9.2 keeps node ids in ``_id``
    (structured), so the suffix is silently lost and groups are spread over the workers
    (pytest-dev/pytest-xdist#1386). Then two workers would each run the e2e and the
    reliability modules' pipeline runs. Where xdist's suffix is missing, add it the way the
    new pytest stores it. A no-op without xdist, without loadgroup, or once xdist is fixed.
    """
    if not getattr(config.option, "loadgroup", False):
        return
    for item in items:
        groups = {
            str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
            for mark in item.iter_markers("xdist_group")
        }
        if not groups or "@" in item.nodeid.rsplit("]", 1)[-1]:
            continue
        if not hasattr(item, "_id"):  # older pytest: xdist's own suffix would be there
            continue
        from _pytest.nodeid import NodeId

        item._id = NodeId.parse(f"{item.nodeid}@{'_'.join(sorted(groups))}")


TMPFS = Path("/dev/shm")
STALE_SCRATCH_SECONDS = 24 * 3600


def _use_tmpfs() -> bool:
    if os.environ.get("CCHC_TEST_TMPFS", "1") == "0":
        return False
    try:
        return (
            TMPFS.is_dir()
            and os.access(TMPFS, os.W_OK)
            and shutil.disk_usage(TMPFS).free > 2 * 2**30
        )
    except OSError:
        return False


def _tmpfs_root(session_basetemp: Path) -> Path:
    """One directory per pytest session (the same for all its xdist workers)."""
    digest = hashlib.sha256(str(session_basetemp.resolve()).encode()).hexdigest()[:16]
    return TMPFS / f"cchc-tests-{digest}"


def pytest_sessionfinish(session: pytest.Session) -> None:
    """The controller (or the only process, without xdist) removes the session's tmpfs dir,
    and any left by sessions that died more than a day ago."""
    if hasattr(session.config, "workerinput") or not _use_tmpfs():
        return
    factory = getattr(session.config, "_tmp_path_factory", None)
    if factory is None:
        return
    shutil.rmtree(_tmpfs_root(factory.getbasetemp()), ignore_errors=True)
    for stale in TMPFS.glob("cchc-tests-*"):
        try:
            if time.time() - stale.stat().st_mtime > STALE_SCRATCH_SECONDS:
                shutil.rmtree(stale, ignore_errors=True)
        except OSError:
            continue


class Scratch:
    """Where pipeline runs put their landing copies and data dirs."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)

    def mktemp(self, name: str) -> Path:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        return Path(tempfile.mkdtemp(prefix=f"{worker}-{name}-", dir=self.root))


@pytest.fixture(scope="session")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Scratch:
    base = tmp_path_factory.getbasetemp()
    # Under xdist every worker has its own basetemp below one shared session directory.
    session_basetemp = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    return Scratch(_tmpfs_root(session_basetemp) if _use_tmpfs() else session_basetemp)


@dataclass
class BaselineRun:
    data_dir: Path
    landing: Path
    stdout: str
    _snapshot: Snapshot | None = field(default=None, repr=False)

    @property
    def analytics(self) -> Path:
        return Settings(self.landing, self.data_dir).analytics_path

    @property
    def warehouse(self) -> Path:
        return Settings(self.landing, self.data_dir).warehouse_path

    def snapshot(self) -> Snapshot:
        if self._snapshot is None:
            self._snapshot = snapshot_marts(self.analytics)
        return self._snapshot


class SharedBaseline:
    """Builds the baseline on first use (lazily, so a module can start its own runs while
    another worker builds it)."""

    def __init__(self, root: Path) -> None:
        self.root = root / "baseline-full-sample"
        self._run: BaselineRun | None = None

    def get(self) -> BaselineRun:
        if self._run is not None:
            return self._run
        data_dir = self.root / "data"
        status_path = self.root / "status.json"
        with file_lock(self.root.parent / "baseline-full-sample.lock"):
            if not status_path.exists():
                result = run_cli(["run"], data_dir, SAMPLE_LANDING, check=False)
                status_path.write_text(
                    json.dumps(
                        {
                            "returncode": result.returncode,
                            "describe": result.describe(),
                            "stdout": result.stdout,
                        }
                    ),
                    encoding="utf-8",
                )
        status = json.loads(status_path.read_text(encoding="utf-8"))
        if status["returncode"] != 0:
            pytest.fail(f"the baseline `cchc run` over the sample failed:\n{status['describe']}")
        self._run = BaselineRun(data_dir, SAMPLE_LANDING, status["stdout"])
        return self._run


@pytest.fixture(scope="session")
def shared_baseline(scratch: Scratch) -> SharedBaseline:
    return SharedBaseline(scratch.root)


@pytest.fixture(scope="session")
def spark(tmp_path_factory: pytest.TempPathFactory):
    """A local Spark session for the Spark ingest tests (one per worker: Spark keeps one
    session per process). Fails, saying what to install, without pyspark or Java."""
    from orchestration.spark.session import SparkUnavailable, check_requirements, start_session

    try:
        check_requirements()
    except SparkUnavailable as missing:
        pytest.fail(f"the Spark target cannot run here: {missing}")
    return start_session(tmp_path_factory.mktemp("spark-ingest"))

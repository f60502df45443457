"""Drive the real `cchc` command in separate processes and compare what it publishes.

Used by the end-to-end and reliability tests. Every run gets its own data dir (pytest's
tmp dirs); the bundled sample landing is only ever read or copied, never written.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import duckdb
from filelock import FileLock

from orchestration.settings import PROJECT_ROOT, SAMPLE_LANDING_DIR

SAMPLE_LANDING = SAMPLE_LANDING_DIR
SAMPLE_EXPECTED = PROJECT_ROOT / "sources" / "sample" / "expected"
MANIFEST_PATH = SAMPLE_EXPECTED / "manifest.json"
TRUTH_DOSSIERS_PATH = SAMPLE_EXPECTED / "truth_dossiers.csv"

BUSY_MESSAGE = "Another run is writing the warehouse"
# A whole `cchc run` over the sample takes 1–2 minutes on a 2-core machine running both test
# groups at once; a run that hangs (e.g. waiting for a pool slot a killed run still holds)
# must fail the test, not the CI job's time limit.
RUN_TIMEOUT_SECONDS = 600

_running: set[CliProcess] = set()


@atexit.register
def _kill_leftovers() -> None:
    """A test interrupted mid-run (Ctrl-C, a worker shut down) leaves no `cchc` behind: they
    run in sessions of their own, so nothing else would stop them."""
    for process in list(_running):
        process.kill()


# Columns that legitimately differ between two data dirs built from the same files: when a
# file was first seen. Publication metadata (marts.publication, marts.restatements) is
# compared separately by the tests that care about it.
VOLATILE_COLUMNS = {"file_ledger": ("first_seen_at", "processed_at")}
PUBLICATION_TABLES = ("publication", "restatements")


def load_manifest() -> dict:
    return json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------------------------
# Running the command line


def _cli_command(args: Iterable[str]) -> list[str]:
    script = Path(sys.executable).with_name("cchc")
    if script.exists():
        return [str(script), *args]
    return [sys.executable, "-m", "orchestration.cli", *args]


def cli_env(
    data_dir: Path,
    landing: Path,
    failpoint: str | None = None,
    extra: Mapping[str, str] | None = None,
) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("CCHC_", "DAGSTER_", "PYTEST_"))
    }
    env.update(
        {
            "DO_NOT_TRACK": "1",
            "GX_ANALYTICS_ENABLED": "false",
            "CCHC_DATA_DIR": str(data_dir),
            "CCHC_LANDING_DIR": str(landing),
            # rich wraps at 80 columns when stdout is a pipe; keep messages on one line
            "COLUMNS": "240",
            "PYTHONUNBUFFERED": "1",
        }
    )
    if failpoint:
        env["CCHC_FAILPOINT"] = failpoint
    env.update(extra or {})
    return env


@dataclass
class CliResult:
    args: list[str]
    returncode: int
    stdout: str
    stderr: str
    elapsed: float
    failpoint: str | None = None

    @property
    def output(self) -> str:
        """stdout and stderr with runs of whitespace (rich's wrapping) collapsed."""
        return " ".join(f"{self.stdout}\n{self.stderr}".split())

    def describe(self) -> str:
        tail = "\n".join((self.stdout + "\n" + self.stderr).strip().splitlines()[-40:])
        return (
            f"cchc {' '.join(self.args)} (failpoint={self.failpoint}) → rc {self.returncode} "
            f"after {self.elapsed:.0f}s\n{tail}"
        )


class CliProcess:
    """A `cchc` process in its own session (process group), as the failpoints require:
    they SIGKILL the whole group, which must not include pytest."""

    def __init__(
        self,
        args: list[str],
        data_dir: Path,
        landing: Path,
        failpoint: str | None = None,
        extra_env: Mapping[str, str] | None = None,
    ) -> None:
        self.args, self.failpoint = list(args), failpoint
        self.log_dir = Path(data_dir).parent / "cli-output"
        self.log_dir.mkdir(parents=True, exist_ok=True)
        stamp = f"{time.monotonic_ns()}-{'-'.join(args)}"
        self._stdout_path = self.log_dir / f"{stamp}.out"
        self._stderr_path = self.log_dir / f"{stamp}.err"
        # Files, not pipes: a killed run leaves nothing blocked on a full pipe.
        self._stdout = self._stdout_path.open("w+", encoding="utf-8")
        self._stderr = self._stderr_path.open("w+", encoding="utf-8")
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            _cli_command(args),
            cwd=PROJECT_ROOT,
            env=cli_env(data_dir, landing, failpoint, extra_env),
            stdout=self._stdout,
            stderr=self._stderr,
            start_new_session=True,
        )
        _running.add(self)

    def wait(self, timeout: float = RUN_TIMEOUT_SECONDS) -> CliResult:
        try:
            returncode = self.process.wait(timeout)
        except subprocess.TimeoutExpired as exc:
            self.kill()
            raise AssertionError(
                f"cchc {' '.join(self.args)} still running after {timeout:.0f}s; killed. "
                f"Output so far:\n{self._stdout_path.read_text(errors='replace')[-3000:]}"
            ) from exc
        except BaseException:
            self.kill()
            raise
        finally:
            self._stdout.close()
            self._stderr.close()
            _running.discard(self)
        elapsed = time.monotonic() - self.started
        return CliResult(
            self.args,
            returncode,
            self._stdout_path.read_text(encoding="utf-8", errors="replace"),
            self._stderr_path.read_text(encoding="utf-8", errors="replace"),
            elapsed,
            self.failpoint,
        )

    def kill(self) -> None:
        """Kill this process's group (and nothing else), e.g. when a test times out."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(Exception):
            self.process.wait(30)

    def group_alive(self) -> bool:
        """Whether a live (not zombie) process of the run's group is left: the CLI, dbt,
        Dagster's log tailers. Zombies do not count: in a container nobody may reap them."""
        proc = Path("/proc")
        if not proc.is_dir():  # pragma: no cover - not Linux
            try:
                os.killpg(self.process.pid, 0)
            except ProcessLookupError:
                return False
            return True
        for stat in proc.glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            state, process_group = fields[0], int(fields[2])
            if process_group == self.process.pid and state not in ("Z", "X"):
                return True
        return False


def run_cli(
    args: list[str],
    data_dir: Path,
    landing: Path,
    *,
    failpoint: str | None = None,
    check: bool = True,
    extra_env: Mapping[str, str] | None = None,
    timeout: float = RUN_TIMEOUT_SECONDS,
) -> CliResult:
    """Run `cchc <args>` to completion; with ``check``, a non-zero exit fails the test."""
    result = CliProcess(args, data_dir, landing, failpoint, extra_env).wait(timeout)
    if check and result.returncode != 0:
        raise AssertionError(result.describe())
    return result


# --------------------------------------------------------------------------------------------
# Landing trees and data dirs


def copy_landing(
    destination: Path, exclude: Iterable[str] = (), source: Path = SAMPLE_LANDING
) -> Path:
    """Copy a landing tree; ``exclude``: paths relative to the landing root to leave out."""
    skipped = set(exclude)
    for relative in skipped:
        assert (source / relative).is_file(), f"no such landed file: {relative}"
    for path in sorted(source.rglob("*")):
        if not path.is_file():
            continue
        relative = path.relative_to(source).as_posix()
        if relative in skipped:
            continue
        target = destination / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    return destination


def copy_data_dir(source: Path, destination: Path) -> Path:
    """A private copy of a finished run's data dir (warehouse, analytics, Dagster home)."""
    shutil.copytree(source, destination, ignore=shutil.ignore_patterns("*.lock", "*.tmp"))
    return destination


def file_lock(path: Path) -> FileLock:
    """An exclusive lock shared by the pytest-xdist workers (one file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return FileLock(path)


# --------------------------------------------------------------------------------------------
# Snapshots of the published marts

Row = tuple
Snapshot = dict[str, list[Row]]


def _sort_key(row: Row) -> tuple:
    # None sorts first; floats are rounded for ordering only (comparison is tolerant).
    return tuple(
        (0, "") if v is None else (1, round(v, 6) if isinstance(v, float) else v) for v in row
    )


def snapshot_marts(
    database: Path,
    schemas: Iterable[str] = ("marts",),
    drop_columns: Mapping[str, Iterable[str]] = VOLATILE_COLUMNS,
) -> Snapshot:
    """Every table of the schemas → its rows, sorted (columns in table order, minus the
    volatile ones). Opens the file read-only, as an analyst does."""
    con = duckdb.connect(str(database), read_only=True)
    try:
        snapshot: Snapshot = {}
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables() "
            f"where schema_name in ({', '.join('?' for _ in schemas)}) order by all",
            list(schemas),
        ).fetchall()
        for schema, table in tables:
            columns = [
                name
                for (name,) in con.execute(
                    "select column_name from duckdb_columns() where schema_name = ? "
                    "and table_name = ? order by column_index",
                    [schema, table],
                ).fetchall()
                if name not in set(drop_columns.get(table, ()))
            ]
            select = ", ".join(f'"{c}"' for c in columns)
            rows = con.execute(f'select {select} from "{schema}"."{table}"').fetchall()
            name = table if schema == "marts" else f"{schema}.{table}"
            snapshot[name] = sorted(rows, key=_sort_key)
        return snapshot
    finally:
        con.close()


def _values_equal(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        if math.isnan(a) and math.isnan(b):
            return True
        # Sums of doubles (wait minutes) vary in their last bits between rebuilds.
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def diff_snapshots(
    expected: Snapshot, actual: Snapshot, ignore_tables: Iterable[str] = PUBLICATION_TABLES
) -> list[str]:
    """Human-readable differences between two snapshots (empty: equal)."""
    ignored = set(ignore_tables)
    problems: list[str] = []
    names = (set(expected) | set(actual)) - ignored
    for name in sorted(names):
        if name not in expected or name not in actual:
            problems.append(f"{name}: only in {'expected' if name in expected else 'actual'}")
            continue
        left, right = expected[name], actual[name]
        if len(left) != len(right):
            extra = sorted(set(right) - set(left), key=_sort_key)[:3]
            missing = sorted(set(left) - set(right), key=_sort_key)[:3]
            problems.append(
                f"{name}: {len(left)} rows expected, {len(right)} found; "
                f"e.g. missing {missing}, unexpected {extra}"
            )
            continue
        mismatched = [
            (a, b)
            for a, b in zip(left, right, strict=True)
            if len(a) != len(b) or not all(_values_equal(x, y) for x, y in zip(a, b, strict=True))
        ]
        if mismatched:
            problems.append(
                f"{name}: {len(mismatched)} of {len(left)} rows differ, e.g. "
                + "; ".join(f"expected {a} found {b}" for a, b in mismatched[:3])
            )
    return problems


def assert_snapshots_equal(
    expected: Snapshot,
    actual: Snapshot,
    ignore_tables: Iterable[str] = PUBLICATION_TABLES,
    context: str = "",
) -> None:
    problems = diff_snapshots(expected, actual, ignore_tables)
    assert not problems, (context + "\n" if context else "") + "\n".join(problems)


def publication_of(analytics: Path) -> tuple[str, object]:
    con = duckdb.connect(str(analytics), read_only=True)
    try:
        return con.execute("select run_id, published_at from marts.publication").fetchone()
    finally:
        con.close()

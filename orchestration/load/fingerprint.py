"""What a nightly run's outputs depend on, as one digest: "has anything changed?".

A run's marts, publication, reports and alerts are a function of (a) the files the ledger
records, (b) the code and the dbt project that turn them into figures, and (c) the few
settings and the quarter in progress that the figures and reports read. If all three are
what they were when a run last completed successfully, a rebuild would reproduce that run's
outputs exactly, so the nightly run can stop after ingesting (docs/decisions.md, "A night
with nothing new"). Anything else (a new or re-delivered file, a changed model, a changed
cut-off day, a new quarter) changes the digest and the run rebuilds as usual.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path

import duckdb

# The code whose changes can change an output: the warehouse package and the dbt project.
PACKAGE_DIR = Path(__file__).resolve().parents[1]
CODE_SUFFIXES = (".py", ".sql", ".yml", ".yaml", ".csv", ".html", ".j2", ".css", ".json")
# dbt's own artefacts and caches live here and change on every invocation.
IGNORED_DIRS = frozenset({"target", "logs", "dbt_packages", "__pycache__", ".pytest_cache"})


def ledger_digest(con: duckdb.DuckDBPyConnection) -> str:
    """Every ledger row's path, content hash and status: a new, re-delivered, duplicate or
    rejected file changes it (one scan of a table of one row per landed file)."""
    rows, digest = con.execute(
        "select count(*), coalesce(sum(hash(file_path, sha256, status)), 0) from raw.file_ledger"
    ).fetchone()
    return f"{rows}:{digest}"


def code_files(roots: Iterable[Path]) -> list[tuple[str, Path]]:
    """(name relative to its root, path) of the source files under ``roots``, in a stable
    order, build artefacts excluded: a clone elsewhere has the same digest."""
    found = []
    for root in roots:
        for path in root.rglob("*"):
            relative = path.relative_to(root)
            if path.suffix in CODE_SUFFIXES and not IGNORED_DIRS.intersection(relative.parts):
                found.append((f"{root.name}/{relative.as_posix()}", path))
    return sorted(found)


def code_digest(roots: Iterable[Path]) -> str:
    """sha256 over the names and contents of the code under ``roots``."""
    digest = hashlib.sha256()
    for name, path in code_files(roots):
        digest.update(name.encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def inputs_digest(ledger: str, code: str, settings: Mapping[str, object]) -> str:
    """Pure: one digest of the three parts (settings in key order)."""
    parts = [ledger, code, *(f"{key}={settings[key]}" for key in sorted(settings))]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()

"""The landed files as the ledger should see them, and the deterministic JSON writer."""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd


@dataclass
class LandedFile:
    """One file written below ``landing/`` and what the pipeline should make of it."""

    path: str  # relative to the landing root, "/" separators
    data: bytes
    source: str  # reference | one_stop | agency_reports | queue
    layout: str | None  # A | B | bieu06 | queue | reference
    fmt: str  # csv | xlsx | jsonl
    encoding: str | None = None
    delimiter: str | None = None
    rows_read: int | None = None
    quarantine: dict[str, int] = field(default_factory=dict)
    canonical: pd.DataFrame | None = None  # one-stop rows as a correct reader sees them
    window: tuple[str, str] | None = None
    rejected_reason: str | None = None  # corrupt | missing_headers | empty
    missing_headers: list[str] | None = None
    status: str = ""

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def path_key(path: str) -> bytes:
    """The contract's processing order: byte order of the relative path."""
    return path.encode("utf-8")


def assign_statuses(files: list[LandedFile]) -> list[tuple[str, str]]:
    """Set ``status`` in the order the pipeline takes files; return (duplicate, original)
    pairs. A file whose bytes equal an already *loaded* file's is a duplicate."""
    loaded: dict[str, str] = {}
    pairs = []
    for f in sorted(files, key=lambda f: path_key(f.path)):
        if f.rejected_reason is not None:
            f.status = "rejected"
        elif f.sha256 in loaded:
            f.status = "duplicate"
            pairs.append((f.path, loaded[f.sha256]))
        else:
            f.status = "loaded"
            loaded[f.sha256] = f.path
    return pairs


def file_entry(f: LandedFile) -> dict[str, object]:
    entry: dict[str, object] = {
        "path": f.path,
        "source": f.source,
        "status": f.status,
        "layout": f.layout if f.status == "loaded" else None,  # as the ledger: not parsed
        "format": f.fmt,
        "encoding": f.encoding,
        "delimiter": f.delimiter,
        "sha256": f.sha256,
        "bytes": len(f.data),
    }
    if f.window is not None:
        entry["window"] = {"from": f.window[0], "to": f.window[1]}
    if f.status == "loaded":
        quarantined = sum(f.quarantine.values())
        entry["rows_read"] = f.rows_read
        entry["rows_loaded"] = (f.rows_read or 0) - quarantined
        entry["rows_quarantined"] = quarantined
        entry["quarantine"] = dict(sorted(f.quarantine.items()))
    else:
        entry["rows_read"] = entry["rows_loaded"] = entry["rows_quarantined"] = None
    if f.status == "rejected":
        entry["reason"] = f.rejected_reason
        if f.missing_headers:
            entry["missing_headers"] = f.missing_headers
    return entry


def write_tree(out: Path, files: list[LandedFile], expected: dict[str, bytes]) -> None:
    """Replace ``out/landing`` and ``out/expected`` wholesale (stale files from an older
    generation must not survive), leaving anything else in ``out`` alone."""
    for sub in ("landing", "expected"):
        target = out / sub
        if target.exists():
            shutil.rmtree(target)
    for f in files:
        target = out / "landing" / f.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(f.data)
    for name, data in expected.items():
        target = out / "expected" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def json_bytes(value: object) -> bytes:
    """Key order as built (insertion order is part of the format), UTF-8, final newline."""
    return (json.dumps(value, ensure_ascii=False, indent=1) + "\n").encode("utf-8")

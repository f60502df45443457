"""Find landed files of one source under the landing root, in the contract's order."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

SOURCES = ("reference", "one_stop", "agency_reports", "queue")


@dataclass(frozen=True)
class LandedFile:
    source: str
    relative_path: str  # relative to the landing root, "/" separators
    absolute_path: Path


def discover(landing_dir: Path, source: str) -> list[LandedFile]:
    """Every regular, non-hidden file below ``<landing>/<source>/`` at any depth.

    Sorted by the byte order of the relative path, the order in which the contract says new
    files are taken (and the tie-breaker of "latest version wins").
    """
    root = landing_dir / source
    if not root.is_dir():
        return []
    found = []
    for path in root.rglob("*"):
        relative = path.relative_to(landing_dir).as_posix()
        hidden = any(part.startswith(".") for part in relative.split("/"))
        if path.is_file() and not hidden:
            found.append(LandedFile(source, relative, path))
    return sorted(found, key=lambda f: f.relative_path.encode("utf-8"))


def sha256_of(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()

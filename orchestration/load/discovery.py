"""Find landed files of one source under the landing root, in the contract's order.

A landing holds one province (``<landing>/<source>/...``) or many, one folder per province
code (``<landing>/<province_code>/<source>/...``, e.g. ``landing/T01/one_stop/...``): any
top-level folder that is not a source's is a province's. Paths stay relative to the landing
root, so the province is the first part of a many-province path (dbt reads it back with the
macro ``landing_province``; docs/decisions.md "Many provinces in one landing").
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from orchestration.settings import LANDING_SOURCES, landing_provinces

SOURCES = LANDING_SOURCES

# Set to 1 (or `cchc run --rehash`): hash every landed file again, whatever its stat says
# (docs/decisions.md, "Stat cache in the ledger").
REHASH_ENV = "CCHC_REHASH"


@dataclass(frozen=True)
class LandedFile:
    source: str
    relative_path: str  # relative to the landing root, "/" separators
    absolute_path: Path
    # The file's stat when it was discovered (None when built by hand): what the ledger
    # records with the hash, so that an unchanged file is not hashed again.
    size: int | None = field(default=None, compare=False)
    mtime_ns: int | None = field(default=None, compare=False)


def discover(landing_dir: Path, source: str) -> list[LandedFile]:
    """Every regular, non-hidden file below ``<landing>/<source>/`` and
    ``<landing>/<province>/<source>/`` at any depth.

    Sorted by the byte order of the relative path, the order in which the contract says new
    files are taken (and the tie-breaker of "latest version wins").
    """
    provinces = landing_provinces(landing_dir)
    roots = [landing_dir / source, *(landing_dir / province / source for province in provinces)]
    found = []
    for root in roots:
        if root.is_dir():
            found.extend(_files_below(landing_dir, root, source))
    return sorted(found, key=lambda f: f.relative_path.encode("utf-8"))


def _files_below(landing_dir: Path, root: Path, source: str) -> list[LandedFile]:
    found = []
    for path in root.rglob("*"):
        relative = path.relative_to(landing_dir).as_posix()
        if any(part.startswith(".") for part in relative.split("/")):
            continue
        try:
            info = path.stat()  # one stat: the file test and the ledger's stat cache
        except FileNotFoundError:
            continue  # removed while listing
        if stat.S_ISREG(info.st_mode):
            found.append(LandedFile(source, relative, path, info.st_size, info.st_mtime_ns))
    return found


def rehash_requested() -> bool:
    """Whether the operator asked for every landed file to be hashed again."""
    return os.environ.get(REHASH_ENV, "").strip().lower() in {"1", "true", "yes"}


def sha256_of(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()

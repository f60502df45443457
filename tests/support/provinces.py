"""A many-province landing made from the bundled sample: the sample as province T01 and a
renamed copy as province T02 (landing/<province>/..., docs/decisions.md "Many provinces in
one landing").

The copy is the sample with its province code changed wherever the data carries it: every
agency code and dossier code ends or embeds ``.T01`` (``000.00.01.T01``,
``000.00.01.T01-240105-0001``) and the agency catalogue's province_code column is ``T01``.
The bytes are replaced in the file's own encoding (UTF-8/ASCII-compatible and UTF-16), and
inside the parts of an XLSX package, so every file reads exactly as its original does: T02's
figures must be T01's, code for code.
"""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

from orchestration.settings import SAMPLE_LANDING_DIR

SAMPLE_PROVINCE = "T01"


def _renamed_text(data: bytes, old: str, new: str) -> bytes:
    for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
        data = data.replace(f".{old}".encode(encoding), f".{new}".encode(encoding))
    return data


def _renamed_catalogue(data: bytes, old: str, new: str) -> bytes:
    """agencies.csv: the codes, and the province_code column (the last one)."""
    lines = _renamed_text(data, old, new).split(b"\n")
    return b"\n".join(
        line[: -len(old)] + new.encode() if line.rstrip(b"\r").endswith(old.encode()) else line
        for line in (part.rstrip(b"\r") for part in lines)
    )


def _renamed_xlsx(data: bytes, old: str, new: str) -> bytes:
    if not zipfile.is_zipfile(io.BytesIO(data)):
        return data  # the sample's broken workbook: rejected in both provinces alike
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, _renamed_text(source.read(info), old, new))
    return out.getvalue()


def renamed_copy(source: Path, destination: Path, old: str, new: str) -> None:
    """Copy a landing tree with province code ``old`` renamed ``new`` in every file."""
    for path in sorted(source.rglob("*")):
        target = destination / path.relative_to(source)
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        data = path.read_bytes()
        if path.suffix.lower() == ".xlsx":
            data = _renamed_xlsx(data, old, new)
        elif path.name == "agencies.csv":
            data = _renamed_catalogue(data, old, new)
        else:
            data = _renamed_text(data, old, new)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def two_province_landing(root: Path, second: str = "T02") -> Path:
    """``root/landing`` with the sample as T01 and its renamed copy as ``second``."""
    landing = root / "landing"
    shutil.copytree(SAMPLE_LANDING_DIR, landing / SAMPLE_PROVINCE)
    renamed_copy(SAMPLE_LANDING_DIR, landing / second, SAMPLE_PROVINCE, second)
    return landing

"""What every extractor returns, and how it refuses a file."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import pyarrow as pa

QUARANTINE_COLUMNS = ["row_number", "reason", "detail"]


class RejectedFile(Exception):
    """The file cannot be read as any layout. ``str(exc)`` goes to the ledger's message,
    so it must name what is wrong (the missing headers by name, or the parse error)."""


@dataclass(frozen=True)
class Extracted:
    """One file's rows after extraction and validation.

    ``rows`` has the canonical columns of the target raw table plus ``row_number``
    (no ``file_path``: the loader adds it). ``quarantined`` has QUARANTINE_COLUMNS.
    Either is a pandas frame or an Arrow table (the batch extractor's, which the loader
    hands to DuckDB without a copy).
    Invariant: ``rows_read == len(rows) + len(quarantined)``.
    """

    layout: str
    rows: pd.DataFrame | pa.Table
    quarantined: pd.DataFrame | pa.Table
    rows_read: int
    header: dict[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.rows_read != len(self.rows) + len(self.quarantined):
            raise ValueError(
                f"rows_read={self.rows_read} != loaded {len(self.rows)} "
                f"+ quarantined {len(self.quarantined)}"
            )


def empty_quarantine() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "row_number": pd.Series([], dtype="int64"),
            "reason": pd.Series([], dtype="object"),
            "detail": pd.Series([], dtype="object"),
        }
    )

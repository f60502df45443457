"""Extract one-stop dossier exports (layout A or B, as CSV, XLSX or JSON Lines) in batches.

Steps: each file is read on its own into an Arrow table of its wanted columns (personal
data is never read; orchestration.extract.one_stop_read), its layout detected from the
headers; then ONE SQL statement over the batch's files maps values to canonical ones and
gives each unusable row its first quarantine reason in the contract's order
(orchestration.extract.one_stop_rules). Cost follows the data, not the number of files.
The usable rows are validated after extraction, by the ingest driver (one pandera call
per batch, orchestration.validate).

A file that cannot be read is rejected on its own. If the batch statement fails, the
batch is judged again file by file, so that only the guilty file is rejected (with a
message naming it) and the others load.

Decisions the contract leaves open (also in the module's tests):
- Dates are compared as dates (calendar days), like every period figure: a due or completion
  date on the day of receipt is never "before received", whatever the clock says.
- An empty `Ngày cập nhật` is `bad_date`: the version order needs it and the contract's list
  of reasons has nothing closer.
- A header-only file loads with 0 rows; an empty file is rejected.
- Unrecognised flag values read as false and unrecognised ratings as not rated: the contract
  gives no quarantine reason for either.
- A row none of whose read columns holds anything (a blank line, or only STT / applicant
  cells) is not a data row: it is neither counted nor quarantined.
- Agency codes match the catalogue exactly (after trimming); status 1 (Mới đăng ký) needs a
  received date like every other status, since the contract lists no exception.
- The layout is the one whose headers the file has most of (a tie goes to A).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb
import pyarrow as pa

from orchestration.extract.one_stop_read import ReadFile, detect_layout, read_one_stop_file
from orchestration.extract.one_stop_rules import REASONS, ROW_COLUMNS, judge, split_by_file
from orchestration.extract.types import Extracted
from orchestration.settings import duckdb_config

__all__ = ["REASONS", "ROW_COLUMNS", "OneStopBatch", "detect_layout", "extract_one_stop"]


class OneStopBatch:
    """Extracts batches of one-stop files against one agency catalogue, in an in-memory
    DuckDB (the warehouse's memory limit applies to it too). Close it when done."""

    def __init__(self, agency_codes: frozenset[str]) -> None:
        self._con = duckdb.connect(config=duckdb_config())
        self._agencies = pa.table({"code": pa.array(sorted(agency_codes), pa.string())})

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> OneStopBatch:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def extract(self, files: Sequence[tuple[Path, str]]) -> list[Extracted | Exception]:
        """Per ``(path, file_label)``, in order: the extraction, or the exception that
        rejects the file (``RejectedFile`` naming it, or an unexpected error)."""
        outcomes: list[Extracted | Exception | None] = [None] * len(files)
        reads: list[ReadFile] = []
        positions: list[int] = []
        for position, (path, label) in enumerate(files):
            try:
                reads.append(read_one_stop_file(path, label))
                positions.append(position)
            except Exception as exc:  # noqa: BLE001 - one broken file never stops the run
                outcomes[position] = exc
        if reads:
            try:
                judged: Sequence[Extracted | Exception] = self._judge(reads)
            except Exception:  # noqa: BLE001 - find the guilty file: judge each on its own
                judged = [self._judge_alone(read) for read in reads]
            for position, outcome in zip(positions, judged, strict=True):
                outcomes[position] = outcome
        assert all(outcome is not None for outcome in outcomes)
        return outcomes  # type: ignore[return-value]

    def _judge(self, reads: Sequence[ReadFile]) -> list[Extracted]:
        judged = judge(self._con, reads, self._agencies)
        rows = split_by_file(judged.rows, len(reads))
        quarantined = split_by_file(judged.quarantined, len(reads))
        return [
            Extracted(
                layout=read.layout.name,
                rows=rows[i],
                quarantined=quarantined[i],
                rows_read=judged.rows_read[i],
            )
            for i, read in enumerate(reads)
        ]

    def _judge_alone(self, read: ReadFile) -> Extracted | Exception:
        try:
            return self._judge([read])[0]
        except Exception as exc:  # noqa: BLE001 - the file is rejected with this error
            return exc


def extract_one_stop(path: Path, file_label: str, agency_codes: frozenset[str]) -> Extracted:
    """One file as a batch of one, with pandas frames (``rows``: ROW_COLUMNS;
    ``quarantined``: row_number, reason, detail). ``file_label``: the path relative to the
    landing root (named in messages); ``agency_codes``: the agency catalogue, for
    `unknown_agency`. Raises what rejects the file."""
    with OneStopBatch(agency_codes) as batch:
        (outcome,) = batch.extract([(path, file_label)])
    if isinstance(outcome, Exception):
        raise outcome
    return Extracted(
        layout=outcome.layout,
        rows=outcome.rows.to_pandas(coerce_temporal_nanoseconds=True),
        quarantined=outcome.quarantined.to_pandas(),
        rows_read=outcome.rows_read,
    )

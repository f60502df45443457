"""The one-stop engine judges a batch of files as it judges each alone, and one guilty file
never takes the batch down (orchestration.extract.one_stop.OneStopBatch, then the batch's
validation, orchestration.validate.validate_files)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from orchestration.extract.one_stop import OneStopBatch
from orchestration.extract.types import Extracted, RejectedFile
from orchestration.validate import dossier_schema, validate_files
from orchestration.validate.dossier_schema import DossierSchemaError

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLES = FIXTURES / "contract_examples"
FILES = sorted((EXAMPLES / "one_stop").iterdir()) + sorted(
    (FIXTURES / "ingest_edge" / "one_stop").iterdir()
)
AGENCIES = frozenset(pd.read_csv(EXAMPLES / "reference" / "agencies.csv", dtype=str)["agency_code"])


def _as_lists(outcome: Extracted | Exception) -> object:
    if isinstance(outcome, Exception):
        return (type(outcome).__name__, str(outcome))
    assert isinstance(outcome.rows, pa.Table)
    return (
        outcome.layout,
        outcome.rows_read,
        outcome.rows.to_pylist(),
        outcome.quarantined.to_pylist(),
    )


def test_a_batch_gives_what_each_file_gives_alone() -> None:
    files = [(path, f"one_stop/{path.name}") for path in FILES]
    with OneStopBatch(AGENCIES) as engine:
        together = engine.extract(files)
        alone = [engine.extract([file])[0] for file in files]
    assert [_as_lists(o) for o in together] == [_as_lists(o) for o in alone]
    assert any(isinstance(o, RejectedFile) for o in together)  # the edge tree's bad files
    assert sum(isinstance(o, Extracted) for o in together) >= 8


def test_a_failing_file_is_rejected_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    # Validation runs after extraction, through its one entry point (the ingest driver
    # calls it once per batch): a batch that fails is checked file by file.
    guilty = "one_stop/layout_b.jsonl"
    real = dossier_schema.validate_dossier_batch

    def failing(rows: pa.Table, labels: list[str]) -> None:
        if guilty in labels:
            raise DossierSchemaError(f"{guilty}: canonical dossier rows fail the schema")
        real(rows, labels)

    monkeypatch.setattr(dossier_schema, "validate_dossier_batch", failing)
    files = [(path, f"one_stop/{path.name}") for path in sorted((EXAMPLES / "one_stop").iterdir())]
    with OneStopBatch(AGENCIES) as engine:
        extracted = engine.extract(files)
    assert all(isinstance(o, Extracted) and o.rows_read == 25 for o in extracted)
    checked = validate_files(
        "dossier_versions",
        [(label, o.rows) for (_, label), o in zip(files, extracted, strict=True)],
    )
    outcomes = dict(zip((label for _, label in files), checked, strict=True))
    assert isinstance(outcomes.pop(guilty), DossierSchemaError)
    assert all(isinstance(o, pa.Table) for o in outcomes.values())

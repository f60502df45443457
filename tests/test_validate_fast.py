"""The quick pass before pandera (orchestration.validate.fast) never lets a bad frame through.

``passes`` may say "not sure" (False) for a valid frame, but whenever pandera rejects a frame
it must say False, so that pandera runs and reports.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pytest
from pandera.errors import SchemaErrors

from orchestration.extract import one_stop
from orchestration.validate.dossier_schema import (
    DossierSchemaError,
    DossierVersionRow,
    validate_dossier_rows,
)
from orchestration.validate.fast import passes, validate_quickly

EXAMPLES = Path(__file__).parent / "fixtures" / "contract_examples"
SCHEMA = DossierVersionRow.to_schema()


@pytest.fixture(scope="module")
def rows() -> pd.DataFrame:
    """Canonical rows as the extractor hands them to validation."""
    agencies = frozenset(
        pd.read_csv(EXAMPLES / "reference" / "agencies.csv", dtype=str)["agency_code"]
    )
    captured: list[pd.DataFrame] = []
    original = one_stop.validate_dossier_rows

    def capture(frame: pd.DataFrame, label: str) -> pd.DataFrame:
        captured.append(frame)
        return original(frame, label)

    one_stop.validate_dossier_rows = capture
    try:
        for name in ("layout_a_utf8.csv", "layout_b.jsonl", "layout_b_iso_dates.csv"):
            one_stop.extract_one_stop(EXAMPLES / "one_stop" / name, name, agencies)
    finally:
        one_stop.validate_dossier_rows = original
    frame = pd.concat(captured, ignore_index=True)
    frame["row_number"] = np.arange(2, 2 + len(frame), dtype="int64")
    return frame


def test_valid_rows_pass_without_pandera(rows: pd.DataFrame) -> None:
    assert len(rows) > 3
    DossierVersionRow.validate(rows, lazy=True)  # pandera agrees they are valid
    assert passes(SCHEMA, rows)
    assert validate_quickly(SCHEMA, rows) is rows


def _set(column: str, value: object, row: int = 0) -> Callable[[pd.DataFrame], pd.DataFrame]:
    def mutate(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.copy()
        values = frame[column].to_numpy(copy=True)
        values[row] = value
        frame[column] = pd.Series(values, index=frame.index, dtype=frame[column].dtype)
        return frame

    return mutate


MUTATIONS: dict[str, Callable[[pd.DataFrame], pd.DataFrame]] = {
    "channel outside the vocabulary": _set("channel", "fax"),
    "empty dossier code": _set("dossier_code", ""),
    "null agency code": _set("agency_code", None),
    "service level outside the vocabulary": _set("service_level", "mức 9"),
    "rating not text": _set("rating", 3),
    "layout C": _set("layout", "C"),
    "status 0": _set("status", 0),
    "status 11": _set("status", 11),
    "row number 0": _set("row_number", 0),
    "duplicate row number": lambda f: f.assign(row_number=np.int64(2)),
    "missing received date": _set("received_at", np.datetime64("NaT")),
    "due before received (as dates)": lambda f: f.assign(
        due_at=f["received_at"] - pd.Timedelta(days=1)
    ),
    "completed before received": lambda f: f.assign(
        completed_at=f["received_at"] - pd.Timedelta(days=2)
    ),
    "resolved without completion": lambda f: f.assign(status=np.int16(10), completed_at=pd.NaT),
    "status as int64": lambda f: f.assign(status=f["status"].astype("int64")),
    "flag as object": lambda f: f.assign(is_reused=f["is_reused"].astype(object)),
    "text as Arrow strings": lambda f: f.assign(
        dossier_code=f["dossier_code"].astype("string[pyarrow]")
    ),
    "extra column": lambda f: f.assign(file_path="x.csv"),
    "missing column": lambda f: f.drop(columns=["rating"]),
    "columns reordered": lambda f: f[list(reversed(f.columns))],
}


@pytest.mark.parametrize("mutation", MUTATIONS, ids=list(MUTATIONS))
def test_whatever_pandera_rejects_the_quick_pass_rejects(rows: pd.DataFrame, mutation: str) -> None:
    bad = MUTATIONS[mutation](rows)
    with pytest.raises(SchemaErrors):
        DossierVersionRow.validate(bad, lazy=True)
    assert not passes(SCHEMA, bad)
    with pytest.raises(DossierSchemaError):  # and the caller still gets pandera's verdict
        validate_dossier_rows(bad, "bad.csv")


def test_what_it_does_not_model_goes_to_pandera() -> None:
    coercing = pa.DataFrameSchema({"a": pa.Column(int)}, coerce=True)
    element_wise = pa.DataFrameSchema(
        {"a": pa.Column(int, pa.Check(lambda v: v > 0, element_wise=True))}
    )
    frame = pd.DataFrame({"a": [1, 2]})
    assert not passes(coercing, frame)
    assert not passes(element_wise, frame)
    assert validate_quickly(element_wise, frame).equals(frame)

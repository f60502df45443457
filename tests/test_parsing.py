"""Vectorised cell parsing shared by the extractors (orchestration.extract.parsing)."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime

import pandas as pd
import pytest

from orchestration.extract.parsing import (
    COMPACT,
    DAY_FIRST,
    ISO_LOCAL,
    as_text,
    match_vocabulary,
    normalise_vocabulary,
    parse_datetimes,
    parse_flags,
    to_text,
)


def _parse(values: list[object], formats=(DAY_FIRST,)) -> list[object]:
    parsed = parse_datetimes(pd.Series(values, dtype=object), formats)
    return [None if pd.isna(v) else v.to_pydatetime() for v in parsed.values]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("02/01/2024 13:04:05", datetime(2024, 1, 2, 13, 4, 5)),
        ("02/01/2024 13:04", datetime(2024, 1, 2, 13, 4)),
        ("02/01/2024", datetime(2024, 1, 2)),
        ("2/1/2024 7:04", datetime(2024, 1, 2, 7, 4)),  # unpadded day, month, hour
        ("  13/01/2024 00:00:00 ", datetime(2024, 1, 13)),  # day first, padding stripped
        ("29/02/2024", datetime(2024, 2, 29)),  # leap day
    ],
)
def test_day_first_formats(text: str, expected: datetime) -> None:
    assert _parse([text]) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "31/02/2024",  # not a calendar date (strptime-style parsers roll it to March)
        "29/02/2023",
        "01/13/2024",  # month first is never accepted
        "02/01/2024 24:00",
        "02/01/2024 13:60",
        "02/01/2024 13:04:60",
        "02/01/24",  # two-digit year
        "02/01/0024",
        "2024-01-02T13:04:00",  # layout B spelling in a day-first column
        "02/01/2024 13:04:00x",
        "hôm qua",
    ],
)
def test_day_first_rejects(text: str) -> None:
    parsed = parse_datetimes(pd.Series([text]), (DAY_FIRST,))
    assert parsed.bad.tolist() == [True]
    assert parsed.values.isna().all()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20240102130405", datetime(2024, 1, 2, 13, 4, 5)),
        ("2024-01-02T13:04:05", datetime(2024, 1, 2, 13, 4, 5)),
        ("2024-01-02 13:04:05", datetime(2024, 1, 2, 13, 4, 5)),
        ("2024-01-02T13:04:05.250", datetime(2024, 1, 2, 13, 4, 5)),
    ],
)
def test_compact_and_iso(text: str, expected: datetime) -> None:
    assert _parse([text], (COMPACT, ISO_LOCAL)) == [expected]


@pytest.mark.parametrize(
    "text",
    ["2024010213040", "202401021304000", "20241302130400", "2024-01-02T13:04:05Z", "2024-01-02"],
)
def test_compact_and_iso_reject(text: str) -> None:
    assert parse_datetimes(pd.Series([text]), (COMPACT, ISO_LOCAL)).bad.tolist() == [True]


def test_empty_cells_are_absent_not_bad() -> None:
    parsed = parse_datetimes(pd.Series(["", None, "  ", "02/01/2024"], dtype=object), (DAY_FIRST,))
    assert parsed.present.tolist() == [False, False, False, True]
    assert parsed.bad.tolist() == [False, False, False, False]


def test_native_date_cells_pass_through() -> None:
    values = [datetime(2024, 1, 2, 13, 4), date(2024, 1, 3), "04/01/2024 08:00", "", "x"]
    parsed = parse_datetimes(pd.Series(values, dtype=object), (DAY_FIRST,))
    assert parsed.values.tolist()[:3] == [
        pd.Timestamp(2024, 1, 2, 13, 4),
        pd.Timestamp(2024, 1, 3),
        pd.Timestamp(2024, 1, 4, 8),
    ]
    assert parsed.bad.tolist() == [False, False, False, False, True]
    assert parsed.values.dtype == "datetime64[ns]"


def test_parse_keeps_the_index_and_handles_empty_columns() -> None:
    values = pd.Series(["02/01/2024", "x"], index=[7, 9])
    parsed = parse_datetimes(values, (DAY_FIRST,))
    assert parsed.values.index.tolist() == [7, 9]
    empty = parse_datetimes(pd.Series([], dtype=object), (DAY_FIRST,))
    assert len(empty.values) == 0 and empty.values.dtype == "datetime64[ns]"


def test_vocabulary_matches_normalised_text() -> None:
    vocabulary = normalise_vocabulary({"Trực tiếp": "in_person", "Đã trả kết quả": 10})
    values = pd.Series(
        [
            unicodedata.normalize("NFD", "Trực tiếp"),
            " TRỰC  TIẾP ",
            "truc tiep",
            "Da tra ket qua",
            "ĐÃ TRẢ KẾT QUẢ",
            "fax",
            None,
        ]
    )
    assert match_vocabulary(values, vocabulary).tolist() == [
        "in_person",
        "in_person",
        "in_person",
        10,
        10,
        None,
        None,
    ]


def test_flags() -> None:
    vocabulary = normalise_vocabulary({"Có": True, "x": True, "1": True, "Không": False})
    values = pd.Series(["Có", "CÓ", "X", "1", "Không", "", None, "maybe"], dtype=object)
    assert parse_flags(values, vocabulary).tolist() == [True] * 4 + [False] * 4


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, ""), (" a ", "a"), (4, "4"), (4.0, "4"), (2.004985, "2.004985"), (True, "true")]
    + [(float("nan"), ""), (20240102130400, "20240102130400")],
)
def test_to_text(value: object, expected: str) -> None:
    assert to_text(value) == expected


def test_as_text_strips_and_fills() -> None:
    assert as_text(pd.Series([" a", None, "b "], dtype=object)).tolist() == ["a", "", "b"]

"""Queue ticket extraction."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orchestration.extract.queue import extract_queue
from orchestration.extract.types import RejectedFile
from orchestration.load.ddl import column_names
from tests.support.queue_csv import HEADER, A, write_csv

EXAMPLE = (
    Path(__file__).parent / "fixtures" / "contract_examples" / "queue" / "ve_xep_hang_2024-01.csv"
)
AGENCIES = frozenset({f"000.00.{n:02d}.T01" for n in range(1, 17)} | {"000.00.21.T01"})


def reasons(extracted) -> dict[int, str]:
    q = extracted.quarantined
    return dict(zip(q["row_number"], q["reason"], strict=True))


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


def test_example_parses_exactly() -> None:
    result = extract_queue(EXAMPLE, "queue/ve_xep_hang_2024-01.csv", AGENCIES)
    rows = result.rows
    assert result.layout == "queue"
    assert (result.rows_read, len(rows), len(result.quarantined)) == (30, 30, 0)
    assert list(rows.columns) == [c for c in column_names("queue_tickets") if c != "file_path"]
    assert str(rows["taken_at"].dtype) == "datetime64[ns]"

    abandoned = rows[rows["called_at"].isna()]
    assert abandoned["row_number"].tolist() == [9, 12]
    assert abandoned["finished_at"].isna().all()
    assert abandoned["agency_code"].tolist() == ["000.00.05.T01", "000.00.06.T01"]

    first = rows.iloc[0].to_dict()
    assert first == {
        "row_number": 2,
        "agency_code": "000.00.03.T01",
        "ticket_number": "1",
        "taken_at": ts("2024-01-02 08:42:00"),
        "called_at": ts("2024-01-02 08:45:20"),
        "finished_at": ts("2024-01-02 08:59:20"),
    }
    last = rows.iloc[-1]
    assert (last["row_number"], last["agency_code"], last["ticket_number"]) == (31, A, "1")
    assert last["taken_at"] == ts("2024-01-03 09:16:00")
    assert last["called_at"] == ts("2024-01-03 09:23:35")
    # Ticket 1 of 000.00.05.T01 on two days is two tickets, not a duplicate.
    assert len(rows[(rows["agency_code"] == A) & (rows["ticket_number"] == "1")]) == 2
    assert rows.groupby("agency_code").size().to_dict()["000.00.14.T01"] == 6


def test_quarantine_reasons_first_that_applies(tmp_path: Path) -> None:
    rows = [
        [A, "1", "02/01/2024 08:00:00", "02/01/2024 08:05:00", "02/01/2024 08:15:00"],  # 2 ok
        ["999.T01", "2", "02/01/2024 08:00:00", "", ""],  # 3 unknown_agency
        ["", "", "", "", ""],  # blank line: not a data row
        ["", "3", "02/01/2024 08:00:00", "", ""],  # 5 unknown_agency (empty code)
        [A, "", "02/01/2024 08:00:00", "", ""],  # 6 missing_ticket_number
        [A, "4", "", "02/01/2024 08:05:00", ""],  # 7 missing_taken_time
        [A, "5", "2024-01-02 08:00:00", "", ""],  # 8 bad_date (ISO is not accepted)
        [A, "6", "02/01/2024 08:00:00", "31/02/2024 08:05", ""],  # 9 bad_date (no 31 Feb)
        [A, "7", "02/01/2024 08:00:00", "02/01/2024 08:05:00", "xx"],  # 10 bad_date
        [A, "8", "02/01/2024 08:00:00", "02/01/2024 07:59:59", ""],  # 11 called_before_taken
        [A, "9", "02/01/2024 08:00:00", "02/01/2024 08:05:00", "02/01/2024 08:04:00"],  # 12
        [A, "1", "02/01/2024 15:00:00", "02/01/2024 15:05:00", ""],  # 13 duplicate of row 2
        [A, "10", "02/01/2024 09:00:00", "", ""],  # 14 ok: abandoned
        [A, "10", "02/01/2024 09:30:00", "", ""],  # 15 duplicate of row 14
    ]
    result = extract_queue(write_csv(tmp_path / "q.csv", rows), "queue/q.csv", AGENCIES)
    assert reasons(result) == {
        3: "unknown_agency",
        5: "unknown_agency",
        6: "missing_ticket_number",
        7: "missing_taken_time",
        8: "bad_date",
        9: "bad_date",
        10: "bad_date",
        11: "called_before_taken",
        12: "finished_before_called",
        13: "duplicate_ticket",
        15: "duplicate_ticket",
    }
    assert result.rows["row_number"].tolist() == [2, 14]
    assert result.rows_read == 13  # the blank line is not a data row
    detail = dict(zip(result.quarantined["row_number"], result.quarantined["detail"], strict=True))
    assert detail[3] == "Mã cơ quan='999.T01'"
    assert detail[9] == "Thời điểm gọi số='31/02/2024 08:05'"
    assert (
        detail[11]
        == "Thời điểm gọi số='02/01/2024 07:59:59', Thời điểm lấy số='02/01/2024 08:00:00'"
    )
    assert detail[13] == (
        f"Mã cơ quan='{A}', Số phiếu='1', Thời điểm lấy số='02/01/2024 15:00:00' "
        "(trùng dòng 2 / duplicate of row 2)"
    )


def test_short_time_formats_accepted(tmp_path: Path) -> None:
    rows = [
        [A, "1", "02/01/2024 08:00", "02/01/2024 08:05", "02/01/2024 08:15:30"],
        [A, "2", "3/1/2024", "03/01/2024 00:10:00", ""],
    ]
    result = extract_queue(write_csv(tmp_path / "q.csv", rows), "queue/q.csv", AGENCIES)
    assert result.quarantined.empty
    assert result.rows["taken_at"].tolist() == [ts("2024-01-02 08:00"), ts("2024-01-03 00:00")]
    assert result.rows["called_at"].tolist() == [ts("2024-01-02 08:05"), ts("2024-01-03 00:10")]
    assert pd.isna(result.rows["finished_at"].iloc[1])


@pytest.mark.parametrize(
    ("delimiter", "encoding"),
    [("\t", "utf-16-le"), ("\t", "utf-16-be"), (";", "utf-8-sig"), (",", "utf-8")],
)
def test_encodings_and_delimiters(tmp_path: Path, delimiter: str, encoding: str) -> None:
    rows = [
        [A, "1", "02/01/2024 08:00:00", "02/01/2024 08:05:00", ""],
        [A, "2", "02/01/2024 08:10:00", "", ""],
    ]
    path = write_csv(tmp_path / "q.csv", rows, delimiter=delimiter, encoding=encoding)
    result = extract_queue(path, "queue/q.csv", AGENCIES)
    assert result.rows["ticket_number"].tolist() == ["1", "2"]
    assert result.rows["called_at"].isna().tolist() == [False, True]
    assert result.rows["row_number"].tolist() == [2, 3]


def test_headers_normalised_unknown_columns_dropped_finish_optional(tmp_path: Path) -> None:
    header = ["SỐ PHIẾU", "ma co quan", "Chủ hồ sơ", "Thoi diem lay so", " Thời  điểm gọi số "]
    rows = [["7", A, "Nguyễn Văn A", "02/01/2024 08:00:00", "02/01/2024 08:01:00"]]
    path = write_csv(tmp_path / "q.csv", rows, header=header)
    result = extract_queue(path, "queue/q.csv", AGENCIES)
    assert list(result.rows.columns) == [
        "row_number",
        "agency_code",
        "ticket_number",
        "taken_at",
        "called_at",
        "finished_at",
    ]
    assert result.rows.iloc[0]["ticket_number"] == "7"
    assert pd.isna(result.rows.iloc[0]["finished_at"])
    assert "Nguyễn Văn A" not in result.rows.to_string()


def test_missing_headers_rejected_by_name(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "q.csv", [[A, "1"]], header=["Mã cơ quan", "Số phiếu"])
    with pytest.raises(RejectedFile) as info:
        extract_queue(path, "queue/2024/q.csv", AGENCIES)
    assert str(info.value) == (
        "queue/2024/q.csv: thiếu cột bắt buộc: Thời điểm lấy số, Thời điểm gọi số / "
        "missing required headers: Thời điểm lấy số, Thời điểm gọi số"
    )


def test_undecodable_file_rejected(tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    path.write_bytes(",".join(HEADER).encode("cp1258", errors="replace") + b"\n\xff\xfe\xfa\n")
    with pytest.raises(RejectedFile, match="queue/q.csv: .*UTF-8"):
        extract_queue(path, "queue/q.csv", AGENCIES)


def test_header_only_file_loads_nothing(tmp_path: Path) -> None:
    result = extract_queue(write_csv(tmp_path / "q.csv", []), "queue/q.csv", AGENCIES)
    assert (result.rows_read, len(result.rows), len(result.quarantined)) == (0, 0, 0)


# --- property: every data row is either loaded or quarantined -----------------------------

_times = st.one_of(
    st.just(""),
    st.just("garbage"),
    st.datetimes(
        min_value=pd.Timestamp("2023-12-30").to_pydatetime(),
        max_value=pd.Timestamp("2024-01-03").to_pydatetime(),
    ).map(lambda d: d.strftime("%d/%m/%Y %H:%M:%S")),
    st.dates(
        min_value=pd.Timestamp("2023-12-30").date(), max_value=pd.Timestamp("2024-01-03").date()
    ).map(lambda d: d.strftime("%d/%m/%Y")),
)
_rows = st.lists(
    st.tuples(
        st.sampled_from([A, "000.00.06.T01", "X.T99", ""]),
        st.sampled_from(["1", "2", "3", ""]),
        _times,
        _times,
        _times,
    ).map(list),
    max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(
    rows=_rows,
    layout=st.sampled_from([(",", "utf-8"), (";", "utf-8-sig"), ("\t", "utf-16-le")]),
)
def test_every_data_row_loaded_or_quarantined(rows: list[list[str]], layout) -> None:
    delimiter, encoding = layout
    with tempfile.TemporaryDirectory() as folder:
        path = write_csv(Path(folder) / "q.csv", rows, delimiter=delimiter, encoding=encoding)
        result = extract_queue(path, "queue/q.csv", AGENCIES)
    data_rows = [n for n, row in enumerate(rows, start=2) if any(row)]
    assert result.rows_read == len(data_rows)
    assert result.rows_read == len(result.rows) + len(result.quarantined)
    numbers = sorted([*result.rows["row_number"], *result.quarantined["row_number"]])
    assert numbers == data_rows
    loaded = result.rows
    assert loaded["taken_at"].notna().all()
    assert (loaded["called_at"].isna() | (loaded["called_at"] >= loaded["taken_at"])).all()
    keys = pd.DataFrame(
        {
            "a": loaded["agency_code"],
            "t": loaded["ticket_number"],
            "d": loaded["taken_at"].dt.normalize(),
        }
    )
    assert not keys.duplicated().any()

"""The synthetic-province generator (samplegen, sources/samplegen) and its expected answer.

The files are checked with a small reader written here from the contract alone (not the
project's extractors), so the generator's manifest and truth are verified independently:
every planted row breaks exactly its rule and every other row none, the truth is the
latest valid version of what was written, the honest reports are the accounting of the
truth, and the bundled sample is what the default seed generates, byte for byte.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import re
import unicodedata
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from samplegen import generate
from samplegen.planted import REASONS
from samplegen.truth import MEASURES, REPORT_MEASURES, accounting

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SAMPLE = PROJECT_ROOT / "sources" / "sample"
SMALL = {"seed": 7, "start": date(2023, 12, 1), "end": date(2024, 3, 31), "dossier_versions": 8000}

STATUS_LABELS = {
    "Mới đăng ký": 1,
    "Được tiếp nhận": 2,
    "Không được tiếp nhận": 3,
    "Đang xử lý": 4,
    "Yêu cầu bổ sung giấy tờ": 5,
    "Yêu cầu thực hiện nghĩa vụ tài chính": 6,
    "Công dân yêu cầu rút hồ sơ": 7,
    "Dừng xử lý": 8,
    "Đã xử lý xong": 9,
    "Đã trả kết quả": 10,
}
CHANNELS = {
    "Trực tiếp": "in_person",
    "Trực tuyến": "online",
    "Bưu chính công ích": "postal",
    "Qua BCCI": "postal",
    "Dịch vụ bưu chính": "postal",
    "1": "in_person",
    "2": "online",
    "3": "postal",
}
LEVELS = {"Toàn trình", "Một phần", "Cung cấp thông tin", "Mức độ 4", "Mức 4", "Mức độ 3"}
LEVELS |= {"Mức độ 2", "4", "3", "2", ""}
HEADER_KEYS = {
    "ma ho so": "code",
    "ma co quan": "agency",
    "ma thu tuc": "procedure",
    "kenh nop": "channel",
    "muc do": "level",
    "ngay tiep nhan": "received",
    "ngay hen tra": "due",
    "ngay hoan thanh": "completed",
    "trang thai": "status",
    "ngay cap nhat": "updated",
    "mahoso": "code",
    "madonvi": "agency",
    "matthc": "procedure",
    "kenhthuchien": "channel",
    "mucdo": "level",
    "ngaytiepnhan": "received",
    "ngayhentra": "due",
    "ngayketthucxuly": "completed",
    "trangthaihoso": "status",
    "ngaycapnhat": "updated",
}
REQUIRED_A = ["Mã hồ sơ", "Mã thủ tục", "Mã cơ quan", "Kênh nộp", "Ngày tiếp nhận"]
REQUIRED_A += ["Trạng thái", "Ngày cập nhật"]
DATE_FORMATS = (
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%Y%m%d%H%M%S",
    "%Y-%m-%dT%H:%M:%S",
)


# --------------------------------------------------------------------------- helpers


def normalise(text: object) -> str:
    value = unicodedata.normalize("NFC", str(text or "")).lstrip("\ufeff").strip().lower()
    value = re.sub(r"\s+", " ", value)
    bare = "".join(c for c in unicodedata.normalize("NFD", value) if not unicodedata.combining(c))
    return bare.replace("đ", "d")


def parse_date(text: str) -> datetime | None:
    """None when empty; raises ValueError when not a date in a contract format."""
    if text == "":
        return None
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise ValueError(text)


def decode(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    return data.decode("utf-8")


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M:%S")
    return str(value)


def read_rows(path: Path) -> list[dict[str, object]]:
    """Data rows of a one-stop export, keyed as HEADER_KEYS, with ``row_number`` as a
    spreadsheet shows it (JSON Lines: line number)."""
    if path.suffix == ".jsonl":
        rows = []
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
            record = {normalise(k): v for k, v in json.loads(line).items()}
            row = {key: cell_text(record.get(h)) for h, key in HEADER_KEYS.items() if h in record}
            rows.append({**row, "row_number": number})
        return rows
    if path.suffix == ".xlsx":
        sheet = openpyxl.load_workbook(path, read_only=True).worksheets[0]
        table = [list(r) for r in sheet.iter_rows(values_only=True)]
        header_at = next(i for i, r in enumerate(table) if "ma ho so" in map(normalise, r))
        header = [normalise(h) for h in table[header_at]]
        rows = []
        for i in range(header_at + 1, len(table)):
            cells = table[i]
            if all(c in (None, "") for c in cells) or str(cells[0] or "").startswith("Tổng số"):
                break
            pairs = zip(header, cells, strict=False)  # trailing empty cells may be cut
            row = {HEADER_KEYS[h]: cell_text(c) for h, c in pairs if h in HEADER_KEYS}
            rows.append({**row, "row_number": i + 1})
        return rows
    text = decode(path.read_bytes())
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    header = [normalise(h) for h in records[0]]
    return [
        {
            **{HEADER_KEYS[h]: c for h, c in zip(header, r, strict=True) if h in HEADER_KEYS},
            "row_number": n,
        }
        for n, r in enumerate(records[1:], start=2)
        if any(r)
    ]


def status_code(text: str) -> int | None:
    if text in STATUS_LABELS:
        return STATUS_LABELS[text]
    return int(text) if text.isdigit() and 1 <= int(text) <= 10 else None


def reasons_of(row: dict[str, object], agencies: set[str]) -> list[str]:
    """Every contract quarantine reason that applies to a row (dates compared as dates)."""
    found = []
    dates: dict[str, datetime | None] = {}
    bad = False
    for key in ("received", "due", "completed", "updated"):
        try:
            dates[key] = parse_date(str(row.get(key, "")))
        except ValueError:
            dates[key], bad = None, True
    status = status_code(str(row["status"]))
    if row["code"] == "":
        found.append("missing_dossier_code")
    if row["agency"] not in agencies:
        found.append("unknown_agency")
    if row["received"] == "":
        found.append("missing_received_date")
    if bad:
        found.append("bad_date")
    received, due, completed = dates["received"], dates["due"], dates["completed"]
    if received and due and due.date() < received.date():
        found.append("due_before_received")
    if received and completed and completed.date() < received.date():
        found.append("completed_before_received")
    if status is None:
        found.append("unknown_status")
    if row["channel"] not in CHANNELS:
        found.append("unknown_channel")
    if row.get("level", "") not in LEVELS:
        found.append("unknown_service_level")
    if status in (9, 10) and row.get("completed", "") == "":
        found.append("missing_completion_date")
    return found


def tree_hashes(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for sub in ("landing", "expected")
        for p in sorted((root / sub).rglob("*"))
        if p.is_file()
    }


def load_truth(root: Path) -> pd.DataFrame:
    truth = pd.read_csv(
        root / "expected" / "truth_dossiers.csv", dtype=str, keep_default_na=False
    ).replace("", None)
    for column in ("received_date", "due_date", "completed_date", "closed_date", "updated_date"):
        truth[column] = [d.date() if pd.notna(d) else None for d in pd.to_datetime(truth[column])]
    truth["status"] = truth["status"].astype(int)
    return truth


def field_of(root: Path, truth: pd.DataFrame) -> pd.Series:
    """The catalogue field of each counted dossier (procedure + the agency's level)."""
    landing = root / "landing" / "reference"
    agencies = pd.read_csv(landing / "agencies.csv", dtype=str, keep_default_na=False)
    procs = pd.read_csv(landing / "procedures.csv", dtype=str, keep_default_na=False)
    level = truth["agency_code"].map(dict(zip(agencies.agency_code, agencies.level, strict=True)))
    own = {(r.procedure_code, r.level, r.agency_code): r.field_name for r in procs.itertuples()}
    return pd.Series(
        [
            own.get((p, lv, a), own.get((p, lv, "")))
            for p, lv, a in zip(truth.procedure_code, level, truth.agency_code, strict=True)
        ],
        index=truth.index,
    )


def read_report(path: Path) -> tuple[str, date, date, pd.DataFrame]:
    sheet = openpyxl.load_workbook(path).worksheets[0]
    table = [list(r) for r in sheet.iter_rows(values_only=True)]
    text = " ".join(str(c) for r in table for c in r if c is not None)
    agency = re.search(r"Mã đơn vị: (\S+)", text).group(1)
    window = re.search(r"Từ ngày (\d\d/\d\d/\d{4}) đến ngày (\d\d/\d\d/\d{4})", text)
    start, end = (datetime.strptime(window.group(i), "%d/%m/%Y").date() for i in (1, 2))
    first = next(i for i, r in enumerate(table) if r[3] == "Trực tuyến") + 1
    rows = {}
    for r in table[first:]:
        if r[1] in (None, "(2)"):
            continue
        counts = [0 if c is None else int(str(c).replace(".", "")) for c in r[2:13]]
        rows["*" if r[1] == "Tổng cộng" else r[1]] = counts
    return agency, start, end, pd.DataFrame.from_dict(rows, orient="index", columns=REPORT_MEASURES)


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def small_tree(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("small")
    return out, generate(out, **SMALL)


@pytest.fixture(scope="module")
def small_rows(small_tree: tuple[Path, dict]) -> dict[str, list[dict[str, object]]]:
    out, manifest = small_tree
    return {
        f["path"]: read_rows(out / "landing" / f["path"])
        for f in manifest["files"]
        if f["source"] == "one_stop" and f["status"] != "rejected"
    }


# --------------------------------------------------------------------------- determinism


def test_same_seed_gives_the_same_bytes_and_another_seed_does_not(
    small_tree: tuple[Path, dict], tmp_path: Path
) -> None:
    out, _ = small_tree
    generate(tmp_path / "again", **SMALL)
    assert tree_hashes(tmp_path / "again") == tree_hashes(out)
    generate(tmp_path / "other", **{**SMALL, "seed": 8})
    other, same = tree_hashes(tmp_path / "other"), tree_hashes(out)
    assert other["landing/reference/procedures.csv"] != same["landing/reference/procedures.csv"]
    assert other["expected/truth_dossiers.csv"] != same["expected/truth_dossiers.csv"]


def test_bundled_sample_is_what_the_default_seed_generates(tmp_path: Path) -> None:
    assert (SAMPLE / "expected" / "manifest.json").is_file(), "sources/sample is missing"
    generate(tmp_path)
    fresh, bundled = tree_hashes(tmp_path), tree_hashes(SAMPLE)
    assert sorted(fresh) == sorted(bundled)
    changed = [path for path in fresh if fresh[path] != bundled[path]]
    assert not changed, f"regenerate with python -m samplegen --out {SAMPLE}"


# --------------------------------------------------------------------------- manifest


def test_manifest_lists_every_landed_file_with_its_hash(small_tree: tuple[Path, dict]) -> None:
    out, manifest = small_tree
    on_disk = {
        p.relative_to(out / "landing").as_posix(): p
        for p in (out / "landing").rglob("*")
        if p.is_file()
    }
    listed = {f["path"]: f for f in manifest["files"]}
    assert set(listed) == set(on_disk)
    assert [f["path"] for f in manifest["files"]] == sorted(listed, key=lambda p: p.encode())
    for path, entry in listed.items():
        data = on_disk[path].read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["bytes"] == len(data)
        if entry["status"] == "loaded":
            assert entry["rows_read"] == entry["rows_loaded"] + entry["rows_quarantined"]
            assert entry["rows_quarantined"] == sum(entry["quarantine"].values())
    statuses = {f["status"] for f in manifest["files"]}
    assert statuses == {"loaded", "duplicate", "rejected"}


def test_duplicates_are_identical_bytes_seen_after_their_original(
    small_tree: tuple[Path, dict],
) -> None:
    out, manifest = small_tree
    assert len(manifest["duplicates"]) >= 2
    status = {f["path"]: f["status"] for f in manifest["files"]}
    for pair in manifest["duplicates"]:
        copy, original = pair["path"], pair["duplicate_of"]
        assert copy != original and copy.encode() > original.encode()
        assert (out / "landing" / copy).read_bytes() == (out / "landing" / original).read_bytes()
        assert (status[copy], status[original]) == ("duplicate", "loaded")


def test_rejected_files_are_unreadable_for_the_stated_reason(
    small_tree: tuple[Path, dict],
) -> None:
    out, manifest = small_tree
    reasons = {r["reason"] for r in manifest["rejected"]}
    assert reasons == {"corrupt", "missing_headers", "empty"}
    for rejected in manifest["rejected"]:
        data = (out / "landing" / rejected["path"]).read_bytes()
        if rejected["reason"] == "corrupt":
            assert rejected["path"].endswith(".xlsx") and not zipfile.is_zipfile(io.BytesIO(data))
        elif rejected["reason"] == "empty":
            assert data == b""
        else:
            header = {normalise(h) for h in decode(data).splitlines()[0].split(",")}
            missing = {normalise(h) for h in rejected["missing_headers"]}
            assert missing and not missing & header
            assert {normalise(h) for h in REQUIRED_A} - missing <= header


def test_every_planted_row_breaks_exactly_its_rule_and_no_other_row_breaks_any(
    small_tree: tuple[Path, dict], small_rows: dict[str, list[dict[str, object]]]
) -> None:
    out, manifest = small_tree
    agencies = set(pd.read_csv(out / "landing/reference/agencies.csv", dtype=str)["agency_code"])
    planted = {(q["file"], q["row_number"]): q["reason"] for q in manifest["quarantine_rows"]}
    assert {q["reason"] for q in manifest["quarantine_rows"]} == set(REASONS)
    by_file = {f["path"]: f for f in manifest["files"]}
    codes: dict[str, int] = {}
    for path, rows in small_rows.items():
        entry = by_file[path]
        if entry["status"] == "loaded":
            assert len(rows) == entry["rows_read"], path
        for row in rows:
            expected = planted.get((path, row["row_number"]))
            assert reasons_of(row, agencies) == ([expected] if expected else []), (path, row)
            if entry["status"] == "loaded":
                codes[str(row["code"])] = codes.get(str(row["code"]), 0) + 1
    for (path, number), reason in planted.items():
        row = next(r for r in small_rows[path] if r["row_number"] == number)
        if reason != "missing_dossier_code":
            assert codes[str(row["code"])] == 1, f"planted code reused: {row['code']}"


def test_truth_is_the_latest_valid_version_of_what_was_written(
    small_tree: tuple[Path, dict], small_rows: dict[str, list[dict[str, object]]]
) -> None:
    out, manifest = small_tree
    status = {f["path"]: f["status"] for f in manifest["files"]}
    planted = {(q["file"], q["row_number"]) for q in manifest["quarantine_rows"]}
    versions = [
        {**row, "file": path, "updated_at": parse_date(str(row["updated"]))}
        for path, rows in small_rows.items()
        if status[path] == "loaded"
        for row in rows
        if (path, row["row_number"]) not in planted
    ]
    frame = pd.DataFrame(versions)
    frame["path_key"] = frame["file"].map(lambda p: p.encode())
    frame = frame.sort_values(["updated_at", "path_key", "row_number"], kind="stable")
    latest = frame.groupby("code").tail(1).copy()
    latest["status"] = latest["status"].map(lambda s: status_code(str(s)))
    latest = latest[latest["status"].isin([2, 4, 5, 6, 7, 8, 9, 10])].set_index("code")
    truth = load_truth(out).set_index("dossier_code")
    assert sorted(latest.index) == sorted(truth.index)
    latest = latest.loc[truth.index]

    def day(column: str) -> list[date | None]:
        return [parse_date(str(v)).date() if v else None for v in latest[column]]

    assert list(latest["agency"]) == list(truth["agency_code"])
    assert list(latest["status"]) == list(truth["status"])
    assert list(latest["channel"].map(CHANNELS)) == list(truth["channel"])
    assert day("received") == list(truth["received_date"])
    assert day("due") == list(truth["due_date"])
    assert day("completed") == list(truth["completed_date"])
    assert day("updated") == list(truth["updated_date"])


def test_personal_data_is_in_the_exports_and_nowhere_in_the_truth(
    small_tree: tuple[Path, dict],
) -> None:
    out, manifest = small_tree
    samples = manifest["pii_samples"]
    assert all(len(samples[k]) >= 3 for k in ("names", "id_numbers", "phones", "emails"))
    exports = "\n".join(
        decode((out / "landing" / f["path"]).read_bytes())
        for f in manifest["files"]
        if f["source"] == "one_stop" and f["format"] != "xlsx" and f["status"] == "loaded"
    )
    truth = "\n".join(
        (out / "expected" / name).read_text("utf-8")
        for name in ("truth_dossiers.csv", "truth_report_rows.csv")
    )
    for values in samples.values():
        assert any(v in exports for v in values)
        assert not any(v in truth for v in values)
    assert all(re.fullmatch(r"\d{12}", v) for v in samples["id_numbers"])


# --------------------------------------------------------------------------- accounting


def _dossier(code: str, received: str, status: int, **dates: str | None) -> dict[str, object]:
    def as_date(text: str | None) -> date | None:
        return date.fromisoformat(text) if text else None

    return {
        "dossier_code": code,
        "agency_code": "A",
        "channel": dates.pop("channel", None) or "in_person",
        "status": status,
        "received_date": as_date(received),
        "due_date": as_date(dates.get("due")),
        "completed_date": as_date(dates.get("completed")),
        "updated_date": as_date(dates.get("updated") or dates.get("completed") or received),
    }


def test_accounting_by_hand() -> None:
    """Period 15/03–14/06/2024 (an official quarter); every case worked out by hand."""
    d = pd.DataFrame(
        [
            # carried over (received before, closed inside), finished early
            _dossier("a", "2024-03-10", 10, due="2024-03-25", completed="2024-03-20"),
            # received on the first day, online; withdrawn without completion date:
            # closed on its update day, inside → withdrawn, not resolved, not pending
            _dossier("b", "2024-03-15", 7, updated="2024-04-01", channel="online"),
            # no due date: resolved on time
            _dossier("c", "2024-04-10", 9, completed="2024-04-12"),
            # late
            _dossier("d", "2024-05-01", 10, due="2024-05-10", completed="2024-05-20"),
            # received on the last day, open, due after the end: pending in time
            _dossier("e", "2024-06-14", 4, due="2024-06-20", channel="postal"),
            # carried over, still open, due long passed: pending overdue
            _dossier("f", "2024-02-01", 5, due="2024-03-01"),
            # received after the end: nothing
            _dossier("g", "2024-06-15", 2, due="2024-06-20"),
            # closed before the start: nothing
            _dossier("h", "2024-03-01", 9, due="2024-03-20", completed="2024-03-14"),
            # stopped after the end (completion date given): received, pending, overdue
            _dossier("i", "2024-06-01", 8, due="2024-06-10", completed="2024-06-15"),
            # due on the last day itself, open: in time (overdue is due *before* the end)
            _dossier("j", "2024-06-03", 6, due="2024-06-14", channel="online"),
            # resolved on the due day: on time; finished on the last day: inside
            _dossier("k", "2024-06-05", 10, due="2024-06-14", completed="2024-06-14"),
            # refused / never received: out of every figure
            _dossier("l", "2024-04-01", 3),
            _dossier("m", "2024-04-01", 1),
            # withdrawn before the start with a completion date: not carried over
            _dossier("n", "2024-03-01", 7, completed="2024-03-05", updated="2024-03-20"),
        ]
    )
    got = accounting(d, date(2024, 3, 15), date(2024, 6, 14)).iloc[0].to_dict()
    assert got == {
        "received": 7,  # b c d e i j k
        "received_online": 2,  # b j
        "received_offline": 5,
        "carried_over": 2,  # a f
        "to_process": 9,
        "resolved": 4,  # a c d k
        "resolved_early": 1,  # a
        "resolved_on_time": 2,  # c k
        "resolved_late": 1,  # d
        "withdrawn": 1,  # b
        "pending": 4,  # e f i j
        "pending_in_time": 2,  # e j
        "pending_overdue": 2,  # f i
    }
    # The same with the closing date given explicitly.
    closed = d.assign(
        closed_date=[
            date(2024, 3, 20),
            date(2024, 4, 1),
            date(2024, 4, 12),
            date(2024, 5, 20),
            None,
            None,
            None,
            date(2024, 3, 14),
            date(2024, 6, 15),
            None,
            date(2024, 6, 14),
            None,
            None,
            date(2024, 3, 5),
        ]
    )
    assert accounting(closed, date(2024, 3, 15), date(2024, 6, 14)).iloc[0].to_dict() == got
    by = accounting(d, date(2024, 3, 15), date(2024, 6, 14), by=["channel"]).set_index("channel")
    assert by.loc["online", "received"] == 2 and by.loc["postal", "pending_in_time"] == 1


def _periods(first: date, last: date) -> list[tuple[date, date]]:
    out, cursor = [], date(first.year, first.month, 1)
    while cursor <= last:
        nxt = (cursor + timedelta(days=32)).replace(day=1)
        out += [(cursor, nxt - timedelta(days=1)), (cursor.replace(day=15), nxt.replace(day=14))]
        cursor = nxt
    return out


def test_accounting_of_the_truth_balances_in_every_period(small_tree: tuple[Path, dict]) -> None:
    out, _ = small_tree
    truth = load_truth(out)
    for start, end in _periods(SMALL["start"], SMALL["end"]):
        got = accounting(truth, start, end, by=["agency_code"])
        assert (got[MEASURES] >= 0).all().all()
        assert (got.to_process == got.resolved + got.withdrawn + got.pending).all()
        assert (got.to_process == got.received + got.carried_over).all()
        assert (got.received == got.received_online + got.received_offline).all()
        assert (got.resolved == got.resolved_early + got.resolved_on_time + got.resolved_late).all()
        assert (got.pending == got.pending_in_time + got.pending_overdue).all()


def test_reports_are_the_truth_except_the_planted_cells(small_tree: tuple[Path, dict]) -> None:
    out, manifest = small_tree
    truth = load_truth(out)
    truth["field_name"] = field_of(out, truth)
    planted = {
        (d["file"], d["field_name"], d["measure"]): (d["reported"], d["computed"])
        for d in manifest["report_discrepancies"]
    }
    breaks = []
    reports = [f for f in manifest["files"] if f["source"] == "agency_reports"]
    assert len(reports) >= 5
    for f in reports:
        agency, start, end, reported = read_report(out / "landing" / f["path"])
        mine = truth[truth.agency_code == agency]
        computed = accounting(mine, start, end, by=["field_name"]).set_index("field_name")
        computed = computed.reindex(reported.index.drop("*"), fill_value=0)[REPORT_MEASURES]
        computed.loc["*"] = computed.sum()
        assert f["rows_read"] == len(reported)
        for field in reported.index:
            for measure in REPORT_MEASURES:
                r, c = int(reported.loc[field, measure]), int(computed.loc[field, measure])
                key = (f["path"], field, measure)
                assert (r, c) == planted.pop(key, (c, c)), key
        for field, row in reported.iterrows():
            if row.to_process != row.received_online + row.received_offline + row.carried_over:
                breaks.append((f["path"], field, "received_identity"))
            if row.resolved != row.resolved_early + row.resolved_on_time + row.resolved_late:
                breaks.append((f["path"], field, "resolved_identity"))
            if row.pending != row.pending_in_time + row.pending_overdue:
                breaks.append((f["path"], field, "pending_identity"))
        if (reported.drop(index="*").sum() != reported.loc["*"]).any():
            breaks.append((f["path"], "*", "total_row_identity"))
    assert not planted, f"listed but not found: {planted}"
    listed = [(b["file"], b["field_name"], b["rule"]) for b in manifest["identity_breaks"]]
    assert sorted(breaks) == sorted(listed)
    rules = {b[2] for b in breaks}
    assert rules == {"total_row_identity", "resolved_identity"}
    plants = {r["plant"] for r in manifest["reports"]} - {None}
    assert len(plants) == 5


# --------------------------------------------------------------------------- bundled sample


def test_bundled_sample_has_every_quirk_of_the_contract() -> None:
    manifest = json.loads((SAMPLE / "expected" / "manifest.json").read_text("utf-8"))
    one_stop = [f for f in manifest["files"] if f["source"] == "one_stop"]
    loaded = [f for f in one_stop if f["status"] == "loaded"]
    assert {f["encoding"] for f in loaded if f["format"] == "csv"} == {
        "utf-8",
        "utf-8-sig",
        "utf-16-le",
        "utf-16-be",
    }
    assert {f["delimiter"] for f in loaded if f["format"] == "csv"} == {",", ";", "\t"}
    assert {(f["layout"], f["format"]) for f in loaded} == {
        ("A", "csv"),
        ("A", "xlsx"),
        ("B", "csv"),
        ("B", "jsonl"),
    }
    texts = {
        f["path"]: decode((SAMPLE / "landing" / f["path"]).read_bytes())
        for f in loaded
        if f["format"] != "xlsx"
    }
    headers = [t.split("\n", 1)[0] for t in texts.values()]
    everything = "\n".join(texts.values())
    assert any(unicodedata.normalize("NFC", h) != h for h in headers)  # NFD spelling
    assert any("MA HO SO" in h for h in headers) and any("Ma ho so" in h for h in headers)
    layout_a = [{normalise(c) for c in re.split("[,;\t]", h)} for h in headers]
    assert any("ma ho so" in h and "muc do" not in h for h in layout_a)  # catalogue applies
    patterns = {
        "dd/MM/yyyy HH:mm:ss": r"\b\d\d/\d\d/\d{4} \d\d:\d\d:\d\d\b",
        "dd/MM/yyyy HH:mm": r"\b\d\d/\d\d/\d{4} \d\d:\d\d[;,\t\r\n]",
        "dd/MM/yyyy": r"[;\t]\d\d/\d\d/\d{4}[;\t]",
        "yyyyMMddHHmmss": r"\b20\d{12}\b",
        "ISO": r"\b20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d\b",
    }
    for name, pattern in patterns.items():
        assert re.search(pattern, everything), name
    for alias in ("Qua BCCI", "Dịch vụ bưu chính", "Mức độ 4", "Mức 4", "Mức độ 3", "Mức độ 2"):
        assert alias in everything, alias
    assert re.search(r'"KenhThucHien": "\d"', everything)  # numbers and strings mixed
    assert re.search(r'"KenhThucHien": \d', everything) and ": null" in everything
    assert "https://ketqua.example/" in everything and '"DaSoHoa": "true"' in everything

    xlsx = sorted(f["path"] for f in loaded if f["format"] == "xlsx")
    sheet = openpyxl.load_workbook(SAMPLE / "landing" / xlsx[0], read_only=True).worksheets[0]
    table = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert str(table[1][0]).startswith("Từ ngày") and all(c is None for c in table[2])
    assert re.fullmatch(r"Tổng số: \d\.\d{3} hồ sơ", table[-1][0])
    assert any(isinstance(c, datetime) for c in table[4])

    reports = manifest["reports"]
    assert {r["numbered_row"] for r in reports} == {True, False}
    assert {r["counts_as_text"] for r in reports} == {True, False}
    assert any(r["zeros_empty"] for r in reports)
    quarters = {(r["period_start"], r["period_end"]) for r in reports}
    assert ("2023-12-15", "2024-03-14") in quarters and ("2024-09-15", "2024-12-14") in quarters

    truth = manifest["truth"]
    assert 6000 <= truth["dossiers"] <= 15000
    assert truth["by_level"]["huyen"] + truth["by_level"]["xa"] > truth["by_level"]["tinh"]
    for key in (
        "excluded_latest_status_1",
        "excluded_latest_status_3",
        "received_on_14th",
        "received_on_15th",
        "without_due_date",
        "withdrawn_or_stopped_without_completion",
        "resolved_late",
        "open_at_end",
        "service_level_from_catalogue",
    ):
        assert truth[key] > 0, key
    assert len(truth["unknown_procedure_dossiers"]) >= 3
    assert manifest["migration"]["straddling_dossiers"] > 0
    waits = [m["avg_wait_minutes"] for m in manifest["queue_months"]]
    under = [m["wait_under_10_rate"] for m in manifest["queue_months"]]
    assert all(10 <= w <= 20 for w in waits) and all(0.4 <= u <= 0.6 for u in under)
    assert waits[-1] < waits[0]


def test_bundled_truth_has_realistic_rates() -> None:
    truth = load_truth(SAMPLE)
    quarter = pd.to_datetime(truth["received_date"]).dt.to_period("Q")
    online = (truth["channel"] == "online").groupby(quarter).mean()
    assert online.iloc[0] < 0.5 < 0.7 < online.iloc[-1]
    full = ((truth["channel"] == "online") & (truth["service_level"] == "full")).groupby(quarter)
    assert full.mean().iloc[0] < full.mean().iloc[-1]
    resolved = truth[truth["status"].isin([9, 10])]
    late = (resolved["due_date"].notna()) & (resolved["completed_date"] > resolved["due_date"])
    assert 0.96 <= 1 - late.mean() <= 0.998
    rated = resolved["rating"].notna()
    assert 0.25 <= rated.mean() <= 0.45
    satisfied = resolved["rating"].isin(["very_satisfied", "satisfied"]).sum() / rated.sum()
    assert 0.95 <= satisfied <= 0.995
    for flag in ("is_digitized", "is_reused", "has_e_result"):
        rate = (truth[flag] == "true").groupby(quarter).mean()
        assert rate.iloc[0] < rate.iloc[-1], flag


def test_readme_names_only_files_that_exist() -> None:
    readme = (PROJECT_ROOT / "sources" / "README.md").read_text("utf-8")
    paths = set(re.findall(r"`((?:landing|expected)/[^`*]+)`", readme))
    assert len(paths) >= 10
    missing = [p for p in paths if not (SAMPLE / p).exists()]
    assert not missing, missing


# --------------------------------------------------------------------------- bench


def test_bench_tree_is_daily_csv_and_jsonl_and_reproducible(tmp_path: Path) -> None:
    options = {"start": date(2024, 1, 1), "end": date(2024, 2, 29), "dossier_versions": 20_000}
    manifest = generate(tmp_path / "a", bench=True, increment_dir=tmp_path / "a_inc", **options)
    generate(tmp_path / "b", bench=True, increment_dir=tmp_path / "b_inc", **options)
    for sub in ("a", "a_inc"):
        other = sub.replace("a", "b", 1)
        assert tree_hashes(tmp_path / sub) == tree_hashes(tmp_path / other)
    written = manifest["counts"]["versions_written"]
    assert 15_000 <= written <= 25_000
    assert sum(f["rows_read"] for f in manifest["files"]) == written
    landed = [p for p in (tmp_path / "a" / "landing").rglob("*") if p.is_file()]
    assert {p.suffix for p in landed} == {".csv", ".jsonl"}
    increment = [p for p in (tmp_path / "a_inc" / "landing" / "one_stop").rglob("*") if p.is_file()]
    assert increment and all(p.stem == "20240229" for p in increment)
    assert not [p for p in landed if p.stem == "20240229"]
    agencies = set(pd.read_csv(tmp_path / "a/landing/reference/agencies.csv")["agency_code"])
    for f in manifest["files"]:
        root = tmp_path / ("a_inc" if f["root"] == "increment" else "a")
        lines = (root / "landing" / f["path"]).read_text("utf-8").splitlines()
        assert len(lines) == f["rows_read"] + (0 if f["path"].endswith(".jsonl") else 1)
        if f["path"].endswith("/20240215.csv") or f["path"].endswith("/20240215.jsonl"):
            rows = read_rows(root / "landing" / f["path"])
            assert rows and not [r for r in rows if reasons_of(r, agencies)]

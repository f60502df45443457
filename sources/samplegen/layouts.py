"""Layout A ("Danh sách hồ sơ") and layout B (sync export) renderings of dossier versions.

Input is an *export frame*: one row per version to write, with the dossier's attributes
joined (see ``sample.export_frame``). Output is one text (or, for XLSX, Python object)
array per column, in the order the file shows them, plus the *canonical* values that a
correct reader recovers from exactly those cells — the truth is computed from the latter,
so every lossy rendering (``HH:mm`` without seconds, date-only due dates, an absent Mức độ
column) is accounted for.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from samplegen.dossiers import FULL, NULL, ONLINE, PARTIAL, POSTAL
from samplegen.formats import (
    CHANNEL_CANON,
    LEVEL_CANON,
    LEVEL_NAMES,
    LEVEL_NUMBERS,
    RATING_CANON,
    RATING_LABELS,
    STATUS_LABELS,
    DateRenderer,
    as_read,
    flags,
    pick,
)
from samplegen.text import nfd, strip_diacritics

HEADERS_A: dict[str, str] = {
    "stt": "STT",
    "code": "Mã hồ sơ",
    "procedure_code": "Mã thủ tục",
    "procedure_name": "Tên thủ tục",
    "agency_code": "Mã cơ quan",
    "agency_name": "Cơ quan thụ lý",
    "person_name": "Chủ hồ sơ",
    "id_number": "Số giấy tờ",
    "address": "Địa chỉ",
    "phone": "Số điện thoại",
    "email": "Thư điện tử",
    "channel": "Kênh nộp",
    "level": "Mức độ",
    "received": "Ngày tiếp nhận",
    "due": "Ngày hẹn trả",
    "completed": "Ngày hoàn thành",
    "returned": "Ngày trả",
    "status": "Trạng thái",
    "digitized": "Số hóa thành phần",
    "reused": "Tái sử dụng",
    "e_result": "Kết quả điện tử",
    "fee": "Thu phí",
    "paid": "Thanh toán trực tuyến",
    "rating": "Đánh giá",
    "updated": "Ngày cập nhật",
    "note": "Ghi chú",
}
REQUIRED_A = ("code", "procedure_code", "agency_code", "channel", "received", "status", "updated")

FIELDS_B: dict[str, str] = {
    "code": "MaHoSo",
    "procedure_code": "MaTTHC",
    "agency_code": "MaDonVi",
    "person_name": "ChuHoSo",
    "id_number": "SoGiayTo",
    "address": "DiaChi",
    "phone": "SoDienThoai",
    "email": "Email",
    "channel": "KenhThucHien",
    "level": "MucDo",
    "received": "NgayTiepNhan",
    "due": "NgayHenTra",
    "completed": "NgayKetThucXuLy",
    "returned": "NgayTra",
    "status": "TrangThaiHoSo",
    "digitized": "DaSoHoa",
    "reused": "TaiSuDung",
    "e_result": "DinhKemKetQua",
    "fee": "CoThuPhi",
    "paid": "ThanhToanTrucTuyen",
    "rating": "DanhGia",
    "updated": "NgayCapNhat",
}
DATE_KEYS = ("received", "due", "completed", "returned", "updated")
PERSONAL_KEYS = ("person_name", "id_number", "address", "phone", "email")


@dataclass(frozen=True)
class StyleA:
    """How one layout A system writes its export (all choices seen in provinces' files)."""

    fmt: str = "csv"  # csv | xlsx
    encoding: str = "utf-8"  # utf-8 | utf-8-sig | utf-16-le | utf-16-be (BOM written)
    delimiter: str = ","
    newline: str = "\n"
    headers: str = "plain"  # plain | nfd | ascii | ascii_upper
    dates: str = "hms"  # received, completed, updated: hms | hm   (xlsx: native cells)
    due: str = "hms"  # hms | hm | d
    returned: str = "hms"
    level_column: bool = True
    level_labels: str = "names"  # names | numbers | mixed
    postal_labels: tuple[str, ...] = ("Bưu chính công ích",)
    true_tokens: tuple[str, ...] = ("Có",)
    false_tokens: tuple[str, ...] = ("Không", "")
    contact: bool = False  # Địa chỉ and Thư điện tử columns
    names: bool = True  # Tên thủ tục and Cơ quan thụ lý columns
    note: bool = False  # Ghi chú column
    stt: bool = True  # row number column

    @property
    def layout(self) -> str:
        return "A"

    def columns(self) -> list[str]:
        skip = set()
        if not self.contact:
            skip |= {"address", "email"}
        if not self.names:
            skip |= {"procedure_name", "agency_name"}
        if not self.level_column:
            skip.add("level")
        if not self.note:
            skip.add("note")
        if not self.stt:
            skip.add("stt")
        return [k for k in HEADERS_A if k not in skip]

    def header(self, key: str) -> str:
        text = HEADERS_A[key]
        if self.headers == "nfd":
            return nfd(text)
        if self.headers == "ascii":
            return strip_diacritics(text)
        if self.headers == "ascii_upper":
            return strip_diacritics(text).upper()
        return text

    def date_style(self, key: str) -> str:
        if key == "due":
            return self.due
        if key == "returned":
            return self.returned
        return self.dates


@dataclass(frozen=True)
class StyleB:
    fmt: str = "csv"  # csv | jsonl
    dates: str = "compact"  # compact | iso
    delimiter: str = ","
    newline: str = "\n"
    true_tokens: tuple[str, ...] = ("1", "true")
    false_tokens: tuple[str, ...] = ("0", "false", "")
    contact: bool = False
    level_column: bool = True
    result: str = "url"  # url | file: what DinhKemKetQua holds
    json_nulls: bool = False  # absent dates as null instead of ""
    json_mixed: bool = False  # some codes written as strings ("4") instead of numbers

    @property
    def layout(self) -> str:
        return "B"

    @property
    def encoding(self) -> str:
        return "utf-8"

    def columns(self) -> list[str]:
        skip = set() if self.contact else {"address", "email"}
        if not self.level_column:
            skip.add("level")
        return [k for k in FIELDS_B if k not in skip]

    def header(self, key: str) -> str:
        return FIELDS_B[key]

    def date_style(self, key: str) -> str:
        return self.dates


Style = StyleA | StyleB


def _level_labels_a(rng: np.random.Generator, level: np.ndarray, mode: str) -> np.ndarray:
    n = len(level)
    names = LEVEL_NAMES[level]
    numbers = np.select(
        [level == FULL, level == PARTIAL],
        [pick(rng, ("Mức độ 4", "Mức 4"), n), np.full(n, "Mức độ 3", dtype=object)],
        np.full(n, "Mức độ 2", dtype=object),
    )
    if mode == "names":
        return names
    if mode == "numbers":
        return numbers
    return np.where(rng.random(n) < 0.5, names, numbers)


def _native(seconds: np.ndarray) -> np.ndarray:
    """int64 seconds → Python datetimes (None when empty), for native XLSX date cells."""
    out = np.empty(len(seconds), dtype=object)
    mask = seconds != NULL
    out[mask] = pd.to_datetime(seconds[mask], unit="s").to_pydatetime()
    out[~mask] = None
    return out


def render_a(
    frame: pd.DataFrame, style: StyleA, rng: np.random.Generator, dates: DateRenderer
) -> dict[str, np.ndarray]:
    n = len(frame)
    channel = frame["channel"].to_numpy()
    cols: dict[str, np.ndarray] = {
        "stt": np.arange(1, n + 1),
        "code": frame["dossier_code"].to_numpy(dtype=object),
        "procedure_code": frame["procedure_code"].to_numpy(dtype=object),
        "procedure_name": frame["procedure_name"].to_numpy(dtype=object),
        "agency_code": frame["agency_code"].to_numpy(dtype=object),
        "agency_name": frame["agency_name"].to_numpy(dtype=object),
        "channel": np.select(
            [channel == ONLINE, channel == POSTAL],
            [np.full(n, "Trực tuyến", dtype=object), pick(rng, style.postal_labels, n)],
            np.full(n, "Trực tiếp", dtype=object),
        ),
        "level": _level_labels_a(rng, frame["level_own"].to_numpy(), style.level_labels),
        "status": STATUS_LABELS[frame["status"].to_numpy()],
        "rating": RATING_LABELS[frame["rating"].to_numpy()],
        "note": np.full(n, "", dtype=object),
    }
    for key in PERSONAL_KEYS:
        cols[key] = frame[key].to_numpy(dtype=object)
    for key, column in (
        ("digitized", "is_digitized"),
        ("reused", "is_reused"),
        ("e_result", "has_e_result"),
        ("fee", "owes_fee"),
        ("paid", "paid_online"),
    ):
        cols[key] = flags(rng, frame[column].to_numpy(), style.true_tokens, style.false_tokens)
    for key in DATE_KEYS:
        seconds = frame[f"{key}_at"].to_numpy()
        if style.fmt == "xlsx":
            cols[key] = _native(seconds)
        else:
            cols[key] = dates.render(seconds, style.date_style(key))
    return {k: cols[k] for k in style.columns()}


_DIGITS = np.array([str(i) for i in range(10)], dtype=object)
_NUMBERS = np.array([str(i) for i in range(11)], dtype=object)


def _result_text(frame: pd.DataFrame, kind: str) -> np.ndarray:
    """DinhKemKetQua: a document-store URL (or a file name) when there is an e-result."""
    has = frame["has_e_result"].to_numpy()
    text = np.full(len(frame), "", dtype=object)
    codes = frame["dossier_code"].to_numpy(dtype=object)[has]
    if kind == "url":
        # A stable pseudo-random token per dossier, as a document store would hand out.
        token = pd.util.hash_array(codes.astype(str)) % (16**12)
        text[has] = [f"https://ketqua.example/{t:012x}.pdf" for t in token]
    else:
        text[has] = [f"KQ_{c}.pdf" for c in codes]
    return text


def render_b(
    frame: pd.DataFrame, style: StyleB, rng: np.random.Generator, dates: DateRenderer
) -> dict[str, np.ndarray]:
    """Text cells for CSV; for JSON Lines the caller turns them into JSON tokens."""
    level_code = LEVEL_NUMBERS[frame["level_own"].to_numpy()]
    cols: dict[str, np.ndarray] = {
        "code": frame["dossier_code"].to_numpy(dtype=object),
        "procedure_code": frame["procedure_code"].to_numpy(dtype=object),
        "agency_code": frame["agency_code"].to_numpy(dtype=object),
        "channel": _DIGITS[frame["channel"].to_numpy() + 1],
        "level": _DIGITS[level_code],
        "status": _NUMBERS[frame["status"].to_numpy()],
        "rating": _DIGITS[frame["rating"].to_numpy()],
        "e_result": _result_text(frame, style.result),
    }
    for key in PERSONAL_KEYS:
        cols[key] = frame[key].to_numpy(dtype=object)
    for key, column in (
        ("digitized", "is_digitized"),
        ("reused", "is_reused"),
        ("fee", "owes_fee"),
        ("paid", "paid_online"),
    ):
        cols[key] = flags(rng, frame[column].to_numpy(), style.true_tokens, style.false_tokens)
    for key in DATE_KEYS:
        cols[key] = dates.render(frame[f"{key}_at"].to_numpy(), style.dates)
    return {k: cols[k] for k in style.columns()}


def canonical(frame: pd.DataFrame, style: Style) -> pd.DataFrame:
    """What a correct reader recovers from the rendered rows (the warehouse's canonical
    columns of raw.dossier_versions, with NULL as None / -1 seconds)."""
    level = frame["level_own"].to_numpy()
    out = pd.DataFrame(
        {
            "dossier_code": frame["dossier_code"].to_numpy(dtype=object),
            "procedure_code": frame["procedure_code"].to_numpy(dtype=object),
            "agency_code": frame["agency_code"].to_numpy(dtype=object),
            "channel": CHANNEL_CANON[frame["channel"].to_numpy()],
            "service_level": LEVEL_CANON[level]
            if style.level_column
            else np.full(len(frame), None, dtype=object),
            "status": frame["status"].to_numpy(),
            "is_digitized": frame["is_digitized"].to_numpy(),
            "is_reused": frame["is_reused"].to_numpy(),
            "has_e_result": frame["has_e_result"].to_numpy(),
            "owes_fee": frame["owes_fee"].to_numpy(),
            "paid_online": frame["paid_online"].to_numpy(),
            "rating": RATING_CANON[frame["rating"].to_numpy()],
        }
    )
    native = isinstance(style, StyleA) and style.fmt == "xlsx"
    for key in DATE_KEYS:
        seconds = frame[f"{key}_at"].to_numpy()
        out[f"{key}_at"] = seconds if native else as_read(seconds, style.date_style(key))
    return out

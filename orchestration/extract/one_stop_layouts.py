"""The two one-stop export layouts of sources.md: header maps and value vocabularies.

Headers and values are written here exactly as the contract spells them; matching is by
normalised text (orchestration.extract.headers), so case, diacritics, NFD spelling and
whitespace do not matter. Vocabularies are shared by both layouts: a layout A file that
writes channel code `2`, or a layout B file that writes `Trực tuyến`, is unambiguous,
so it is accepted rather than quarantined.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from orchestration.extract.headers import normalise_header
from orchestration.extract.parsing import (
    COMPACT,
    DAY_FIRST,
    ISO_LOCAL,
    DateFormat,
    normalise_vocabulary,
)

TEXT_FIELDS = ("dossier_code", "procedure_code", "agency_code")
DATE_FIELDS = ("received_at", "due_at", "completed_at", "returned_at", "updated_at")
FLAG_FIELDS = ("is_digitized", "is_reused", "has_e_result", "owes_fee", "paid_online")


@dataclass(frozen=True)
class Layout:
    name: str
    headers: dict[str, str]  # canonical field -> header as the contract spells it
    required: tuple[str, ...]  # canonical fields whose header must be present
    personal: tuple[str, ...]  # applicant columns: never read
    date_formats: tuple[DateFormat, ...]
    # Layout B has no e-result flag: a non-empty DinhKemKetQua (URL, file name) means one.
    e_result_is_attachment: bool

    @cached_property
    def field_by_header(self) -> dict[str, str]:
        """Normalised header -> canonical field."""
        return {normalise_header(header): field for field, header in self.headers.items()}

    def spelled(self, field: str) -> str:
        return self.headers[field]


LAYOUT_A = Layout(
    name="A",
    headers={
        "dossier_code": "Mã hồ sơ",
        "procedure_code": "Mã thủ tục",
        "agency_code": "Mã cơ quan",
        "channel": "Kênh nộp",
        "service_level": "Mức độ",
        "received_at": "Ngày tiếp nhận",
        "due_at": "Ngày hẹn trả",
        "completed_at": "Ngày hoàn thành",
        "returned_at": "Ngày trả",
        "status": "Trạng thái",
        "is_digitized": "Số hóa thành phần",
        "is_reused": "Tái sử dụng",
        "has_e_result": "Kết quả điện tử",
        "owes_fee": "Thu phí",
        "paid_online": "Thanh toán trực tuyến",
        "rating": "Đánh giá",
        "updated_at": "Ngày cập nhật",
    },
    required=(
        "dossier_code",
        "procedure_code",
        "agency_code",
        "channel",
        "received_at",
        "status",
        "updated_at",
    ),
    personal=("Chủ hồ sơ", "Số giấy tờ", "Địa chỉ", "Số điện thoại", "Thư điện tử"),
    date_formats=(DAY_FIRST,),
    e_result_is_attachment=False,
)

LAYOUT_B = Layout(
    name="B",
    headers={
        "dossier_code": "MaHoSo",
        "procedure_code": "MaTTHC",
        "agency_code": "MaDonVi",
        "channel": "KenhThucHien",
        "service_level": "MucDo",
        "received_at": "NgayTiepNhan",
        "due_at": "NgayHenTra",
        "completed_at": "NgayKetThucXuLy",
        "returned_at": "NgayTra",
        "status": "TrangThaiHoSo",
        "is_digitized": "DaSoHoa",
        "is_reused": "TaiSuDung",
        "has_e_result": "DinhKemKetQua",
        "owes_fee": "CoThuPhi",
        "paid_online": "ThanhToanTrucTuyen",
        "rating": "DanhGia",
        "updated_at": "NgayCapNhat",
    },
    required=LAYOUT_A.required,
    personal=("ChuHoSo", "SoGiayTo", "DiaChi", "SoDienThoai", "Email"),
    date_formats=(COMPACT, ISO_LOCAL),
    e_result_is_attachment=True,
)

LAYOUTS = (LAYOUT_A, LAYOUT_B)

PERSONAL_HEADERS = frozenset(
    normalise_header(header) for layout in LAYOUTS for header in layout.personal
)
# Everything an extractor may read. Reading is by allow-list: a column not named here
# (personal data included) never becomes part of a frame.
WANTED_HEADERS = (
    frozenset(header for layout in LAYOUTS for header in layout.field_by_header) - PERSONAL_HEADERS
)


def is_wanted_header(header: object) -> bool:
    return normalise_header(header) in WANTED_HEADERS


CHANNELS = normalise_vocabulary(
    {
        "Trực tiếp": "in_person",
        "Trực tuyến": "online",
        "Bưu chính công ích": "postal",
        "Qua BCCI": "postal",
        "Dịch vụ bưu chính": "postal",
        "1": "in_person",
        "2": "online",
        "3": "postal",
    }
)

# `Mức 3` and `Mức 2` are accepted by symmetry with the listed `Mức 4`.
SERVICE_LEVELS = normalise_vocabulary(
    {
        "Toàn trình": "full",
        "Một phần": "partial",
        "Cung cấp thông tin": "info",
        "Mức độ 4": "full",
        "Mức 4": "full",
        "Mức độ 3": "partial",
        "Mức 3": "partial",
        "Mức độ 2": "info",
        "Mức 2": "info",
        "4": "full",
        "3": "partial",
        "2": "info",
    }
)

STATUS_LABELS = {
    1: "Mới đăng ký",
    2: "Được tiếp nhận",
    3: "Không được tiếp nhận",
    4: "Đang xử lý",
    5: "Yêu cầu bổ sung giấy tờ",
    6: "Yêu cầu thực hiện nghĩa vụ tài chính",
    7: "Công dân yêu cầu rút hồ sơ",
    8: "Dừng xử lý",
    9: "Đã xử lý xong",
    10: "Đã trả kết quả",
}
STATUSES = normalise_vocabulary(
    {**{label: code for code, label in STATUS_LABELS.items()}, **{str(c): c for c in STATUS_LABELS}}
)
RESOLVED_STATUSES = (9, 10)

# `0` is B's "not rated"; it maps to None like an empty cell. Anything unrecognised is
# also "not rated": the contract has no quarantine reason for ratings.
RATINGS = normalise_vocabulary(
    {
        "Rất hài lòng": "very_satisfied",
        "Hài lòng": "satisfied",
        "Không hài lòng": "dissatisfied",
        "1": "very_satisfied",
        "2": "satisfied",
        "3": "dissatisfied",
        "0": None,
    }
)

# A: Có / Không / x / empty; B: 1 / 0 / true / false / empty.
FLAGS = normalise_vocabulary(
    {"Có": True, "x": True, "1": True, "true": True, "Không": False, "0": False, "false": False}
)

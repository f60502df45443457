"""Vietnamese labels for what the marts hold in codes (indicators, levels, scopes, calendars…).

Officials read Vietnamese; analysts read codes. Reports show the label and keep the code
in a column of its own, so a figure can always be found again in SQL. Unknown codes fall
back to the code itself rather than failing: a province may add items or reasons.
"""

from __future__ import annotations

from collections.abc import Mapping

from orchestration import contract
from orchestration.partitions import Period, parse_period_key

# Labels of the contract's indicators (reports list them in contract.indicators() order).
INDICATORS: dict[str, str] = {
    "online_rate": "Tỷ lệ hồ sơ tiếp nhận trực tuyến",
    "full_online_rate": "Tỷ lệ hồ sơ trực tuyến toàn trình",
    "full_online_uptake_rate": "Tỷ lệ hồ sơ TTHC toàn trình được nộp trực tuyến toàn trình",
    "on_time_rate": "Tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn",
    "digitized_intake_rate": "Tỷ lệ hồ sơ được số hóa thành phần khi tiếp nhận",
    "e_result_rate": "Tỷ lệ hồ sơ được cấp kết quả điện tử",
    "reuse_rate": "Tỷ lệ hồ sơ tái sử dụng dữ liệu đã số hóa",
    "online_payment_rate": "Tỷ lệ hồ sơ thanh toán phí, lệ phí trực tuyến",
    "satisfaction_rate": "Tỷ lệ hài lòng (trên hồ sơ được đánh giá)",
    "satisfaction_rate_766": "Mức độ hài lòng theo QĐ 766 (trên hồ sơ đã giải quyết)",
    "online_service_usage_rate": "Tỷ lệ DVC trực tuyến có phát sinh hồ sơ trực tuyến",
    "avg_wait_minutes": "Thời gian chờ trung bình (phút/lượt)",
    "wait_under_10_rate": "Tỷ lệ lượt giao dịch chờ dưới 10 phút",
}

# Column headers of the wide per-level / per-agency tables, where space is short.
INDICATOR_SHORT: dict[str, str] = {
    "online_rate": "Trực tuyến",
    "full_online_rate": "Toàn trình",
    "full_online_uptake_rate": "Nộp TT / DVC toàn trình",
    "on_time_rate": "Đúng hạn",
    "digitized_intake_rate": "Số hóa thành phần",
    "e_result_rate": "Kết quả điện tử",
    "reuse_rate": "Tái sử dụng",
    "online_payment_rate": "Thanh toán TT",
    "satisfaction_rate": "Hài lòng",
    "satisfaction_rate_766": "Hài lòng (766)",
    "online_service_usage_rate": "DVC có hồ sơ TT",
    "avg_wait_minutes": "Chờ TB (phút)",
    "wait_under_10_rate": "Chờ < 10 phút",
}

# (tử số, mẫu số) in words, as in the contract's table of indicators.
INDICATOR_TERMS: dict[str, tuple[str, str]] = {
    "online_rate": ("Hồ sơ tiếp nhận trực tuyến", "Hồ sơ tiếp nhận"),
    "full_online_rate": ("Hồ sơ trực tuyến mức toàn trình", "Hồ sơ tiếp nhận"),
    "full_online_uptake_rate": (
        "Hồ sơ trực tuyến mức toàn trình",
        "Hồ sơ của TTHC mức toàn trình",
    ),
    "on_time_rate": ("Hồ sơ giải quyết trước hạn và đúng hạn", "Hồ sơ đã giải quyết"),
    "digitized_intake_rate": ("Hồ sơ số hóa thành phần", "Hồ sơ tiếp nhận"),
    "e_result_rate": ("Hồ sơ có kết quả điện tử", "Hồ sơ đã giải quyết"),
    "reuse_rate": ("Hồ sơ tái sử dụng dữ liệu", "Hồ sơ tiếp nhận"),
    "online_payment_rate": ("Hồ sơ thanh toán trực tuyến", "Hồ sơ có thu phí"),
    "satisfaction_rate": ("Đánh giá Rất hài lòng, Hài lòng", "Hồ sơ được đánh giá"),
    "satisfaction_rate_766": (
        "Hồ sơ đã giải quyết trừ đánh giá Không hài lòng",
        "Hồ sơ đã giải quyết",
    ),
    "online_service_usage_rate": (
        "TTHC (toàn trình, một phần) có hồ sơ trực tuyến",
        "TTHC (toàn trình, một phần) thuộc phạm vi",
    ),
    "avg_wait_minutes": ("Tổng số phút chờ", "Lượt được gọi"),
    "wait_under_10_rate": ("Lượt chờ dưới 10 phút", "Lượt được gọi"),
}

# Indicators that are not a share (contract.MINUTE_INDICATORS): minutes, never a percentage.
MINUTE_INDICATORS = contract.MINUTE_INDICATORS

# marts.period_accounting counts, in the order of the form (Biểu 06) where it has them.
ACCOUNTING: dict[str, str] = {
    "to_process": "Tổng số hồ sơ phải giải quyết",
    "received": "Số mới tiếp nhận trong kỳ",
    "received_online": "– trong đó trực tuyến",
    "received_offline": "– trong đó trực tiếp, bưu chính",
    "carried_over": "Từ kỳ trước chuyển sang",
    "resolved": "Số hồ sơ đã giải quyết",
    "resolved_early": "– trước hạn",
    "resolved_on_time": "– đúng hạn",
    "resolved_late": "– quá hạn",
    "withdrawn": "Số hồ sơ rút, dừng xử lý",
    "pending": "Số hồ sơ đang giải quyết",
    "pending_in_time": "– trong hạn",
    "pending_overdue": "– quá hạn",
}

# The few counts that fit in the wide per-level / per-agency tables.
ACCOUNTING_SHORT: dict[str, str] = {
    "to_process": "Phải giải quyết",
    "received": "Mới tiếp nhận",
    "received_online": "Tiếp nhận trực tuyến",
    "resolved": "Đã giải quyết",
    "resolved_late": "Giải quyết quá hạn",
    "pending": "Đang giải quyết",
    "pending_overdue": "Đang giải quyết quá hạn",
}

LEVELS: dict[str, str] = {"tinh": "Cấp tỉnh", "huyen": "Cấp huyện", "xa": "Cấp xã"}

SCOPE_TYPES: dict[str, str] = {
    "province": "Toàn tỉnh",
    "level": "Cấp hành chính",
    "agency": "Cơ quan, đơn vị",
    "field_group": "Nhóm lĩnh vực",
}

FIELD_GROUPS: dict[str, str] = {
    "dau_tu": "Đầu tư",
    "dat_dai": "Đất đai",
    "xay_dung": "Xây dựng",
    "thue": "Thuế",
    "hai_quan": "Hải quan",
    "doanh_nghiep": "Hỗ trợ doanh nghiệp",
}

CALENDARS: dict[str, str] = {"official": "kỳ chính thức", "calendar": "kỳ dương lịch"}

TARGET_KINDS: dict[str, str] = {
    "min_rate": "Tối thiểu",
    "min_increase": "Tăng tối thiểu so với năm trước (điểm %)",
    "max_value": "Tối đa",
}

MET = "Đạt"
NOT_MET = "Không đạt"
NO_DATA = "Chưa đủ dữ liệu"

RECONCILIATION_MEASURES: dict[str, str] = {
    "to_process": "Tổng số hồ sơ (kể cả kỳ trước chuyển sang)",
    "received_online": "Tiếp nhận trực tuyến",
    "received_offline": "Tiếp nhận trực tiếp, bưu chính",
    "carried_over": "Từ kỳ trước chuyển sang",
    "resolved": "Đã giải quyết",
    "resolved_early": "Giải quyết trước hạn",
    "resolved_on_time": "Giải quyết đúng hạn",
    "resolved_late": "Giải quyết quá hạn",
    "pending": "Đang giải quyết",
    "pending_in_time": "Đang giải quyết trong hạn",
    "pending_overdue": "Đang giải quyết quá hạn",
}

FILE_STATUSES: dict[str, str] = {
    "loaded": "Đã nạp",
    "duplicate": "Trùng nội dung (bỏ qua)",
    "rejected": "Bị từ chối",
}

SOURCES: dict[str, str] = {
    "one_stop": "Hệ thống một cửa điện tử",
    "agency_reports": "Báo cáo Biểu 06 của đơn vị",
    "queue": "Hệ thống xếp hàng tự động",
    "reference": "Danh mục (cơ quan, TTHC)",
}

QUARANTINE_REASONS: dict[str, str] = {
    "missing_dossier_code": "Thiếu mã hồ sơ",
    "unknown_agency": "Mã cơ quan không có trong danh mục",
    "missing_received_date": "Thiếu ngày tiếp nhận",
    "bad_date": "Ngày tháng sai định dạng",
    "due_before_received": "Ngày hẹn trả trước ngày tiếp nhận",
    "completed_before_received": "Ngày hoàn thành trước ngày tiếp nhận",
    "unknown_status": "Trạng thái không hợp lệ",
    "unknown_channel": "Kênh nộp không hợp lệ",
    "unknown_service_level": "Mức độ dịch vụ không hợp lệ",
    "missing_completion_date": "Đã giải quyết nhưng thiếu ngày hoàn thành",
}

SERVICE_INDEX_GROUPS: dict[str, str] = {
    "cong_khai_minh_bach": "Công khai, minh bạch",
    "tien_do_giai_quyet": "Tiến độ, kết quả giải quyết",
    "so_hoa_ho_so": "Số hóa hồ sơ",
    "dich_vu_truc_tuyen": "Cung cấp dịch vụ trực tuyến",
    "muc_do_hai_long": "Mức độ hài lòng",
    "TOTAL": "Tổng điểm",
}

NOT_MEASURED = "Chưa đo được"
EMPTY = "—"  # shown for a NULL figure (no denominator): never 0, never blank


def label(mapping: Mapping[str, str], code: str | None) -> str:
    """The Vietnamese label of a code, or the code itself when the table does not know it."""
    if code is None:
        return EMPTY
    return mapping.get(code, code)


def scope_label(scope_type: str, scope_code: str, agency_names: Mapping[str, str]) -> str:
    if scope_type == "province":
        return SCOPE_TYPES["province"]
    if scope_type == "level":
        return label(LEVELS, scope_code)
    if scope_type == "agency":
        return agency_names.get(scope_code, scope_code)
    # field_group scopes may join several groups with "|" (target_attainment).
    groups = ", ".join(label(FIELD_GROUPS, g) for g in scope_code.split("|"))
    return f"{SCOPE_TYPES['field_group']}: {groups}"


def target_scope_label(scope: str) -> str:
    """targets.csv ``scope`` (province | level:x | agency:<name> | field_groups:a|b)."""
    kind, _, value = scope.partition(":")
    if kind == "province":
        return SCOPE_TYPES["province"]
    if kind == "level":
        return label(LEVELS, value)
    if kind == "agency":
        return value
    groups = ", ".join(label(FIELD_GROUPS, g) for g in value.split("|"))
    return f"{SCOPE_TYPES['field_group']}: {groups}"


def met_label(met: bool | None) -> str:
    if met is None:
        return NO_DATA
    return MET if met else NOT_MET


def period_name(period: Period) -> str:
    """``Quý 2/2024``, ``6 tháng đầu năm 2024``, ``Năm 2024``, ``Tháng 3/2024``."""
    if period.grain == "quarter":
        return f"Quý {period.number}/{period.year}"
    if period.grain == "half_year":
        return f"6 tháng {'đầu' if period.number == 1 else 'cuối'} năm {period.year}"
    if period.grain == "month":
        return f"Tháng {period.number}/{period.year}"
    return f"Năm {period.year}"


def period_title(period: Period) -> str:
    """``Kỳ báo cáo: Quý 2/2024 (kỳ chính thức, 15/03–14/06)``.

    The year is left out of the dates when both fall in the period's own year (as the
    official quarter 2 does) and written when they do not (official Q1 starts 15/12 of
    the year before), so a reader never has to guess which December is meant.
    """
    start, end = period.start, period.end
    same_year = start.year == end.year == period.year
    fmt = "%d/%m" if same_year else "%d/%m/%Y"
    window = f"{start.strftime(fmt)}–{end.strftime(fmt)}"
    return f"Kỳ báo cáo: {period_name(period)} ({label(CALENDARS, period.calendar)}, {window})"


def quarter_short(period_key: str) -> str:
    """``2024-Q2`` → ``Q2/24`` for chart axes."""
    key = parse_period_key(period_key)
    return f"Q{key.number}/{key.year % 100:02d}"

"""One expectation suite per published mart (plus one over period coverage).

Each expectation carries a description in Vietnamese then English: operators read them on
the Data Docs pages and in the checkpoint's failure list, where the description says which
rule broke in words, and the expectation type and column say where.

The accounting identities (to_process = received + carried_over, …), rate = numerator /
denominator and the ledger's rows_read = rows_loaded + rows_quarantined are written once,
as dbt data tests (dbt_project/tests/), and fail the build before anything is published;
they are not repeated here.
"""

from __future__ import annotations

from collections.abc import Sequence

import great_expectations as gx
from great_expectations.expectations import Expectation

from orchestration.contract import (
    ACCOUNTING_COUNTS,
    INDICATORS,
    MART_COLUMNS,
    MART_KEYS,
    RECONCILIATION_MEASURES,
)
from orchestration.partitions import PERIOD_KEY_PATTERN
from orchestration.quality.frames import COVERAGE

E = gx.expectations
CALENDARS = ["calendar", "official"]
GRAINS = ["month", "quarter", "half_year", "year"]
SCOPE_TYPES = ["province", "level", "agency", "field_group"]
RATE_TOLERANCE = 1e-9  # rate vs numerator/denominator: floating-point noise only


def _columns_exist(table: str) -> list[Expectation]:
    return [
        E.ExpectColumnToExist(column=c, description=f"Cột {c} có trong marts.{table} / exists")
        for c in MART_COLUMNS[table]
    ]


def _key(table: str) -> list[Expectation]:
    keys = MART_KEYS[table]
    checks: list[Expectation] = [
        E.ExpectColumnValuesToNotBeNull(
            column=k, description=f"Khóa {k} không rỗng / key column {k} is not null"
        )
        for k in keys
    ]
    text = ", ".join(keys)
    description = f"Mỗi ({text}) chỉ một dòng / one row per key ({text})"
    if len(keys) == 1:
        checks.append(E.ExpectColumnValuesToBeUnique(column=keys[0], description=description))
    else:
        checks.append(E.ExpectCompoundColumnsToBeUnique(column_list=keys, description=description))
    return checks


def _in_set(column: str, values: Sequence[object], what: str) -> Expectation:
    return E.ExpectColumnValuesToBeInSet(
        column=column,
        value_set=list(values),
        description=f"{what} / {column} in {', '.join(map(str, values))}",
    )


def _zero(column: str, rule: str) -> Expectation:
    return E.ExpectColumnValuesToBeBetween(
        column=column, min_value=0, max_value=0, description=f"{rule} ({column} = 0)"
    )


def _non_negative(column: str) -> Expectation:
    return E.ExpectColumnValuesToBeBetween(
        column=column, min_value=0, description=f"{column} ≥ 0 (không âm / not negative)"
    )


def _not_null(column: str, why: str) -> Expectation:
    return E.ExpectColumnValuesToNotBeNull(column=column, description=f"{column}: {why}")


def _dates_ordered(start: str = "period_start", end: str = "period_end") -> Expectation:
    return E.ExpectColumnPairValuesAToBeGreaterThanB(
        column_A=end,
        column_B=start,
        or_equal=True,
        ignore_row_if="either_value_is_missing",
        description=f"Ngày đầu kỳ ≤ ngày cuối kỳ / {start} ≤ {end}",
    )


def _period_sets() -> list[Expectation]:
    return [
        _in_set("calendar", CALENDARS, "Lịch kỳ báo cáo hợp lệ"),
        _in_set("grain", GRAINS, "Loại kỳ hợp lệ"),
        E.ExpectColumnValuesToMatchRegex(
            column="period_key",
            regex=PERIOD_KEY_PATTERN,
            description="Mã kỳ dạng 2024, 2024-H1, 2024-Q2, 2024-03 / period_key format",
        ),
    ]


def period_accounting() -> list[Expectation]:
    checks = [*_columns_exist("period_accounting"), *_key("period_accounting"), *_period_sets()]
    checks += [
        E.ExpectColumnDistinctValuesToEqualSet(
            column="calendar",
            value_set=CALENDARS,
            description="Cả hai lịch đều được dựng / both calendars are built",
        ),
        E.ExpectColumnDistinctValuesToEqualSet(
            column="grain",
            value_set=GRAINS,
            description="Đủ tháng, quý, 6 tháng, năm / every grain is built",
        ),
        _in_set("scope_type", ["province", "level", "agency"], "Phạm vi hợp lệ"),
        _dates_ordered(),
    ]
    for count in ACCOUNTING_COUNTS:
        checks.append(_not_null(count, "số đếm không rỗng, kỳ không có hồ sơ ghi 0 / zero-filled"))
        checks.append(_non_negative(count))
    return checks


def service_rates() -> list[Expectation]:
    checks = [*_columns_exist("service_rates"), *_key("service_rates"), *_period_sets()]
    checks += [
        _in_set("scope_type", SCOPE_TYPES, "Phạm vi hợp lệ"),
        _in_set("indicator", INDICATORS, "Chỉ số thuộc hợp đồng dữ liệu"),
        _dates_ordered(),
        _not_null("numerator", "tử số không rỗng / numerator is not null"),
        _not_null("denominator", "mẫu số không rỗng / denominator is not null"),
        _non_negative("numerator"),
        _non_negative("denominator"),
        E.ExpectColumnValuesToBeBetween(
            column="share_rate",
            min_value=0,
            max_value=1,
            description="0 ≤ tỷ lệ ≤ 1 (trừ thời gian chờ) / 0 ≤ rate ≤ 1 except avg_wait_minutes",
        ),
        E.ExpectColumnValuesToBeBetween(
            column="wait_minutes",
            min_value=0,
            description="Thời gian chờ trung bình ≥ 0 / avg_wait_minutes rate ≥ 0",
        ),
        E.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="denominator",
            column_B="share_numerator",
            or_equal=True,
            ignore_row_if="either_value_is_missing",
            description="Tử số ≤ mẫu số (trừ thời gian chờ) / numerator ≤ denominator "
            "except avg_wait_minutes",
        ),
    ]
    return checks


def target_attainment() -> list[Expectation]:
    checks = [*_columns_exist("target_attainment"), *_key("target_attainment")]
    checks += [
        _in_set("kind", ["min_rate", "min_increase", "max_value"], "Loại chỉ tiêu hợp lệ"),
        _in_set("indicator", INDICATORS, "Chỉ số thuộc hợp đồng dữ liệu"),
        _in_set("scope_type", SCOPE_TYPES, "Phạm vi hợp lệ"),
        _in_set("calendar", CALENDARS, "Lịch kỳ báo cáo hợp lệ"),
        _not_null("target_value", "giá trị chỉ tiêu không rỗng / target value is not null"),
        _in_set("met", [True, False], "Kết quả Đạt/Không đạt, rỗng khi chưa đủ dữ liệu"),
        _in_set(
            "chk_met_matches_actual",
            [True],
            "Kết quả khớp thực tế so với mục tiêu / met agrees with actual vs target "
            "(min_rate: ≥, max_value: ≤)",
        ),
    ]
    return checks


def report_reconciliation() -> list[Expectation]:
    checks = [*_columns_exist("report_reconciliation"), *_key("report_reconciliation")]
    checks += [
        _in_set("measure", RECONCILIATION_MEASURES, "Chỉ tiêu đối chiếu hợp lệ"),
        _dates_ordered(),
        _not_null("reported", "số báo cáo không rỗng / reported is not null"),
        _not_null("computed", "số hệ thống không rỗng / computed is not null"),
        _not_null("within_tolerance", "đã xét ngưỡng / within_tolerance is not null"),
        _zero(
            "chk_difference_error",
            "|chênh lệch| = |báo cáo − hệ thống| / |difference| = |reported − computed|",
        ),
    ]
    return checks


def service_index() -> list[Expectation]:
    checks = [*_columns_exist("service_index"), *_key("service_index")]
    checks += [
        *_period_sets(),
        _in_set("scope_type", SCOPE_TYPES, "Phạm vi hợp lệ"),
        _non_negative("points"),
        E.ExpectColumnValuesToBeBetween(
            column="max_points",
            min_value=0,
            strict_min=True,
            description="Điểm tối đa > 0 / max_points > 0",
        ),
        _not_null("max_points", "điểm tối đa không rỗng / max_points is not null"),
        E.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="max_points",
            column_B="points",
            or_equal=True,
            ignore_row_if="either_value_is_missing",
            description="Điểm ≤ điểm tối đa / points ≤ max_points",
        ),
        E.ExpectColumnValuesToBeBetween(
            column="chk_total_rows_of_scope",
            min_value=1,
            max_value=1,
            description="Mỗi phạm vi và kỳ có đúng một dòng TOTAL / one TOTAL row per scope "
            "and period",
        ),
    ]
    return checks


def file_ledger() -> list[Expectation]:
    checks = [*_columns_exist("file_ledger"), *_key("file_ledger")]
    checks += [
        _in_set("source", ["one_stop", "agency_reports", "queue", "reference"], "Nguồn hợp lệ"),
        _in_set("status", ["loaded", "duplicate", "rejected"], "Trạng thái tệp hợp lệ"),
        _in_set("layout", ["A", "B", "bieu06", "queue", "reference"], "Mẫu tệp hợp lệ"),
        _not_null("sha256", "có mã băm nội dung / sha256 is not null"),
        _not_null("first_seen_at", "có thời điểm tiếp nhận / first_seen_at is not null"),
        _non_negative("rows_read"),
        _non_negative("rows_loaded"),
        _non_negative("rows_quarantined"),
        _in_set(
            "chk_rejected_has_message",
            [True],
            "Tệp bị từ chối có lý do / a rejected file has a message",
        ),
    ]
    return checks


def quarantine_summary() -> list[Expectation]:
    checks = [*_columns_exist("quarantine_summary"), *_key("quarantine_summary")]
    checks += [
        E.ExpectColumnValuesToBeBetween(
            column="rows", min_value=1, description="Số dòng ≥ 1 / rows ≥ 1"
        ),
        _in_set(
            "chk_file_in_ledger",
            [True],
            "Tệp có trong sổ tệp / file_path is in marts.file_ledger",
        ),
    ]
    return checks


def period_coverage() -> list[Expectation]:
    return [
        E.ExpectColumnValuesToBeNull(
            column="missing_period",
            description="Đủ mọi kỳ từ kỳ đầu đến kỳ cuối / every period from the first to the "
            "last is present (values listed: the missing periods)",
        ),
        E.ExpectColumnValuesToBeNull(
            column="short_period",
            description="Mọi kỳ có đủ phạm vi như kỳ đầy đủ nhất / every period has as many "
            "scope rows as the fullest period of its calendar and grain (values listed: the "
            "short periods)",
        ),
    ]


SUITES = {
    "period_accounting": period_accounting,
    "service_rates": service_rates,
    "target_attainment": target_attainment,
    "report_reconciliation": report_reconciliation,
    "service_index": service_index,
    "file_ledger": file_ledger,
    "quarantine_summary": quarantine_summary,
    COVERAGE: period_coverage,
}

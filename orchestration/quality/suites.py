"""One expectation suite per published mart (plus one over period coverage).

Each expectation carries a description in Vietnamese then English: operators read them on
the Data Docs pages and in the checkpoint's failure list, where the description says which
rule broke in words, and the expectation type and column say where.

What Great Expectations checks, and what it leaves to dbt. Both gate publication: dbt's
tests fail the build, and this checkpoint is a blocking asset check that runs on the
warehouse's marts after the build and before publish (orchestration/defs/quality.py). dbt's
tests hold the accounting identities (to_process = received + carried_over = resolved +
withdrawn + pending, …), rate = numerator / denominator and its bounds, the roll-ups, the
ledger's rows_read = rows_loaded + rows_quarantined, the keys (uniqueness tests) and every
``not_null`` / ``accepted_values`` test of the marts' YAML; none is written again here.
GX checks only what no dbt test does:
- the marts as one set: every published mart of the contract is there (a model that was
  not built fails no dbt test) with every contract column, the columns read from dbt's
  manifest (orchestration/contract.py), not restated;
- period coverage across the periodic marts (every period from the first to the last,
  each as full as the fullest) and the cross-mart rule that quarantined files are in the
  ledger;
- row rules dbt has no test for: period dates ordered and keys well formed, both calendars
  and every grain built, met agrees with actual vs target, |difference| = |reported −
  computed|, one TOTAL row per scope and period, points ≥ 0 and ≤ max_points, row counts
  ≥ 0, a rejected file has a message.
The vocabularies it uses (calendars, grains, scope types, indicators) are the YAML's
accepted values, read from the manifest. tests/test_quality.py fails when an expectation
here repeats a dbt test of the same column.
"""

from __future__ import annotations

from collections.abc import Sequence

import great_expectations as gx
from great_expectations.expectations import Expectation

from orchestration.contract import indicators, marts
from orchestration.partitions import PERIOD_KEY_SHAPE
from orchestration.quality.frames import COVERAGE

E = gx.expectations


def _accepted(table: str, column: str) -> list[str]:
    """A column's accepted values as dbt's YAML lists them (the contract's vocabulary)."""
    return list(marts()[table].accepted_values[column])


def _calendars() -> list[str]:
    return _accepted("period_accounting", "calendar")


def _scope_types() -> list[str]:
    return _accepted("service_rates", "scope_type")  # the widest list: with field_group


def _columns_exist(table: str) -> list[Expectation]:
    """Every contract column of the mart (the key's uniqueness is dbt's test)."""
    return [
        E.ExpectColumnToExist(column=c, description=f"Cột {c} có trong marts.{table} / exists")
        for c in marts()[table].column_names
    ]


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


def _period_key_format() -> Expectation:
    return E.ExpectColumnValuesToMatchRegex(
        column="period_key",
        regex=PERIOD_KEY_SHAPE,
        description="Mã kỳ dạng 2024, 2024-H1, 2024-Q2, 2024-03 / period_key format",
    )


def period_accounting() -> list[Expectation]:
    return [
        _period_key_format(),
        E.ExpectColumnDistinctValuesToEqualSet(
            column="calendar",
            value_set=_calendars(),
            description="Cả hai lịch đều được dựng / both calendars are built",
        ),
        E.ExpectColumnDistinctValuesToEqualSet(
            column="grain",
            value_set=_accepted("period_accounting", "grain"),
            description="Đủ tháng, quý, 6 tháng, năm / every grain is built",
        ),
        _dates_ordered(),
    ]


def service_rates() -> list[Expectation]:
    return [_period_key_format(), _dates_ordered()]


def national() -> list[Expectation]:
    """The national marts (national_rates, national_accounting, province_ranking): periods
    well formed; their sums, ranks and keys are dbt's tests."""
    return [_period_key_format(), _dates_ordered()]


def target_attainment() -> list[Expectation]:
    return [
        _in_set("kind", ["min_rate", "min_increase", "max_value"], "Loại chỉ tiêu hợp lệ"),
        _in_set("indicator", indicators(), "Chỉ số thuộc hợp đồng dữ liệu"),
        _in_set("scope_type", _scope_types(), "Phạm vi hợp lệ"),
        _in_set("calendar", _calendars(), "Lịch kỳ báo cáo hợp lệ"),
        _not_null("target_value", "giá trị chỉ tiêu không rỗng / target value is not null"),
        _in_set("met", [True, False], "Kết quả Đạt/Không đạt, rỗng khi chưa đủ dữ liệu"),
        _in_set(
            "chk_met_matches_actual",
            [True],
            "Kết quả khớp thực tế so với mục tiêu / met agrees with actual vs target "
            "(min_rate: ≥, max_value: ≤)",
        ),
    ]


def report_reconciliation() -> list[Expectation]:
    return [
        _dates_ordered(),
        _not_null("reported", "số báo cáo không rỗng / reported is not null"),
        _not_null("computed", "số hệ thống không rỗng / computed is not null"),
        _not_null("within_tolerance", "đã xét ngưỡng / within_tolerance is not null"),
        _zero(
            "chk_difference_error",
            "|chênh lệch| = |báo cáo − hệ thống| / |difference| = |reported − computed|",
        ),
    ]


def service_index() -> list[Expectation]:
    return [
        _period_key_format(),
        _in_set("scope_type", _scope_types(), "Phạm vi hợp lệ"),
        _non_negative("points"),
        E.ExpectColumnValuesToBeBetween(
            column="max_points",
            min_value=0,
            strict_min=True,
            description="Điểm tối đa > 0 / max_points > 0",
        ),
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


def file_ledger() -> list[Expectation]:
    return [
        _non_negative("rows_read"),
        _non_negative("rows_loaded"),
        _non_negative("rows_quarantined"),
        _in_set(
            "chk_rejected_has_message",
            [True],
            "Tệp bị từ chối có lý do / a rejected file has a message",
        ),
    ]


def quarantine_summary() -> list[Expectation]:
    return [
        E.ExpectColumnValuesToBeBetween(
            column="rows", min_value=1, description="Số dòng ≥ 1 / rows ≥ 1"
        ),
        _in_set(
            "chk_file_in_ledger",
            [True],
            "Tệp có trong sổ tệp / file_path is in marts.file_ledger",
        ),
    ]


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


# The rules of each mart beyond its columns (a published mart without rules of its own, such
# as dim_agencies, is checked for its presence and columns alone).
_RULES = {
    "period_accounting": period_accounting,
    "service_rates": service_rates,
    "national_rates": national,
    "national_accounting": national,
    "province_ranking": national,
    "target_attainment": target_attainment,
    "report_reconciliation": report_reconciliation,
    "service_index": service_index,
    "file_ledger": file_ledger,
    "quarantine_summary": quarantine_summary,
}


def suite(name: str) -> list[Expectation]:
    """The expectations of one suite: a mart's columns and rules, or period coverage."""
    if name == COVERAGE:
        return period_coverage()
    rules = _RULES.get(name)
    return [*_columns_exist(name), *(rules() if rules else [])]


def suite_names() -> list[str]:
    """Every published mart of the contract, and period coverage."""
    return [*marts(), COVERAGE]

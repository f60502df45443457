"""Biểu số 06/VPCP/KSTT workbooks: honest counts from the truth, plus planted errors.

An honest report is ``truth.accounting`` of the agency's counted dossiers over the report
window, one row per catalogue field the agency handles (its level's rows, its own or
shared), and a ``Tổng cộng`` row that sums them. Planted reports change a few cells,
either keeping the form's identities (a quiet over-report the reconciliation must catch)
or breaking one (the identity checks must flag it). The manifest lists every cell whose
reported value differs from the truth and every broken identity, computed from what was
written — never from the intent.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from samplegen.catalogue import Catalogue
from samplegen.text import strip_diacritics, thousands
from samplegen.truth import REPORT_MEASURES, accounting
from samplegen.writers import new_workbook

TOTAL = "*"
TITLE = "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT TTHC TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP GIẢI QUYẾT TTHC"
QUARTER_WORDS = {"1": "I", "2": "II", "3": "III", "4": "IV"}

# Plants: (name, kind). identity-keeping ones move counts consistently on a field row and
# the total row; breaking ones leave one identity false.
PLANTS = (
    "online_over_report",  # Tổng số +3 and Trực tuyến +3 (field and total)
    "timeliness_shift",  # 2 "trước hạn" reported as "đúng hạn" (field and total)
    "overdue_hidden",  # 1 overdue pending reported as in time (field and total)
    "total_row_mismatch",  # total row only: Trực tiếp +5, Tổng số +5 → total ≠ Σ fields
    "resolved_mismatch",  # resolved +1 without a timeliness column (field and total)
)


@dataclass(frozen=True)
class ReportSpec:
    agency_code: str
    period_key: str  # 2024-Q1 or 2024
    start: date
    end: date
    numbered: bool = True  # the "(1) (2) …" row under the header
    text_counts: bool = False  # counts as text with "." thousands separators
    empty_zeros: bool = False  # zeros left blank
    period_line: bool = False  # an extra "Kỳ báo cáo: …" line in the title block
    plant: str | None = None

    def path(self, agency_name: str) -> str:
        slug = strip_diacritics(agency_name).lower().replace(" ", "_").replace(",", "")
        key = self.period_key.replace("-", "")
        return f"agency_reports/{self.end.year}/bieu06_{slug}_{key}.xlsx"


def honest_rows(
    truth: pd.DataFrame, catalogue: Catalogue, agency_code: str, start: date, end: date
) -> pd.DataFrame:
    """Field rows (catalogue order) and the total row, indexed by field name (``*``)."""
    fields = catalogue.fields_of(agency_code)["field_name"].tolist()
    mine = truth[truth["agency_code"] == agency_code]
    if mine["field_name"].isna().any():
        raise ValueError(f"{agency_code}: dossiers without a catalogue field in a reported agency")
    counts = accounting(mine, start, end, by=["field_name"]).set_index("field_name")
    rows = counts.reindex(fields, fill_value=0)[REPORT_MEASURES].astype(np.int64)
    rows.loc[TOTAL] = rows.sum()
    rows.index.name = "field_name"
    return rows


def apply_plant(rows: pd.DataFrame, plant: str) -> pd.DataFrame:
    """The reported values of a planted report (a copy of the honest ``rows``)."""
    out = rows.copy()
    fields = out.drop(index=TOTAL)

    def bump(field: str, changes: dict[str, int], total: bool = True) -> None:
        for measure, delta in changes.items():
            out.loc[field, measure] += delta
            if total:
                out.loc[TOTAL, measure] += delta

    busiest = fields["to_process"].idxmax()
    if plant == "online_over_report":
        bump(busiest, {"to_process": 3, "received_online": 3})
    elif plant == "timeliness_shift":
        field = fields["resolved_early"].idxmax()
        moved = int(min(2, fields.loc[field, "resolved_early"]))
        bump(field, {"resolved_early": -moved, "resolved_on_time": moved})
    elif plant == "overdue_hidden":
        if fields["pending_overdue"].max() > 0:
            field = fields["pending_overdue"].idxmax()
            bump(field, {"pending_overdue": -1, "pending_in_time": 1})
        else:  # nothing overdue to hide: over-report what was carried over instead
            bump(busiest, {"carried_over": 2, "to_process": 2})
    elif plant == "total_row_mismatch":
        out.loc[TOTAL, "received_offline"] += 5
        out.loc[TOTAL, "to_process"] += 5
    elif plant == "resolved_mismatch":
        bump(busiest, {"resolved": 1})
    else:
        raise ValueError(plant)
    return out


def discrepancies(
    reported: pd.DataFrame, honest: pd.DataFrame, spec: ReportSpec, path: str
) -> list[dict[str, object]]:
    out = []
    for field in reported.index:
        for measure in REPORT_MEASURES:
            r, c = int(reported.loc[field, measure]), int(honest.loc[field, measure])
            if r != c:
                out.append(
                    {
                        "file": path,
                        "agency_code": spec.agency_code,
                        "period_start": spec.start.isoformat(),
                        "period_end": spec.end.isoformat(),
                        "field_name": field,
                        "measure": measure,
                        "reported": r,
                        "computed": c,
                    }
                )
    return out


def identity_breaks(reported: pd.DataFrame, path: str) -> list[dict[str, str]]:
    """Each row × rule of the form that the written values break (rule names shared with
    the dbt identity checks)."""
    out = []
    for field, row in reported.iterrows():
        rules = {
            "received_identity": row["to_process"]
            == row["received_online"] + row["received_offline"] + row["carried_over"],
            "resolved_identity": row["resolved"]
            == row["resolved_early"] + row["resolved_on_time"] + row["resolved_late"],
            "pending_identity": row["pending"] == row["pending_in_time"] + row["pending_overdue"],
        }
        for rule, holds in rules.items():
            if not holds:
                out.append({"file": path, "field_name": str(field), "rule": rule})
    fields_sum = reported.drop(index=TOTAL).sum()
    if (fields_sum != reported.loc[TOTAL]).any():
        out.append({"file": path, "field_name": TOTAL, "rule": "total_row_identity"})
    return out


def _cell(value: int, spec: ReportSpec) -> object:
    if value == 0 and spec.empty_zeros:
        return None
    if spec.text_counts:
        return thousands(int(value))
    return int(value)


def workbook_bytes(reported: pd.DataFrame, spec: ReportSpec, agency_name: str) -> bytes:
    """The form as agencies fill it in (see tests/fixtures/contract_examples)."""
    buffer = io.BytesIO()
    workbook = new_workbook(buffer)
    sheet = workbook.add_worksheet("Bieu06")
    bold = workbook.add_format({"bold": True})
    center = workbook.add_format({"bold": True, "align": "center", "valign": "vcenter"})
    wrap = workbook.add_format({"align": "center", "valign": "vcenter", "text_wrap": True})

    sheet.write_string(0, 0, "Biểu số 06/VPCP/KSTT", bold)
    sheet.write_string(0, 10, "Ban hành theo Thông tư số 01/2020/TT-VPCP")
    sheet.write_string(1, 0, f"Đơn vị báo cáo: {agency_name}")
    sheet.write_string(1, 7, f"Mã đơn vị: {spec.agency_code}")
    sheet.write_string(2, 0, TITLE, bold)
    r = 3
    if spec.period_line:
        year, _, q = spec.period_key.partition("-Q")
        label = f"Quý {QUARTER_WORDS[q]} năm {year}" if q else f"Năm {year}"
        sheet.write_string(r, 0, f"Kỳ báo cáo: {label}")
        r += 1
    sheet.write_string(r, 0, f"(Từ ngày {spec.start:%d/%m/%Y} đến ngày {spec.end:%d/%m/%Y})")
    sheet.write_string(r + 1, 0, "Đơn vị tính: Số hồ sơ TTHC")
    h = r + 2  # first header row
    sheet.write_string(h, 0, "STT", center)
    sheet.write_string(h, 1, "Lĩnh vực, công việc giải quyết theo cấp", wrap)
    sheet.merge_range(h, 2, h, 5, "Số hồ sơ nhận giải quyết", center)
    sheet.merge_range(h, 6, h, 12, "Kết quả giải quyết", center)
    sheet.write_string(h + 1, 2, "Tổng số", center)
    sheet.merge_range(h + 1, 3, h + 1, 5, "Trong đó", center)
    sheet.merge_range(h + 1, 6, h + 1, 9, "Số hồ sơ đã giải quyết", center)
    sheet.merge_range(h + 1, 10, h + 1, 12, "Số hồ sơ đang giải quyết", center)
    labels = [
        "Trực tuyến",
        "Trực tiếp, dịch vụ bưu chính",
        "Từ kỳ trước",
        "Tổng số",
        "Trước hạn",
        "Đúng hạn",
        "Quá hạn",
        "Tổng số",
        "Trong hạn",
        "Quá hạn",
    ]
    for c, label in enumerate(labels, start=3):
        sheet.write_string(h + 2, c, label, wrap)
    r = h + 3
    if spec.numbered:
        for c in range(13):
            sheet.write_string(r, c, f"({c + 1})", center)
        r += 1
    for stt, (field, row) in enumerate(reported.iterrows(), start=1):
        is_total = field == TOTAL
        if not is_total:
            sheet.write_number(r, 0, stt)
        sheet.write_string(
            r, 1, "Tổng cộng" if is_total else str(field), bold if is_total else None
        )
        for c, measure in enumerate(REPORT_MEASURES, start=2):
            value = _cell(int(row[measure]), spec)
            if isinstance(value, int):
                sheet.write_number(r, c, value)
            elif isinstance(value, str):
                sheet.write_string(r, c, value)
        r += 1
    sheet.set_column(0, 0, 5)
    sheet.set_column(1, 1, 40)
    sheet.set_column(2, 12, 11)
    workbook.close()
    return buffer.getvalue()

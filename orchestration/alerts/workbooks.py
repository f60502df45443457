"""The agencies' workbooks: one per agency ("Danh sách hồ sơ quá hạn, sắp đến hạn") and one
province summary, in ``<out>/<as_of>/``. Dossier codes, procedures and dates only: no
personal data of applicants (marts.dossiers holds none)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from orchestration.alerts.data import DEFAULT_WARNING_DAYS, AlertSet, load_alerts
from orchestration.alerts.xlsx import TableSheet, write_tables

AGENCY_TITLE = "Danh sách hồ sơ quá hạn, sắp đến hạn"
SUMMARY_TITLE = "Tổng hợp hồ sơ quá hạn, sắp đến hạn toàn tỉnh"
ALERT_LABELS = {
    "overdue": "Quá hạn / overdue",
    "due_soon": "Sắp đến hạn / due soon",
    "in_time": "Trong hạn / in time",
    "no_due_date": "Không có hạn / no due date",
}
AGENCY_HEADERS = (
    "STT / no.",
    "Mã hồ sơ / dossier code",
    "Mã thủ tục / procedure",
    "Lĩnh vực / field",
    "Ngày tiếp nhận / received",
    "Ngày hẹn trả / due",
    "Số ngày làm việc còn lại / working days left",
    "Tình trạng / status",
)
SUMMARY_HEADERS = (
    "STT / no.",
    "Mã đơn vị / agency code",
    "Tên đơn vị / agency",
    "Quá hạn / overdue",
    "Sắp đến hạn / due soon",
    "Trong hạn / in time",
    "Không có hạn / no due date",
    "Đang giải quyết / open",
)


@dataclass
class AlertFiles:
    as_of: dt.date
    summary: Path
    agencies: dict[str, Path] = field(default_factory=dict)
    # per agency: {"overdue": n, "due_soon": n} — also the Dagster asset's metadata
    counts: dict[str, dict[str, int]] = field(default_factory=dict)


def _lines(alerts: AlertSet, warning_days: int) -> list[str]:
    return [
        f"Tính đến hết ngày / as of the end of {alerts.as_of:%d/%m/%Y}",
        f"Sắp đến hạn: còn từ 0 đến {warning_days} ngày làm việc / due soon: 0–{warning_days} "
        "working days left (thứ Hai–thứ Sáu, trừ ngày lễ, Tết / Mon–Fri less public holidays)",
    ]


def agency_sheet(alerts: AlertSet, code: str, warning_days: int) -> TableSheet:
    rows = alerts.of_agency(code)
    return TableSheet(
        name="Hồ sơ cần xử lý",
        title=f"{AGENCY_TITLE} — {alerts.agency_name(code)} ({code})",
        lines=_lines(alerts, warning_days),
        headers=AGENCY_HEADERS,
        rows=[
            (
                i,
                r.dossier_code,
                r.procedure_code,
                r.field_name,
                r.received_date,
                r.due_date,
                r.working_days_left,
                ALERT_LABELS[r.alert],
            )
            for i, r in enumerate(rows.itertuples(index=False), start=1)
        ],
        empty_message="Không có hồ sơ quá hạn, sắp đến hạn / nothing overdue or due soon",
    )


def summary_sheet(alerts: AlertSet, warning_days: int) -> TableSheet:
    summary = alerts.summary()
    return TableSheet(
        name="Tổng hợp",
        title=SUMMARY_TITLE,
        lines=_lines(alerts, warning_days),
        headers=SUMMARY_HEADERS,
        rows=[
            (
                i,
                r.agency_code,
                r.agency_name,
                r.overdue,
                r.due_soon,
                r.in_time,
                r.no_due_date,
                r.open,
            )
            for i, r in enumerate(summary.itertuples(index=False), start=1)
        ],
        empty_message="Không có đơn vị nào / no agencies",
    )


def write_alerts(
    analytics_path: Path,
    out_dir: Path,
    *,
    agency: str | None = None,
    as_of: dt.date | None = None,
    warning_days: int = DEFAULT_WARNING_DAYS,
) -> AlertFiles:
    """Write ``<out_dir>/<as_of>/canh_bao_<agency>.xlsx`` for each agency with a dossier
    overdue or due soon (or only `agency`, even when it has none) and
    ``tong_hop_canh_bao.xlsx``. Raises LookupError for an unknown agency or day."""
    alerts = load_alerts(analytics_path, as_of, warning_days)
    if agency is not None and agency not in alerts.agency_names:
        raise LookupError(f"Không có đơn vị / unknown agency: {agency}")
    target = Path(out_dir) / alerts.as_of.isoformat()
    summary = alerts.summary()
    files = AlertFiles(
        as_of=alerts.as_of,
        summary=write_tables(
            target / "tong_hop_canh_bao.xlsx", [summary_sheet(alerts, warning_days)]
        ),
        counts={
            r.agency_code: {"overdue": int(r.overdue), "due_soon": int(r.due_soon)}
            for r in summary.itertuples(index=False)
        },
    )
    codes = (
        [agency]
        if agency
        else [r.agency_code for r in summary.itertuples(index=False) if r.overdue or r.due_soon]
    )
    for code in codes:
        path = target / f"canh_bao_{code}.xlsx"
        files.agencies[code] = write_tables(path, [agency_sheet(alerts, code, warning_days)])
    return files

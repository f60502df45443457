"""The quarterly report's late-dossier section, from marts.dossiers alone: each agency's
dossiers resolved late in the period (the list an agency needs for its apology letters and
corrections) and its pending-overdue count at the period's end. Both follow marts.md's
accounting, so they equal period_accounting's resolved_late and pending_overdue
(tests/test_dossiers_mart.py checks it).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from orchestration.alerts.xlsx import TableSheet, write_tables

LATE_SQL = """
select agency_code, dossier_code, procedure_code, field_name, received_date, due_date,
       finished_date, file_path, row_number
from marts.dossiers
where status in (9, 10) and finished_date between ? and ? and finished_date > due_date
order by agency_code, finished_date, dossier_code
"""
PENDING_OVERDUE_SQL = """
select agency_code, count(*) as pending_overdue
from marts.dossiers
where received_date <= ? and (closing_date is null or closing_date > ?) and due_date < ?
group by agency_code
"""


def late_dossier_figures(
    con: duckdb.DuckDBPyConnection, period_key: str, calendar: str
) -> tuple[object, object, list[tuple], dict[str, int]]:
    """(start, end, late-resolved rows, pending overdue at the end per agency)."""
    bounds = con.execute(
        "select distinct period_start, period_end from marts.period_accounting "
        "where calendar = ? and period_key = ?",
        [calendar, period_key],
    ).fetchone()
    if bounds is None:
        raise LookupError(f"Không có kỳ / no period {period_key} ({calendar})")
    start, end = bounds
    late = con.execute(LATE_SQL, [start, end]).fetchall()
    pending = dict(con.execute(PENDING_OVERDUE_SQL, [end, end, end]).fetchall())
    return start, end, late, pending


def write_late_dossiers(
    analytics_path: Path,
    path: Path,
    period_key: str,
    calendar: str,
    agencies: set[str] | None = None,
) -> Path | None:
    """The section's workbook, or None when the marts have no marts.dossiers.
    ``agencies``: only these agencies' dossiers (one province of many); None: all."""
    con = duckdb.connect(str(analytics_path), read_only=True)
    try:
        (has_dossiers,) = con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'marts' and table_name = 'dossiers'"
        ).fetchone()
        if not has_dossiers:
            return None
        start, end, late, pending = late_dossier_figures(con, period_key, calendar)
        names = dict(
            con.execute("select agency_code, agency_name from marts.dim_agencies").fetchall()
        )
    finally:
        con.close()
    if agencies is not None:
        names = {code: name for code, name in names.items() if code in agencies}
        late = [row for row in late if row[0] in agencies]
        pending = {code: count for code, count in pending.items() if code in agencies}
    window = f"Kỳ / period {period_key} ({calendar}): {start:%d/%m/%Y} – {end:%d/%m/%Y}"
    late_counts: dict[str, int] = {}
    for row in late:
        late_counts[row[0]] = late_counts.get(row[0], 0) + 1
    agencies = sorted(
        set(names) | set(late_counts) | set(pending),
        key=lambda c: (-late_counts.get(c, 0), -pending.get(c, 0), c),
    )
    summary = TableSheet(
        name="Trễ hạn theo đơn vị",
        title="Hồ sơ giải quyết trễ hạn và tồn quá hạn theo đơn vị",
        lines=[window, "Nguồn / source: marts.dossiers"],
        headers=(
            "Mã đơn vị / agency code",
            "Tên đơn vị / agency",
            "Giải quyết trễ hạn trong kỳ / resolved late",
            "Tồn quá hạn cuối kỳ / pending overdue at the end",
        ),
        rows=[(c, names.get(c, c), late_counts.get(c, 0), pending.get(c, 0)) for c in agencies],
    )
    details = TableSheet(
        name="Danh sách trễ hạn",
        title="Danh sách hồ sơ giải quyết trễ hạn (để xin lỗi, khắc phục)",
        lines=[window, "Tệp và dòng nguồn / source file and row: để tra cứu / for lookup"],
        headers=(
            "Mã đơn vị / agency code",
            "Mã hồ sơ / dossier code",
            "Mã thủ tục / procedure",
            "Lĩnh vực / field",
            "Ngày tiếp nhận / received",
            "Ngày hẹn trả / due",
            "Ngày hoàn thành / finished",
            "Tệp nguồn / file",
            "Dòng / row",
        ),
        rows=late,
    )
    return write_tables(path, [summary, details])

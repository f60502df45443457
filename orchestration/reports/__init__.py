"""Reports for officials: a Vietnamese Excel workbook and a self-contained HTML page per period.

Entry point: :func:`write_report`. It reads the published ``analytics.duckdb`` read-only
(never the working warehouse), so a report can be made while the pipeline runs.
"""

from __future__ import annotations

from pathlib import Path

from orchestration.reports.data import load_report_data, report_provinces
from orchestration.reports.html import write_html
from orchestration.reports.late_dossiers import write_late_dossiers
from orchestration.reports.seeds import TARGETS_CSV, read_item_names, read_targets
from orchestration.reports.workbook import write_workbook

CALENDARS = ("official", "calendar")

__all__ = ["CALENDARS", "report_provinces", "write_report"]


def write_report(
    analytics_path: Path,
    out_dir: Path,
    period_key: str,
    calendar: str = "official",
    *,
    province: str | None = None,
    targets_path: Path = TARGETS_CSV,
) -> dict[str, Path]:
    """Write ``out_dir/<period_key>/bao_cao_cchc_<period_key>_<calendar>.{xlsx,html}``;
    in a many-province publication, one province's (``province``, required there) into
    ``out_dir/<period_key>/<province>/`` (report_provinces lists them).

    ``period_key`` is a quarter (``2024-Q2``), a half (``2024-H1``), a year (``2024``) or a
    month (``2024-03``); the grain is read from its shape. Raises ``ValueError`` for a
    malformed key or calendar and ``LookupError`` when the marts do not hold the period.
    Returns ``{"xlsx": path, "html": path}``.
    """
    if calendar not in CALENDARS:
        raise ValueError(
            f"Lịch không hợp lệ: {calendar!r} (official | calendar) / invalid calendar"
        )
    data = load_report_data(Path(analytics_path), period_key, calendar, province)
    targets = read_targets(targets_path)
    target_dir = Path(out_dir) / data.period.key / (province or "")
    target_dir.mkdir(parents=True, exist_ok=True)
    stem = f"bao_cao_cchc_{data.period.key}_{calendar}"
    paths = {
        "xlsx": write_workbook(target_dir / f"{stem}.xlsx", data, targets),
        "html": write_html(target_dir / f"{stem}.html", data, targets, read_item_names()),
    }
    late = write_late_dossiers(  # beside the report, when the marts carry marts.dossiers
        Path(analytics_path),
        target_dir / f"ho_so_tre_han_{data.period.key}_{calendar}.xlsx",
        data.period.key,
        calendar,
        set(data.agencies) if province else None,
    )
    return paths | ({"late_dossiers": late} if late else {})

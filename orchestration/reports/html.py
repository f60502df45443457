"""One self-contained HTML page of one period: opens offline, prints, can be e-mailed.

Everything is inline (CSS in a <style>, charts as <svg>); nothing is fetched, so the page
reads the same on an office PC without internet. All text goes through ``escape``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from pathlib import Path

import pandas as pd

from orchestration.contract import indicators
from orchestration.reports import labels
from orchestration.reports.charts import TargetLine, bar_chart, line_chart, score_bar
from orchestration.reports.data import ReportData
from orchestration.reports.numbers import (
    fmt_decimal,
    fmt_indicator,
    fmt_int,
    fmt_percent,
    fmt_points,
)
from orchestration.partitions import parse_period_key
from orchestration.reports.tables import (
    IndexScore,
    accounting_row,
    agency_ranking,
    index_ranking,
    index_score,
    indicator_table,
    quality_summary,
    reconciliation_table,
    target_table,
    value,
)
from orchestration.reports.year_to_date import ytd_label

RANKED_INDICATORS = ("on_time_rate", "online_rate")
MAX_BARS = 30  # beyond this, the best and worst 15 are charted and the rest summarised
LINE_KINDS = {"min_rate": "≥", "max_value": "≤"}  # min_increase has no level to draw

CSS = """
body{font-family:Arial,"Segoe UI",sans-serif;color:#222;margin:24px auto;max-width:1180px;
padding:0 16px;line-height:1.45}
h1{font-size:22px;margin-bottom:4px}h2{font-size:18px;border-bottom:2px solid #1f5f99;
padding-bottom:4px;margin-top:36px}h3{font-size:14px;margin:8px 0 4px}
.period{color:#1f5f99;font-weight:bold;font-size:15px}.note{color:#666;font-size:13px}
table{border-collapse:collapse;font-size:13px;margin:8px 0}
th,td{border:1px solid #c5ccd6;padding:4px 8px;vertical-align:top}
th{background:#dde7f2;text-align:left}td.num{text-align:right;white-space:nowrap}
.grid{display:flex;flex-wrap:wrap;gap:18px}.card{border:1px solid #e1e5ea;padding:8px;
border-radius:4px}.met{background:#d5f0dc}.not-met{background:#f8d7da}.no-data{color:#666;
background:#eee}.muted{color:#888}
@media print{.card{break-inside:avoid}}
.heading{display:flex;justify-content:space-between;text-align:center;font-size:14px;
margin-bottom:18px}.heading p{margin:2px 0}.heading .strong{font-weight:bold}
.heading .motto{font-weight:bold;text-decoration:underline}.heading .date{font-style:italic}
"""


def write_html(
    path: Path, data: ReportData, targets: pd.DataFrame, item_names: dict[str, str]
) -> Path:
    sections = [
        _summary(data),
        _trends(data, targets),
        _rankings(data, targets),
        _service_index(data, item_names),
        _targets(data, targets),
        _reconciliation(data),
        _quality(data),
    ]
    name = labels.period_name(data.period)
    published = f", công bố lúc {data.published_at:%d/%m/%Y %H:%M}" if data.published_at else ""
    page = (
        '<!DOCTYPE html>\n<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>Báo cáo CCHC {escape(name)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        + _heading(data)
        + f"<h1>Báo cáo kết quả giải quyết thủ tục hành chính — {escape(name)}</h1>\n"
        f'<p class="period">{escape(labels.period_title(data.period))}</p>\n'
        f'<p class="note">Toàn tỉnh: {escape(data.heading.province_name)}. Số liệu từ kho dữ liệu '
        f"CCHC{published}. "
        f"“{labels.EMPTY}”: "
        "không có số liệu (mẫu số bằng 0).</p>\n" + "\n".join(sections) + "\n</body>\n</html>\n"
    )
    path.write_text(page, encoding="utf-8")
    return path


def _heading(data: ReportData) -> str:
    """The administrative heading: issuing body and number left, quốc hiệu right."""
    h = data.heading
    left = f'<p class="strong">{escape(h.left[0])}</p><p>{escape(h.left[1])}</p>'
    right = (
        f'<p class="strong">{escape(h.right[0])}</p><p class="motto">{escape(h.right[1])}</p>'
        f'<p class="date">{escape(h.right[2])}</p>'
    )
    return f'<div class="heading"><div>{left}</div><div>{right}</div></div>\n'


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]], numeric: set[int]) -> str:
    """Cells are escaped here; ``numeric`` columns are right-aligned."""
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = []
    for row in rows:
        cells = "".join(
            f'<td class="num">{escape(c)}</td>' if i in numeric else f"<td>{escape(c)}</td>"
            for i, c in enumerate(row)
        )
        body.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _summary(data: ReportData) -> str:
    table = indicator_table(data, "province", data.province_code)
    rows = [
        (
            r.label,
            fmt_decimal(r.numerator)
            if r.indicator in labels.MINUTE_INDICATORS
            else fmt_int(r.numerator),
            fmt_int(r.denominator),
            fmt_indicator(r.indicator, r.rate),
        )
        for r in table.itertuples(index=False)
    ]
    counts = accounting_row(data, "province", data.province_code)
    count_rows = [(text, fmt_int(counts.get(code))) for code, text in labels.ACCOUNTING.items()]
    return (
        '<section id="tong-hop"><h2>Tổng hợp toàn tỉnh</h2><div class="grid"><div>'
        + _table(["Chỉ số", "Tử số", "Mẫu số", "Tỷ lệ / Giá trị"], rows, {1, 2, 3})
        + "</div><div>"
        + _table(["Số liệu hồ sơ trong kỳ", "Số hồ sơ"], count_rows, {1})
        + "</div></div></section>"
    )


def target_lines(
    targets: pd.DataFrame,
    indicator: str,
    quarter_keys: list[str],
    values: Sequence[float | None] | None = None,
) -> list[TargetLine]:
    """Province targets of an indicator as steps over the quarters of the years they apply.

    With the chart's ``values``, a year none of whose quarters has a figure gets no step:
    a target drawn over an empty year reads as a figure missed.
    """
    rows = targets[
        (targets["indicator"] == indicator)
        & (targets["scope"] == "province")
        & (targets["kind"].isin(list(LINE_KINDS)))
    ]
    years = [parse_period_key(k).year for k in quarter_keys]
    if values is None:
        with_data = set(years)
    else:
        with_data = {y for y, v in zip(years, values, strict=True) if v is not None}
    lines = []
    for t in rows.itertuples(index=False):
        steps = [
            t.target_value if t.year_from <= y <= t.year_to and y in with_data else None
            for y in years
        ]
        if all(v is None for v in steps):
            continue
        level = fmt_indicator(indicator, t.target_value)
        lines.append(TargetLine(f"Mục tiêu {t.plan_code}: {LINE_KINDS[t.kind]} {level}", steps))
    return lines


def from_first_data(keys: list[str], values: list[float | None]) -> int:
    """Index of the first quarter with a figure; the last quarter when none has one (the
    chart then shows the report's own quarter, empty, rather than quarters before data)."""
    return next((i for i, v in enumerate(values) if v is not None), len(keys) - 1)


def _trend_values(data: ReportData, indicator: str, keys: list[str]) -> list[float | None]:
    rows = data.trend[data.trend["indicator"] == indicator].set_index("period_key")
    return [value(rows.at[k, "rate"]) if k in rows.index else None for k in keys]


def _trends(data: ReportData, targets: pd.DataFrame) -> str:
    # The window starts at the first quarter any indicator has a figure, each chart at its
    # own first figure: quarters before the data began are not drawn as empty.
    window = data.trend_keys
    series = {i: _trend_values(data, i, window) for i in indicators()}
    any_data = [
        next((v for v in vals if v is not None), None)
        for vals in zip(*series.values(), strict=True)
    ]
    start = from_first_data(window, any_data)
    keys = window[start:]
    cards = []
    for indicator in indicators():
        own = from_first_data(keys, series[indicator][start:])
        chart_keys, values = keys[own:], series[indicator][start:][own:]
        title = labels.INDICATORS[indicator]
        chart = line_chart(
            chart_id=f"xu-huong-{indicator}",
            indicator=indicator,
            title=f"{title} — toàn tỉnh, {len(chart_keys)} quý",
            x_labels=[labels.quarter_short(k) for k in chart_keys],
            values=values,
            targets=target_lines(targets, indicator, chart_keys, values),
            percent=indicator not in labels.MINUTE_INDICATORS,
        )
        cards.append(f'<div class="card"><h3>{escape(title)}</h3>{chart}</div>')
    first, last = labels.quarter_short(keys[0]), labels.quarter_short(keys[-1])
    return (
        f'<section id="xu-huong"><h2>Xu hướng {len(keys)} quý gần nhất ({first} – {last}, '
        f"{escape(labels.label(labels.CALENDARS, data.period.calendar))})</h2>"
        '<p class="note">Đường nét đứt: mục tiêu của kế hoạch cho năm tương ứng, nếu có '
        "và nếu năm đó có số liệu; biểu đồ bắt đầu từ quý đầu tiên có số liệu.</p>"
        f'<div class="grid">{"".join(cards)}</div></section>'
    )


def _strictest_target(targets: pd.DataFrame, indicator: str, year: int) -> float | None:
    rows = targets[
        (targets["indicator"] == indicator)
        & (targets["scope"] == "province")
        & (targets["kind"] == "min_rate")
        & (targets["year_from"] <= year)
        & (targets["year_to"] >= year)
    ]
    return None if rows.empty else float(rows["target_value"].max())


def _rankings(data: ReportData, targets: pd.DataFrame) -> str:
    cards = []
    for indicator in RANKED_INDICATORS:
        ranked = agency_ranking(data, indicator)
        bars = [(r.name, value(r.rate)) for r in ranked.itertuples(index=False)]
        skipped = None
        if len(bars) > MAX_BARS:  # the top and the bottom of a long ranking
            half = MAX_BARS // 2
            skipped = (half, len(bars) - MAX_BARS)
            bars = bars[:half] + bars[-half:]
        target = _strictest_target(targets, indicator, data.period.year)
        chart = bar_chart(
            chart_id=f"xep-hang-{indicator}",
            title=f"Xếp hạng đơn vị — {labels.INDICATORS[indicator]}",
            bars=bars,
            target=target,
            target_label=f"Mục tiêu toàn tỉnh {fmt_indicator(indicator, target)}",
            skipped=skipped,
        )
        cards.append(
            f'<div class="card"><h3>{escape(labels.INDICATORS[indicator])}</h3>{chart}</div>'
        )
    return (
        '<section id="xep-hang"><h2>Xếp hạng cơ quan, đơn vị trong kỳ</h2>'
        '<p class="note">Cao nhất ở trên; đơn vị không có hồ sơ trong kỳ ở cuối.</p>'
        f'<div class="grid">{"".join(cards)}</div></section>'
    )


def _index_rows(score: IndexScore) -> str:
    rows = []
    for group in score.groups:
        gauge = score_bar(group.points, group.max_points)
        rows.append(
            f"<tr><th>{escape(group.name)}</th>{_points_cells(group.points, group.max_points)}"
            f"<td>{gauge}</td></tr>"
        )
        for item in group.items:
            rows.append(
                f"<tr><td>&nbsp;&nbsp;{escape(item.name)}</td>"
                f"{_points_cells(item.points, item.max_points)}"
                f"<td>{score_bar(item.points, item.max_points, 120)}</td></tr>"
            )
    return "".join(rows)


def _points_cells(points: float | None, max_points: float | None) -> str:
    shown = fmt_points(points) if points is not None else labels.NOT_MEASURED
    css = "num" if points is not None else "num muted"
    return f'<td class="{css}">{escape(shown)}</td><td class="num">{fmt_points(max_points)}</td>'


def _service_index(data: ReportData, item_names: dict[str, str]) -> str:
    score = index_score(data, "province", data.province_code, item_names)
    if score is None:
        body = '<p class="note">Chưa có chỉ số phục vụ cho kỳ này.</p>'
    else:
        body = (
            f"<p><strong>Tổng điểm: {fmt_points(score.points)} / {fmt_points(score.max_points)}"
            f"</strong> (các chỉ số đo được có tối đa {fmt_points(score.measured_max)} điểm; "
            f"chỉ số “{labels.NOT_MEASURED}” không được chấm, không tính là 0).</p>"
            "<table><thead><tr><th>Nhóm / chỉ số thành phần</th><th>Điểm</th><th>Tối đa</th>"
            f"<th></th></tr></thead><tbody>{_index_rows(score)}</tbody></table>"
        )
    ranking = index_ranking(data)
    ranking_rows = [
        (
            str(n),
            r.name,
            fmt_percent(value(r.share)),
            fmt_points(value(r.points)),
            fmt_points(value(r.measured_max)),
            fmt_points(value(r.max_points)),
        )
        for n, r in enumerate(ranking.itertuples(index=False), start=1)
    ]
    ranked = (
        "<h3>Xếp hạng đơn vị theo tỷ lệ điểm đạt trên tối đa phần đo được</h3>"
        '<p class="note">Các đơn vị được đo trên số chỉ số khác nhau nên tối đa khác nhau: '
        "xếp theo tỷ lệ Điểm / Tối đa phần đo được, không theo điểm thô.</p>"
        + _table(
            ["Hạng", "Đơn vị", "Tỷ lệ đạt", "Điểm", "Tối đa phần đo được", "Tối đa"],
            ranking_rows,
            {0, 2, 3, 4, 5},
        )
        if ranking_rows
        else ""
    )
    return (
        '<section id="chi-so-phuc-vu"><h2>Chỉ số phục vụ người dân, doanh nghiệp '
        "(theo Bộ chỉ số QĐ 766/QĐ-TTg)</h2>"
        f'<div class="grid"><div>{body}</div><div>{ranked}</div></div></section>'
    )


def _targets(data: ReportData, targets: pd.DataFrame) -> str:
    rows = target_table(data, targets)
    css = {labels.MET: "met", labels.NOT_MET: "not-met", labels.NO_DATA: "no-data"}
    body = []
    for r in rows.to_dict("records"):
        if r["kind"] == "min_increase":
            goal = f"+{fmt_decimal(r['target_value'] * 100)} điểm %"
        else:
            goal = f"{LINE_KINDS[r['kind']]} {fmt_indicator(r['indicator'], r['target_value'])}"
        actual = fmt_indicator(r["indicator"], value(r["actual_value"]))
        if r["kind"] == "min_increase":  # the verdict compares with last year: show it
            previous = fmt_indicator(r["indicator"], value(r["previous_value"]))
            actual = f"{actual} (cùng kỳ năm trước {previous})"
        cells = [r["plan_code"], r["indicator_label"], r["scope_label"], goal, actual]
        tds = "".join(f"<td>{escape(c)}</td>" for c in cells)
        status = r["status"]
        body.append(f'<tr>{tds}<td class="{css[status]}">{escape(status)}</td></tr>')
    to_date = f"Lũy kế đến {data.period.end:%d/%m/%Y}"
    headers = ["Kế hoạch", "Chỉ số", "Phạm vi", "Mục tiêu", to_date, "Kết quả"]
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    year = data.period.year
    return (
        f'<section id="chi-tieu"><h2>Chỉ tiêu kế hoạch năm {year}</h2>'
        f'<p class="note">{escape(ytd_label(data.period))}.</p>'
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></section>"
    )


def _reconciliation(data: ReportData) -> str:
    rec = reconciliation_table(data)
    if rec.empty:
        return (
            '<section id="doi-chieu"><h2>Đối chiếu báo cáo Biểu 06</h2>'
            '<p class="note">Không có báo cáo nào của đơn vị giao với kỳ này.</p></section>'
        )
    bad = rec[~rec["within_tolerance"].astype(bool)]
    reports = rec[["agency_code", "period_start", "period_end"]].drop_duplicates()
    rows = [
        (
            r["agency_name"],
            f"{r['period_start']:%d/%m/%Y}–{r['period_end']:%d/%m/%Y}",
            r["field_label"],
            r["measure_label"],
            fmt_int(r["reported"]),
            fmt_int(r["computed"]),
            fmt_int(r["difference"]),
        )
        for r in bad.to_dict("records")
    ]
    table = (
        _table(
            ["Đơn vị", "Kỳ báo cáo", "Lĩnh vực", "Chỉ tiêu", "Báo cáo", "Hệ thống", "Chênh lệch"],
            rows,
            {4, 5, 6},
        )
        if rows
        else ""
    )
    return (
        '<section id="doi-chieu"><h2>Đối chiếu báo cáo Biểu 06</h2>'
        f"<p>{len(reports)} báo cáo giao với kỳ này; <strong>{len(bad)}</strong> dòng chênh "
        f"lệch vượt ngưỡng trên {len(rec)} dòng.</p>{table}</section>"
    )


def _quality(data: ReportData) -> str:
    summary = quality_summary(data)
    status_rows = [
        (
            labels.label(labels.SOURCES, r["source"]),
            labels.label(labels.FILE_STATUSES, r["status"]),
            fmt_int(r["files"]),
            fmt_int(r["rows_read"]),
            fmt_int(r["rows_loaded"]),
            fmt_int(r["rows_quarantined"]),
        )
        for r in summary.by_status.to_dict("records")
    ]
    reason_rows = [
        (r["label"], r["reason"], fmt_int(r["rows"]), fmt_int(r["files"]))
        for r in summary.by_reason.to_dict("records")
    ]
    rejected_rows = [
        (r["file_path"], r["message"] or "") for r in summary.rejected.to_dict("records")
    ]
    return (
        '<section id="chat-luong"><h2>Chất lượng dữ liệu</h2>'
        '<p class="note">Lũy kế mọi tệp đã tiếp nhận, không riêng kỳ báo cáo.</p>'
        + _table(
            ["Nguồn", "Trạng thái", "Số tệp", "Dòng đọc", "Dòng nạp", "Dòng cách ly"],
            status_rows,
            {2, 3, 4, 5},
        )
        + "<h3>Dòng bị cách ly theo lý do</h3>"
        + _table(["Lý do", "Mã", "Số dòng", "Số tệp"], reason_rows, {2, 3})
        + "<h3>Tệp bị từ chối</h3>"
        + (
            _table(["Tệp", "Lý do từ chối"], rejected_rows, set())
            if rejected_rows
            else '<p class="note">Không có tệp bị từ chối.</p>'
        )
        + "</section>"
    )

"""The Vietnamese Excel workbook of one period (xlsxwriter).

Numbers are written as numbers with an Excel number format (``0.0%``, ``#,##0``), not as
text: Excel then shows them with the reader's locale separators — ``95,3%`` and ``1.234``
on a Vietnamese-locale Windows/Office, which is what provincial offices run — and they
stay numbers an official can sum or chart. A NULL figure (denominator 0) is left as an
empty cell, never 0 and never a ``—`` text (which would break sums and filters in a numeric
column); each sheet's note says what an empty cell means.

Every sheet prints on A4 landscape, one page wide, with its table's header row repeated
on every page and an autofilter on its (first) table.
"""

from __future__ import annotations

import datetime as dt
import numbers
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from orchestration.contract import indicators
from orchestration.reports import labels
from orchestration.reports.data import ReportData
from orchestration.reports.heading import Heading
from orchestration.reports.tables import (
    accounting_row,
    indicator_table,
    quality_summary,
    reconciliation_table,
    scope_table,
    target_table,
    value,
)
from orchestration.reports.year_to_date import ytd_label

SHEETS = (
    "Tổng hợp toàn tỉnh",
    "Theo cấp",
    "Theo đơn vị",
    "Chỉ tiêu kế hoạch",
    "Đối chiếu báo cáo",
    "Chất lượng dữ liệu",
)
PERCENT = "0.0%"
INTEGER = "#,##0"
MINUTES = "#,##0.0"
INCREASE = "+0.0%"
DATE = "dd/mm/yyyy"
DATETIME = "dd/mm/yyyy hh:mm"
HEADER_ROW = 4  # rows 0-2: title, period, note; row 3 blank
A4 = 9  # xlsxwriter paper code
NO_FIGURE = "ô trống: không có số liệu (mẫu số bằng 0), không phải số 0"
WIDE_COUNTS = ["to_process", "received", "received_online", "resolved", "resolved_late"]
WIDE_COUNTS += ["pending", "pending_overdue"]


class _Sheet:
    """A worksheet that remembers how wide each column's content is, to size columns."""

    def __init__(self, book: _Book, name: str) -> None:
        self.book = book
        self.ws: Worksheet = book.wb.add_worksheet(name)
        self.widths: dict[int, int] = {}
        self.last_row = 0
        self.last_col = 0
        self.first_table: tuple[int, int] | None = None  # header row, number of columns

    def _seen(self, row: int, col: int) -> None:
        self.last_row = max(self.last_row, row)
        self.last_col = max(self.last_col, col)

    def put(self, row: int, col: int, raw: object, fmt: Format | None = None) -> None:
        f = fmt or self.book.text
        self._seen(row, col)
        if raw is None or (not isinstance(raw, str) and bool(pd.isna(raw))):  # type: ignore[arg-type]
            # Empty, not "—": a text in a numeric column breaks sums and number filters.
            self.ws.write_blank(row, col, None, f)
            return
        if isinstance(raw, bool):
            raw = "Có" if raw else "Không"
        if isinstance(raw, pd.Timestamp | dt.date):
            self.ws.write_datetime(row, col, pd.Timestamp(raw).to_pydatetime(), f)
            self._grow(col, 10)
        elif isinstance(raw, numbers.Real):  # numpy integers are not ``int``
            self.ws.write_number(row, col, float(raw), f)
            self._grow(col, 10)
        else:
            self.ws.write_string(row, col, str(raw), f)
            self._grow(col, len(str(raw)))

    def header(self, row: int, names: Sequence[str]) -> None:
        if self.first_table is None:
            self.first_table = (row, len(names))
        self._seen(row, len(names) - 1)
        for col, name in enumerate(names):
            self.ws.write_string(row, col, name, self.book.header)
            # Headers wrap: count the longest word, not the whole text.
            self._grow(col, max((len(w) for w in name.split()), default=0) + 2)
        self.ws.set_row(row, 45)

    def section(self, row: int, text: str) -> None:
        self.ws.write_string(row, 0, text, self.book.section)

    def _grow(self, col: int, width: int) -> None:
        self.widths[col] = max(self.widths.get(col, 0), width)

    def finish(
        self,
        freeze_row: int,
        freeze_col: int = 0,
        max_width: int = 60,
        table_last_row: int | None = None,
    ) -> None:
        """Column widths, frozen panes and the print setup; the autofilter covers the first
        table, down to ``table_last_row`` (default: the sheet's last row)."""
        for col, width in self.widths.items():
            self.ws.set_column(col, col, min(max(width + 2, 8), max_width))
        self.ws.freeze_panes(freeze_row, freeze_col)
        ws = self.ws
        ws.set_paper(A4)
        ws.set_landscape()
        ws.fit_to_pages(1, 0)  # one page wide, as many pages long as it takes
        # The top margin leaves room for the three-line administrative heading.
        ws.set_margins(left=0.4, right=0.4, top=1.1, bottom=0.6)
        ws.center_horizontally()
        if self.book.page_header:
            ws.set_header(self.book.page_header, {"margin": 0.3})
        ws.set_footer("&CTrang &P/&N")
        ws.print_area(0, 0, self.last_row, self.last_col)
        if self.first_table is not None:
            header_row, columns = self.first_table
            ws.repeat_rows(header_row)
            last = self.last_row if table_last_row is None else table_last_row
            ws.autofilter(header_row, 0, max(last, header_row), columns - 1)


class _Book:
    def __init__(self, path: Path) -> None:
        self.wb = xlsxwriter.Workbook(str(path))
        self.page_header = ""  # the administrative heading, printed atop every page
        add = self.wb.add_format
        base = {"font_name": "Arial", "font_size": 10, "valign": "vcenter"}
        self.title = add({**base, "bold": True, "font_size": 14})
        self.subtitle = add({**base, "bold": True, "font_size": 11, "font_color": "#1f5f99"})
        self.note = add({**base, "italic": True, "font_color": "#555555"})
        self.section = add({**base, "bold": True, "font_size": 11})
        self.header = add(
            {**base, "bold": True, "text_wrap": True, "bg_color": "#dde7f2", "border": 1}
        )
        self.text = add({**base, "border": 1})
        self.bold = add({**base, "border": 1, "bold": True})
        self.wrap = add({**base, "border": 1, "text_wrap": True})
        self.integer = add({**base, "border": 1, "num_format": INTEGER})
        self.minutes = add({**base, "border": 1, "num_format": MINUTES})
        self.minutes_unit = add({**base, "border": 1, "num_format": '#,##0.0 "phút"'})
        self.percent = add({**base, "border": 1, "num_format": PERCENT})
        self.increase = add({**base, "border": 1, "num_format": INCREASE})
        self.date = add({**base, "border": 1, "num_format": DATE})
        self.datetime = add({**base, "border": 1, "num_format": DATETIME})
        self.met = add({**base, "border": 1, "bold": True, "bg_color": "#d5f0dc"})
        self.not_met = add({**base, "border": 1, "bold": True, "bg_color": "#f8d7da"})
        self.no_data = add({**base, "border": 1, "font_color": "#666666", "bg_color": "#eeeeee"})
        self.diff = add({**base, "border": 1, "bg_color": "#f8d7da", "num_format": INTEGER})
        self.diff_text = add({**base, "border": 1, "bg_color": "#f8d7da"})

    def rate(self, indicator: str) -> Format:
        return self.minutes if indicator in labels.MINUTE_INDICATORS else self.percent


def page_header(heading: Heading) -> str:
    """Excel's page header: issuing body and number left, quốc hiệu, motto, place and date
    right (&B toggles bold; a literal & is written &&)."""

    def text(value: str) -> str:
        return value.replace("&", "&&")

    left, right = heading.left, heading.right
    return (
        f"&L&B{text(left[0])}&B\n{text(left[1])}"
        f"&R&B{text(right[0])}&B\n{text(right[1])}\n{text(right[2])}"
    )


def write_workbook(path: Path, data: ReportData, targets: pd.DataFrame) -> Path:
    book = _Book(path)
    book.page_header = page_header(data.heading)
    book.wb.set_properties(
        {
            "title": f"Báo cáo CCHC {labels.period_name(data.period)}",
            "subject": labels.period_title(data.period),
            "author": "Kho dữ liệu CCHC",
            "comments": "Sinh tự động từ kho dữ liệu CCHC",
            # The data's time, not the clock's: same period and data, same file.
            "created": data.published_at or dt.datetime.combine(data.period.end, dt.time()),
        }
    )
    _province_sheet(book, data)
    _scope_sheet(book, data, "level", SHEETS[1])
    _scope_sheet(book, data, "agency", SHEETS[2])
    _targets_sheet(book, data, targets)
    _reconciliation_sheet(book, data)
    _quality_sheet(book, data)
    book.wb.close()
    return path


def _start(book: _Book, name: str, data: ReportData, title: str, note: str) -> _Sheet:
    sheet = _Sheet(book, name)
    sheet.ws.write_string(0, 0, title, book.title)
    sheet.ws.write_string(1, 0, labels.period_title(data.period), book.subtitle)
    sheet.ws.write_string(2, 0, note, book.note)
    return sheet


def _province_sheet(book: _Book, data: ReportData) -> None:
    province = data.heading.province_name.upper()
    sheet = _start(
        book,
        SHEETS[0],
        data,
        f"BÁO CÁO KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH — TOÀN {province}",
        f"Tỷ lệ = tử số / mẫu số, cộng từ số hồ sơ (không lấy trung bình các tỷ lệ); {NO_FIGURE}.",
    )
    sheet.header(
        HEADER_ROW,
        ["STT", "Chỉ số", "Tử số", "Mẫu số", "Tỷ lệ / Giá trị", "Tử số là", "Mẫu số là", "Mã"],
    )
    table = indicator_table(data, "province", data.province_code)
    row = HEADER_ROW + 1
    for n, r in enumerate(table.itertuples(index=False), start=1):
        minutes = r.indicator in labels.MINUTE_INDICATORS
        sheet.put(row, 0, n, book.integer)
        sheet.put(row, 1, r.label)
        sheet.put(row, 2, r.numerator, book.minutes if minutes else book.integer)
        sheet.put(row, 3, r.denominator, book.integer)
        sheet.put(row, 4, r.rate, book.rate(r.indicator))
        sheet.put(row, 5, r.numerator_terms)
        sheet.put(row, 6, r.denominator_terms)
        sheet.put(row, 7, r.indicator)
        row += 1
    indicators_end = row - 1
    row += 1
    sheet.section(row, "Số liệu hồ sơ trong kỳ (Biểu 06)")
    row += 1
    sheet.header(row, ["STT", "Nội dung", "Số hồ sơ", "Mã"])
    counts = accounting_row(data, "province", data.province_code)
    for n, (code, text) in enumerate(labels.ACCOUNTING.items(), start=1):
        row += 1
        emphasis = not text.startswith("–")
        sheet.put(row, 0, n, book.integer)
        sheet.put(row, 1, text, book.bold if emphasis else book.text)
        sheet.put(row, 2, counts.get(code), book.integer)
        sheet.put(row, 3, code)
    sheet.widths[1] = 56
    sheet.finish(HEADER_ROW + 1, table_last_row=indicators_end)


def _scope_sheet(book: _Book, data: ReportData, scope_type: str, name: str) -> None:
    is_level = scope_type == "level"
    sheet = _start(
        book,
        name,
        data,
        "KẾT QUẢ THEO CẤP HÀNH CHÍNH" if is_level else "KẾT QUẢ THEO CƠ QUAN, ĐƠN VỊ",
        f"Số hồ sơ và các tỷ lệ của kỳ; {NO_FIGURE}. Mã chỉ số ở trang Tổng hợp.",
    )
    ident = ["Cấp", "Mã"] if is_level else ["Mã đơn vị", "Tên đơn vị", "Cấp"]
    count_headers = [labels.ACCOUNTING_SHORT[c] for c in WIDE_COUNTS]
    rate_headers = [labels.INDICATOR_SHORT[i] for i in indicators()]
    sheet.header(HEADER_ROW, [*ident, *count_headers, *rate_headers])
    table = scope_table(data, scope_type)
    row = HEADER_ROW + 1
    for r in table.to_dict("records"):
        if is_level:
            cells = [r["name"], r["scope_code"]]
        else:
            cells = [r["scope_code"], r["name"], labels.LEVELS.get(r["level"] or "", "")]
        _wide_row(sheet, row, cells, r)
        row += 1
    if is_level:  # the province line, so levels can be read against their sum
        province = accounting_row(data, "province", data.province_code)
        rates = indicator_table(data, "province", data.province_code).set_index("indicator")
        record = {**province, **rates["rate"].to_dict()}
        _wide_row(sheet, row, [labels.SCOPE_TYPES["province"], data.province_code], record, True)
    sheet.finish(HEADER_ROW + 1, len(ident))


def _wide_row(
    sheet: _Sheet, row: int, ident: list[object], record: dict[str, object], bold: bool = False
) -> None:
    book = sheet.book
    for col, cell in enumerate(ident):
        sheet.put(row, col, cell, book.bold if bold else book.text)
    col = len(ident)
    for count in WIDE_COUNTS:
        sheet.put(row, col, record.get(count), book.integer)
        col += 1
    for indicator in indicators():
        sheet.put(row, col, value(record.get(indicator)), book.rate(indicator))
        col += 1


def _targets_sheet(book: _Book, data: ReportData, targets: pd.DataFrame) -> None:
    year = data.period.year
    sheet = _start(
        book,
        SHEETS[3],
        data,
        f"CHỈ TIÊU KẾ HOẠCH ÁP DỤNG NĂM {year}",
        f"{ytd_label(data.period)}; chỉ tiêu chưa được đánh giá ghi “Chưa đủ dữ liệu”; "
        f"{NO_FIGURE}.",
    )
    sheet.header(
        HEADER_ROW,
        [
            "STT",
            "Kế hoạch",
            "Mã chỉ tiêu",
            "Chỉ số",
            "Phạm vi",
            "Loại",
            "Mục tiêu",
            f"Lũy kế đến {data.period.end:%d/%m/%Y}",
            f"Cùng kỳ năm {year - 1}",
            "Kết quả",
            "Lịch",
            "Mục trong kế hoạch",
            "Trích dẫn kế hoạch",
        ],
    )
    rows = target_table(data, targets)
    status_format = {labels.MET: book.met, labels.NOT_MET: book.not_met}
    for n, r in enumerate(rows.to_dict("records"), start=1):
        row = HEADER_ROW + n
        actual_format = book.rate(r["indicator"])
        if r["kind"] == "min_increase":
            target_format = book.increase
        elif r["indicator"] in labels.MINUTE_INDICATORS:
            target_format = book.minutes_unit
        else:
            target_format = book.percent
        cells: list[tuple[object, Format]] = [
            (n, book.integer),
            (r["plan_code"], book.text),
            (r["target_code"], book.text),
            (r["indicator_label"], book.text),
            (r["scope_label"], book.text),
            (r["kind_label"], book.text),
            (r["target_value"], target_format),
            (value(r["actual_value"]), actual_format),
            (value(r["previous_value"]), actual_format),
            (r["status"], status_format.get(r["status"], book.no_data)),
            (labels.label(labels.CALENDARS, r["calendar"]), book.text),
            (r["plan_section"], book.text),
            (r["quote"], book.text),
        ]
        for col, (cell, fmt) in enumerate(cells):
            sheet.put(row, col, cell, fmt)
    sheet.finish(HEADER_ROW + 1, 3, max_width=50)


def _reconciliation_sheet(book: _Book, data: ReportData) -> None:
    rec = reconciliation_table(data)
    differing = int((~rec["within_tolerance"].astype(bool)).sum()) if len(rec) else 0
    sheet = _start(
        book,
        SHEETS[4],
        data,
        "ĐỐI CHIẾU BÁO CÁO BIỂU 06 VỚI SỐ LIỆU HỆ THỐNG",
        f"Báo cáo có kỳ giao với kỳ này: {rec['agency_code'].nunique() if len(rec) else 0} "
        f"đơn vị, {differing} dòng chênh lệch vượt ngưỡng (tô đỏ) trên {len(rec)} dòng.",
    )
    sheet.header(
        HEADER_ROW,
        [
            "Mã đơn vị",
            "Tên đơn vị",
            "Từ ngày",
            "Đến ngày",
            "Lĩnh vực",
            "Chỉ tiêu",
            "Số báo cáo",
            "Số hệ thống",
            "Chênh lệch",
            "Trong ngưỡng",
        ],
    )
    if rec.empty:
        sheet.put(HEADER_ROW + 1, 0, "Không có báo cáo nào của đơn vị giao với kỳ này.")
    for n, r in enumerate(rec.to_dict("records"), start=1):
        row = HEADER_ROW + n
        bad = not bool(r["within_tolerance"])
        text = book.diff_text if bad else book.text
        number = book.diff if bad else book.integer
        cells: list[tuple[object, Format]] = [
            (r["agency_code"], text),
            (r["agency_name"], text),
            (r["period_start"], book.date),
            (r["period_end"], book.date),
            (r["field_label"], text),
            (r["measure_label"], text),
            (r["reported"], number),
            (r["computed"], number),
            (r["difference"], number),
            ("Có" if not bad else "Không", text),
        ]
        for col, (cell, fmt) in enumerate(cells):
            sheet.put(row, col, cell, fmt)
    sheet.finish(HEADER_ROW + 1, 2)


def _quality_sheet(book: _Book, data: ReportData) -> None:
    summary = quality_summary(data)
    sheet = _start(
        book,
        SHEETS[5],
        data,
        "CHẤT LƯỢNG DỮ LIỆU ĐẦU VÀO",
        "Lũy kế mọi tệp đã tiếp nhận (không riêng kỳ báo cáo); số dòng trống: tệp trùng "
        "hoặc bị từ chối, không đọc dòng nào.",
    )
    sheet.header(
        HEADER_ROW, ["Nguồn", "Trạng thái", "Số tệp", "Dòng đọc", "Dòng nạp", "Dòng cách ly"]
    )
    row = HEADER_ROW + 1
    for r in summary.by_status.to_dict("records"):
        sheet.put(row, 0, labels.label(labels.SOURCES, r["source"]))
        sheet.put(row, 1, labels.label(labels.FILE_STATUSES, r["status"]))
        for col, key in enumerate(("files", "rows_read", "rows_loaded", "rows_quarantined"), 2):
            sheet.put(row, col, value(r[key]), book.integer)
        row += 1
    row += 1
    sheet.section(row, "Dòng bị cách ly theo lý do")
    row += 1
    sheet.header(row, ["Lý do", "Mã lý do", "Số dòng", "Số tệp"])
    for r in summary.by_reason.to_dict("records"):
        row += 1
        sheet.put(row, 0, r["label"])
        sheet.put(row, 1, r["reason"])
        sheet.put(row, 2, value(r["rows"]), book.integer)
        sheet.put(row, 3, value(r["files"]), book.integer)
    row += 2
    sheet.section(row, "Tệp bị từ chối")
    row += 1
    sheet.header(row, ["Tệp", "Nguồn", "Lần đầu tiếp nhận", "Lý do từ chối"])
    if summary.rejected.empty:
        row += 1
        sheet.put(row, 0, "Không có tệp bị từ chối.")
    for r in summary.rejected.to_dict("records"):
        row += 1
        sheet.put(row, 0, r["file_path"])
        sheet.put(row, 1, labels.label(labels.SOURCES, r["source"]))
        sheet.put(row, 2, r["first_seen_at"], book.datetime)
        sheet.put(row, 3, r["message"], book.wrap)
    row += 2
    sheet.section(row, "Dòng bị cách ly theo tệp")
    row += 1
    sheet.header(row, ["Tệp", "Lý do", "Mã lý do", "Số dòng"])
    for r in summary.by_file.to_dict("records"):
        row += 1
        sheet.put(row, 0, r["file_path"])
        sheet.put(row, 1, r["label"])
        sheet.put(row, 2, r["reason"])
        sheet.put(row, 3, value(r["rows"]), book.integer)
    sheet.finish(HEADER_ROW + 1, max_width=70)

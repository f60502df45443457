"""A plain Vietnamese table workbook (xlsxwriter): title lines, then one table per sheet.

Dates are written as Excel dates (dd/mm/yyyy) and counts as numbers, so that an official can
sort, filter and sum them; an empty cell of a table is shown as ``—``.
"""

from __future__ import annotations

import datetime as dt
import numbers
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import xlsxwriter

EMPTY = "—"


@dataclass
class TableSheet:
    name: str  # ≤ 31 characters (Excel)
    title: str
    lines: Sequence[str]  # subtitle lines under the title
    headers: Sequence[str]  # "Vietnamese / English"
    rows: Sequence[Sequence[object]]
    empty_message: str = "Không có hồ sơ nào / no dossiers"
    widths: dict[int, int] = field(default_factory=dict)


def write_tables(path: Path, sheets: Sequence[TableSheet]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path))
    base = {"font_name": "Arial", "font_size": 10, "valign": "vcenter"}
    title = wb.add_format({**base, "bold": True, "font_size": 14})
    line = wb.add_format({**base, "italic": True, "font_color": "#555555"})
    header = wb.add_format(
        {**base, "bold": True, "text_wrap": True, "bg_color": "#dde7f2", "border": 1}
    )
    text = wb.add_format({**base, "border": 1})
    number = wb.add_format({**base, "border": 1, "num_format": "#,##0"})
    date = wb.add_format({**base, "border": 1, "num_format": "dd/mm/yyyy"})
    dash = wb.add_format({**base, "border": 1, "align": "center", "font_color": "#888888"})
    for sheet in sheets:
        ws = wb.add_worksheet(sheet.name[:31])
        ws.write_string(0, 0, sheet.title, title)
        for i, text_line in enumerate(sheet.lines, start=1):
            ws.write_string(i, 0, text_line, line)
        top = len(sheet.lines) + 2
        widths = {c: max(10, min(40, len(h) // 2 + 2)) for c, h in enumerate(sheet.headers)}
        for col, name in enumerate(sheet.headers):
            ws.write_string(top, col, name, header)
        for r, values in enumerate(sheet.rows, start=top + 1):
            for col, value in enumerate(values):
                if value is None or (not isinstance(value, str) and bool(pd.isna(value))):
                    ws.write_string(r, col, EMPTY, dash)
                elif isinstance(value, dt.date):
                    ws.write_datetime(r, col, dt.datetime.combine(value, dt.time()), date)
                elif isinstance(value, numbers.Real) and not isinstance(value, bool):
                    ws.write_number(r, col, float(value), number)
                else:
                    ws.write_string(r, col, str(value), text)
                    widths[col] = max(widths[col], min(60, len(str(value)) + 2))
        if not sheet.rows:
            ws.write_string(top + 1, 0, sheet.empty_message, line)
        for col, width in {**widths, **sheet.widths}.items():
            ws.set_column(col, col, width)
        ws.freeze_panes(top + 1, 0)
        if sheet.rows:
            ws.autofilter(top, 0, top + len(sheet.rows), len(sheet.headers) - 1)
    wb.close()
    return path

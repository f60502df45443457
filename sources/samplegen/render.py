"""One one-stop export file: render the rows in a layout and style, plant broken cells,
and record what a correct reader recovers from each written row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from samplegen.formats import DateRenderer
from samplegen.layouts import Style, StyleA, StyleB, canonical, render_a, render_b
from samplegen.manifest import LandedFile
from samplegen.planted import break_cells
from samplegen.writers import (
    delimited_text,
    encode,
    json_strings,
    jsonl_text,
    xlsx_layout_a,
)


def _json_tokens(
    cols: dict[str, np.ndarray], style: StyleB, rng: np.random.Generator
) -> list[np.ndarray]:
    """JSON value tokens: codes as numbers (some as strings where the sync does that),
    flags and dates as strings, absent dates as "" or null."""
    tokens = []
    for key, values in cols.items():
        if key in ("channel", "level", "status", "rating"):
            text = np.asarray(values, dtype=object)
            numeric = np.array([v.isdigit() for v in text])
            quoted = ~numeric | (style.json_mixed & (rng.random(len(text)) < 0.06))
            token = np.where(quoted, json_strings(text), text)
        elif key in ("received", "due", "completed", "returned", "updated") and style.json_nulls:
            token = np.where(values == "", "null", json_strings(values))
        else:
            token = json_strings(values)
        tokens.append(token)
    return tokens


@dataclass
class Rendered:
    data: bytes
    canonical: pd.DataFrame
    quarantine: dict[str, int]
    columns: dict[str, np.ndarray]
    first_row: int


def render_file(
    rows: pd.DataFrame,
    planted: list[tuple[str, pd.Series]],
    style: Style,
    rng: np.random.Generator,
    dates: DateRenderer,
    window: tuple[date, date],
    drop_keys: tuple[str, ...] = (),
) -> Rendered:
    n_reg = len(rows)
    if planted:
        extra = pd.DataFrame([row for _, row in planted]).astype(rows.dtypes.to_dict())
        positions = np.sort(rng.integers(0, n_reg + 1, len(planted)))
        order = np.insert(np.arange(n_reg), positions, np.arange(n_reg, n_reg + len(planted)))
        frame = pd.concat([rows, extra], ignore_index=True).iloc[order].reset_index(drop=True)
        planted_at = {int(p): planted[int(o) - n_reg][0] for p, o in enumerate(order) if o >= n_reg}
    else:
        frame = rows.reset_index(drop=True)
        planted_at = {}

    cols = (
        render_a(frame, style, rng, dates)
        if isinstance(style, StyleA)
        else render_b(frame, style, rng, dates)
    )
    for position, reason in planted_at.items():
        break_cells(cols, position, reason, style)
    for key in drop_keys:
        cols.pop(key)
    keys = list(cols)
    headers = [style.header(k) for k in keys]

    if isinstance(style, StyleA) and style.fmt == "xlsx":
        data = xlsx_layout_a(
            headers,
            [cols[k] for k in keys],
            "DANH SÁCH HỒ SƠ",
            f"Từ ngày {window[0]:%d/%m/%Y} đến ngày {window[1]:%d/%m/%Y}",
        )
        first_row = 5  # title, window line, blank, header (row 4)
    elif isinstance(style, StyleB) and style.fmt == "jsonl":
        data = jsonl_text(headers, _json_tokens(cols, style, rng)).encode("utf-8")
        first_row = 1
    else:
        text = delimited_text(headers, [cols[k] for k in keys], style.delimiter, style.newline)
        data = encode(text, style.encoding)
        first_row = 2

    canon = canonical(frame, style)
    canon["row_number"] = np.arange(first_row, first_row + len(frame))
    canon["reason"] = None
    quarantine: dict[str, int] = {}
    for position, reason in planted_at.items():
        canon.loc[position, "reason"] = reason
        quarantine[reason] = quarantine.get(reason, 0) + 1
    return Rendered(data, canon, quarantine, cols, first_row)


def landed_file(
    path: str, rendered: Rendered, style: Style, window: tuple[date, date]
) -> LandedFile:
    fmt = style.fmt
    canon = rendered.canonical.assign(file_path=path)
    return LandedFile(
        path=path,
        data=rendered.data,
        source="one_stop",
        layout=style.layout,
        fmt=fmt,
        encoding=style.encoding if fmt != "xlsx" else None,
        delimiter=style.delimiter if fmt == "csv" else None,
        rows_read=len(canon),
        quarantine=rendered.quarantine,
        canonical=canon,
        window=(window[0].isoformat(), window[1].isoformat()),
    )

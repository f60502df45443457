"""Vietnamese number formatting for text output (HTML, chart labels): ``95,3%``, ``1.234``.

Vietnamese writes a comma for the decimal mark and a dot between thousands. The workbook
does not use these functions: it stores numbers as numbers with an Excel number format,
which Excel renders with the reader's locale separators (see workbook.py).
"""

from __future__ import annotations

import pandas as pd

from orchestration.reports.labels import EMPTY, MINUTE_INDICATORS


def _missing(value: object) -> bool:
    # Marts come back with nullable dtypes: None, NaN and pd.NA all mean "no figure".
    return value is None or bool(pd.isna(value))


def _swap_separators(text: str) -> str:
    # Python formats as 1,234.5; swap both marks in one pass.
    return text.translate(str.maketrans({",": ".", ".": ","}))


def fmt_int(value: float | int | None) -> str:
    """``1234`` → ``1.234``; NULL → ``—``."""
    if _missing(value):
        return EMPTY
    return _swap_separators(f"{round(value):,}")  # type: ignore[arg-type]


def fmt_decimal(value: float | int | None, digits: int = 1) -> str:
    """``1234.56`` → ``1.234,6``."""
    if _missing(value):
        return EMPTY
    return _swap_separators(f"{value:,.{digits}f}")


def fmt_percent(value: float | int | None, digits: int = 1) -> str:
    """A fraction as a percentage: ``0.9534`` → ``95,3%``."""
    if _missing(value):
        return EMPTY
    return fmt_decimal(value * 100, digits) + "%"  # type: ignore[operator]


def fmt_points(value: float | int | None) -> str:
    """Score points: two decimals at most, trailing zeros dropped (``17,65``, ``20``)."""
    if _missing(value):
        return EMPTY
    text = fmt_decimal(value, 2).rstrip("0").rstrip(",")
    return text


def fmt_indicator(indicator: str, value: float | int | None) -> str:
    """A rate as a percentage, a waiting time in minutes."""
    if indicator in MINUTE_INDICATORS:
        text = fmt_decimal(value, 1)
        return text if text == EMPTY else f"{text} phút"
    return fmt_percent(value)

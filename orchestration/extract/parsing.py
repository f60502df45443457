"""Vectorised parsing of text cells: date-times, vocabularies and yes/no flags.

Generic on purpose (no source knowledge here): the one-stop, queue and Biểu 06 extractors
share it. Every function takes a whole column and works per *column*, not per row: regexes
run in Arrow's C++ kernels, calendar checks in numpy, and vocabulary look-ups touch each
distinct value once. A large province sends millions of rows per file.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from orchestration.extract.headers import normalise_name

# Outside these years a "date" is a typo (0024, 2204...), and the bounds keep every value
# inside pandas' nanosecond range.
MIN_YEAR = 1900
MAX_YEAR = 2199

TEXT_DTYPE = pd.StringDtype("pyarrow")


@dataclass(frozen=True)
class DateFormat:
    """One accepted spelling of a date-time.

    ``pattern`` is an anchored RE2 regex with named groups ``year``, ``month``, ``day`` and
    optionally ``hour``, ``minute``, ``second`` (an optional group that did not match
    counts as 0).
    """

    name: str
    pattern: str


# dd/MM/yyyy HH:mm:ss, dd/MM/yyyy HH:mm and dd/MM/yyyy in one pattern: always day first.
DAY_FIRST = DateFormat(
    "dd/MM/yyyy [HH:mm[:ss]]",
    r"^(?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>\d{4})"
    r"(?:\s+(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?)?$",
)
COMPACT = DateFormat(
    "yyyyMMddHHmmss",
    r"^(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})"
    r"(?P<hour>\d{2})(?P<minute>\d{2})(?P<second>\d{2})$",
)
# ISO 8601 local time. A space instead of `T` and fractional seconds (dropped) are
# harmless variants; an offset or `Z` is not accepted: timestamps are naive local time.
ISO_LOCAL = DateFormat(
    "yyyy-MM-ddTHH:mm:ss",
    r"^(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})[T ]"
    r"(?P<hour>\d{2}):(?P<minute>\d{2}):(?P<second>\d{2})(?:\.\d{1,9})?$",
)

_PARTS = ("year", "month", "day", "hour", "minute", "second")


@dataclass(frozen=True)
class ParsedDates:
    """``values``: datetime64[ns] with NaT where absent or unparsable; ``present``: the cell
    was not empty; ``bad``: present but not a date in any accepted format."""

    values: pd.Series
    present: pd.Series
    bad: pd.Series


def to_text(value: object) -> str:
    """One cell from a typed source (JSON, a workbook) as the text a CSV would carry.

    Integral numbers lose their `.0` so that a status typed as 4.0 reads as `4`.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    return str(value).strip()


def as_text(values: pd.Series) -> pd.Series:
    """A column as stripped Arrow-backed text, '' for empty or missing cells."""
    text = values.astype(TEXT_DTYPE)
    # The same as `.fillna("").str.strip()` (pandas runs these two Arrow kernels for
    # TEXT_DTYPE), called directly: pandas' wrapping cost more than the work, per column.
    stripped = pc.utf8_trim_whitespace(pc.fill_null(pa.array(text.array), ""))
    return pd.Series(pd.arrays.ArrowStringArray(stripped), index=values.index, name=values.name)


def parse_datetimes(values: pd.Series, formats: Sequence[DateFormat]) -> ParsedDates:
    """Parse a column of text cells (and native date cells, for workbooks).

    A value must match one of ``formats`` in full and be a real calendar date-time
    (31/02 or 25:00 are bad, not rolled over as strptime-style parsers do).
    """
    index = values.index
    natives = _native_datetime_mask(values)
    text = as_text(values.where(~natives, "")) if natives.any() else as_text(values)
    present = (text != "").to_numpy(dtype=bool) | natives.to_numpy()

    seconds = np.full(len(values), np.datetime64("NaT"), dtype="datetime64[s]")
    pending = np.flatnonzero(present & ~natives.to_numpy())
    arrow_text = pa.array(text)
    for fmt in formats:
        if pending.size == 0:
            break
        parsed = _match_format(arrow_text.take(pa.array(pending)), fmt)
        ok = ~np.isnat(parsed)
        seconds[pending[ok]] = parsed[ok]
        pending = pending[~ok]

    result = pd.Series(seconds.astype("datetime64[ns]"), index=index)
    if natives.any():
        result[natives] = pd.to_datetime(values[natives].astype(object)).astype("datetime64[ns]")
    bad = pd.Series(present, index=index) & result.isna()
    return ParsedDates(values=result, present=pd.Series(present, index=index), bad=bad)


def _native_datetime_mask(values: pd.Series) -> pd.Series:
    """Cells that already are date-times (native Excel date cells). Only object columns
    can hold them; text columns are answered without looking at each value."""
    if values.dtype != object:
        return pd.Series(False, index=values.index)
    kind = pd.api.types.infer_dtype(values, skipna=True)
    if kind in ("string", "empty"):
        return pd.Series(False, index=values.index)
    return values.map(lambda v: isinstance(v, datetime | date | pd.Timestamp)).astype(bool)


def _match_format(text: pa.Array, fmt: DateFormat) -> np.ndarray:
    """datetime64[s] per value, NaT where the value does not match or is not a real date."""
    matched = pc.extract_regex(text, fmt.pattern)
    names = {matched.type.field(i).name for i in range(matched.type.num_fields)}
    parts = {name: _int_part(matched, name, name in names) for name in _PARTS}
    year, month, day = parts["year"], parts["month"], parts["day"]
    hour, minute, second = parts["hour"], parts["minute"], parts["second"]

    ok = matched.is_valid().to_numpy(zero_copy_only=False)
    ok &= (year >= MIN_YEAR) & (year <= MAX_YEAR) & (month >= 1) & (month <= 12) & (day >= 1)
    ok &= (hour < 24) & (minute < 60) & (second < 60)
    # Month arithmetic only on rows that passed, so no out-of-range month reaches numpy.
    months = np.where(ok, (year - 1970) * 12 + (month - 1), 0).astype("datetime64[M]")
    first_day = months.astype("datetime64[D]")
    days_in_month = ((months + 1).astype("datetime64[D]") - first_day).astype(np.int64)
    ok &= day <= days_in_month

    offset = ((np.where(ok, day, 1) - 1) * 86400 + hour * 3600 + minute * 60 + second).astype(
        "timedelta64[s]"
    )
    stamps = first_day.astype("datetime64[s]") + offset
    return np.where(ok, stamps, np.datetime64("NaT"))


def _int_part(matched: pa.Array, name: str, exists: bool) -> np.ndarray:
    if not exists:
        return np.zeros(len(matched), dtype=np.int64)
    digits = pc.fill_null(pc.struct_field(matched, name), "")
    digits = pc.if_else(pc.equal(digits, ""), "0", digits)
    return pc.cast(digits, pa.int64()).to_numpy(zero_copy_only=False)


def normalise_vocabulary(labels: Mapping[str, object]) -> dict[str, object]:
    """Key a vocabulary by normalised text, as cell values are matched."""
    return {normalise_name(label): value for label, value in labels.items()}


def match_vocabulary(values: pd.Series, vocabulary: Mapping[str, object]) -> pd.Series:
    """Map each cell through ``vocabulary`` (keys already normalised with
    ``normalise_vocabulary``); cells not in it become None.

    Matching is case-, diacritic- and whitespace-insensitive, and each distinct value is
    normalised only once: a column of a million cells has a handful of labels.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    lookup = [vocabulary.get(_normalised(value)) for value in uniques]
    table = np.array([*lookup, None], dtype=object)  # code -1 (missing) takes the last
    return pd.Series(table[codes], index=values.index, dtype=object)


@lru_cache(maxsize=1 << 14, typed=True)
def _normalised(value: object) -> str:
    """``normalise_name`` remembered across files: every daily export repeats the same few
    labels, and normalising one (NFC, NFD, diacritics) costs microseconds of Python. Typed,
    so that ``1``, ``1.0`` and ``True`` (equal as dict keys) keep their own spellings."""
    return normalise_name(value)


def normalised_value(value: object) -> str:
    """A cell value as vocabularies are keyed (``normalise_vocabulary``), remembered."""
    return _normalised(value)


def parse_flags(values: pd.Series, vocabulary: Mapping[str, bool]) -> pd.Series:
    """Yes/no cells as booleans; empty and unrecognised cells are False."""
    matched = match_vocabulary(values, vocabulary)
    return matched.eq(True).astype(bool)

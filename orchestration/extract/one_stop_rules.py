"""The one-stop rules as one set-based SQL statement over a batch of read files.

Input: the files' cell tables (orchestration.extract.one_stop_read), unioned and tagged
with ``file_id``, and a per-file table (layout, the column names to cite). Output, per
row: the first quarantine reason that applies (in the contract's order) with its detail,
and the canonical values. Everything is generated from data kept here:

- ``RULES``: the ordered (reason, condition, detail) triples the reason CASE is built from
  (the quarantine engine every source shares, orchestration.extract.rules);
- the date formats of each layout (orchestration.extract.parsing's patterns, run by
  DuckDB's RE2 as Arrow ran them, with the same range and days-in-month checks);
- vocabularies: each DISTINCT cell value of the batch is mapped once by the Python
  normalisation and vocabulary the frame-based extractor used, and joined as a small
  lookup table, so the mapping is the same by construction.

The CSV footer (`Tổng số: … hồ sơ`) is found in SQL (rows with one or two filled cells) and
confirmed in Python with ``is_footer_text``; the rows from the first footer on are cut.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from orchestration.extract.one_stop_layouts import (
    CHANNELS,
    DATE_FIELDS,
    FLAG_FIELDS,
    FLAGS,
    LAYOUTS,
    RATINGS,
    RESOLVED_STATUSES,
    SERVICE_LEVELS,
    STATUSES,
    TEXT_FIELDS,
    Layout,
)
from orchestration.extract.one_stop_read import NATIVE_SUFFIX, ReadFile, cell_schema
from orchestration.extract.parsing import MAX_YEAR, MIN_YEAR, DateFormat, normalised_value
from orchestration.extract.raw_schema import column_names
from orchestration.extract.rules import Rule, cite, detail_case, reason_case, sql_text
from orchestration.extract.xlsx_table import is_footer_text

_PARTS = ("year", "month", "day", "hour", "minute", "second")

ROW_COLUMNS = [name for name in column_names("dossier_versions") if name != "file_path"]
FIELDS = tuple(LAYOUTS[0].headers)  # canonical field order (both layouts share it)
DETAIL_VALUE_CHARS = 120


def _cite(field: str) -> str:
    """`Header='value'`: the column as the file names it, the value cut at 120 chars."""
    return cite(f"left({field}, {DETAIL_VALUE_CHARS})", f"name_{field}")


def _before_received(field: str) -> str:
    return f"{_cite(field)} || ' < ' || {_cite('received_at')}"


def _first_bad_date() -> str:
    """The first date column (in DATE_FIELDS order) with a problem is cited."""
    whens = " ".join(f"when {f}_problem then {_cite(f)}" for f in DATE_FIELDS)
    return f"case {whens} end"


# Over the `parsed` relation of the batch statement, in the contract's order: a row gets
# the first reason that applies.
RULES: tuple[Rule, ...] = (
    Rule("missing_dossier_code", "dossier_code = ''", _cite("dossier_code")),
    Rule("unknown_agency", "not agency_known", _cite("agency_code")),
    Rule("missing_received_date", "not received_at_present", _cite("received_at")),
    Rule("bad_date", " or ".join(f"{f}_problem" for f in DATE_FIELDS), _first_bad_date()),
    Rule(
        "due_before_received",
        "cast(due_at_ts as date) < cast(received_at_ts as date)",
        _before_received("due_at"),
    ),
    Rule(
        "completed_before_received",
        "cast(completed_at_ts as date) < cast(received_at_ts as date)",
        _before_received("completed_at"),
    ),
    Rule("unknown_status", "status_value is null", _cite("status")),
    Rule("unknown_channel", "channel_value is null", _cite("channel")),
    Rule(
        "unknown_service_level",
        "service_level <> '' and service_level_value is null",
        _cite("service_level"),
    ),
    Rule(
        "missing_completion_date",
        f"status_value in {tuple(RESOLVED_STATUSES)} and not completed_at_present",
        f"{_cite('status')} || ', ' || {_cite('completed_at')}",
    ),
)
REASONS = tuple(rule.reason for rule in RULES)


# --- dates --------------------------------------------------------------------------------


def _groups(fmt: DateFormat) -> list[str]:
    compiled = re.compile(fmt.pattern)
    names = sorted(compiled.groupindex, key=compiled.groupindex.__getitem__)
    # DuckDB names capture groups by position: every group must be a named one.
    assert len(names) == compiled.groups, fmt.name
    return names


def _match_column(field: str, layout: Layout, index: int) -> str:
    return f"m_{field}_{layout.name}_{index}"


def _matches(field: str) -> list[str]:
    """One struct of captured groups per layout and format, NULL for rows of another layout
    or with nothing to parse (empty, or a native workbook date)."""
    out = []
    for layout in LAYOUTS:
        for index, fmt in enumerate(layout.date_formats):
            names = ", ".join(sql_text(n) for n in _groups(fmt))
            out.append(
                f"case when layout = {sql_text(layout.name)} and {field} <> '' "
                f"and {field}{NATIVE_SUFFIX} is null "
                f"then regexp_extract({field}, {sql_text(fmt.pattern)}, [{names}]) end "
                f"as {_match_column(field, layout, index)}"
            )
    return out


def _parts(match: str, fmt: DateFormat) -> list[str]:
    """The match's date parts as integer columns ``<match>_<part>``; an optional group
    that did not match counts as 0, an unmatched format gives NULL."""
    groups = set(_groups(fmt))
    out = []
    for name in _PARTS:
        if name not in groups:
            value = "0"
        else:
            value = f"cast(nullif({match}.{name}, '') as integer)"
            if name not in ("year", "month", "day"):
                value = f"coalesce({value}, 0)"
        out.append(f"{value} as {match}_{name}")
    return out


def _valid(match: str) -> str:
    """The parts spell a real date-time: parsing.py's range and days-in-month checks."""
    y, mo, d, h, mi, s = (f"{match}_{name}" for name in _PARTS)
    leap = f"(({y} % 4 = 0 and {y} % 100 <> 0) or {y} % 400 = 0)"
    days = (
        f"case when {mo} in (4, 6, 9, 11) then 30 "
        f"when {mo} = 2 then (case when {leap} then 29 else 28 end) else 31 end"
    )
    return (
        f"coalesce({y} between {MIN_YEAR} and {MAX_YEAR} and {mo} between 1 and 12 "
        f"and {d} >= 1 and {h} < 24 and {mi} < 60 and {s} < 60 and {d} <= {days}, false) "
        f"as {match}_ok"
    )


def _timestamp(match: str) -> str:
    # Arguments are clamped where the checks fail, so make_timestamp never sees a bad date.
    ok = f"{match}_ok"
    args = ", ".join(
        f"if({ok}, {match}_{name}, {fallback})"
        for name, fallback in zip(_PARTS, (2000, 1, 1, 0, 0, 0), strict=True)
    )
    return f"case when {ok} then make_timestamp({args}) end"


def _all_matches() -> list[tuple[str, str, DateFormat]]:
    """(field, match column, format) for every date field, layout and format."""
    return [
        (field, _match_column(field, layout, i), fmt)
        for field in DATE_FIELDS
        for layout in LAYOUTS
        for i, fmt in enumerate(layout.date_formats)
    ]


def _parsed_date(field: str) -> str:
    """A native workbook date as it is; text by the layout's formats, the first that
    gives a real date-time winning."""
    whens = []
    for layout in LAYOUTS:
        parses = [
            _timestamp(_match_column(field, layout, i)) for i in range(len(layout.date_formats))
        ]
        whens.append(f"when layout = {sql_text(layout.name)} then coalesce({', '.join(parses)})")
    native = field + NATIVE_SUFFIX
    return f"case when {native} is not null then {native} {' '.join(whens)} end"


# --- vocabularies -------------------------------------------------------------------------

_VOCABULARIES: dict[str, tuple[Mapping[str, object], pa.DataType]] = {
    "channel": (CHANNELS, pa.string()),
    "service_level": (SERVICE_LEVELS, pa.string()),
    "status": (STATUSES, pa.int16()),
    "rating": (RATINGS, pa.string()),
}


def _lookup(values: Sequence[str], vocabulary: Mapping[str, object], kind: pa.DataType) -> pa.Table:
    mapped = [vocabulary.get(normalised_value(value)) for value in values]
    return pa.table({"value": pa.array(values, pa.string()), "mapped": pa.array(mapped, kind)})


def _flag_lookup(values: Sequence[str]) -> pa.Table:
    # parse_flags: only what the vocabulary maps to True is True; the rest is False.
    flags = [FLAGS.get(normalised_value(value)) is True for value in values]
    return pa.table({"value": pa.array(values, pa.string()), "mapped": pa.array(flags, pa.bool_())})


# --- the batch ----------------------------------------------------------------------------


def _files_table(reads: Sequence[ReadFile]) -> pa.Table:
    columns: dict[str, list[object]] = {"file_id": [], "layout": [], "attachment": []}
    for field in FIELDS:
        columns[f"name_{field}"] = []
    for file_id, read in enumerate(reads):
        columns["file_id"].append(file_id)
        columns["layout"].append(read.layout.name)
        columns["attachment"].append(read.layout.e_result_is_attachment)
        names = read.names
        for field in FIELDS:
            columns[f"name_{field}"].append(names[field])
    return pa.table(columns)


def _cells_table(reads: Sequence[ReadFile]) -> pa.Table:
    tables = []
    for file_id, read in enumerate(reads):
        ids = pa.array(np.full(read.cells.num_rows, file_id, dtype=np.int32))
        tables.append(read.cells.add_column(0, "file_id", ids))
    if not tables:
        schema = cell_schema().insert(0, pa.field("file_id", pa.int32()))
        return schema.empty_table()
    return pa.concat_tables(tables)


def _footers(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """file_id -> the row number of the file's first footer line (files without one are
    absent). A footer fills one or two cells, the first of them `Tổng số …`."""
    filled = " + ".join(f"cast({f} <> '' as integer)" for f in FIELDS)
    first = ", ".join(f"nullif({f}, '')" for f in FIELDS)
    candidates = con.execute(
        f"select file_id, row_number, coalesce({first}) as first_filled from cells "
        f"where {filled} between 1 and 2 order by file_id, row_number"
    ).fetchall()
    footer: dict[int, int] = {}
    for file_id, row_number, text in candidates:
        if file_id not in footer and is_footer_text(text):
            footer[file_id] = row_number
    return pa.table(
        {
            "file_id": pa.array(list(footer), pa.int32()),
            "footer_row": pa.array(list(footer.values()), pa.int64()),
        }
    )


def _register_lookups(con: duckdb.DuckDBPyConnection) -> None:
    for field, (vocabulary, kind) in _VOCABULARIES.items():
        values = [v for (v,) in con.execute(f"select distinct {field} from cells").fetchall()]
        con.register(f"map_{field}", _lookup(values, vocabulary, kind))
    # Layout B's e-result column is an attachment (a URL per row), never a yes/no flag:
    # its values are not looked up (each distinct URL would be normalised).
    selects = " union ".join(
        f"select {f} from cells"
        + (" join files using (file_id) where not attachment" if f == "has_e_result" else "")
        for f in FLAG_FIELDS
    )
    values = [v for (v,) in con.execute(selects).fetchall()]
    con.register("map_flag", _flag_lookup(values))


@cache
def _judge_sql() -> str:
    matches = ",\n ".join(m for f in DATE_FIELDS for m in _matches(f))
    parts = ",\n ".join(p for _, match, fmt in _all_matches() for p in _parts(match, fmt))
    valid = ",\n ".join(_valid(match) for _, match, _ in _all_matches())
    dates = ",\n ".join(
        f"{_parsed_date(f)} as {f}_ts, {f} <> '' as {f}_present" for f in DATE_FIELDS
    )
    problems = [f"({f}_present and {f}_ts is null) as {f}_problem" for f in DATE_FIELDS]
    # The version order needs the update time: an empty one is as unusable as a bad one.
    problems[-1] = "(not updated_at_present or updated_at_ts is null) as updated_at_problem"
    vocab_joins = " ".join(
        f"left join map_{f} as v_{f} on v_{f}.value = c.{f}" for f in _VOCABULARIES
    )
    flag_joins = " ".join(
        f"left join map_flag as fl_{f} on fl_{f}.value = c.{f}" for f in FLAG_FIELDS
    )
    vocab_values = ", ".join(f"v_{f}.mapped as {f}_value" for f in _VOCABULARIES)
    flag_values = ", ".join(
        (
            "case when attachment then c.has_e_result <> '' "
            "else coalesce(fl_has_e_result.mapped, false) end as has_e_result_value"
        )
        if f == "has_e_result"
        else f"coalesce(fl_{f}.mapped, false) as {f}_value"
        for f in FLAG_FIELDS
    )
    canonical = {
        "row_number": "row_number",
        "layout": "layout",
        **{f: f"nullif({f}, '')" for f in TEXT_FIELDS},
        "channel": "channel_value",
        "service_level": "service_level_value",
        "status": "cast(status_value as smallint)",
        "rating": "rating_value",
        **{f: f"{f}_value" for f in FLAG_FIELDS},
        **{f: f"{f}_ts" for f in DATE_FIELDS},
    }
    assert set(canonical) == set(ROW_COLUMNS)
    projected = ", ".join(f"{canonical[name]} as {name}" for name in ROW_COLUMNS)
    return f"""
with cut as (
    select c.* from cells as c left join footers as ft using (file_id)
    where ft.footer_row is null or c.row_number < ft.footer_row
),
matched as (
    select c.*, f.* exclude (file_id), a.code is not null as agency_known,
        {vocab_values}, {flag_values},
        {matches}
    from cut as c
    join files as f using (file_id)
    left join agencies as a on a.code = c.agency_code
    {vocab_joins} {flag_joins}
),
split as (select *, {parts} from matched),
checked as (select *, {valid} from split),
dated as (select *, {dates} from checked),
parsed as (select *, {", ".join(problems)} from dated)
select file_id, {reason_case(RULES)} as reason, {detail_case(RULES)} as detail, {projected}
from parsed
order by file_id, row_number
"""


@dataclass(frozen=True)
class Judged:
    """One batch's verdict, ordered by file then row. ``rows``: the usable rows (file_id +
    ROW_COLUMNS); ``quarantined``: file_id, row_number, reason, detail; ``rows_read``: per
    file_id, the data rows counted (after the footer cut)."""

    rows: pa.Table
    quarantined: pa.Table
    rows_read: list[int]


def judge(con: duckdb.DuckDBPyConnection, reads: Sequence[ReadFile], agencies: pa.Table) -> Judged:
    """The verdict on a batch of read files; ``agencies``: one column ``code``."""
    cells = _cells_table(reads)
    con.register("cells", cells)
    con.register("files", _files_table(reads))
    con.register("agencies", agencies)
    try:
        con.register("footers", _footers(con))
        _register_lookups(con)
        judged = con.sql(_judge_sql()).to_arrow_table()
    finally:
        for name in ("cells", "files", "agencies", "footers", "map_flag"):
            _unregister(con, name)
        for field in _VOCABULARIES:
            _unregister(con, f"map_{field}")
    usable = judged.column("reason").is_null()
    rows = judged.filter(usable).select(["file_id", *ROW_COLUMNS])
    quarantined = judged.filter(pc.invert(usable)).select(
        ["file_id", "row_number", "reason", "detail"]
    )
    counts = np.bincount(
        judged.column("file_id").to_numpy(zero_copy_only=False), minlength=len(reads)
    )
    return Judged(rows, quarantined, [int(n) for n in counts])


def _unregister(con: duckdb.DuckDBPyConnection, name: str) -> None:
    with contextlib.suppress(duckdb.Error):
        con.unregister(name)


def split_by_file(table: pa.Table, files: int) -> list[pa.Table]:
    """Zero-copy slices of a table ordered by file_id, one per file, without file_id."""
    ids = table.column("file_id").to_numpy(zero_copy_only=False)
    bounds = np.searchsorted(ids, np.arange(files + 1), side="left")
    body = table.drop_columns(["file_id"])
    return [body.slice(bounds[i], bounds[i + 1] - bounds[i]) for i in range(files)]

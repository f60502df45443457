"""The quarantine engine of every source: ordered rules as data, judged as one SQL CASE.

A source's rules are a tuple of ``Rule`` (reason, condition, detail), in the order its
contract gives: a row gets the reason of the first rule whose condition holds (NULL counts
as false), and that rule's detail. Conditions and details are SQL over the relation being
judged (the file's cells as read, plus the columns the extractor prepared: canonical
values, parsed dates, flags). The one-stop batch (``one_stop_rules``) embeds the two CASE
expressions in its statement; the smaller sources (reference, queue, Biểu 06) hand their
frame to ``judge``, which runs the same expressions in an in-process DuckDB.

A rule with ``duplicate_of`` (key expressions) instead of a condition takes the rows whose
key an earlier row already holds, among the rows that no earlier rule took: the first
*usable* row of a key is kept, and the detail names the row it repeats. (``judge`` adds the
window stages such a rule needs; the one-stop batch statement has none, as the contract
names no duplicate reason for dossier rows.)
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from orchestration.extract.raw_schema import column_names
from orchestration.extract.types import QUARANTINE_COLUMNS, Extracted
from orchestration.settings import duckdb_config


@dataclass(frozen=True)
class Rule:
    reason: str
    condition: str = "false"  # SQL boolean; NULL counts as false
    detail: str = "''"  # SQL text expression
    # Instead of a condition: the row repeats the key (SQL expressions) of an earlier row
    # that no earlier rule took; the detail then names that row.
    duplicate_of: tuple[str, ...] = ()


def sql_text(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def sql_in(values: Iterable[object]) -> str:
    """A SQL list for ``in``: ``('a', 'b')``."""
    return "(" + ", ".join(sql_text(str(v)) for v in values) + ")"


def cite(value: str, label: str) -> str:
    """SQL for ``label='value'`` (both SQL expressions): what a detail shows of a cell."""
    return f"{label} || '=''' || {value} || ''''"


def cite_all(columns: Sequence[str], labels: dict[str, str] | None = None) -> str:
    """``label='value', label='value'`` for columns of the relation; a column is labelled
    as ``labels`` says (the file's header), else by its own name."""
    labels = labels or {}
    return " || ', ' || ".join(cite(c, sql_text(labels.get(c, c))) for c in columns)


def _first_row(index: int) -> str:
    return f"_first_row_{index}"


def _conditions(rules: Sequence[Rule]) -> list[str]:
    return [
        f"row_number > {_first_row(i)}" if rule.duplicate_of else rule.condition
        for i, rule in enumerate(rules)
    ]


def reason_case(rules: Sequence[Rule]) -> str:
    """The reason of the first rule that applies, NULL when none does."""
    whens = " ".join(
        f"when coalesce({condition}, false) then {sql_text(rule.reason)}"
        for rule, condition in zip(rules, _conditions(rules), strict=True)
    )
    return f"case {whens} end"


def detail_case(rules: Sequence[Rule]) -> str:
    """The detail of the first rule that applies, NULL when none does."""
    whens = []
    for index, (rule, condition) in enumerate(zip(rules, _conditions(rules), strict=True)):
        detail = rule.detail
        if rule.duplicate_of:
            # `string`, not `varchar`: the Spark ingest runs these expressions in Spark SQL,
            # which casts to no length-less varchar; DuckDB reads `string` as varchar.
            first = f"cast({_first_row(index)} as string)"
            detail += f" || ' (trùng dòng ' || {first} || ' / duplicate of row ' || {first} || ')'"
        whens.append(f"when coalesce({condition}, false) then {detail}")
    return f"case {' '.join(whens)} end"


def duplicate_stages(rules: Sequence[Rule], source: str) -> tuple[list[str], str]:
    """CTEs computing, for each duplicate rule, the first row of the row's key among the
    rows no earlier rule took (NULL on the other rows); and the name of the last one.
    Row order is ``row_number`` (a file's rows are numbered in file order)."""
    ctes = []
    conditions = _conditions(rules)
    for index, rule in enumerate(rules):
        if not rule.duplicate_of:
            continue
        usable = " and ".join(f"not coalesce({c}, false)" for c in conditions[:index]) or "true"
        keys = ", ".join(rule.duplicate_of)
        stage = f"_duplicates_{index}"
        ctes.append(
            f"{stage} as (select *, case when {usable} then min(row_number) over "
            f"(partition by ({usable}), {keys}) end as {_first_row(index)} from {source})"
        )
        source = stage
    return ctes, source


def verdict_sql(rules: Sequence[Rule], relation: str, keep: str = "") -> str:
    """One statement over ``relation``: the columns ``keep`` names (e.g. ``*, ``), then each
    row's ``reason`` and ``detail`` (NULL where no rule applies), with the window stages the
    duplicate rules need. Plain SQL both engines run: DuckDB here, Spark in
    orchestration/spark/csv_read.py."""
    ctes, source = duplicate_stages(rules, relation)
    with_clause = f"with {', '.join(ctes)} " if ctes else ""
    return (
        f"{with_clause}select {keep}{reason_case(rules)} as reason, "
        f"{detail_case(rules)} as detail from {source}"
    )


_local = threading.local()


def _connection() -> duckdb.DuckDBPyConnection:
    # Opening a connection costs ~50 ms, more than judging a file: one per thread (a
    # connection is not shared between threads), kept for the process (extraction runs in
    # worker processes too).
    con = getattr(_local, "con", None)
    if con is None:
        con = _local.con = duckdb.connect(config=duckdb_config())
    return con


def judge(frame: pd.DataFrame, rules: Sequence[Rule]) -> tuple[pd.Series, pd.Series]:
    """(reason, detail) of each row of ``frame`` (its index; None where no rule applies).

    ``frame`` holds ``row_number``, unique and increasing (file order), and every column
    the rules name.
    """
    reason = pd.Series(None, index=frame.index, dtype=object)
    detail = pd.Series(None, index=frame.index, dtype=object)
    if frame.empty:
        return reason, detail
    if not (frame["row_number"].is_monotonic_increasing and frame["row_number"].is_unique):
        raise ValueError("row_number must be unique and increasing to judge a frame")
    statement = f"{verdict_sql(rules, 'judged')} order by row_number"
    con = _connection()
    con.register("judged", frame)
    try:
        # A plain execute: a relation (`con.sql`) binds the statement once more, which cost
        # as much as judging a file of a few hundred rows.
        verdict = con.execute(statement).fetchnumpy()
    finally:
        con.unregister("judged")
    reason[:] = _with_none(verdict["reason"])
    detail[:] = _with_none(verdict["detail"])
    return reason, detail


def _with_none(values: np.ndarray) -> np.ndarray:
    """A fetched text column as objects, None where SQL gave NULL (numpy masks them)."""
    out = np.ma.getdata(values).astype(object)
    out[np.ma.getmaskarray(values)] = None
    return out


def quarantine_frame(row_numbers: pd.Series, reason: pd.Series, detail: pd.Series) -> pd.DataFrame:
    """The rows a verdict quarantines (QUARANTINE_COLUMNS), in row order."""
    taken = reason.notna()
    return pd.DataFrame(
        {
            "row_number": row_numbers[taken].astype("int64"),
            "reason": reason[taken],
            "detail": detail[taken],
        },
        columns=QUARANTINE_COLUMNS,
    ).reset_index(drop=True)


def split_rows(
    frame: pd.DataFrame, reason: pd.Series, detail: pd.Series, table: str, layout: str
) -> Extracted:
    """A judged frame as usable rows (the raw table's columns, in its order; validated
    later, by the ingest driver) and quarantined rows, in row order."""
    columns = [c for c in column_names(table) if c != "file_path"]
    return Extracted(
        layout=layout,
        rows=frame.loc[reason.isna(), columns].reset_index(drop=True),
        quarantined=quarantine_frame(frame["row_number"], reason, detail),
        rows_read=len(frame),
    )

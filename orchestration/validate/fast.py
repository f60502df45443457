"""A quick pass over a pandera schema's own rules, before pandera itself.

pandera's ``validate`` costs ~10 ms of fixed machinery per call (error bookkeeping,
failure-case collection, schema components) whatever the frame's size; a day's export is a
few thousand rows, so on a big landing tree that machinery, not the checks, dominated the
validation time. ``passes`` evaluates the *same* rules, read from the schema object (dtypes,
nullability, uniqueness, every check's own function with its own arguments), as plain
vectorised calls. It answers only "certainly valid": anything it does not model (coercion,
parsers, element-wise or grouped checks, a column set or dtype that is not exactly the
schema's) or any failing rule returns False, and the caller runs pandera, which then gives
the authoritative verdict and message. A frame pandera would reject is never let through:
every rule pandera applies is applied here, or pandera is asked.
"""

from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd
import pandera.backends.pandas.builtin_checks  # noqa: F401 - registers the pandas checks
import pandera.pandas as pa


def validate_quickly(schema: pa.DataFrameSchema, frame: pd.DataFrame) -> pd.DataFrame:
    """``schema.validate(frame, lazy=True)``, skipping pandera when ``passes``."""
    if passes(schema, frame):
        return frame
    return schema.validate(frame, lazy=True)


def passes(schema: pa.DataFrameSchema, frame: pd.DataFrame) -> bool:
    if not _modelled(schema) or list(frame.columns) != list(schema.columns):
        return False  # strict + ordered + required, checked as "exactly these columns"
    for name, column in schema.columns.items():
        if not _column_passes(column, frame[name]):
            return False
    return all(_check_passes(check, frame, table=True) for check in schema.checks)


def _modelled(schema: pa.DataFrameSchema) -> bool:
    """Only schemas whose every option is one ``passes`` evaluates exactly."""
    if schema.coerce or schema.dtype is not None or schema.index is not None:
        return False
    if schema.unique or schema.parsers or schema.add_missing_columns or schema.drop_invalid_rows:
        return False
    return all(
        not (col.coerce or col.regex or col.parsers or col.drop_invalid_rows)
        and getattr(col, "default", None) is None
        for col in schema.columns.values()
    )


def _column_passes(column: pa.Column, values: pd.Series) -> bool:
    if column.dtype is not None and str(values.dtype) != str(column.dtype):
        return False
    # One null scan per column (pandera repeats it per check; on text columns it is the
    # costliest part of a check).
    missing = values.isna().to_numpy(dtype=bool)
    has_nulls = bool(missing.any())
    if has_nulls and not column.nullable:
        return False
    if column.unique and values.duplicated().any():
        return False
    present = values[~missing] if has_nulls else values
    return all(
        _check_passes(check, present if check.ignore_na else values, table=False)
        for check in column.checks
    )


def _check_passes(check: pa.Check, data: pd.Series | pd.DataFrame, table: bool) -> bool:
    """One check as pandera's pandas backend applies it (PandasCheckBackend): a column
    check sees the column without nulls when ``ignore_na`` (the caller passes it so); a
    frame check's rows that are null in every column pass when ``ignore_na``."""
    function = getattr(check, "_check_fn", None)
    kwargs = getattr(check, "_check_kwargs", None)
    if function is None or kwargs is None or check.element_wise or check.groupby is not None:
        return False
    try:
        output = partial(function, **kwargs)(data)
    except Exception:  # noqa: BLE001 - whatever went wrong, pandera gives the verdict
        return False
    if isinstance(output, bool | np.bool_):
        return bool(output)
    if not isinstance(output, pd.Series) or output.dtype != bool:
        return False
    if table and check.ignore_na and data.index.equals(output.index):
        output = output | data.isna().all(axis="columns")
    return bool(output.all())

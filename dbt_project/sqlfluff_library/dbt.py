"""`dbt.*` cross-database macros as placeholders for linting (see __init__.py)."""

from __future__ import annotations

from typing import Any

_TYPES = {
    "type_string": "varchar",
    "type_int": "integer",
    "type_bigint": "bigint",
    "type_float": "double",
    "type_numeric": "numeric",
    "type_boolean": "boolean",
    "type_timestamp": "timestamp",
}


def dateadd(datepart: str, interval: Any, from_date_or_timestamp: Any) -> str:
    return f"date_add({from_date_or_timestamp}, ({interval}) * interval 1 {datepart})"


def datediff(first_date: Any, second_date: Any, datepart: str) -> str:
    return f"date_diff('{datepart}', {first_date}, {second_date})"


def date_trunc(datepart: str, date: Any) -> str:
    return f"date_trunc('{datepart}', {date})"


def concat(fields: list[Any]) -> str:
    return "concat(" + ", ".join(str(field) for field in fields) + ")"


def cast(field: Any, type_: Any) -> str:
    return f"cast({field} as {type_})"


def safe_cast(field: Any, type_: Any) -> str:
    return f"try_cast({field} as {type_})"


def __getattr__(name: str) -> Any:
    """Types render as a type name; any other macro as a function call of its arguments."""
    if name.startswith("__"):
        raise AttributeError(name)
    if name in _TYPES:
        return lambda *args, **kwargs: _TYPES[name]
    return lambda *args, **kwargs: f"{name}(" + ", ".join(str(arg) for arg in args) + ")"

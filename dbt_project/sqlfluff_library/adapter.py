"""`adapter.dispatch` for linting (see __init__.py): a dispatched macro renders as a type
name (type_* macros, e.g. type_double → double), as nothing (*_config macros, which only
call config()) or as a function call of its arguments."""

from __future__ import annotations

from typing import Any


def dispatch(macro_name: str, macro_namespace: str | None = None) -> Any:
    if macro_name.endswith("_config"):
        return lambda *args, **kwargs: ""
    if macro_name.startswith("type_"):
        return lambda *args, **kwargs: macro_name.removeprefix("type_")
    return lambda *args, **kwargs: f"{macro_name}(" + ", ".join(str(arg) for arg in args) + ")"

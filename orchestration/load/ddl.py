"""The raw landing schema, as the loader creates it (defined with extraction, which
produces its rows: orchestration.extract.raw_schema; re-exported for existing callers)."""

from orchestration.extract.raw_schema import RAW_SCHEMA, RAW_TABLES, column_names, create_statements

__all__ = ["RAW_SCHEMA", "RAW_TABLES", "column_names", "create_statements"]

"""The raw landing schema in DuckDB: what extraction loads and dbt reads as sources.

Every row table carries ``file_path`` (relative to the landing root, ``/`` separators) and
``row_number`` (the data row as a spreadsheet shows it) so that any figure can be traced
to the delivered file and row. Loading is per file: delete that file's rows, insert, in one
transaction. No column here may hold personal data.
"""

from __future__ import annotations

RAW_SCHEMA = "raw"

RAW_TABLES: dict[str, str] = {
    "file_ledger": """
        file_path varchar primary key,
        source varchar not null,          -- one_stop | agency_reports | queue | reference
        sha256 varchar not null,
        layout varchar,                   -- A | B | bieu06 | queue | reference; NULL when rejected
        rows_read integer,
        rows_loaded integer,
        rows_quarantined integer,
        status varchar not null,          -- loaded | duplicate | rejected
        message varchar,
        first_seen_at timestamp not null,
        processed_at timestamp not null,
        size_bytes bigint,                -- the file's size and mtime when it was last hashed:
        mtime_ns bigint                   -- unchanged, it is not hashed again (NULL: not known)
    """,
    "dossier_versions": """
        file_path varchar not null,
        row_number integer not null,
        layout varchar not null,          -- A | B
        dossier_code varchar not null,
        procedure_code varchar,
        agency_code varchar not null,
        channel varchar not null,         -- in_person | online | postal
        service_level varchar,            -- full | partial | info | NULL (absent: catalogue's)
        received_at timestamp not null,
        due_at timestamp,
        completed_at timestamp,
        returned_at timestamp,
        status smallint not null,         -- 1..10 as in sources.md
        is_digitized boolean not null,
        is_reused boolean not null,
        has_e_result boolean not null,
        owes_fee boolean not null,
        paid_online boolean not null,
        rating varchar,                   -- very_satisfied | satisfied | dissatisfied | NULL
        updated_at timestamp not null
    """,
    "quarantined_rows": """
        file_path varchar not null,
        row_number integer not null,
        source varchar not null,
        reason varchar not null,
        detail varchar                    -- offending column and value; never personal data
    """,
    "agencies": """
        file_path varchar not null,
        row_number integer not null,
        agency_code varchar not null,
        agency_name varchar not null,
        level varchar not null,           -- tinh | huyen | xa
        parent_code varchar,
        province_code varchar not null
    """,
    "procedures": """
        file_path varchar not null,
        row_number integer not null,
        procedure_code varchar not null,
        procedure_name varchar,
        field_code varchar,
        field_name varchar,
        field_group varchar,              -- one of the six plan groups, or NULL
        level varchar not null,           -- tinh | huyen | xa
        agency_code varchar,              -- tinh: the department; NULL for huyen/xa
        service_level varchar not null,   -- full | partial | info
        has_fee boolean not null
    """,
    "queue_tickets": """
        file_path varchar not null,
        row_number integer not null,
        agency_code varchar not null,
        ticket_number varchar not null,
        taken_at timestamp not null,
        called_at timestamp,              -- NULL: never called (abandoned)
        finished_at timestamp
    """,
    "agency_reports": """
        file_path varchar not null,
        agency_code varchar not null,
        period_start date not null,
        period_end date not null
    """,
    "agency_report_rows": """
        file_path varchar not null,
        row_number integer not null,
        stt varchar,
        field_name varchar not null,      -- '*' for the Tổng cộng row
        is_total boolean not null,
        received_total bigint not null,   -- the form's "Tổng số" (includes carried over)
        received_online bigint not null,
        received_offline bigint not null,
        carried_over bigint not null,
        resolved_total bigint not null,
        resolved_early bigint not null,
        resolved_on_time bigint not null,
        resolved_late bigint not null,
        pending_total bigint not null,
        pending_in_time bigint not null,
        pending_overdue bigint not null
    """,
}


def create_statements() -> list[str]:
    statements = [f"create schema if not exists {RAW_SCHEMA}"]
    for table, columns in RAW_TABLES.items():
        statements.append(f"create table if not exists {RAW_SCHEMA}.{table} ({columns})")
    # A warehouse made before the ledger kept file stats gets the columns (NULL: re-hashed once).
    for column in ("size_bytes", "mtime_ns"):
        statements.append(
            f"alter table {RAW_SCHEMA}.file_ledger add column if not exists {column} bigint"
        )
    return statements


def column_names(table: str) -> list[str]:
    """Column names of a raw table, in order (comments stripped)."""
    names = []
    for line in RAW_TABLES[table].strip().splitlines():
        line = line.split("--", 1)[0].strip()
        if line:
            names.append(line.split()[0])
    return names

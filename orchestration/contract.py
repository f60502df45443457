"""The published marts as the analyst contract (shared/contract/marts.md) names them.

Readers select exactly these columns, so a mart that gains columns (``measured_max_points``
of service_index, say) or tables that gain neighbours (``report_identity_checks``) change
nothing here; a mart that loses one fails loudly, as a contract break should.
"""

from __future__ import annotations

PERIOD_COLUMNS = ["calendar", "grain", "period_key", "period_start", "period_end"]
SCOPE_COLUMNS = ["scope_type", "scope_code"]

ACCOUNTING_COUNTS = [
    "received",
    "received_online",
    "received_offline",
    "carried_over",
    "to_process",
    "resolved",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "withdrawn",
    "pending",
    "pending_in_time",
    "pending_overdue",
]

INDICATORS = [
    "online_rate",
    "full_online_rate",
    "full_online_uptake_rate",
    "on_time_rate",
    "digitized_intake_rate",
    "e_result_rate",
    "reuse_rate",
    "online_payment_rate",
    "satisfaction_rate",
    "satisfaction_rate_766",
    "online_service_usage_rate",
    "avg_wait_minutes",
    "wait_under_10_rate",
]
# The one indicator that is a mean in minutes, not a share of 0..1.
NON_RATE_INDICATORS = {"avg_wait_minutes"}

RECONCILIATION_MEASURES = [
    "to_process",
    "received_online",
    "received_offline",
    "carried_over",
    "resolved",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "pending",
    "pending_in_time",
    "pending_overdue",
]

MART_COLUMNS: dict[str, list[str]] = {
    "period_accounting": [*PERIOD_COLUMNS, *SCOPE_COLUMNS, *ACCOUNTING_COUNTS],
    "service_rates": [
        *PERIOD_COLUMNS,
        *SCOPE_COLUMNS,
        "indicator",
        "numerator",
        "denominator",
        "rate",
    ],
    "target_attainment": [
        "plan_code",
        "target_code",
        "indicator",
        "scope_type",
        "scope_code",
        "year",
        "calendar",
        "kind",
        "target_value",
        "actual_value",
        "met",
    ],
    "report_reconciliation": [
        "agency_code",
        "period_start",
        "period_end",
        "field_name",
        "measure",
        "reported",
        "computed",
        "difference",
        "within_tolerance",
    ],
    "service_index": [
        "calendar",
        "grain",
        "period_key",
        *SCOPE_COLUMNS,
        "group_code",
        "item_code",
        "points",
        "max_points",
    ],
    "file_ledger": [
        "file_path",
        "source",
        "sha256",
        "layout",
        "rows_read",
        "rows_loaded",
        "rows_quarantined",
        "status",
        "message",
        "first_seen_at",
    ],
    "quarantine_summary": ["file_path", "reason", "rows"],
}

# The key of each mart: one row per distinct value of these columns.
MART_KEYS: dict[str, list[str]] = {
    "period_accounting": ["calendar", "grain", "period_key", *SCOPE_COLUMNS],
    "service_rates": ["calendar", "grain", "period_key", *SCOPE_COLUMNS, "indicator"],
    "target_attainment": ["plan_code", "target_code", "year"],
    "report_reconciliation": [
        "agency_code",
        "period_start",
        "period_end",
        "field_name",
        "measure",
    ],
    "service_index": ["calendar", "grain", "period_key", *SCOPE_COLUMNS, "group_code", "item_code"],
    "file_ledger": ["file_path"],
    "quarantine_summary": ["file_path", "reason"],
}

# The service index marks its per-scope total with this code (group_code and/or item_code).
TOTAL_CODE = "TOTAL"


def select_sql(table: str) -> str:
    """``select <contract columns> from marts.<table>`` (callers append their where clause)."""
    return f"select {', '.join(MART_COLUMNS[table])} from marts.{table}"

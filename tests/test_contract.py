"""The mart contract is read from dbt's manifest (orchestration/contract.py): what it gives is
what the marts' YAML says, and the report labels cover exactly its codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration import contract
from orchestration.reports import labels


def test_published_marts_are_the_enforced_contracts() -> None:
    assert set(contract.marts()) == {
        "period_accounting",
        "service_rates",
        "target_attainment",
        "report_reconciliation",
        "service_index",
        "file_ledger",
        "quarantine_summary",
        "report_identity_checks",
        "dim_agencies",
        "national_rates",
        "national_accounting",
        "province_ranking",
    }
    accounting = contract.mart("period_accounting")
    # Columns in YAML order with their types: the period and scope, then the 13 counts,
    # then the province the scope belongs to (added last: earlier columns keep their places).
    assert accounting.column_names[7:-1] == contract.accounting_counts()
    assert accounting.columns[-1] == contract.Column("province_code", "string")
    assert accounting.columns[3] == contract.Column("period_start", "date")
    assert set(accounting.key) | {"period_start", "period_end"} == {
        *accounting.column_names[:7],
        "province_code",
    }
    assert ("not_null", "received") in accounting.column_tests


def test_keys_are_the_uniqueness_tests() -> None:
    # The model's unique_combination_of_columns test, else a column's unique test.
    assert contract.mart("report_reconciliation").key == ("file_path", "row_number", "measure")
    assert contract.mart("target_attainment").key == ("plan_code", "target_code", "year")
    assert contract.mart("file_ledger").key == ("file_path",)
    assert contract.mart("report_identity_checks").key == ()


def test_lists_come_from_the_contract_and_labels_cover_them() -> None:
    counts = contract.accounting_counts()
    assert len(counts) == 13 and counts[0] == "received" and "to_process" in counts
    assert list(labels.INDICATORS) == contract.indicators()
    assert list(labels.RECONCILIATION_MEASURES) == contract.reconciliation_measures()
    assert set(labels.ACCOUNTING) == set(counts)
    assert set(contract.indicators()) >= contract.MINUTE_INDICATORS


def test_select_sql_names_every_contract_column() -> None:
    sql = contract.select_sql("quarantine_summary")
    assert sql == "select file_path, reason, rows from marts.quarantine_summary"


def test_a_missing_manifest_says_what_to_run(tmp_path: Path) -> None:
    with pytest.raises(contract.ManifestMissing, match="make manifest"):
        contract.marts(tmp_path / "manifest.json")

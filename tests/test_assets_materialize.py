"""The ingest and publish assets run through Dagster (`materialize()`) on small fixtures,
with the warehouse resource pointing at a temporary data dir: no CLI, no whole pipeline."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from dagster import AssetKey, DagsterInstance, materialize

from orchestration.defs.ingest import LEDGER_KEY, RAW_KEYS_BY_SOURCE, ingest_landing
from orchestration.defs.publish import analytics_database
from orchestration.defs.resources import WarehouseResource

CONTRACT_EXAMPLES = Path(__file__).parent / "fixtures" / "contract_examples"


def _warehouse(landing: Path, data_dir: Path) -> WarehouseResource:
    return WarehouseResource(landing_dir=str(landing), data_dir=str(data_dir))


def _materialisations(result) -> dict:  # noqa: ANN001 - an ExecuteInProcessResult
    return {
        event.asset_key: event.event_specific_data.materialization.metadata
        for event in result.get_asset_materialization_events()
    }


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    root = tmp_path / "landing"
    shutil.copytree(CONTRACT_EXAMPLES, root)
    return root


def test_ingest_asset_loads_the_contract_examples_and_reconciles_every_file(
    landing: Path, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    warehouse = _warehouse(landing, data_dir)
    with DagsterInstance.ephemeral() as instance:
        result = materialize(
            [ingest_landing], resources={"warehouse": warehouse}, instance=instance
        )
    assert result.success
    materialised = _materialisations(result)
    expected_keys = {LEDGER_KEY, AssetKey(["ingest", "quarantined_rows"])} | {
        key for keys in RAW_KEYS_BY_SOURCE.values() for key in keys
    }
    assert set(materialised) == expected_keys
    (check,) = result.get_asset_check_evaluations()
    assert check.check_name == "rows_reconcile" and check.passed

    landed = sorted(p.relative_to(landing).as_posix() for p in landing.rglob("*") if p.is_file())
    assert len(landed) == 8
    con = duckdb.connect(str(warehouse.settings.warehouse_path), read_only=True)
    try:
        ledger = con.execute(
            "select file_path, status, rows_read, rows_loaded, rows_quarantined "
            "from raw.file_ledger order by file_path"
        ).fetchall()
        (dossiers,) = con.execute("select count(*) from raw.dossier_versions").fetchone()
    finally:
        con.close()
    assert [row[0] for row in ledger] == landed
    loaded = [row for row in ledger if row[1] == "loaded"]
    assert loaded, ledger
    for path, _status, read, stored, quarantined in loaded:
        assert read == stored + quarantined, path
    ledger_meta = materialised[LEDGER_KEY]
    assert ledger_meta["files_new"].value == len(landed)
    assert ledger_meta["ledger_files"].value == len(landed)
    assert ledger_meta["rows_loaded"].value == sum(row[3] for row in loaded)
    assert ledger_meta["rows_quarantined"].value == sum(row[4] for row in loaded)
    assert dossiers > 0

    # The same landing again: nothing is new, nothing changes.
    with DagsterInstance.ephemeral() as instance:
        again = materialize([ingest_landing], resources={"warehouse": warehouse}, instance=instance)
    assert again.success
    assert _materialisations(again)[LEDGER_KEY]["files_new"].value == 0


def _marts_warehouse(path: Path, value: int) -> None:
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema if not exists marts")
        con.execute("create or replace table marts.figures as select ? as value", [value])
        con.execute("create schema if not exists raw")
        con.execute("create or replace table raw.secret as select 'Nguyễn Văn A' as name")
    finally:
        con.close()


def test_publish_asset_renames_a_marts_only_copy_into_place(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    warehouse = _warehouse(tmp_path / "landing", data_dir)
    _marts_warehouse(warehouse.settings.warehouse_path, 7)
    with DagsterInstance.ephemeral() as instance:
        result = materialize(
            [analytics_database], resources={"warehouse": warehouse}, instance=instance
        )
    assert result.success
    metadata = _materialisations(result)[AssetKey("analytics_database")]
    assert metadata["restatements"].value == 0
    assert metadata["marts.figures"].value == 1
    assert metadata["path"].value == str(warehouse.settings.analytics_path)
    con = duckdb.connect(str(warehouse.settings.analytics_path), read_only=True)
    try:
        assert con.execute("select value from marts.figures").fetchall() == [(7,)]
        schemas = {s for (s,) in con.execute("select schema_name from duckdb_tables()").fetchall()}
        (run_id,) = con.execute("select run_id from marts.publication").fetchone()
    finally:
        con.close()
    assert schemas == {"marts"}  # raw.* (personal data) never reaches the analysts' file
    assert run_id == result.run_id
    assert not warehouse.settings.analytics_path.with_name("analytics.duckdb.tmp").exists()

"""Ingestion assets: landed files → raw.* tables, with a blocking row-reconciliation check."""

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    Definitions,
    MaterializeResult,
    multi_asset,
)

from orchestration.defs.resources import WarehouseResource
from orchestration.load.sources import (
    ingest_agency_reports,
    ingest_one_stop,
    ingest_queue,
    ingest_reference,
    ledger_mismatches,
)

# Keys follow dagster-dbt's default for dbt sources: [source name, table name].
LEDGER_KEY = AssetKey(["ingest", "file_ledger"])
QUARANTINE_KEY = AssetKey(["ingest", "quarantined_rows"])
RAW_KEYS_BY_SOURCE = {
    "reference": [AssetKey(["reference", "agencies"]), AssetKey(["reference", "procedures"])],
    "one_stop": [AssetKey(["one_stop", "dossier_versions"])],
    "queue": [AssetKey(["queue", "queue_tickets"])],
    "agency_reports": [
        AssetKey(["agency_reports", "agency_reports"]),
        AssetKey(["agency_reports", "agency_report_rows"]),
    ],
}
INGEST_GROUP = "ingest"


@multi_asset(
    name="ingest_landing",
    specs=[
        AssetSpec(LEDGER_KEY, group_name=INGEST_GROUP, description="Sổ theo dõi tệp / file ledger"),
        AssetSpec(QUARANTINE_KEY, group_name=INGEST_GROUP, description="Dòng bị cách ly"),
        *[
            AssetSpec(key, group_name=INGEST_GROUP)
            for keys in RAW_KEYS_BY_SOURCE.values()
            for key in keys
        ],
    ],
    check_specs=[
        AssetCheckSpec(
            "rows_reconcile",
            asset=LEDGER_KEY,
            blocking=True,
            description="Mỗi tệp: số dòng đọc = nạp + cách ly / rows read = loaded + quarantined",
        )
    ],
    pool="warehouse_writer",
)
def ingest_landing(context: AssetExecutionContext, warehouse: WarehouseResource):
    """Take every new file under the landing root: reference first, then the rest."""
    landing = warehouse.settings.landing_dir
    with warehouse.writer() as con:
        summaries = {}
        for source, step in (
            ("reference", ingest_reference),
            ("one_stop", ingest_one_stop),
            ("queue", ingest_queue),
            ("agency_reports", ingest_agency_reports),
        ):
            summary = step(con, landing)
            summaries[source] = summary
            context.log.info(
                f"{source}: {summary.files_new} tệp mới / new files, "
                f"{summary.rows_loaded} dòng nạp / rows loaded, "
                f"{summary.rows_quarantined} cách ly / quarantined, "
                f"{summary.files_duplicate} trùng / duplicate, "
                f"{summary.files_rejected} từ chối / rejected"
            )
            for _path, message in summary.rejected:
                context.log.warning(f"Tệp bị từ chối / rejected: {message}")
        mismatches = ledger_mismatches(con)
        (ledger_files,) = con.execute("select count(*) from raw.file_ledger").fetchone()

    totals = {
        key: sum(getattr(s, key) for s in summaries.values())
        for key in ("files_new", "files_rejected", "rows_read", "rows_loaded", "rows_quarantined")
    }
    yield MaterializeResult(asset_key=LEDGER_KEY, metadata={**totals, "ledger_files": ledger_files})
    yield MaterializeResult(
        asset_key=QUARANTINE_KEY, metadata={"rows_quarantined": totals["rows_quarantined"]}
    )
    for source, keys in RAW_KEYS_BY_SOURCE.items():
        for key in keys:
            yield MaterializeResult(asset_key=key, metadata=summaries[source].as_metadata())
    yield AssetCheckResult(
        check_name="rows_reconcile",
        asset_key=LEDGER_KEY,
        passed=not mismatches,
        severity=AssetCheckSeverity.ERROR,
        metadata={
            "mismatched_files": "\n".join(
                f"{path}: read {read} ≠ stored {stored} + quarantined {quarantined}"
                for path, read, stored, quarantined in mismatches
            )
            or "-",
        },
    )


defs = Definitions(assets=[ingest_landing])

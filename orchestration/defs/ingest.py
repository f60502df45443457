"""Ingestion assets: landed files → raw.* tables, with a blocking row-reconciliation check.

A nightly run whose inputs (ledger, code, settings: orchestration.load.fingerprint) are
those of the last run that completed successfully stops here: the ingest asset then yields
no materialization, so Dagster skips every downstream step (dbt, checks, publish, reports,
alerts), whose outputs would be the same. Backfills always rebuild what they were asked to.
"""

from collections.abc import Iterator
from contextlib import contextmanager

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

from orchestration.defs.jobs import NIGHTLY_JOB, SPARK_JOB
from orchestration.defs.nothing_new import (
    INPUTS_TAG,
    NOTHING_NEW_MESSAGE,
    last_success_inputs,
    run_inputs_digest,
)
from orchestration.defs.resources import WarehouseResource
from orchestration.load.fingerprint import ledger_digest

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
        # skippable: a night with nothing new materializes none of them (module docstring).
        AssetSpec(
            LEDGER_KEY,
            group_name=INGEST_GROUP,
            description="Sổ theo dõi tệp / file ledger",
            skippable=True,
        ),
        AssetSpec(
            QUARANTINE_KEY, group_name=INGEST_GROUP, description="Dòng bị cách ly", skippable=True
        ),
        *[
            AssetSpec(key, group_name=INGEST_GROUP, skippable=True)
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
    # Here, not at the top: the loaders bring pandas & co., which only this step needs.
    from orchestration.load.sources import (
        ingest_agency_reports,
        ingest_one_stop,
        ingest_queue,
        ingest_reference,
        ledger_mismatches,
    )

    landing = warehouse.settings.landing_dir
    steps = [
        ("reference", ingest_reference),
        ("one_stop", ingest_one_stop),
        ("queue", ingest_queue),
        ("agency_reports", ingest_agency_reports),
    ]
    with warehouse.writer() as con, _spark_steps(context, warehouse) as spark_steps:
        summaries = {}
        for source, step in spark_steps or steps:
            # None: the environment decides (CCHC_REHASH), as for any caller of the loaders.
            summary = step(con, landing, warehouse.rehash or None)
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
        inputs = run_inputs_digest(ledger_digest(con), warehouse.official_cutoff_day)

    nothing_new = (
        context.run.job_name == NIGHTLY_JOB
        and not mismatches
        and last_success_inputs(context.instance) == inputs
    )
    context.instance.add_run_tags(context.run.run_id, {INPUTS_TAG: inputs})
    if nothing_new:
        context.log.info(NOTHING_NEW_MESSAGE)
        # The check's result is still recorded (Dagster requires it); the assets are not
        # materialized, so every downstream step is skipped.
        yield _reconcile_result(mismatches)
        return

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
    yield _reconcile_result(mismatches)


@contextmanager
def _spark_steps(context: AssetExecutionContext, warehouse: WarehouseResource) -> Iterator[list]:
    """In the Spark job, the ingest's steps with the Spark extractors (the same ledger,
    rules and check: orchestration/spark/extractors.py), in a session of this step's own;
    elsewhere none (the DuckDB ingest)."""
    if context.run.job_name != SPARK_JOB:
        yield []
        return
    from orchestration.spark.extractors import spark_ingest_steps
    from orchestration.spark.session import start_session

    spark = start_session(warehouse.settings.data_dir / "spark")
    try:
        yield spark_ingest_steps(spark)
    finally:
        spark.stop()


def _reconcile_result(mismatches: list[tuple[str, int, int, int]]) -> AssetCheckResult:
    return AssetCheckResult(
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

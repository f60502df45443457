"""The whole dbt project as Dagster assets, built by ONE `dbt build` per run.

The nightly job passes no rebuild window: the incremental dossier models recompute only
the dossiers of files the ledger processed since their last build (docs/decisions.md,
"Incremental dossiers") and the per-period models only the periods ending on or after the
earliest date those files can change ("Rebuild window from the data"), so a nightly run
equals a full rebuild. A backfill's range of quarters (run config
``ops.dbt_build.config``, e.g. 2024-Q1…2024-Q2) becomes the dbt vars
``rebuild_from``/``rebuild_to``, forcing those periods to be rebuilt as well.

Only the models' outputs reach Dagster. dbt's tests still run in the same build (and a
failing test still fails the step, so nothing is published), but their results are read
once from ``run_results.json`` and summarised, instead of one Dagster event per test:
measured on 1M versions, that and one invocation instead of three took dbt's step from
68 s to 47.5 s.
"""

import json
from collections import Counter
from collections.abc import Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from dagster import (
    AssetExecutionContext,
    AssetMaterialization,
    Config,
    Definitions,
    Failure,
    Output,
)
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    dbt_assets,
)
from pydantic import Field, model_validator

from orchestration.defs.dbt_project import cchc_dbt_project
from orchestration.defs.resources import WarehouseResource
from orchestration.failpoints import failpoint
from orchestration.load.lock import writer_lock
from orchestration.partitions import (
    FIRST_QUARTER,
    next_quarter_start,
    normalise_quarter,
    quarter_start,
    rebuild_window,
)
from orchestration.settings import current_quarter, partitions_through

# Earliest / latest dates dbt treats as "no bound" when a backfill covers the first or the
# current quarter: data outside the range (older history, future-dated rows) is then
# rebuilt too, so a backfill over every quarter equals a full rebuild.
UNBOUNDED_FROM = "1900-01-01"
UNBOUNDED_TO = "9999-12-31"
# dbt's tests become neither asset checks nor observations (see the module docstring).
TRANSLATOR = DagsterDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=False))
# Test statuses that fail a `dbt build` (warnings are reported, not failures).
FAILED_TEST_STATUSES = ("fail", "error")


class RebuildRange(Config):
    """A backfill's quarters, rebuilt on top of what the data says changed. Both empty: the
    nightly run (dbt computes the window alone)."""

    from_quarter: str | None = Field(default=None, description="Quý đầu / first quarter, 2024-Q1")
    to_quarter: str | None = Field(default=None, description="Quý cuối / last quarter, 2024-Q2")

    @model_validator(mode="after")
    def _both_or_neither(self) -> "RebuildRange":
        if (self.from_quarter is None) != (self.to_quarter is None):
            raise ValueError("from_quarter và to_quarter đi cùng nhau / go together")
        if self.from_quarter is not None and self.to_quarter is not None:
            first, last = quarter_start(self.from_quarter), quarter_start(self.to_quarter)
            through = partitions_through()
            if last < first:
                raise ValueError(f"{self.to_quarter} trước / is before {self.from_quarter}")
            if first < quarter_start(FIRST_QUARTER) or last > quarter_start(through):
                raise ValueError(
                    f"Các quý phải nằm trong / quarters must lie within {FIRST_QUARTER} … {through}"
                )
        return self

    @property
    def quarters(self) -> tuple[str, str] | None:
        if self.from_quarter is None or self.to_quarter is None:
            return None
        return normalise_quarter(self.from_quarter), normalise_quarter(self.to_quarter)


def dbt_vars_for_window(
    start: date,
    end: date,
    cutoff_day: int,
    first_partition_start: date,
    last_partition_end: date,
) -> dict[str, Any]:
    """Pure: time window [start, end) of whole quarters → dbt vars of a backfill."""
    window = rebuild_window(start, end, cutoff_day)
    if start <= first_partition_start:
        window["rebuild_from"] = UNBOUNDED_FROM
    if end >= last_partition_end:
        window["rebuild_to"] = UNBOUNDED_TO
    return {"official_cutoff_day": cutoff_day, **window}


def dbt_vars_for_quarters(
    first: str, last: str, cutoff_day: int, current: str | None = None
) -> dict[str, Any]:
    """Pure: a backfill of quarters ``first``…``last`` → dbt vars (the window reaching the
    quarter in progress is open-ended, as is one starting at the first quarter)."""
    return dbt_vars_for_window(
        quarter_start(first),
        next_quarter_start(last),
        cutoff_day,
        quarter_start(FIRST_QUARTER),
        next_quarter_start(current or current_quarter()),
    )


def dbt_vars_of_run(rebuild: RebuildRange, warehouse: WarehouseResource) -> dict[str, Any]:
    """Nightly: only the cut-off day (dbt computes the window). Backfill: the window of its
    quarters. Both name the warehouse (profiles.yml reads ``warehouse_path``)."""
    cutoff = warehouse.official_cutoff_day
    if rebuild.quarters is None:
        dbt_vars: dict[str, Any] = {"official_cutoff_day": cutoff}
    else:
        dbt_vars = dbt_vars_for_quarters(*rebuild.quarters, cutoff)
    return {**dbt_vars, "warehouse_path": str(warehouse.settings.warehouse_path)}


def dbt_build_args(dbt_vars: Mapping[str, Any]) -> list[str]:
    """Pure: the `dbt build` of a run. Data tests run (they check the night's data and
    block publishing); dbt unit tests do not: they check the SQL's logic on fixed fixtures,
    which no night's data changes, so they run in the test suite (pytest), not every night."""
    return ["build", "--exclude-resource-type", "unit_test", "--vars", json.dumps(dict(dbt_vars))]


def dbt_target_path(data_dir: Path, job: str) -> Path:
    """Pure: one dbt target folder per kind of run, kept between runs under the data dir.

    dbt reuses its parse of the project (partial_parse.msgpack in the target folder) only
    when the vars and the profile are those it was parsed with. Nightly runs always pass the
    same vars, so each reuses the previous night's parse; a backfill (other vars) keeps its
    own folder and does not throw the nightly parse away. dbt re-checks every file's
    checksum, so a changed project is still re-parsed. Runs are serialised by the writer
    lock, so nothing shares a folder.
    """
    return data_dir / "dbt" / job


def summarise_tests(run_results: Mapping[str, Any]) -> tuple[Counter[str], list[str]]:
    """Pure: statuses of the data tests of a `dbt build`, and the tests that failed."""
    statuses: Counter[str] = Counter()
    failed = []
    for result in run_results.get("results", []):
        unique_id = result.get("unique_id", "")
        if not unique_id.startswith("test."):
            continue
        statuses[result["status"]] += 1
        if result["status"] in FAILED_TEST_STATUSES:
            failures = result.get("failures")
            failed.append(f"{unique_id} ({result['status']}, {failures} failing rows)")
    return statuses, failed


def _build(
    context: AssetExecutionContext,
    dbt: DbtCliResource,
    warehouse: WarehouseResource,
    rebuild: RebuildRange,
) -> Iterator[Output | AssetMaterialization]:
    dbt_vars = dbt_vars_of_run(rebuild, warehouse)
    context.log.info(f"dbt vars: {json.dumps(dbt_vars)}")
    job = "nightly" if rebuild.quarters is None else "backfill"
    with writer_lock(warehouse.settings.lock_path):
        invocation = dbt.cli(
            dbt_build_args(dbt_vars),
            context=context,
            target_path=dbt_target_path(warehouse.settings.data_dir, job),
            raise_on_error=False,
        )
        for event in invocation.stream():
            failpoint("dbt")  # dbt is part-way through building models
            if isinstance(event, Output | AssetMaterialization):
                yield event
        statuses, failed = summarise_tests(invocation.get_artifact("run_results.json"))
        succeeded = invocation.is_successful()
    context.log.info(
        "Kiểm thử dbt / dbt tests: "
        + (", ".join(f"{count} {status}" for status, count in sorted(statuses.items())) or "0")
    )
    for failure in failed[:50]:
        context.log.error(f"Kiểm thử dbt không đạt / dbt test failed: {failure}")
    if not succeeded:
        raise Failure(
            description=(
                f"dbt build thất bại / failed: {len(failed)} kiểm thử không đạt / tests failed"
                + (f" ({'; '.join(failed[:5])})" if failed else "")
                + "; xem nhật ký / see the log"
            )
        )


@dbt_assets(
    manifest=cchc_dbt_project().manifest_path,
    project=cchc_dbt_project(),
    name="dbt_build",
    dagster_dbt_translator=TRANSLATOR,
    pool="warehouse_writer",
)
def dbt_build(
    context: AssetExecutionContext,
    dbt: DbtCliResource,
    warehouse: WarehouseResource,
    config: RebuildRange,
):
    yield from _build(context, dbt, warehouse, config)


defs = Definitions(assets=[dbt_build])

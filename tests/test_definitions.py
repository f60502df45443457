"""Dagster definitions: they load, every dbt source is produced by ingestion, the schedule
and the sensor ask for the right runs (switched on), runs plan a number of events that does
not grow with the quarters, and backfill ranges map to dbt vars."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from dagster import (
    AssetKey,
    DefaultScheduleStatus,
    DefaultSensorStatus,
    RunRequest,
    SkipReason,
    build_schedule_context,
    build_sensor_context,
)

from orchestration.definitions import defs
from orchestration.defs.dbt import (
    UNBOUNDED_FROM,
    UNBOUNDED_TO,
    RebuildRange,
    dbt_build_args,
    dbt_vars_for_quarters,
    dbt_vars_for_window,
    summarise_tests,
)
from orchestration.defs.jobs import (
    BACKFILL_JOB,
    NIGHTLY_JOB,
    backfill_run_config,
    nightly_schedule,
)
from orchestration.defs.resources import WarehouseResource
from orchestration.defs.sensors import landing_files_sensor
from orchestration.settings import DBT_PROJECT_DIR

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def test_definitions_load_with_the_jobs_schedule_and_sensor_switched_on() -> None:
    for job in (NIGHTLY_JOB, BACKFILL_JOB):
        assert defs.resolve_job_def(job).partitions_def is None
    schedule = defs.get_schedule_def("nightly_run")
    assert schedule.execution_timezone == "Asia/Ho_Chi_Minh"
    assert schedule.job_name == NIGHTLY_JOB
    assert schedule.default_status == DefaultScheduleStatus.RUNNING
    sensor = defs.get_sensor_def("landing_files_sensor")
    assert sensor.job_name == NIGHTLY_JOB
    assert sensor.default_status == DefaultSensorStatus.RUNNING


def test_no_asset_is_partitioned_and_dbt_is_one_step() -> None:
    """A run plans one event per asset, not per asset × quarter: nothing is partitioned, so
    start-up stays flat as quarters are added; the whole dbt project is one step."""
    graph = defs.resolve_asset_graph()
    assert all(graph.get(key).partitions_def is None for key in graph.get_all_asset_keys())
    nightly = defs.resolve_job_def(NIGHTLY_JOB)
    steps = {node.name for node in nightly.graph.node_defs}
    assert {"ingest_landing", "dbt_build", "analytics_database", "quarterly_reports"} <= steps
    assert not any(name.startswith("dbt_") and name != "dbt_build" for name in steps)


def test_every_dbt_source_is_materialised_by_ingestion() -> None:
    graph = defs.resolve_asset_graph()
    materializable = {key for key in graph.get_all_asset_keys() if graph.get(key).is_materializable}
    for key in graph.get_all_asset_keys():
        for parent in graph.get(key).parent_keys:
            assert parent in materializable, f"{key} depends on {parent}, which nothing builds"
    assert AssetKey(["one_stop", "dossier_versions"]) in materializable
    assert AssetKey("analytics_database") in materializable


def test_publish_depends_on_every_mart() -> None:
    graph = defs.resolve_asset_graph()
    publish_parents = graph.get(AssetKey("analytics_database")).parent_keys
    for mart in ("period_accounting", "service_rates", "file_ledger"):
        assert any(key.path[-1] == mart for key in publish_parents), mart


def test_nightly_schedule_runs_the_nightly_job_once_a_night_without_a_range(
    tmp_path: Path,
) -> None:
    # No warehouse yet in the data dir: something to build (the night with nothing new is
    # tests/test_nothing_new_night.py's).
    resources = {
        "warehouse": WarehouseResource(landing_dir=str(tmp_path), data_dir=str(tmp_path / "d"))
    }
    context = build_schedule_context(
        scheduled_execution_time=datetime(2024, 4, 3, 2, 0, tzinfo=HCM), resources=resources
    )
    request = nightly_schedule(context)
    assert isinstance(request, RunRequest)
    assert request.run_key == "nightly-2024-04-03"
    # No range, no config: dbt computes the rebuild window from the data.
    assert not request.run_config and not request.tags


def test_a_backfill_is_one_run_over_quarter_labels(monkeypatch: pytest.MonkeyPatch) -> None:
    config = backfill_run_config("2024-q1", "2024-Q2")
    assert config == {
        "ops": {"dbt_build": {"config": {"from_quarter": "2024-Q1", "to_quarter": "2024-Q2"}}}
    }
    assert RebuildRange(**config["ops"]["dbt_build"]["config"]).quarters == ("2024-Q1", "2024-Q2")
    assert RebuildRange().quarters is None  # the nightly run
    monkeypatch.setenv("CCHC_PARTITIONS_THROUGH", "2024-Q4")
    for bad in (
        {"from_quarter": "2024-Q1"},  # both or neither
        {"from_quarter": "2024-Q2", "to_quarter": "2024-Q1"},  # in order
        {"from_quarter": "2019-Q4", "to_quarter": "2020-Q1"},  # from 2020-Q1
        {"from_quarter": "2024-Q4", "to_quarter": "2025-Q1"},  # through CCHC_PARTITIONS_THROUGH
        {"from_quarter": "2024-04-01", "to_quarter": "2024-Q2"},  # quarter labels only
    ):
        with pytest.raises(ValueError):
            RebuildRange(**bad)
    RebuildRange(from_quarter="2020-Q1", to_quarter="2024-Q4")


def test_sensor_requests_a_run_only_when_the_landing_tree_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "one_stop").mkdir()
    (tmp_path / "one_stop" / "a.csv").write_text("x")
    # The landing root comes from the runs' warehouse resource, not from the environment.
    monkeypatch.setenv("CCHC_LANDING_DIR", str(tmp_path / "elsewhere"))
    resources = {"warehouse": WarehouseResource(landing_dir=str(tmp_path), data_dir="unused")}

    def evaluate(cursor: str | None):  # noqa: ANN202 - a RunRequest or a SkipReason
        return landing_files_sensor(build_sensor_context(cursor=cursor, resources=resources))

    first = evaluate(None)
    assert isinstance(first, RunRequest) and not first.tags
    cursor = first.run_key
    unchanged = evaluate(cursor)
    assert isinstance(unchanged, SkipReason)
    # A file in a hidden folder (an upload in progress) is not landed, for ingest nor sensor.
    (tmp_path / "one_stop" / ".partial").mkdir()
    (tmp_path / "one_stop" / ".partial" / "c.csv").write_text("z")
    hidden = evaluate(cursor)
    assert isinstance(hidden, SkipReason)
    (tmp_path / "one_stop" / "b.csv").write_text("y")
    changed = evaluate(cursor)
    assert isinstance(changed, RunRequest) and changed.run_key != cursor


def test_dbt_vars_of_a_middle_quarter_and_of_the_open_ends() -> None:
    first = datetime(2020, 1, 1, tzinfo=HCM)
    last_end = datetime(2025, 1, 1, tzinfo=HCM)
    middle = dbt_vars_for_window(
        datetime(2024, 4, 1, tzinfo=HCM), datetime(2024, 7, 1, tzinfo=HCM), 15, first, last_end
    )
    assert middle == {
        "official_cutoff_day": 15,
        "rebuild_from": "2024-03-15",
        "rebuild_to": "2024-06-30",
    }
    everything = dbt_vars_for_window(first, last_end, 15, first, last_end)
    assert (everything["rebuild_from"], everything["rebuild_to"]) == (UNBOUNDED_FROM, UNBOUNDED_TO)


def test_dbt_vars_of_a_backfill_of_quarter_labels() -> None:
    # The same window as today's partitions gave: official 2024-Q1 starts 15 Dec 2023.
    assert dbt_vars_for_quarters("2024-Q1", "2024-Q2", 15, current="2025-Q3") == {
        "official_cutoff_day": 15,
        "rebuild_from": "2023-12-15",
        "rebuild_to": "2024-06-30",
    }
    # Reaching the quarter in progress (or starting at the first quarter) is open-ended.
    to_now = dbt_vars_for_quarters("2025-Q2", "2025-Q3", 15, current="2025-Q3")
    assert (to_now["rebuild_from"], to_now["rebuild_to"]) == ("2025-03-15", UNBOUNDED_TO)
    since_first = dbt_vars_for_quarters("2020-Q1", "2020-Q1", 20, current="2025-Q3")
    assert since_first == {
        "official_cutoff_day": 20,
        "rebuild_from": UNBOUNDED_FROM,
        "rebuild_to": "2020-03-31",
    }


def test_dbt_test_results_are_summarised_and_failures_named() -> None:
    run_results = {
        "results": [
            {"unique_id": "model.cchc.service_rates", "status": "success"},
            {"unique_id": "test.cchc.not_null_a", "status": "pass", "failures": 0},
            {"unique_id": "test.cchc.identity_b", "status": "fail", "failures": 3},
            {"unique_id": "test.cchc.warn_c", "status": "warn", "failures": 1},
            {"unique_id": "test.cchc.broken_d", "status": "error", "failures": None},
        ]
    }
    statuses, failed = summarise_tests(run_results)
    assert statuses == {"pass": 1, "fail": 1, "warn": 1, "error": 1}
    assert failed == [
        "test.cchc.identity_b (fail, 3 failing rows)",
        "test.cchc.broken_d (error, None failing rows)",
    ]


def _dbt_ls_kinds(flags: list[str]) -> Counter[str]:
    """Resource types dbt selects with ``flags`` (`ls` takes the same flags as `build`)."""
    listed = subprocess.run(
        [
            str(Path(sys.executable).with_name("dbt")),
            "ls",
            *flags,
            *("--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)),
            *("--output", "json", "--output-keys", "resource_type", "--quiet"),
            *("--target-path", str(DBT_PROJECT_DIR / "target" / "test-ls")),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "DO_NOT_TRACK": "1"},
        check=True,
    )
    return Counter(json.loads(line)["resource_type"] for line in listed.stdout.splitlines())


def test_nightly_dbt_build_runs_every_data_test_and_no_unit_test() -> None:
    args = dbt_build_args({"official_cutoff_day": 15})
    assert args[0] == "build"
    nightly, everything = _dbt_ls_kinds(args[1:]), _dbt_ls_kinds([])
    assert everything["unit_test"] > 0  # they exist, and run in this suite (tests/test_dbt_*)
    assert nightly["unit_test"] == 0
    assert nightly["test"] == everything["test"] > 0
    assert nightly["model"] == everything["model"]


def test_the_dbt_resource_skips_dagster_dbts_unused_set_up() -> None:
    """CchcDbtCliResource overrides two private members of dagster-dbt's resource (its
    docstring says why): an upgrade that renames them must fail here, not quietly bring
    back a `dbt --version` subprocess and an in-process adapter before every build."""
    from functools import cached_property
    from importlib.metadata import version

    from dagster_dbt import DbtCliResource

    from orchestration.defs.dbt_project import CchcDbtCliResource

    assert isinstance(DbtCliResource.__dict__["_cli_version"], cached_property)
    assert callable(DbtCliResource.__dict__["_initialize_dbt_core_adapter"])
    resource = defs.resources["dbt"]
    assert isinstance(resource, CchcDbtCliResource)
    assert str(resource._cli_version) == version("dbt-core")
    assert resource._initialize_dbt_core_adapter(["build"]) is None

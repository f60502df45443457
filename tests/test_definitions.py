"""Dagster definitions: they load, every dbt source is produced by ingestion, the schedule
and the sensor ask for the right runs, and partition windows map to dbt vars."""

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
from dagster import AssetKey, RunRequest, SkipReason, build_schedule_context, build_sensor_context

from orchestration.definitions import defs
from orchestration.defs.dbt import (
    UNBOUNDED_FROM,
    UNBOUNDED_TO,
    dbt_build_args,
    dbt_vars_for_window,
)
from orchestration.defs.jobs import RANGE_END_TAG, RANGE_START_TAG, nightly_schedule
from orchestration.defs.sensors import landing_files_sensor
from orchestration.settings import DBT_PROJECT_DIR

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def test_definitions_load_with_the_full_job_schedule_and_sensor() -> None:
    assert defs.resolve_job_def("cchc_full_run") is not None
    assert defs.get_schedule_def("nightly_run").execution_timezone == "Asia/Ho_Chi_Minh"
    assert defs.get_sensor_def("landing_files_sensor") is not None


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


def test_nightly_schedule_rebuilds_previous_and_current_quarter() -> None:
    context = build_schedule_context(
        scheduled_execution_time=datetime(2024, 4, 3, 2, 0, tzinfo=HCM)
    )
    request = nightly_schedule(context)
    assert isinstance(request, RunRequest)
    assert request.tags[RANGE_START_TAG] == "2024-01-01"  # 2024-Q1
    assert request.tags[RANGE_END_TAG] == "2024-04-01"  # 2024-Q2, in progress


def test_sensor_requests_a_run_only_when_the_landing_tree_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "one_stop").mkdir()
    (tmp_path / "one_stop" / "a.csv").write_text("x")
    monkeypatch.setenv("CCHC_LANDING_DIR", str(tmp_path))
    first = landing_files_sensor(build_sensor_context(cursor=None))
    assert isinstance(first, RunRequest)
    cursor = first.run_key
    unchanged = landing_files_sensor(build_sensor_context(cursor=cursor))
    assert isinstance(unchanged, SkipReason)
    # A file in a hidden folder (an upload in progress) is not landed, for ingest nor sensor.
    (tmp_path / "one_stop" / ".partial").mkdir()
    (tmp_path / "one_stop" / ".partial" / "c.csv").write_text("z")
    hidden = landing_files_sensor(build_sensor_context(cursor=cursor))
    assert isinstance(hidden, SkipReason)
    (tmp_path / "one_stop" / "b.csv").write_text("y")
    changed = landing_files_sensor(build_sensor_context(cursor=cursor))
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

"""What a run's Dagster event log says about its start-up (read after the run ended)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dagster import DagsterEventType, DagsterInstance


@dataclass(frozen=True)
class StartUp:
    seconds: float  # from the command's launch to its run's first step starting
    planned_events: int  # asset materialisations and checks the run planned before step one


def start_up(dagster_home: Path, launched_epoch: float) -> StartUp:
    """The latest run of the instance under ``dagster_home`` (the data dir's `dagster/`)."""
    with DagsterInstance.from_config(str(dagster_home)) as instance:
        run = instance.get_runs(limit=1)[0]
        record = instance.get_run_record_by_id(run.run_id)
        if record is None or record.create_timestamp.timestamp() < launched_epoch:
            raise RuntimeError("the measured command started no Dagster run")
        entries = instance.all_logs(run.run_id)
    first_step = min(
        entry.timestamp
        for entry in entries
        if entry.dagster_event and entry.dagster_event.event_type == DagsterEventType.STEP_START
    )
    planned_types = {
        DagsterEventType.ASSET_MATERIALIZATION_PLANNED,
        DagsterEventType.ASSET_CHECK_EVALUATION_PLANNED,
    }
    planned = sum(
        1
        for entry in entries
        if entry.dagster_event and entry.dagster_event.event_type in planned_types
    )
    return StartUp(seconds=first_step - launched_epoch, planned_events=planned)

"""File-driven ingestion: a sensor on the landing root.

The sensor only lists the landing tree (paths, sizes, modification times); it never opens
the warehouse, so it cannot block or be blocked by a run. When the listing changes it asks
for a nightly-job run; which files are new is decided by the run itself from the ledger
(content hashes), so a listing change that brings nothing new (a touched file, a re-sent
duplicate) costs one cheap run and changes no table. The landing root comes from the same
warehouse resource the runs use.
"""

import hashlib
from pathlib import Path

from dagster import (
    DefaultSensorStatus,
    Definitions,
    RunRequest,
    SensorEvaluationContext,
    SkipReason,
    sensor,
)

from orchestration.defs.jobs import nightly_job
from orchestration.defs.resources import WarehouseResource
from orchestration.load.discovery import SOURCES, discover


def landing_fingerprint(landing_dir: Path) -> tuple[str, int]:
    """A digest of (path, size, mtime) of every landed file, and the file count."""
    digest = hashlib.sha256()
    count = 0
    for source in SOURCES:
        # The ingest's own walk, so the sensor sees exactly the files a run would take.
        for landed in discover(landing_dir, source):  # its stat taken by the walk
            digest.update(f"{landed.relative_path}|{landed.size}|{landed.mtime_ns}\n".encode())
            count += 1
    return digest.hexdigest(), count


@sensor(
    job=nightly_job,
    minimum_interval_seconds=120,
    name="landing_files_sensor",
    # On with the deployment, like the schedule: landed files are taken without a click.
    default_status=DefaultSensorStatus.RUNNING,
)
def landing_files_sensor(context: SensorEvaluationContext, warehouse: WarehouseResource):
    landing = warehouse.settings.landing_dir
    fingerprint, count = landing_fingerprint(landing)
    if fingerprint == context.cursor:
        return SkipReason(f"Không có tệp mới / no change under {landing} ({count} files)")
    context.update_cursor(fingerprint)
    return RunRequest(run_key=fingerprint)


defs = Definitions(sensors=[landing_files_sensor])

"""File-driven ingestion: a sensor on the landing root.

The sensor only lists the landing tree (paths, sizes, modification times); it never opens
the warehouse, so it cannot block or be blocked by a run. When the listing changes it asks
for a run that ingests what is new and rebuilds the current and previous quarter; which
files are new is decided by the run itself from the ledger (content hashes), so a listing
change that brings nothing new (a touched file, a re-sent duplicate) costs one cheap run
and changes no table.
"""

import hashlib
from pathlib import Path

from dagster import RunRequest, SensorEvaluationContext, SkipReason, sensor

from orchestration.defs.jobs import full_run_job, recent_quarters_tags
from orchestration.load.discovery import SOURCES, discover
from orchestration.settings import load_settings


def landing_fingerprint(landing_dir: Path) -> tuple[str, int]:
    """A digest of (path, size, mtime) of every landed file, and the file count."""
    digest = hashlib.sha256()
    count = 0
    for source in SOURCES:
        # The ingest's own walk, so the sensor sees exactly the files a run would take.
        for landed in discover(landing_dir, source):
            stat = landed.absolute_path.stat()
            digest.update(f"{landed.relative_path}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
            count += 1
    return digest.hexdigest(), count


@sensor(job=full_run_job, minimum_interval_seconds=120, name="landing_files_sensor")
def landing_files_sensor(context: SensorEvaluationContext):
    landing = load_settings().landing_dir
    fingerprint, count = landing_fingerprint(landing)
    if fingerprint == context.cursor:
        return SkipReason(f"Không có tệp mới / no change under {landing} ({count} files)")
    context.update_cursor(fingerprint)
    return RunRequest(run_key=fingerprint, tags=recent_quarters_tags(context))

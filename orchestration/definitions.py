"""The Dagster code location: `dagster dev -m orchestration.definitions`.

Each module of ``orchestration/defs`` exports its own ``Definitions``; they are merged here
in the order of the flow (ingest → dbt → checks → publish → reports, alerts; jobs, sensor,
resources).
"""

from __future__ import annotations

from dagster import Definitions

from orchestration.defs import (
    alerts,
    dbt,
    ingest,
    jobs,
    publish,
    quality,
    reports,
    resources,
    sensors,
)

defs = Definitions.merge(
    ingest.defs,
    dbt.defs,
    quality.defs,
    publish.defs,
    reports.defs,
    alerts.defs,
    jobs.defs,
    sensors.defs,
    resources.defs,
)

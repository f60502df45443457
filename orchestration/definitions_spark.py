"""The Spark code location: `dagster dev -m orchestration.definitions_spark` (its own data
dir, e.g. `make demo-spark`'s data-spark/): the ingest assets of the nightly location and
the Spark pipeline's assets (orchestration/defs/spark.py), with the same resources."""

from __future__ import annotations

from dagster import Definitions

from orchestration.defs import ingest, resources, spark

defs = Definitions.merge(ingest.defs, spark.defs, resources.defs)

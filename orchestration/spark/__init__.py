"""The dbt models on Apache Spark (issue 14, docs/scale-out.md): DuckDB ingest → raw.* as
Parquet registered in Spark → `dbt build --target spark` → marts as Parquet → the analysts'
DuckDB file by the same publish as the DuckDB pipeline.

Only this package imports pyspark (an optional dependency: the `spark` extra).
"""

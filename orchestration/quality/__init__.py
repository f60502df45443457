"""Data-quality checks over the published marts (Great Expectations), for operators.

Entry point: ``orchestration.quality.checkpoint.run_mart_checks``. Importing this package
does not import Great Expectations (slow to import); the checkpoint module does.
"""

"""`make bench`: the pipeline's speed and memory at scale, against a plain-DuckDB floor.

Not part of `make test`. See bench/README.md; results go to bench/results.md.
"""

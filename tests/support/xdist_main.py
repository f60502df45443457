"""The main module a pytest-xdist worker is given (tests/conftest.py): intentionally empty.

A worker runs as `python -c ...`, whose __main__ has no file; pyspark's Spark Connect
utilities take that for a doctest run and exit. With this file as the worker's __main__,
pyspark sees a script, and a process the worker spawns (multiprocessing re-runs the
parent's main file in the child) runs this empty file: as harmless as no main at all.
"""

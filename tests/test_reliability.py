"""Reliability (issue 4), with real separate processes: crashes at every failpoint and a
restart, an analyst reading during a run, two runs started at once, and a backfill after a
late file — all against the baseline full run over the bundled sample.

One scenario, chained on one data dir to keep the suite fast:

1. A landing copy without some late files (one one-stop export of July 2024, two queue
   months and two Q3 agency reports) → `cchc run` → publication P1.
2. The late files land. `cchc backfill --from 2024-Q3 --to 2025-Q1` is killed (SIGKILL of
   the whole process group, `CCHC_FAILPOINT`) at extract, load, dbt and publish in turn;
   after each kill the analysts' file is still exactly P1.
3. The same backfill runs to the end while an analyst process holds P1 open → its marts
   equal the baseline full run (the quarterly rebuild window covered every changed
   period), and marts.restatements records exactly the changed figures.
4. Two two-quarter backfills start at once: one is refused (exit 2), the other changes
   nothing.
"""

from __future__ import annotations

import json
import math
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from orchestration.contract import mart
from orchestration.publish import publish
from orchestration.settings import Settings
from tests.support.pipeline import (
    BUSY_MESSAGE,
    SAMPLE_LANDING,
    CliProcess,
    CliResult,
    assert_snapshots_equal,
    copy_landing,
    diff_snapshots,
    publication_of,
    run_cli,
    snapshot_marts,
)

pytestmark = [pytest.mark.xdist_group("reliability")]


# The service_rates key, from the contract (dbt's manifest).
RATE_KEYS = list(mart("service_rates").key)
LATE_ONE_STOP = "one_stop/huyen_ha_long/2024/HoSo_2024-07-08_2024-07-21.csv"
LATE_FILES = (
    LATE_ONE_STOP,
    "queue/2024/ve_xep_hang_2024-08.csv",
    "queue/2024/ve_xep_hang_2024-09.csv",
    "agency_reports/2024/bieu06_so_cong_thuong_2024Q3.xlsx",
    "agency_reports/2024/bieu06_so_tu_phap_2024Q3.xlsx",
)
# The late one-stop file's quarter to the last quarter holding data (updates until Jan 2025).
BACKFILL = ["backfill", "--from", "2024-Q3", "--to", "2025-Q1"]
# Ingestion takes new files in this order: one_stop, queue, agency_reports (path order).
KILLS = (
    # (failpoint, files of LATE_FILES committed to the ledger after the kill)
    ("extract:3", LATE_FILES[:2]),  # killed after extracting the 3rd new file
    ("load:2", LATE_FILES[:3]),  # restarted, killed inside the 2nd file's transaction
    ("dbt:10", LATE_FILES),  # ingestion done, dbt part-way through the foundation models
    ("publish:1", LATE_FILES),  # new file complete beside the old one, not renamed yet
)

ANALYST_SCRIPT = textwrap.dedent(
    """
    import json, os, sys, time
    import duckdb

    path, ready, stop, out = sys.argv[1:5]
    con = duckdb.connect(path, read_only=True)
    tables = [t for (t,) in con.execute(
        "select table_name from duckdb_tables() where schema_name = 'marts' order by 1"
    ).fetchall()]

    def probe():
        seen = {t: list(con.execute(
            f"select count(*), coalesce(sum(hash(x)), 0)::varchar from marts.{t} as x"
        ).fetchone()) for t in tables}
        seen["run_id"] = con.execute("select run_id from marts.publication").fetchone()[0]
        return seen

    first = probe()
    with open(ready + ".tmp", "w") as handle:
        json.dump(first, handle)
    os.replace(ready + ".tmp", ready)  # the test never reads half a file
    probes, changed, errors, slowest, after_stop = 0, 0, [], 0.0, None
    while True:
        stopping = os.path.exists(stop)
        started = time.monotonic()
        try:
            seen = probe()
            changed += seen != first
        except Exception as exc:  # reported to the test, which fails on any
            errors.append(repr(exc))
            seen = None
        slowest = max(slowest, time.monotonic() - started)
        probes += 1
        if stopping:
            after_stop = seen
            break
        time.sleep(0.3)
    con.close()
    with open(out, "w") as handle:
        json.dump({"first": first, "probes": probes, "changed": changed, "errors": errors,
                   "slowest": slowest, "after_stop": after_stop}, handle)
    """
)


def _query(database: Path, sql: str) -> pd.DataFrame:
    con = duckdb.connect(str(database), read_only=True)
    try:
        return con.execute(sql).df()
    finally:
        con.close()


def _dagster_run_statuses(data_dir: Path) -> dict[str, str]:
    """run id → status, from the Dagster run storage of the data dir (read-only)."""
    database = data_dir / "dagster" / "history" / "runs.db"
    con = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        return dict(con.execute("select run_id, status from runs").fetchall())
    finally:
        con.close()


def _warehouse_files(warehouse: Path) -> dict[str, str]:
    """file_path → status of the warehouse ledger, and the row-count invariants: raw rows
    only for ledger files, and for every loaded file rows_read = stored + quarantined."""
    from orchestration.load.sources import ledger_mismatches

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        mismatches = ledger_mismatches(con)
        orphans = con.execute(
            """
            select distinct file_path from (
                select file_path from raw.dossier_versions
                union all select file_path from raw.queue_tickets
                union all select file_path from raw.agency_report_rows
                union all select file_path from raw.agency_reports
                union all select file_path from raw.quarantined_rows
            ) where file_path not in (select file_path from raw.file_ledger)
            """
        ).fetchall()
        ledger = dict(con.execute("select file_path, status from raw.file_ledger").fetchall())
    finally:
        con.close()
    assert not mismatches, f"ledger and raw rows disagree: {mismatches}"
    assert not orphans, f"raw rows of files the ledger does not know: {orphans}"
    return ledger


class Scenario:
    """State recorded while the chained scenario runs; the tests assert on it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.landing = root / "landing"
        self.data_dir = root / "data"
        self.settings = Settings(self.landing, self.data_dir)
        self.analytics = self.settings.analytics_path
        self.first_run: CliResult | None = None
        self.p1_snapshot: dict = {}
        self.p1_publication: tuple = ()
        self.p1_rates: pd.DataFrame | None = None
        self.kills: list[dict] = []
        self.final: CliResult | None = None
        self.final_log = ""  # the restarted backfill's detailed log (dbt's output)
        self.final_snapshot: dict = {}
        self.final_for_baseline: dict = {}
        self.analyst: dict = {}
        self.analyst_first: dict = {}
        self.after_final_publication: tuple = ()
        self.concurrent: list[CliResult] = []
        self.dagster_runs: dict[str, str] = {}
        self.after_concurrent_snapshot: dict = {}


@pytest.fixture(scope="module")
def scenario(scratch) -> Scenario:
    s = Scenario(scratch.mktemp("reliability"))
    copy_landing(s.landing, exclude=LATE_FILES)

    # 1. Publication P1 without the late files.
    s.first_run = run_cli(["run"], s.data_dir, s.landing)
    s.p1_snapshot = snapshot_marts(s.analytics, drop_columns={})
    s.p1_publication = publication_of(s.analytics)
    s.p1_rates = _query(s.analytics, "select * from marts.service_rates")
    assert not set(LATE_FILES) & set(_warehouse_files(s.settings.warehouse_path))

    # 2. The late files land; the backfill is killed at each failpoint in turn.
    copy_landing(s.landing, source=_sample_landing_subset(s.root / "late", LATE_FILES))
    for failpoint, committed in KILLS:
        process = CliProcess(BACKFILL, s.data_dir, s.landing, failpoint=failpoint)
        result = process.wait()
        deadline = time.monotonic() + 10
        while process.group_alive() and time.monotonic() < deadline:
            time.sleep(0.2)
        observed: dict = {
            "failpoint": failpoint,
            "result": result,
            "group_alive": process.group_alive(),
            "expected_committed": set(committed),
            "analytics_exists": s.analytics.exists(),
            "tmp_exists": s.analytics.with_name("analytics.duckdb.tmp").exists(),
        }
        if s.analytics.exists():
            observed["snapshot"] = snapshot_marts(s.analytics, drop_columns={})
        ledger = _warehouse_files(s.settings.warehouse_path)
        observed["committed"] = {path for path in LATE_FILES if path in ledger}
        observed["statuses"] = {path: ledger[path] for path in observed["committed"]}
        s.kills.append(observed)
        if result.returncode != -9:
            break  # the tests report it; the rest of the chain would mean nothing

    # 3. The restarted backfill runs to the end while an analyst holds P1 open.
    ready, stop, out = (s.root / name for name in ("analyst.ready", "analyst.stop", "analyst.json"))
    script = s.root / "analyst.py"
    script.write_text(ANALYST_SCRIPT, encoding="utf-8")
    analyst = subprocess.Popen(
        [sys.executable, str(script), str(s.analytics), str(ready), str(stop), str(out)]
    )
    try:
        deadline = time.monotonic() + 60
        while not ready.exists() and time.monotonic() < deadline:
            assert analyst.poll() is None, "the analyst process died before it was ready"
            time.sleep(0.1)
        assert ready.exists(), "the analyst process never opened the database"
        s.analyst_first = json.loads(ready.read_text())
        s.final = run_cli(BACKFILL, s.data_dir, s.landing, check=False)
    finally:
        stop.write_text("stop")
        analyst.wait(60)
    s.analyst = json.loads(out.read_text())
    s.final_log = max(
        (s.data_dir / "logs").glob("run-*.log"), key=lambda path: path.stat().st_mtime
    ).read_text(encoding="utf-8")
    s.dagster_runs = _dagster_run_statuses(s.data_dir)
    if s.final.returncode == 0:
        s.final_snapshot = snapshot_marts(s.analytics, drop_columns={})
        s.final_for_baseline = snapshot_marts(s.analytics)  # without first_seen_at
        s.after_final_publication = publication_of(s.analytics)

        # 4. Two backfills of two quarters started at once on the up-to-date data dir.
        two_quarters = ["backfill", "--from", "2024-Q4", "--to", "2025-Q1"]
        processes = [CliProcess(two_quarters, s.data_dir, s.landing) for _ in range(2)]
        s.concurrent = [p.wait() for p in processes]
        s.after_concurrent_snapshot = snapshot_marts(s.analytics, drop_columns={})
    return s


def _sample_landing_subset(destination: Path, files: tuple[str, ...]) -> Path:
    """A landing tree holding only ``files`` (copied from the bundled sample)."""
    for relative in files:
        target = destination / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((SAMPLE_LANDING / relative).read_bytes())
    return destination


# ---------------------------------------------------------------------------------------------
# Crash and restart


@pytest.mark.parametrize("index", range(len(KILLS)), ids=[k[0] for k in KILLS])
def test_a_killed_run_dies_whole_and_leaves_the_last_publication(
    scenario: Scenario, index: int
) -> None:
    assert len(scenario.kills) > index, "an earlier failpoint did not kill its run"
    kill = scenario.kills[index]
    result: CliResult = kill["result"]
    assert result.returncode == -9, result.describe()
    assert not kill["group_alive"], "processes of the killed run (dbt?) survived the kill"
    # Analysts still have the complete previous publication, table by table.
    assert kill["analytics_exists"]
    assert_snapshots_equal(
        scenario.p1_snapshot,
        kill["snapshot"],
        ignore_tables=(),
        context=f"analytics.duckdb after the kill at {kill['failpoint']}",
    )
    # Per-file transactions: exactly the files before the kill point are in the ledger.
    assert kill["committed"] == kill["expected_committed"], result.describe()
    assert set(kill["statuses"].values()) <= {"loaded"}


def test_the_restarted_run_marks_the_killed_runs_failed_in_dagster(scenario: Scenario) -> None:
    """A killed run keeps its `warehouse_writer` pool slot until someone frees it; without
    that the restarted run would wait for the slot for ever."""
    assert scenario.final is not None and scenario.final.returncode == 0
    statuses = Counter(scenario.dagster_runs.values())
    assert statuses == {"SUCCESS": 2, "FAILURE": len(KILLS)}, scenario.dagster_runs
    assert "That run was killed" in scenario.final.output


def test_the_publish_kill_leaves_the_new_file_beside_the_published_one(scenario: Scenario) -> None:
    assert len(scenario.kills) == len(KILLS)
    assert scenario.kills[-1]["tmp_exists"], "killed at publish: the new file should be complete"
    assert not scenario.analytics.with_name("analytics.duckdb.tmp").exists()


def test_the_restarted_run_equals_the_baseline_full_run(
    scenario: Scenario, shared_baseline
) -> None:
    assert scenario.final is not None and scenario.final.returncode == 0, (
        scenario.final.describe() if scenario.final else "the chain stopped early"
    )
    baseline = shared_baseline.get()
    # first_seen_at left out: the late files were first seen later than in the baseline.
    assert_snapshots_equal(
        baseline.snapshot(),
        scenario.final_for_baseline,
        context="backfill after crashes vs a fresh full run over the whole landing",
    )
    assert scenario.after_final_publication[0] != scenario.p1_publication[0]


def test_restatements_record_exactly_the_changed_figures_once(scenario: Scenario) -> None:
    assert scenario.final is not None and scenario.final.returncode == 0
    old = scenario.p1_rates.set_index(RATE_KEYS)
    new = _query(scenario.analytics, "select * from marts.service_rates").set_index(RATE_KEYS)
    joined = new.join(old, how="inner", lsuffix="_new", rsuffix="_old")
    assert len(joined) == len(new) == len(old)
    published_on = pd.Timestamp(scenario.p1_publication[1]).date()

    def changed(row: pd.Series) -> bool:
        a, b = row["numerator_old"], row["numerator_new"]
        numerator_changed = (pd.isna(a) != pd.isna(b)) or (
            not pd.isna(a) and not math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
        )
        return numerator_changed or row["denominator_old"] != row["denominator_new"]

    mask = joined.apply(changed, axis=1)
    ended = joined["period_end_new"].map(lambda d: pd.Timestamp(d).date() < published_on)
    expected = joined[mask & ended]
    assert len(expected) > 0, "the late files changed no published figure"
    assert {"2024-Q3", "2024-07"} <= set(expected.index.get_level_values("period_key"))

    restated = _query(
        scenario.analytics, "select * from marts.restatements where mart = 'service_rates'"
    )
    keys = [tuple(row) for row in restated[RATE_KEYS].itertuples(index=False)]
    assert len(keys) == len(set(keys)), "a figure was restated more than once"
    assert set(keys) == set(expected.index), (
        f"missing {sorted(set(expected.index) - set(keys))[:5]}, "
        f"spurious {sorted(set(keys) - set(expected.index))[:5]}"
    )
    final_run_id = scenario.after_final_publication[0]
    assert set(restated["run_id"]) == {final_run_id}
    assert (restated["previously_published_at"] == pd.Timestamp(scenario.p1_publication[1])).all()
    by_key = restated.set_index(RATE_KEYS)
    for key, row in expected.iterrows():
        record = by_key.loc[key]
        assert record["old_denominator"] == row["denominator_old"]
        assert record["new_denominator"] == row["denominator_new"]
        assert record["old_numerator"] == pytest.approx(row["numerator_old"], nan_ok=True)
        assert record["new_numerator"] == pytest.approx(row["numerator_new"], nan_ok=True)


# ---------------------------------------------------------------------------------------------
# The analyst reading during the run


def test_an_analyst_reading_during_the_run_is_never_blocked_and_keeps_its_version(
    scenario: Scenario,
) -> None:
    analyst = scenario.analyst
    assert scenario.final is not None and scenario.final.returncode == 0, "the run was blocked"
    assert not analyst["errors"], analyst["errors"][:3]
    assert analyst["first"]["run_id"] == scenario.p1_publication[0]
    assert analyst["probes"] >= 20, analyst
    assert analyst["changed"] == 0, "the analyst saw another version while reading"
    # Probed once more after the new file was renamed into place: still the old version.
    assert analyst["after_stop"] == analyst["first"]
    assert analyst["slowest"] < 10, f"a query took {analyst['slowest']:.1f}s"
    # A new connection sees the new publication.
    assert scenario.after_final_publication[0] != scenario.p1_publication[0]


def test_the_restarted_run_reuses_dbts_parse_of_the_project(scenario: Scenario) -> None:
    # Same vars and warehouse as the killed backfills before it: the run's one dbt build
    # finds its previous parse in the backfills' target folder
    # (orchestration.defs.dbt.dbt_target_path).
    assert scenario.final is not None and scenario.final.returncode == 0
    assert scenario.final_log.count("Running with dbt=") == 1
    assert "Unable to do partial parsing" not in scenario.final_log


# ---------------------------------------------------------------------------------------------
# Two runs at once; a backfill with nothing new


def test_two_runs_started_at_once_one_is_refused(scenario: Scenario) -> None:
    assert len(scenario.concurrent) == 2, "the chain stopped before the concurrent runs"
    codes = sorted(result.returncode for result in scenario.concurrent)
    assert codes == [0, 2], "\n\n".join(r.describe() for r in scenario.concurrent)
    refused = next(r for r in scenario.concurrent if r.returncode == 2)
    assert BUSY_MESSAGE in refused.output, refused.describe()


def test_a_backfill_with_nothing_new_changes_nothing(scenario: Scenario, shared_baseline) -> None:
    assert scenario.after_concurrent_snapshot, "the chain stopped before the concurrent runs"
    problems = diff_snapshots(
        scenario.final_snapshot, scenario.after_concurrent_snapshot, ignore_tables=("publication",)
    )
    assert not problems, "\n".join(problems)  # restatements included: none added
    assert_snapshots_equal(shared_baseline.get().snapshot(), snapshot_marts(scenario.analytics))


# ---------------------------------------------------------------------------------------------
# Publication history (fast, no pipeline run): the fixes the scenario above forced


def _rates(path: Path, minutes: float, with_province: bool = True) -> None:
    """One service_rates row; ``with_province=False``: the mart as published before it
    carried the province (the scope above level)."""
    province = ", 'T01' as province_code" if with_province else ""
    con = duckdb.connect(str(path))
    con.execute("create schema if not exists marts")
    con.execute(
        f"""
        create or replace table marts.service_rates as
        select 'official' as calendar, 'quarter' as grain, '2024-Q1' as period_key,
               date '2023-12-15' as period_start, date '2024-03-14' as period_end,
               'province' as scope_type, 'T01' as scope_code,
               'avg_wait_minutes' as indicator, cast(? as double) as numerator,
               cast(3 as bigint) as denominator, cast(? as double) / 3 as rate{province}
        """,
        [minutes, minutes],
    )
    con.close()


def test_a_file_published_before_the_province_column_is_still_compared(tmp_path: Path) -> None:
    """The first publication after the upgrade: the published file's rows have no
    province_code; they are matched on the rest of the key (that file held one province)."""
    warehouse, analytics = tmp_path / "warehouse.duckdb", tmp_path / "analytics.duckdb"
    _rates(warehouse, 30.0, with_province=False)
    publish(warehouse, analytics, run_id="run-1", now=datetime(2024, 5, 1))
    _rates(warehouse, 36.0)
    assert publish(warehouse, analytics, run_id="run-2", now=datetime(2024, 5, 2)).restatements == 1
    con = duckdb.connect(str(analytics), read_only=True)
    try:
        rows = con.execute(
            "select province_code, old_numerator, new_numerator from marts.restatements"
        ).fetchall()
    finally:
        con.close()
    assert rows == [("T01", 30.0, 36.0)]


def test_rounding_noise_in_a_double_numerator_is_not_a_restatement(tmp_path: Path) -> None:
    warehouse, analytics = tmp_path / "warehouse.duckdb", tmp_path / "analytics.duckdb"
    _rates(warehouse, 0.1 + 0.2 + 0.3)
    publish(warehouse, analytics, run_id="run-1", now=datetime(2024, 5, 1))
    _rates(warehouse, 0.3 + 0.2 + 0.1)  # same minutes summed in another order
    assert publish(warehouse, analytics, run_id="run-2", now=datetime(2024, 5, 2)).restatements == 0
    _rates(warehouse, 0.7)
    assert publish(warehouse, analytics, run_id="run-3", now=datetime(2024, 5, 3)).restatements == 1


def test_history_of_a_run_killed_before_its_rename_is_forgotten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import orchestration.publish as publishing

    warehouse, analytics = tmp_path / "warehouse.duckdb", tmp_path / "analytics.duckdb"
    _rates(warehouse, 30.0)
    publish(warehouse, analytics, run_id="run-1", now=datetime(2024, 5, 1))
    _rates(warehouse, 36.0)

    def killed(name: str) -> None:
        if name == "publish":
            raise KeyboardInterrupt  # stands for SIGKILL between history and rename

    monkeypatch.setattr(publishing, "failpoint", killed)
    with pytest.raises(KeyboardInterrupt):
        publish(warehouse, analytics, run_id="killed", now=datetime(2024, 5, 2))
    monkeypatch.undo()
    result = publish(warehouse, analytics, run_id="run-2", now=datetime(2024, 5, 3))
    assert result.restatements == 1
    con = duckdb.connect(str(analytics), read_only=True)
    try:
        rows = con.execute(
            "select run_id, old_numerator, new_numerator from marts.restatements"
        ).fetchall()
        assert rows == [("run-2", 30.0, 36.0)]
        assert con.execute("select run_id from marts.publication").fetchall() == [("run-2",)]
    finally:
        con.close()
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        runs = con.execute(
            "select run_id from history.publications order by published_at"
        ).fetchall()
        assert runs == [("run-1",), ("run-2",)]
    finally:
        con.close()

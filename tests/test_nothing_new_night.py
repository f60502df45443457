"""A night with nothing new stops after ingesting (issue 10: nightly cost follows what changed).

The inputs digest (orchestration.load.fingerprint) covers the ledger, the code and the
settings; a nightly run whose digest equals the latest successful run's skips every later
step, anything else rebuilds. Since the ledger keeps each file's stat, the same question is
answered before a run starts (orchestration/defs/nothing_new.py): the schedule then skips
the night and `cchc run` does not start the job (the tests at the end, added with it; the
run's own decision, tested first, is unchanged and still guards a run that does start).
"""

from __future__ import annotations

import os
import shutil
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from dagster import (
    AssetSelection,
    DagsterInstance,
    Definitions,
    RunRequest,
    SkipReason,
    asset,
    build_schedule_context,
    define_asset_job,
)

from orchestration.defs.ingest import INPUTS_TAG, LEDGER_KEY, ingest_landing
from orchestration.defs.jobs import NIGHTLY_JOB, nightly_schedule
from orchestration.defs.nothing_new import (
    NOTHING_NEW_MESSAGE,
    last_success_inputs,
    last_success_inputs_of_home,
    nothing_new,
)
from orchestration.defs.resources import WarehouseResource
from orchestration.instance import prepare_dagster_home
from orchestration.load.discovery import REHASH_ENV
from orchestration.load.fingerprint import code_digest, inputs_digest, ledger_digest
from orchestration.settings import LOCAL_TZ, Settings

CONTRACT_EXAMPLES = Path(__file__).parent / "fixtures" / "contract_examples"


# --- the digest's parts -----------------------------------------------------------------


def test_each_part_of_the_inputs_changes_the_digest() -> None:
    base = inputs_digest("3:42", "code", {"official_cutoff_day": 15, "current_quarter": "2024-Q2"})
    assert base == inputs_digest(
        "3:42", "code", {"current_quarter": "2024-Q2", "official_cutoff_day": 15}
    )
    assert base != inputs_digest(
        "4:42", "code", {"official_cutoff_day": 15, "current_quarter": "2024-Q2"}
    )
    assert base != inputs_digest(
        "3:42", "edited", {"official_cutoff_day": 15, "current_quarter": "2024-Q2"}
    )
    assert base != inputs_digest(
        "3:42", "code", {"official_cutoff_day": 20, "current_quarter": "2024-Q2"}
    )
    assert base != inputs_digest(
        "3:42", "code", {"official_cutoff_day": 15, "current_quarter": "2024-Q3"}
    )


def test_code_digest_follows_sources_not_build_artefacts(tmp_path: Path) -> None:
    root = tmp_path / "dbt_project"
    (root / "models").mkdir(parents=True)
    (root / "target").mkdir()
    model = root / "models" / "m.sql"
    model.write_text("select 1\n")
    before = code_digest([root])
    (root / "target" / "manifest.json").write_text("{}")  # dbt's artefact: ignored
    assert code_digest([root]) == before
    model.write_text("select 2\n")
    assert code_digest([root]) != before
    moved = tmp_path / "elsewhere" / "dbt_project"
    shutil.copytree(root, moved)
    assert code_digest([moved]) == code_digest([root])  # a clone elsewhere: same digest


def test_ledger_digest_changes_with_any_file_row() -> None:
    con = duckdb.connect()
    con.execute("create schema raw")
    con.execute("create table raw.file_ledger (file_path varchar, sha256 varchar, status varchar)")
    con.execute("insert into raw.file_ledger values ('a.csv', 'x', 'loaded')")
    first = ledger_digest(con)
    con.execute("update raw.file_ledger set status = 'rejected'")
    assert ledger_digest(con) != first
    con.execute("update raw.file_ledger set status = 'loaded'")
    assert ledger_digest(con) == first
    con.execute("insert into raw.file_ledger values ('b.csv', 'x', 'duplicate')")
    assert ledger_digest(con) != first


# --- the nightly job in Dagster ----------------------------------------------------------


@asset(deps=[LEDGER_KEY])
def downstream_probe() -> None:
    """Stands for dbt and everything after it."""


def _nightly(landing: Path, data_dir: Path, cutoff: int = 15) -> Definitions:
    return Definitions(
        assets=[ingest_landing, downstream_probe],
        jobs=[define_asset_job(NIGHTLY_JOB, selection=AssetSelection.all())],
        resources={
            "warehouse": WarehouseResource(
                landing_dir=str(landing), data_dir=str(data_dir), official_cutoff_day=cutoff
            )
        },
    )


def _run(defs: Definitions, instance: DagsterInstance, job: str = NIGHTLY_JOB):  # noqa: ANN202
    result = defs.resolve_job_def(job).execute_in_process(instance=instance)
    assert result.success
    probe_ran = any(
        event.asset_key.path == ["downstream_probe"]
        for event in result.get_asset_materialization_events()
    )
    return result, probe_ran


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    root = tmp_path / "landing"
    shutil.copytree(CONTRACT_EXAMPLES, root)
    return root


def test_a_night_with_nothing_new_skips_every_later_step(landing: Path, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with DagsterInstance.ephemeral() as instance:
        first, probe_ran = _run(_nightly(landing, data_dir), instance)
        assert probe_ran
        digest = instance.get_run_by_id(first.run_id).tags[INPUTS_TAG]

        second, probe_ran = _run(_nightly(landing, data_dir), instance)
        assert not probe_ran
        assert second.get_asset_materialization_events() == []
        (check,) = second.get_asset_check_evaluations()  # still reconciled and recorded
        assert check.check_name == "rows_reconcile" and check.passed
        assert instance.get_run_by_id(second.run_id).tags[INPUTS_TAG] == digest

        # A changed setting is a change: the figures depend on the cut-off day.
        _, probe_ran = _run(_nightly(landing, data_dir, cutoff=20), instance)
        assert probe_ran

        # A new file is a change.
        new_file = landing / "one_stop" / "late" / "a.csv"
        new_file.parent.mkdir(parents=True)
        shutil.copy2(next((CONTRACT_EXAMPLES / "one_stop").glob("*.csv")), new_file)
        _, probe_ran = _run(_nightly(landing, data_dir, cutoff=20), instance)
        assert probe_ran
        _, probe_ran = _run(_nightly(landing, data_dir, cutoff=20), instance)
        assert not probe_ran


def test_only_the_nightly_job_skips(landing: Path, tmp_path: Path) -> None:
    """A backfill (any other job) always rebuilds what it was asked to."""
    data_dir = tmp_path / "data"
    defs = Definitions(
        assets=[ingest_landing, downstream_probe],
        jobs=[define_asset_job("cchc_backfill", selection=AssetSelection.all())],
        resources={
            "warehouse": WarehouseResource(landing_dir=str(landing), data_dir=str(data_dir))
        },
    )
    with DagsterInstance.ephemeral() as instance:
        assert _run(defs, instance, "cchc_backfill")[1]
        assert _run(defs, instance, "cchc_backfill")[1]


# --- decided before the run starts (orchestration/defs/nothing_new.py) --------------------


def _settings(landing: Path, data_dir: Path, cutoff: int = 15) -> Settings:
    return Settings(landing, data_dir, cutoff)


def test_nothing_new_is_decided_before_a_run_by_stat_and_digest(
    landing: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The schedule's and `cchc run`'s question: False whenever a run could change an
    output (no run yet, a touched, new or re-delivered file, a setting, a re-hash asked
    for); True only after a successful run of the same inputs."""
    data_dir = tmp_path / "data"
    with DagsterInstance.ephemeral() as instance:

        def quiet(cutoff: int = 15) -> bool:
            settings = _settings(landing, data_dir, cutoff)
            return nothing_new(settings, lambda: last_success_inputs(instance))

        assert not quiet()  # no warehouse, no run yet
        _run(_nightly(landing, data_dir), instance)
        assert quiet()
        assert not quiet(cutoff=20)
        monkeypatch.setenv(REHASH_ENV, "1")
        assert not quiet()
        monkeypatch.delenv(REHASH_ENV)

        # Touched (same content, new mtime): the run goes on; its ingest re-hashes the file,
        # records the new stat and skips the later steps; then the night is quiet again.
        touched = next((landing / "one_stop").rglob("*.csv"))
        info = touched.stat()
        os.utime(touched, ns=(info.st_atime_ns, info.st_mtime_ns + 2_000_000_000))
        assert not quiet()
        _, probe_ran = _run(_nightly(landing, data_dir), instance)
        assert not probe_ran
        assert quiet()

        # A new file.
        new_file = landing / "one_stop" / "late" / "a.csv"
        new_file.parent.mkdir(parents=True)
        shutil.copy2(touched, new_file)
        assert not quiet()
        _, probe_ran = _run(_nightly(landing, data_dir), instance)
        assert probe_ran  # a duplicate changes the ledger: a rebuild
        assert quiet()


def test_the_schedule_skips_a_night_with_nothing_new(landing: Path, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    resources = {"warehouse": WarehouseResource(landing_dir=str(landing), data_dir=str(data_dir))}
    # On disk: the daemon's context reaches its instance by reference (an ephemeral one has none).
    home = prepare_dagster_home(_settings(landing, data_dir))
    with DagsterInstance.from_config(str(home)) as instance:

        def evaluate():  # noqa: ANN202 - a RunRequest or a SkipReason
            context = build_schedule_context(
                instance=instance,
                resources=resources,
                scheduled_execution_time=datetime(2024, 4, 3, 2, 0, tzinfo=LOCAL_TZ),
            )
            return nightly_schedule(context)

        assert isinstance(evaluate(), RunRequest)  # nothing built yet
        _run(_nightly(landing, data_dir), instance)
        skipped = evaluate()
        assert isinstance(skipped, SkipReason)
        assert skipped.skip_message == NOTHING_NEW_MESSAGE
        (landing / "one_stop" / "new.csv").write_bytes(b"x")
        assert isinstance(evaluate(), RunRequest)


def test_the_clis_reading_of_the_run_storage_is_dagsters(landing: Path, tmp_path: Path) -> None:
    """`cchc run` reads the latest success's digest straight from the instance's sqlite run
    storage (no Dagster import); it must be what Dagster's own API answers."""
    data_dir = tmp_path / "data"
    home = prepare_dagster_home(_settings(landing, data_dir))
    assert last_success_inputs_of_home(home) is None  # no run storage yet
    with DagsterInstance.from_config(str(home)) as instance:
        _run(_nightly(landing, data_dir), instance)
        expected = last_success_inputs(instance)
        assert expected is not None
        assert last_success_inputs_of_home(home) == expected

        # A later successful run without the tag (single assets from the UI) counts: None.
        @asset
        def ui_asset() -> None:
            """Stands for an asset materialised by hand."""

        Definitions(assets=[ui_asset]).resolve_implicit_global_asset_job_def().execute_in_process(
            instance=instance
        )
        assert last_success_inputs(instance) is None
        assert last_success_inputs_of_home(home) is None

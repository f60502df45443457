"""Every error an operator can cause is one clear line and an exit code, never a traceback.

Each test runs the real `cchc` in a subprocess. Exit codes: 2 = something the operator can
fix (settings, paths, permissions, arguments), 1 = the run itself failed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from orchestration import preflight
from orchestration.load import ingest
from orchestration.settings import PROJECT_ROOT, REQUIRED_REFERENCE_FILES, SAMPLE_LANDING_DIR
from tests.support.cli_user import Outcome, open_dir, run_cchc, tree_state
from tests.support.marts_fixture import build_marts_db


@pytest.fixture
def work() -> Path:
    with open_dir("cchc-cli-") as root:
        yield root


def _landing_with_references(root: Path) -> Path:
    landing = root / "landing"
    (landing / "reference").mkdir(parents=True)
    for relative in REQUIRED_REFERENCE_FILES:
        shutil.copyfile(SAMPLE_LANDING_DIR / relative, landing / relative)
    return landing


def assert_one_clear_line(outcome: Outcome, code: int, *expected: str) -> str:
    """Exit ``code``; stderr is exactly one line holding every ``expected`` text."""
    assert outcome.returncode == code, outcome
    assert "Traceback" not in outcome.stdout + outcome.stderr, outcome
    error_lines = [line for line in outcome.stderr.splitlines() if line.strip()]
    assert len(error_lines) == 1, outcome
    for text in expected:
        assert text in error_lines[0], outcome
    return error_lines[0]


def test_preflight_names_the_same_catalogues_as_the_loader() -> None:
    assert preflight.landing_reference_files is ingest.landing_reference_files


# --- settings and the landing root, checked before anything starts ------------------------


def test_missing_landing_dir(work: Path) -> None:
    missing = work / "no-such-landing"
    outcome = run_cchc(["run"], work / "data", missing)
    assert_one_clear_line(outcome, 2, str(missing), "CCHC_LANDING_DIR", "not found")
    assert outcome.stdout.strip() == ""
    assert not (work / "data").exists(), "a refused run must not create the data dir"


@pytest.mark.parametrize("variable", ["CCHC_LANDING_DIR", "CCHC_DATA_DIR"])
def test_empty_directory_variable(work: Path, variable: str) -> None:
    outcome = run_cchc(["run"], work / "data", SAMPLE_LANDING_DIR, env={variable: "  "})
    assert_one_clear_line(outcome, 2, variable, "empty")


def test_bad_cutoff_day(work: Path) -> None:
    outcome = run_cchc(
        ["status"], work / "data", SAMPLE_LANDING_DIR, env={"CCHC_OFFICIAL_CUTOFF_DAY": "15th"}
    )
    assert_one_clear_line(outcome, 2, "CCHC_OFFICIAL_CUTOFF_DAY", "'15th'")


def test_landing_without_reference_files(work: Path) -> None:
    landing = work / "landing"
    (landing / "one_stop").mkdir(parents=True)
    outcome = run_cchc(["run"], work / "data", landing)
    assert_one_clear_line(
        outcome, 2, str(landing / "reference" / "agencies.csv"), "Required reference file"
    )


def test_many_province_landing_needs_each_province_catalogues(work: Path) -> None:
    """landing/<province>/...: each province folder holds its own two catalogues."""
    landing = work / "landing"
    for province in ("T01", "T02"):
        (landing / province / "reference").mkdir(parents=True)
    for relative in REQUIRED_REFERENCE_FILES:
        shutil.copyfile(SAMPLE_LANDING_DIR / relative, landing / "T01" / relative)
    shutil.copyfile(
        SAMPLE_LANDING_DIR / "reference" / "agencies.csv",
        landing / "T02" / "reference" / "agencies.csv",
    )
    outcome = run_cchc(["run"], work / "data", landing)
    assert_one_clear_line(
        outcome,
        2,
        str(landing / "T02" / "reference" / "procedures.csv"),
        "Required reference file",
    )
    assert not (work / "data").exists(), "a refused run must not create the data dir"


def test_landing_is_a_file(work: Path) -> None:
    landing = work / "landing.csv"
    landing.write_text("x\n")
    outcome = run_cchc(["backfill", "--from", "2024-Q1", "--to", "2024-Q2"], work / "d", landing)
    assert_one_clear_line(outcome, 2, str(landing), "Not a directory")


def test_unreadable_landing(work: Path) -> None:
    landing = _landing_with_references(work)
    landing.chmod(0o000)
    outcome = run_cchc(["run"], work / "data", landing, unprivileged=True)
    assert_one_clear_line(outcome, 2, str(landing), "not readable")


def test_settings_are_checked_before_dagster_or_pandas_is_imported(work: Path) -> None:
    """What keeps the answer under two seconds: nothing heavy is imported before it."""
    probe = (
        "import sys\n"
        "from orchestration.cli import app\n"
        "try:\n"
        "    app(['run'])\n"
        "except SystemExit as exit:\n"
        "    code = exit.code\n"
        "heavy = sorted(m for m in ('dagster', 'pandas', 'duckdb', 'dbt') if m in sys.modules)\n"
        "print(code, heavy)\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe],
        env={"CCHC_LANDING_DIR": str(work / "missing"), "CCHC_DATA_DIR": str(work / "data")},
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        check=False,
        timeout=60,
    )
    assert completed.stdout.strip().splitlines()[-1] == "2 []", completed


def test_bad_backfill_range_and_bad_period(work: Path) -> None:
    landing = _landing_with_references(work)
    outcome = run_cchc(["backfill", "--from", "2024-Q3", "--to", "2024-Q1"], work / "d", landing)
    assert_one_clear_line(outcome, 2, "2024-Q3")
    data = work / "data"
    data.mkdir()
    build_marts_db(data / "analytics.duckdb")
    outcome = run_cchc(["report", "--period", "2024-Q9"], data, landing)
    assert_one_clear_line(outcome, 2, "2024-Q9")


def test_nothing_published_yet(work: Path) -> None:
    outcome = run_cchc(["status"], work / "data", SAMPLE_LANDING_DIR)
    assert_one_clear_line(outcome, 1, "Nothing published yet", "cchc run")
    assert not (work / "data").exists(), "a read command must not create the data dir"


def test_damaged_publication_is_one_line(work: Path) -> None:
    data = work / "data"
    data.mkdir()
    (data / "analytics.duckdb").write_bytes(b"not a database" * 1000)
    outcome = run_cchc(["status"], data, SAMPLE_LANDING_DIR)
    line = assert_one_clear_line(outcome, 2, "database error")
    trace = Path(line.rsplit("trace: ", 1)[1].rstrip(")"))
    assert "Traceback" in trace.read_text(encoding="utf-8"), "the trace goes to the file named"


# --- a read-only data dir --------------------------------------------------------------


@pytest.fixture
def read_only_data(work: Path) -> Path:
    """A data dir with a publication, then made read-only (as an analyst's share would be)."""
    data = work / "data"
    data.mkdir()
    build_marts_db(data / "analytics.duckdb")
    (data / "analytics.duckdb").chmod(0o444)
    data.chmod(0o555)
    return data


def test_run_refuses_a_read_only_data_dir(read_only_data: Path, work: Path) -> None:
    before = tree_state(read_only_data)
    landing = _landing_with_references(work)
    outcome = run_cchc(["run"], read_only_data, landing, unprivileged=True)
    assert_one_clear_line(outcome, 2, str(read_only_data), "read-only", "CCHC_DATA_DIR")
    assert tree_state(read_only_data) == before


def test_status_reads_a_read_only_data_dir_and_writes_nothing(read_only_data: Path) -> None:
    before = tree_state(read_only_data)
    outcome = run_cchc(["status"], read_only_data, SAMPLE_LANDING_DIR, unprivileged=True)
    assert outcome.returncode == 0, outcome
    assert "Sổ theo dõi tệp" in outcome.stdout
    assert tree_state(read_only_data) == before, "`cchc status` wrote into the data dir"


def test_report_to_out_dir_from_a_read_only_data_dir(read_only_data: Path, work: Path) -> None:
    before = tree_state(read_only_data)
    refused = run_cchc(["report", "--period", "2024-Q2"], read_only_data, SAMPLE_LANDING_DIR,
                       unprivileged=True)  # fmt: skip
    assert_one_clear_line(refused, 2, str(read_only_data / "reports"), "--out")

    out = work / "out"
    outcome = run_cchc(
        ["report", "--period", "2024-Q2", "--out", str(out)],
        read_only_data,
        SAMPLE_LANDING_DIR,
        unprivileged=True,
    )
    assert outcome.returncode == 0, outcome
    written = sorted(p.name for p in (out / "2024-Q2").iterdir())
    assert written == ["bao_cao_cchc_2024-Q2_official.html", "bao_cao_cchc_2024-Q2_official.xlsx"]
    assert tree_state(read_only_data) == before, "`cchc report` wrote into the data dir"


# --- a step that fails -------------------------------------------------------------------


def test_failed_step_shows_its_root_cause_and_the_log_holds_the_trace(work: Path) -> None:
    """Catalogues without their headers: the ingest step fails on the missing reference."""
    landing = work / "landing"
    (landing / "reference").mkdir(parents=True)
    for relative in REQUIRED_REFERENCE_FILES:
        (landing / relative).write_text("not,a,catalogue\n1,2,3\n", encoding="utf-8")
    data = work / "data"
    outcome = run_cchc(["run"], data, landing)
    assert outcome.returncode == 1, outcome
    text = outcome.stdout + outcome.stderr
    assert "Traceback" not in text and "Stack Trace" not in text, outcome
    assert "DagsterExecutionStepExecutionError" not in text, outcome
    assert "Error occurred while executing" not in text, outcome
    [failure] = [line for line in outcome.stdout.splitlines() if "failed step" in line]
    assert "ingest_landing" in failure
    assert "MissingReference: " in failure and "reference/agencies.csv" in failure
    # Each rejected catalogue is named once on the terminal.
    for relative in REQUIRED_REFERENCE_FILES:
        rejected = [line for line in outcome.stdout.splitlines() if "rejected file" in line]
        assert sum(relative + ":" in line for line in rejected) == 1, outcome
    [log] = (data / "logs").glob("run-*.log")
    assert str(log) in outcome.stdout
    detail = log.read_text(encoding="utf-8")
    assert "Stack Trace" in detail and "orchestration/load/sources.py" in detail
    assert "MissingReference" in detail and "STEP_FAILURE" in detail


def test_generate_sample_into_a_read_only_dir(work: Path) -> None:
    target = work / "locked"
    target.mkdir()
    target.chmod(0o555)
    outcome = run_cchc(
        ["generate-sample", "--out", str(target / "sample")],
        work / "data",
        SAMPLE_LANDING_DIR,
        unprivileged=True,
    )
    assert_one_clear_line(outcome, 2, str(target / "sample"), "Permission denied")

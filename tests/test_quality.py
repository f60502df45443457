"""Great Expectations checkpoint over the published marts: passes on good marts, names what
breaks on a deliberately broken copy, writes Data Docs, stays offline."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest

from orchestration import contract
from orchestration.contract import marts
from orchestration.quality import suites as gx_suites
from orchestration.quality.checkpoint import QualityResult, ephemeral_context, run_mart_checks
from tests.support.dbt_harness import run_dbt
from tests.support.marts_fixture import build_marts_db

# dbt's name for period_accounting's key test (unique_combination_of_columns in its YAML).
ACCOUNTING_KEY_TEST = "unique_combination_of_columns_period_accounting_" + "__".join(
    contract.mart("period_accounting").key
)
QUARTER_Q2 = "calendar = 'official' and grain = 'quarter' and period_key = '2024-Q2'"


@pytest.fixture(scope="module")
def analytics(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_marts_db(tmp_path_factory.mktemp("marts") / "analytics.duckdb")


@pytest.fixture(scope="module")
def good(analytics: Path, tmp_path_factory: pytest.TempPathFactory) -> QualityResult:
    return run_mart_checks(analytics, tmp_path_factory.mktemp("quality"))


@pytest.fixture(scope="module")
def broken(analytics: Path, tmp_path_factory: pytest.TempPathFactory) -> QualityResult:
    work = tmp_path_factory.mktemp("broken")
    copy = work / "analytics.duckdb"
    shutil.copy(analytics, copy)
    con = duckdb.connect(str(copy))
    try:
        # A rate of 1.5, a duplicated key, a broken identity, a lost period, a lost mart.
        con.execute(
            f"update marts.service_rates set rate = 1.5 where {QUARTER_Q2}"
            " and scope_type = 'province' and indicator = 'online_rate'"
        )
        con.execute(
            "insert into marts.period_accounting select * from marts.period_accounting"
            f" where {QUARTER_Q2} and scope_type = 'province'"
        )
        con.execute(
            "update marts.period_accounting set resolved_late = resolved_late + 1"
            f" where {QUARTER_Q2} and scope_type = 'agency' and scope_code = '000.00.05.T01'"
        )
        con.execute("delete from marts.service_rates where period_key = '2023-05'")
        con.execute("drop table marts.quarantine_summary")
    finally:
        con.close()
    return run_mart_checks(copy, work / "docs")


def test_checkpoint_passes_on_the_fixture(good: QualityResult) -> None:
    assert good.success, [str(f) for f in good.failures]
    suites = {r.suite for r in good.results}
    assert suites == {*marts(), "period_coverage"} == set(gx_suites.suite_names())
    assert len(good.results) > 100


def test_data_docs_are_written(good: QualityResult) -> None:
    assert good.docs_index.name == "index.html" and good.docs_index.exists()
    index = good.docs_index.read_text(encoding="utf-8")
    for suite in ("period_accounting", "service_rates", "period_coverage"):
        assert suite in index


def _failed(result: QualityResult) -> dict[tuple[str, str, str], object]:
    return {(f.suite, f.expectation, f.columns): f for f in result.failures}


def test_broken_copy_fails_naming_each_broken_rule(broken: QualityResult) -> None:
    assert not broken.success
    failed = _failed(broken)
    missing = failed[("period_coverage", "expect_column_values_to_be_null", "missing_period")]
    assert "service_rates official month 2023-05" in missing.sample
    assert ("quarantine_summary", "expect_table_to_exist", "") in failed


def test_broken_copy_fails_nothing_else(broken: QualityResult) -> None:
    # The duplicate makes the other periods look short in coverage. The duplicated key, the
    # broken identity and the rate of 1.5 (rate bounds, rate = numerator / denominator) are
    # dbt's tests, written once there and not repeated in GX:
    # test_broken_key_identity_and_rate_fail_the_dbt_tests. Nothing unrelated may fail.
    expected = {
        ("period_coverage", "missing_period"),
        ("period_coverage", "short_period"),
        ("quarantine_summary", ""),
    }
    assert {(f.suite, f.columns) for f in broken.failures} == expected


def test_broken_key_identity_and_rate_fail_the_dbt_tests(analytics: Path, tmp_path: Path) -> None:
    # The key, the identities and the rate bounds are checked once, by dbt's tests: they pass
    # on the good marts and each fails on its own break. Copies, so dbt's open connection
    # never holds `analytics`.
    good = tmp_path / "good.duckdb"
    shutil.copy(analytics, good)
    breaks = {
        ACCOUNTING_KEY_TEST: "insert into marts.period_accounting"
        " select * from marts.period_accounting"
        f" where {QUARTER_Q2} and scope_type = 'province'",
        "assert_period_accounting_balances": "update marts.period_accounting"
        " set resolved_late = resolved_late + 1"
        f" where {QUARTER_Q2} and scope_type = 'agency' and scope_code = '000.00.05.T01'",
        "assert_service_rates_bounds": "update marts.service_rates set rate = rate + 0.01"
        f" where {QUARTER_Q2} and scope_type = 'province' and indicator = 'on_time_rate'",
    }
    run_dbt(good, ["test", "--select", *breaks], tmp_path / "good")
    for test, statement in breaks.items():
        copy = tmp_path / f"{test}.duckdb"
        shutil.copy(analytics, copy)
        con = duckdb.connect(str(copy))
        con.execute(statement)
        con.close()
        with pytest.raises(AssertionError, match=test):
            run_dbt(copy, ["test", "--select", test], tmp_path / test)


# GX expectations that restate a dbt column test when dbt already has it on that column.
_DBT_TEST_OF = {
    "expect_column_values_to_not_be_null": "not_null",
    "expect_column_values_to_be_in_set": "accepted_values",
}


def test_no_expectation_repeats_a_dbt_test() -> None:
    """GX checks what dbt does not: no suite re-checks a column dbt's YAML already tests,
    nor a key (dbt's uniqueness tests)."""
    unique = {"expect_column_values_to_be_unique", "expect_compound_columns_to_be_unique"}
    repeated = []
    for name, mart in marts().items():
        for expectation in gx_suites.suite(name):
            kind = expectation.expectation_type
            dbt_test = _DBT_TEST_OF.get(kind)
            column = getattr(expectation, "column", None)
            if kind in unique or (dbt_test and (dbt_test, column) in mart.column_tests):
                repeated.append((name, kind, column))
    assert repeated == []


def test_usage_statistics_are_off(tmp_path: Path) -> None:
    assert os.environ["GX_ANALYTICS_ENABLED"].lower() == "false"
    assert ephemeral_context(tmp_path).config.analytics_enabled is False

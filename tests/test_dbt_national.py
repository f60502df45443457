"""The national marts built by dbt on the fixture of tests/support/dossier_fixture.py.

The fixture's catalogue is one province, so every national figure equals that province's
own row of service_rates / period_accounting, and every province with a rate ranks 1st of
1. The arithmetic over several provinces (sums, never averaged rates; ties; NULL rates;
avg_wait_minutes ranked ascending; a denominator of 0) is in the dbt unit tests
(dbt_project/models/marts/national/_national__unit_tests.yml), run here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration import contract
from tests.support import dossier_fixture as fx
from tests.support.dbt_harness import build_warehouse, run_dbt
from tests.support.dossier_fixture import query

NATIONAL = ("national_rates", "national_accounting", "province_ranking")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    with pytest.MonkeyPatch.context() as patch:
        # Only this lineage's data tests (see test_dbt_reconciliation.py).
        patch.setenv("DBT_INDIRECT_SELECTION", "cautious")
        return build_warehouse(
            tmp_path_factory.mktemp("national"),
            fx.raw_frames(),
            select=" ".join(f"+{model}" for model in NATIONAL),
        )


def test_one_province_national_rates_are_the_province_rows(warehouse: Path) -> None:
    differences = query(
        warehouse,
        """
        with s as (select * from marts.service_rates where scope_type = 'province')
        select *
        from s
        full join marts.national_rates as n
            on n.calendar = s.calendar and n.grain = s.grain
            and n.period_key = s.period_key and n.indicator = s.indicator
        where
            n.provinces is distinct from 1
            or n.numerator is distinct from s.numerator
            or n.denominator is distinct from s.denominator
            or n.rate is distinct from s.rate
            or n.period_start is distinct from s.period_start
        """,
    )
    assert differences.empty, differences.head()
    assert len(query(warehouse, "select * from marts.national_rates")) > 0


def test_one_province_national_accounting_is_the_province_row(warehouse: Path) -> None:
    counts = contract.accounting_counts()
    national = query(warehouse, "select * from marts.national_accounting")
    province = query(
        warehouse, "select * from marts.period_accounting where scope_type = 'province'"
    )
    keys = ["calendar", "grain", "period_key", "period_start", "period_end"]
    assert set(national["provinces"]) == {1}
    joined = national.merge(province, on=keys, suffixes=("", "_province"), validate="1:1")
    assert len(joined) == len(national) == len(province) > 0
    for column in counts:
        assert (joined[column] == joined[f"{column}_province"]).all(), column


def test_one_province_ranks_first_of_one_unless_its_rate_is_null(warehouse: Path) -> None:
    ranking = query(warehouse, "select * from marts.province_ranking")
    rated = ranking[ranking["rate"].notna()]
    unrated = ranking[ranking["rate"].isna()]
    assert len(rated) > 0 and len(unrated) > 0  # the fixture has empty periods too
    assert set(rated["rank_in_country"]) == {1} and set(rated["provinces_ranked"]) == {1}
    assert unrated["rank_in_country"].isna().all() and set(unrated["provinces_ranked"]) == {0}


def test_dbt_unit_tests(warehouse: Path, tmp_path: Path) -> None:
    # dbt unit tests read column types from the upstream relations, which this warehouse
    # holds (service_rates, period_accounting and the period models they read).
    run_dbt(
        warehouse,
        ["test", "--select", *(f"{model},test_type:unit" for model in NATIONAL)],
        tmp_path,
    )

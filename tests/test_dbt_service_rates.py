"""marts.service_rates built by dbt on the fixture of tests/support/dossier_fixture.py.

R = dossiers received in the period, S = dossiers resolved in the period (status 9/10 with
Ngày hoàn thành in it). Every (numerator, denominator) pair below is counted by hand from
the fixture's docstring; rate = numerator / denominator, NULL when the denominator is 0.

Calendar month 2024-03 (01/03 … 31/03):
    T1: R = D01, D02, D05, D11 (4); S = D01, D02, D03, D04, D11 (5)
    H1: R = D06, D08 (2); S = none
    X1: R = D09; S = D09
Official month 2024-03 (15/02 … 14/03):
    T1: R = D01, D03, D05 (3); S = D03, D04 (2)
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from tests.support import dossier_fixture as fx
from tests.support.dbt_harness import build_warehouse, run_dbt
from tests.support.dossier_fixture import query

NULL = None


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("service_rates")
    return build_warehouse(tmp, fx.raw_frames(), select="+service_rates")


def rates(warehouse: Path, calendar: str, key: str, grain: str = "month") -> dict:
    frame = query(
        warehouse,
        f"select * from marts.service_rates where calendar = '{calendar}' "
        f"and grain = '{grain}' and period_key = '{key}'",
    )
    return {
        (row["scope_type"], row["scope_code"], row["indicator"]): (
            row["numerator"],
            row["denominator"],
            None if row["rate"] is None or math.isnan(row["rate"]) else row["rate"],
        )
        for row in frame.to_dict("records")
    }


def check(got: dict, scope: tuple[str, str], expected: dict[str, tuple[float, int]]) -> None:
    for indicator, (numerator, denominator) in expected.items():
        actual = got[(*scope, indicator)]
        assert actual[0] == pytest.approx(numerator), (scope, indicator, actual)
        assert actual[1] == denominator, (scope, indicator, actual)
        if denominator == 0:
            assert actual[2] is None, (scope, indicator, actual)
        else:
            assert actual[2] == pytest.approx(numerator / denominator), (scope, indicator)


T1_MARCH = {
    "online_rate": (3, 4),  # R online: D01, D05, D11
    # service level: D01, D11 NULL → catalogue full (P1 at tinh); D05 full as delivered
    "full_online_rate": (3, 4),
    "full_online_uptake_rate": (3, 4),  # R full: D01, D02, D05, D11
    "on_time_rate": (3, 5),  # S early D01 + on time D02 (due day), D04 (no due date)
    "digitized_intake_rate": (3, 4),  # D01, D02, D11 (its latest version)
    "e_result_rate": (3, 5),  # D01, D03, D11
    "reuse_rate": (1, 4),  # D02
    "online_payment_rate": (1, 2),  # owing a fee: D01 (paid online), D02 (paid in person)
    "satisfaction_rate": (3, 4),  # rated: D01 very, D03 dissatisfied, D04, D11; D02 unrated
    "satisfaction_rate_766": (4, 5),  # S 5 − 1 dissatisfied (D03)
    "online_service_usage_rate": (1, 2),  # handles P1, P4 (full); online R only of P1
    "avg_wait_minutes": (25.0, 2),  # 5 + 20 minutes over 2 called; #3 abandoned
    "wait_under_10_rate": (1, 2),  # the 5-minute wait
}
H1_MARCH = {
    "online_rate": (2, 2),  # D06, D08
    "full_online_rate": (0, 2),  # D06 partial (catalogue), D08 no level (not in catalogue)
    "full_online_uptake_rate": (0, 0),  # NULL
    "on_time_rate": (0, 0),  # nothing resolved: NULL
    "digitized_intake_rate": (1, 2),  # D06
    "e_result_rate": (0, 0),
    "reuse_rate": (0, 2),
    "online_payment_rate": (0, 0),  # no fee owed
    "satisfaction_rate": (0, 0),
    "satisfaction_rate_766": (0, 0),
    # handles P2 (partial, huyen row with empty agency_code); online R: D06 of P2 (D08 is
    # of a procedure absent from the catalogue)
    "online_service_usage_rate": (1, 1),
    # ticket #1 of 15/03 delivered twice: the later file's 12 minutes win (not 9.5)
    "avg_wait_minutes": (12.0, 1),
    "wait_under_10_rate": (0, 1),
}
X1_MARCH = {
    "online_rate": (0, 1),
    "full_online_rate": (0, 1),
    "full_online_uptake_rate": (0, 0),  # D09 is info (catalogue)
    "on_time_rate": (1, 1),  # done on the due day
    "digitized_intake_rate": (1, 1),
    "e_result_rate": (1, 1),
    "reuse_rate": (1, 1),
    "online_payment_rate": (0, 0),
    "satisfaction_rate": (1, 1),
    "satisfaction_rate_766": (1, 1),
    "online_service_usage_rate": (0, 0),  # P3 is info: the commune handles none
    "avg_wait_minutes": (0.0, 0),  # no queue at the commune
    "wait_under_10_rate": (0, 0),
}
PROVINCE_MARCH = {
    "online_rate": (5, 7),  # 3 + 2 + 0 over 4 + 2 + 1
    "full_online_rate": (3, 7),
    "full_online_uptake_rate": (3, 4),
    "on_time_rate": (4, 6),  # 3 + 0 + 1 over 5 + 0 + 1
    "digitized_intake_rate": (5, 7),  # 3 + 1 + 1
    "e_result_rate": (4, 6),  # 3 + 0 + 1
    "reuse_rate": (2, 7),  # 1 + 0 + 1
    "online_payment_rate": (1, 2),
    "satisfaction_rate": (4, 5),  # 3 + 0 + 1 over 4 + 0 + 1
    "satisfaction_rate_766": (5, 6),  # 6 − 1
    # distinct procedures handled: P1, P4, P2 = 3; with an online R: P1, P2 = 2
    "online_service_usage_rate": (2, 3),
    "avg_wait_minutes": (37.0, 3),  # (25 + 12) / 3 — a sum of minutes, not a mean of means
    "wait_under_10_rate": (1, 3),
}


def test_every_indicator_of_calendar_march(warehouse: Path) -> None:
    got = rates(warehouse, "calendar", "2024-03")
    check(got, ("agency", fx.T1), T1_MARCH)
    check(got, ("agency", fx.H1), H1_MARCH)
    check(got, ("agency", fx.X1), X1_MARCH)
    check(got, ("level", "tinh"), T1_MARCH)
    check(got, ("level", "huyen"), H1_MARCH)
    check(got, ("level", "xa"), X1_MARCH)
    check(got, ("province", fx.PROVINCE), PROVINCE_MARCH)


def test_field_groups_carry_satisfaction_only(warehouse: Path) -> None:
    got = rates(warehouse, "calendar", "2024-03")
    # dau_tu = P1: S = D01 (very satisfied), D02 (unrated), D03 (dissatisfied), D11
    # (satisfied); D04 is P4, no group.
    check(
        got,
        ("field_group", "dau_tu"),
        {"satisfaction_rate": (2, 3), "satisfaction_rate_766": (3, 4)},  # 4 − 1 over 4
    )
    # dat_dai = P2 at huyen: nothing resolved in March (D13 was stopped, not resolved).
    check(
        got,
        ("field_group", "dat_dai"),
        {"satisfaction_rate": (0, 0), "satisfaction_rate_766": (0, 0)},
    )
    groups = {key[2] for key in got if key[0] == "field_group"}
    assert groups == {"satisfaction_rate", "satisfaction_rate_766"}
    assert {key[1] for key in got if key[0] == "field_group"} == {"dau_tu", "dat_dai"}


def test_official_march(warehouse: Path) -> None:
    got = rates(warehouse, "official", "2024-03")
    check(
        got,
        ("agency", fx.T1),
        {
            "online_rate": (2, 3),  # D01, D05 of D01, D03, D05
            "full_online_rate": (2, 3),
            "full_online_uptake_rate": (2, 3),  # all three full
            "on_time_rate": (1, 2),  # S = D03 (late), D04 (no due date: on time)
            "e_result_rate": (1, 2),  # D03
            "online_payment_rate": (1, 1),  # D01; D02 (15/03) is the next month's
            "satisfaction_rate": (1, 2),  # D04 satisfied, D03 dissatisfied
            "satisfaction_rate_766": (1, 2),  # 2 − 1
            "online_service_usage_rate": (1, 2),
            "avg_wait_minutes": (25.0, 2),  # tickets of 04/03
        },
    )
    # H1's ticket of 15/03 belongs to official April: no called ticket in official March.
    check(got, ("agency", fx.H1), {"avg_wait_minutes": (0.0, 0), "wait_under_10_rate": (0, 0)})


def test_shape_and_bounds(warehouse: Path) -> None:
    frame = query(warehouse, "select * from marts.service_rates")
    assert not frame.duplicated(
        ["calendar", "grain", "period_key", "scope_type", "scope_code", "indicator"]
    ).any()
    # 18 periods (see test_dbt_accounting) × (7 scopes × 13 + 2 field groups × 2) = 1 710
    assert len(frame) == 18 * (7 * 13 + 2 * 2)
    rated = frame[frame.indicator != "avg_wait_minutes"]
    assert (rated.numerator <= rated.denominator).all()
    assert rated.rate.dropna().between(0, 1).all()
    assert frame[frame.denominator == 0].rate.isna().all()


def test_dbt_unit_tests_of_d1_models(warehouse: Path, tmp_path: Path) -> None:
    # dbt unit tests read column types from the upstream relations: this module's warehouse
    # has every model they mock.
    run_dbt(
        warehouse,
        [
            "test",
            "--select",
            "int_dossier_versions_latest,test_type:unit int_dossiers_latest,test_type:unit "
            "int_periods,test_type:unit "
            "service_rates,test_type:unit",
        ],
        tmp_path,
    )

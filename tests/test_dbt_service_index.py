"""marts.service_index built by dbt with the shipped profile seed, on the fixture of
tests/test_dbt_targets.py.

Province, official year 2024 (R = a3 a4 b3 b4, S = the same four, all on time):
    online_rate 3/4, full_online_rate 2/4 (a3, b3: Điện and Xây dựng are full; Đất đai is
    partial), on_time_rate 4/4, digitized 2/4, e_result 3/4, reuse 1/4, online_payment 1/2,
    satisfaction_rate_766 (4 − 1 dissatisfied)/4, online_service_usage 3/3.
    tiến độ 1 × 20 = 20; số hóa 0.5 × 8 + 0.75 × 8 + 0.25 × 6 = 11.5;
    trực tuyến 1 × 6 + 0.75 × 6 + 0.5 × 6 + 0.5 × 4 = 15.5; hài lòng 0.75 × 18 = 13.5;
    công khai minh bạch not measured → TOTAL 60.5 of 100, measured maximum 82.
Sở Công Thương, official year 2024 (a3, a4): online 1, full online 1/2, on time 1,
    digitized 1/2, e-result 1, reuse 1/2, payment 1/1, satisfaction 1, usage 2/2 →
    20 + (4 + 8 + 3) + (6 + 6 + 3 + 4) + 18 = 72.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from orchestration.settings import DBT_PROJECT_DIR
from tests.support.dbt_harness import build_warehouse, run_dbt
from tests.test_dbt_targets import SCT, query, raw_frames

PROFILE = DBT_PROJECT_DIR / "seeds" / "service_index_profile.csv"
GROUP_MAXIMA = {
    "cong_khai_minh_bach": 18,
    "tien_do_giai_quyet": 20,
    "so_hoa_ho_so": 22,
    "dich_vu_truc_tuyen": 22,
    "muc_do_hai_long": 18,
}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    with pytest.MonkeyPatch.context() as patch:
        # Only this lineage's data tests (see test_dbt_reconciliation.py).
        patch.setenv("DBT_INDIRECT_SELECTION", "cautious")
        return build_warehouse(
            tmp_path_factory.mktemp("service_index"), raw_frames(), select="+service_index"
        )


def _scores(warehouse: Path, calendar: str, period_key: str, scope: tuple[str, str]) -> dict:
    frame = query(
        warehouse,
        f"""
        select item_code, points, max_points, measured_max_points, measurement_status
        from marts.service_index
        where calendar = '{calendar}' and period_key = '{period_key}'
          and scope_type = '{scope[0]}' and scope_code = '{scope[1]}'
        """,
    )
    return {row.item_code: row for row in frame.itertuples(index=False)}


def test_profile_seed_adds_up() -> None:
    profile = pd.read_csv(PROFILE)
    assert profile.groupby("group_code")["group_max"].first().to_dict() == GROUP_MAXIMA
    assert profile.groupby("group_code")["max_points"].sum().to_dict() == GROUP_MAXIMA
    assert profile["item_code"].is_unique
    # Công khai, minh bạch: no source here measures it.
    open_items = profile[profile["group_code"] == "cong_khai_minh_bach"]
    assert open_items["indicator"].isna().all()
    assert profile.loc[profile["group_code"] != "cong_khai_minh_bach", "indicator"].notna().all()


def test_province_year(warehouse: Path) -> None:
    scores = _scores(warehouse, "official", "2024", ("province", "T01"))
    expected_groups = {
        "cong_khai_minh_bach": None,
        "tien_do_giai_quyet": 20.0,
        "so_hoa_ho_so": 11.5,
        "dich_vu_truc_tuyen": 15.5,
        "muc_do_hai_long": 13.5,
    }
    for group, points in expected_groups.items():
        row = scores[group]
        assert row.max_points == GROUP_MAXIMA[group]
        if points is None:
            assert math.isnan(row.points) and row.measured_max_points == 0
            assert row.measurement_status == "not_measured"
        else:
            assert row.points == pytest.approx(points)
            assert row.measured_max_points == GROUP_MAXIMA[group]
    assert scores["tdgq_dung_han"].points == pytest.approx(20.0)
    assert scores["shhs_tai_su_dung"].points == pytest.approx(1.5)
    assert math.isnan(scores["ckmb_cong_bo_tthc"].points)
    total = scores["TOTAL"]
    assert total.points == pytest.approx(60.5)
    assert (total.max_points, total.measured_max_points) == (100, 82)
    assert total.measurement_status == "partial"


def test_agency_year(warehouse: Path) -> None:
    total = _scores(warehouse, "official", "2024", ("agency", SCT))["TOTAL"]
    assert total.points == pytest.approx(72.0)
    assert total.measured_max_points == 82


def test_nothing_to_score(warehouse: Path) -> None:
    # No commune in the catalogue: every rate of level xa is NULL → nothing is scored.
    scores = _scores(warehouse, "official", "2024", ("level", "xa"))
    assert all(math.isnan(row.points) for row in scores.values())
    assert scores["TOTAL"].measured_max_points == 0
    assert scores["TOTAL"].measurement_status == "no_data"


def test_one_row_per_item_group_and_total(warehouse: Path) -> None:
    frame = query(
        warehouse,
        """
        select calendar, grain, period_key, scope_type, scope_code, count(*) as n
        from marts.service_index
        group by calendar, grain, period_key, scope_type, scope_code
        """,
    )
    items = len(pd.read_csv(PROFILE))
    assert set(frame["n"]) == {items + len(GROUP_MAXIMA) + 1}
    # Scored per province, level and agency only; field groups carry satisfaction only.
    assert set(frame["scope_type"]) == {"province", "level", "agency"}


def test_dbt_unit_tests(warehouse: Path, tmp_path: Path) -> None:
    # The dbt unit tests of the service index (yml beside the models).
    # They read column types from the upstream relations, which this warehouse holds.
    run_dbt(warehouse, ["test", "--select", "service_index,test_type:unit"], tmp_path)

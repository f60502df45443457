from datetime import UTC, date, datetime

import pytest

from orchestration.partitions import (
    next_quarter_start,
    normalise_quarter,
    previous_quarter,
    quarter_of,
    quarter_start,
    quarters_between,
    rebuild_window,
)
from orchestration.settings import LOCAL_TZ, current_quarter, partitions_through


def test_quarter_labels_round_trip() -> None:
    assert quarter_start("2024-Q1") == date(2024, 1, 1)
    assert quarter_start("2024-q4") == date(2024, 10, 1)
    assert next_quarter_start("2024-Q4") == date(2025, 1, 1)
    assert quarter_of(date(2024, 7, 1)) == "2024-Q3"
    assert normalise_quarter(" 2024-q2") == "2024-Q2"
    with pytest.raises(ValueError, match="invalid quarter"):
        quarter_start("2024-Q5")
    with pytest.raises(ValueError, match="invalid quarter"):
        quarter_start("2024-04-01")  # the old partition keys are not quarter names


def test_previous_quarter_crosses_the_year() -> None:
    assert previous_quarter("2024-Q1") == "2023-Q4"
    assert previous_quarter("2024-Q3") == "2024-Q2"


def test_window_of_one_quarter_covers_both_calendars() -> None:
    # Official 2024-Q1 starts 15 Dec 2023; calendar 2024-Q1 ends 31 Mar 2024.
    window = rebuild_window(datetime(2024, 1, 1), datetime(2024, 4, 1))
    assert window == {"rebuild_from": "2023-12-15", "rebuild_to": "2024-03-31"}


def test_window_of_a_backfill_range_and_a_custom_cutoff() -> None:
    window = rebuild_window(date(2023, 1, 1), date(2025, 1, 1), cutoff_day=20)
    assert window == {"rebuild_from": "2022-12-20", "rebuild_to": "2024-12-31"}


def test_quarters_between_is_inclusive() -> None:
    assert quarters_between("2023-Q4", "2024-Q2") == ["2023-Q4", "2024-Q1", "2024-Q2"]
    with pytest.raises(ValueError):
        quarters_between("2024-Q2", "2024-Q1")


def test_the_last_quarter_offered_is_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CCHC_PARTITIONS_THROUGH", "2030-q4")
    assert partitions_through() == "2030-Q4"
    monkeypatch.delenv("CCHC_PARTITIONS_THROUGH")
    assert partitions_through() == current_quarter()  # default: the quarter in progress


def test_the_quarter_in_progress_is_the_provinces() -> None:
    # 31 Mar 20:00 UTC is already 1 Apr in Hà Nội / Asia/Ho_Chi_Minh (UTC+7).

    assert current_quarter(datetime(2024, 3, 31, 20, 0, tzinfo=UTC)) == "2024-Q2"
    assert current_quarter(datetime(2024, 3, 31, 12, 0, tzinfo=LOCAL_TZ)) == "2024-Q1"

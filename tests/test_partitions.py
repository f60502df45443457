from datetime import date, datetime

import pytest

from orchestration.partitions import (
    partition_key_to_quarter,
    previous_quarter,
    quarter_to_partition_key,
    quarterly_partitions,
    quarters_between,
    rebuild_window,
)


def test_quarter_labels_round_trip() -> None:
    assert quarter_to_partition_key("2024-Q1") == "2024-01-01"
    assert quarter_to_partition_key("2024-q4") == "2024-10-01"
    assert partition_key_to_quarter("2024-07-01") == "2024-Q3"
    with pytest.raises(ValueError, match="invalid quarter"):
        quarter_to_partition_key("2024-Q5")


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


def test_the_quarter_in_progress_is_a_valid_partition() -> None:
    keys = quarterly_partitions.get_partition_keys(current_time=datetime(2024, 5, 20))
    assert keys[-1] == "2024-04-01"
    assert keys[0] == "2020-01-01"

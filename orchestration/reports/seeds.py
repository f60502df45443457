"""The two seeds a report needs beside the marts: the plans' targets and the index profile.

targets.csv is the list of targets that must *all* appear in a report for their year,
including those the marts could not evaluate (no data yet): reading the seed, not only
marts.target_attainment, is what makes a missing evaluation visible instead of silent.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from orchestration.settings import DBT_PROJECT_DIR

TARGETS_CSV = DBT_PROJECT_DIR / "seeds" / "targets.csv"
SERVICE_INDEX_PROFILE_CSV = DBT_PROJECT_DIR / "seeds" / "service_index_profile.csv"


def read_targets(path: Path = TARGETS_CSV) -> pd.DataFrame:
    targets = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    for column in ("year_from", "year_to"):
        targets[column] = targets[column].astype(int)
    targets["target_value"] = targets["target_value"].astype(float)
    return targets


def targets_for_year(targets: pd.DataFrame, year: int) -> pd.DataFrame:
    applies = (targets["year_from"] <= year) & (targets["year_to"] >= year)
    return targets[applies].reset_index(drop=True)


def read_item_names(path: Path = SERVICE_INDEX_PROFILE_CSV) -> dict[str, str]:
    """item_code → Vietnamese item name; empty when the profile is not there."""
    if not path.exists():
        return {}
    profile = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    return dict(zip(profile["item_code"], profile["item_name"], strict=True))


def attach_attainment(targets: pd.DataFrame, attainment: pd.DataFrame, year: int) -> pd.DataFrame:
    """Targets of ``year`` with the mart's evaluation (actual, met) and last year's actual.

    A target the mart did not evaluate keeps NULL actual and met: "Chưa đủ dữ liệu".
    Last year's actual is shown for min_increase targets, whose verdict depends on it.
    """
    keys = ["plan_code", "target_code"]
    this_year = attainment[attainment["year"] == year][[*keys, "actual_value", "met"]]
    last_year = attainment[attainment["year"] == year - 1][[*keys, "actual_value"]]
    last_year = last_year.rename(columns={"actual_value": "previous_value"})
    rows = targets_for_year(targets, year).merge(this_year, on=keys, how="left")
    return rows.merge(last_year, on=keys, how="left")

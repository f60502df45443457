"""Checks of the settings that a run needs, made before anything heavy is imported or started.

A mistyped landing root used to fail a run minutes later, deep inside Dagster. These checks
take milliseconds and name the path and what to do, in one line (Vietnamese / English).
Only the standard library here: `cchc` must answer in well under two seconds.
"""

from __future__ import annotations

import os
from pathlib import Path

from orchestration.settings import DATA_DIR_ENV as DATA_ENV
from orchestration.settings import LANDING_DIR_ENV as LANDING_ENV
from orchestration.settings import OFFICIAL_CUTOFF_DAY_ENV as CUTOFF_ENV
from orchestration.settings import Settings, landing_reference_files


class SettingsError(Exception):
    """A setting a user can fix: the message is the one line the operator sees."""


def check_environment() -> None:
    """Variables that are set but empty would silently mean the current directory."""
    for name in (LANDING_ENV, DATA_ENV):
        value = os.environ.get(name)
        if value is not None and not value.strip():
            raise SettingsError(
                f"Biến {name} đang để trống: đặt đường dẫn thư mục hoặc bỏ biến đi. / "
                f"{name} is set but empty: set it to a directory or unset it."
            )
    cutoff = os.environ.get(CUTOFF_ENV)
    if cutoff is not None and not (cutoff.strip().isdigit() and 1 <= int(cutoff) <= 31):
        raise SettingsError(
            f"{CUTOFF_ENV}={cutoff!r} không hợp lệ: cần một ngày từ 1 đến 31. / "
            f"{CUTOFF_ENV} must be a day of the month from 1 to 31."
        )


def check_landing(settings: Settings) -> None:
    """The landing root exists, can be read, and holds the two required catalogues."""
    landing = settings.landing_dir
    if not landing.exists():
        raise SettingsError(
            f"Không thấy thư mục tiếp nhận {landing}: kiểm tra {LANDING_ENV}. / "
            f"Landing directory not found: check {LANDING_ENV}."
        )
    if not landing.is_dir():
        raise SettingsError(
            f"{landing} không phải thư mục: {LANDING_ENV} phải trỏ tới thư mục tiếp nhận. / "
            f"Not a directory: {LANDING_ENV} must name the landing directory."
        )
    if not os.access(landing, os.R_OK | os.X_OK):
        raise SettingsError(
            f"Không đọc được thư mục tiếp nhận {landing}: cấp quyền đọc cho người chạy. / "
            "Landing directory is not readable: grant read access to the user running cchc."
        )
    for relative in landing_reference_files(landing):
        path = landing / relative
        if not path.is_file():
            raise SettingsError(
                f"Thiếu danh mục bắt buộc {path}: đặt {relative} vào thư mục tiếp nhận "
                f"hoặc sửa {LANDING_ENV}. / Required reference file missing: put {relative} "
                f"in the landing directory or fix {LANDING_ENV}."
            )
        if not os.access(path, os.R_OK):
            raise SettingsError(
                f"Không đọc được danh mục {path}: cấp quyền đọc. / "
                "Reference file is not readable: grant read access."
            )


def check_data_dir_writable(settings: Settings) -> None:
    """A run writes the warehouse, its logs and the publication below the data dir."""
    data_dir = settings.data_dir
    if data_dir.exists() and not data_dir.is_dir():
        raise SettingsError(
            f"{data_dir} không phải thư mục: sửa {DATA_ENV}. / Not a directory: fix {DATA_ENV}."
        )
    existing = _nearest_existing(data_dir)
    if not os.access(existing, os.W_OK | os.X_OK):
        raise SettingsError(
            f"Thư mục dữ liệu {data_dir} chỉ đọc: đặt {DATA_ENV} tới thư mục ghi được "
            f"(lệnh chạy cần ghi kho). / Data directory is read-only: set {DATA_ENV} to a "
            "writable directory (a run writes the warehouse)."
        )
    for child in ("warehouse.duckdb", "warehouse.lock", "logs", "dagster"):
        path = data_dir / child
        if path.exists() and not os.access(path, os.W_OK):
            raise SettingsError(
                f"Không ghi được {path}: cấp quyền ghi hoặc đặt {DATA_ENV} khác. / "
                f"Not writable: grant write access or set another {DATA_ENV}."
            )


def check_writable_dir(path: Path, what: str) -> None:
    """An output directory (e.g. `cchc report --out`) exists or can be made, and is writable."""
    if path.exists() and not path.is_dir():
        raise SettingsError(f"{path} không phải thư mục / is not a directory ({what}).")
    existing = _nearest_existing(path)
    if not os.access(existing, os.W_OK | os.X_OK):
        raise SettingsError(
            f"Không ghi được vào {path} ({what}): chọn thư mục khác bằng --out. / "
            f"Cannot write to {path}: choose another directory with --out."
        )


def _nearest_existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path

"""`make ui` from a fresh shell: the code location loads with nothing activated, and the UI's
Dagster instance follows CCHC_DATA_DIR (so it shows the runs `cchc` made in that data dir)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from orchestration.settings import PROJECT_ROOT

VENV_BIN = PROJECT_ROOT / ".venv" / "bin"


def _fresh_shell_env(tmp_path: Path) -> dict[str, str]:
    """What a new login shell has: the system's PATH, no venv, no project variables."""
    path = ":".join(
        part
        for part in os.environ.get("PATH", "/usr/bin:/bin").split(":")
        if part and Path(part).resolve() != VENV_BIN.resolve() and not (Path(part) / "dbt").exists()
    )
    return {"PATH": path or "/usr/bin:/bin", "HOME": str(tmp_path), "DO_NOT_TRACK": "1"}


def test_fresh_shell_has_no_dbt_on_path(tmp_path: Path) -> None:
    """The premise of the next test: the venv's dbt is not reachable through PATH."""
    assert shutil.which("dbt", path=_fresh_shell_env(tmp_path)["PATH"]) is None


def test_make_ui_loads_the_code_location_without_an_activated_venv(tmp_path: Path) -> None:
    data_dir = tmp_path / "operator_data"  # make splits words: no spaces
    completed = subprocess.run(
        ["make", "--no-print-directory", "ui-check", f"CCHC_DATA_DIR={data_dir}"],
        cwd=PROJECT_ROOT,
        env=_fresh_shell_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output
    assert "Validation successful for code location orchestration.definitions" in output
    assert "was not found on PATH" not in output
    # The instance the UI uses is the data dir's own, as `cchc` uses it.
    assert (data_dir / "dagster" / "dagster.yaml").read_bytes() == (
        PROJECT_ROOT / "dagster.yaml"
    ).read_bytes()


def test_make_ui_follows_a_relative_data_dir(tmp_path: Path) -> None:
    completed = subprocess.run(
        ["make", "--no-print-directory", "-n", "ui", "CCHC_DATA_DIR=elsewhere/data"],
        cwd=PROJECT_ROOT,
        env=_fresh_shell_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    absolute = PROJECT_ROOT / "elsewhere" / "data"
    assert f"mkdir -p {absolute}/dagster" in completed.stdout
    assert f'CCHC_DATA_DIR="{absolute}"' in completed.stdout
    assert f'PATH="{VENV_BIN}:' in completed.stdout

"""`cchc alerts` and the due_date_alerts asset over the hand-made alerts fixture
(tests/support/alerts_fixture.py, built as of 03/05/2024 by dbt)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import openpyxl
import pytest
from dagster import AssetCheckSeverity, DagsterInstance, materialize
from typer.testing import CliRunner

from orchestration.cli import app
from orchestration.defs.alerts import CHECK_NAME, due_date_alerts, overdue_growth
from orchestration.defs.resources import WarehouseResource
from tests.support import dossier_fixture as fx
from tests.support.alerts_fixture import build_alerts_warehouse


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("alerts-cli")
    (tmp / "build").mkdir()
    analytics = build_alerts_warehouse(tmp / "build")
    data = tmp / "data"
    data.mkdir()
    shutil.copyfile(analytics, data / "analytics.duckdb")
    return data


def _rows(path: Path) -> list[tuple]:
    ws = openpyxl.load_workbook(path).active
    return [tuple(c.value for c in row) for row in ws.iter_rows()]


def test_cli_writes_one_workbook_per_agency_and_a_summary(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CCHC_DATA_DIR", str(data_dir))
    result = CliRunner().invoke(app, ["alerts", "--as-of", "2024-02-07", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    folder = tmp_path / "2024-02-07"
    # T1: LATE_ONE overdue; TODAY (0) and TET_AFTER (1) due soon. H1: CLOSED_NEXT due soon.
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [f"canh_bao_{fx.T1}.xlsx", f"canh_bao_{fx.H1}.xlsx", "tong_hop_canh_bao.xlsx"]
    )
    rows = _rows(folder / f"canh_bao_{fx.T1}.xlsx")
    assert rows[0][0].startswith("Danh sách hồ sơ quá hạn, sắp đến hạn")
    header = rows.index(next(r for r in rows if r[0] == "STT / no."))
    table = rows[header + 1 :]
    # overdue first, then due soon by working days left; procedure, dates and days left
    assert [r[1] for r in table] == ["LATE_ONE", "TODAY", "TET_AFTER"]
    assert [r[6] for r in table] == [-1, 0, 1]
    assert table[0][2] == fx.P1 and table[0][5].date().isoformat() == "2024-02-06"
    assert table[0][4].date().isoformat() == "2024-01-15"
    assert table[0][7].startswith("Quá hạn")
    # no personal data: nothing but codes, procedure, field, dates, counts and labels
    assert all(len(r) == 8 for r in table)
    summary = _rows(folder / "tong_hop_canh_bao.xlsx")
    first = summary.index(next(r for r in summary if r[0] == "STT / no.")) + 1
    # worst first: T1 (1 overdue) before H1 (0 overdue, 1 due soon) before X1 (nothing)
    assert [r[1] for r in summary[first:]] == [fx.T1, fx.H1, fx.X1]
    assert summary[first][3:5] == (1, 2)


def test_cli_one_agency_and_bad_input(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CCHC_DATA_DIR", str(data_dir))
    runner = CliRunner()
    result = runner.invoke(app, ["alerts", "--agency", fx.X1, "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    # as of the latest update (03/05/2024); X1 has nothing, its workbook says so
    rows = _rows(tmp_path / "2024-05-03" / f"canh_bao_{fx.X1}.xlsx")
    assert any(r[0] and str(r[0]).startswith("Không có hồ sơ") for r in rows)
    assert runner.invoke(app, ["alerts", "--agency", "NOPE"]).exit_code == 2
    assert runner.invoke(app, ["alerts", "--as-of", "1990-01-01"]).exit_code == 2
    assert runner.invoke(app, ["alerts", "--as-of", "03/05/2024"]).exit_code == 2


def test_overdue_growth() -> None:
    assert overdue_growth(None, {"A": 3}) == {}
    assert overdue_growth({"A": 1, "B": 2}, {"A": 2, "B": 2, "C": 1}) == {"A": (1, 2), "C": (0, 1)}
    assert overdue_growth({"A": 2}, {"A": 1}) == {}


def test_asset_metadata_and_a_warning_when_overdue_grows(data_dir: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(data_dir, data)
    resources = {"warehouse": WarehouseResource(landing_dir=str(tmp_path), data_dir=str(data))}
    instance = DagsterInstance.ephemeral()

    def run():
        result = materialize([due_date_alerts], instance=instance, resources=resources)
        assert result.success  # a WARN check never fails the run
        metadata = result.asset_materializations_for_node("due_date_alerts")[0].metadata
        (check,) = result.get_asset_check_evaluations()
        assert check.check_name == CHECK_NAME and check.severity == AssetCheckSeverity.WARN
        return metadata, check

    metadata, check = run()
    # as of 03/05: HOLIDAYS (H1) overdue; MAKEUP (T1) and MAKEUP_SAT (H1) due soon; the
    # dossiers due in Feb–Mar are overdue too (T1: TET_AFTER, TODAY, LATE_ONE, TET_FAR,
    # SATURDAY, NEXT_FRIDAY, LATER; H1: WEEKEND)
    assert metadata["overdue_by_agency"].value == {fx.T1: 7, fx.H1: 2, fx.X1: 0}
    assert metadata["due_soon_by_agency"].value == {fx.T1: 1, fx.H1: 1, fx.X1: 0}
    assert check.passed  # nothing to compare with yet

    metadata, check = run()
    assert check.passed  # unchanged

    # one more overdue dossier for X1 (as a later publish would bring)
    con = duckdb.connect(str(data / "analytics.duckdb"))
    try:
        con.execute(
            "insert into marts.pending_alerts select as_of_date, ?, 'X_NEW', procedure_code, "
            "field_name, received_date, due_date, working_days_left, alert "
            "from marts.pending_alerts where dossier_code = 'HOLIDAYS'",
            [fx.X1],
        )
    finally:
        con.close()
    metadata, check = run()
    assert not check.passed
    assert check.metadata["grown"].value == {fx.X1: {"before": 0, "now": 1}}

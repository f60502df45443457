"""Many provinces in one landing (landing/<province_code>/...), end to end: one real
`cchc run` over the sample as province T01 beside its renamed copy as T02
(tests/support/provinces.py), checked against the one-province baseline run of the sample.

What must hold, from the contract's accounting rules: the province is a scope above level,
so each province's figures are exactly what it has alone (T01's rows equal the baseline's,
T02's equal T01's code for code: nothing leaks between provinces, no level or field group
is shared); the national marts are sums of counts (twice T01's here) with rates recomputed
as sum over sum (equal to T01's), and two equal provinces tie at rank 1.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from orchestration.settings import Settings
from tests.support.cli_user import run_cchc
from tests.support.pipeline import run_cli
from tests.support.provinces import two_province_landing

pytestmark = pytest.mark.xdist_group("e2e")

# Marts keyed by a scope, with its province_code (the scope above level).
PROVINCE_KEYED = ("period_accounting", "service_rates", "service_index", "target_attainment")
RENAMED = "T02"


@dataclass(frozen=True)
class Runs:
    con: duckdb.DuckDBPyConnection  # `two` (the two-province run) and `one` (the baseline)
    data_dir: Path
    landing: Path


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory, shared_baseline) -> Iterator[Runs]:
    root = tmp_path_factory.mktemp("many-provinces")
    landing = two_province_landing(root, RENAMED)
    data_dir = root / "data"
    run_cli(["run"], data_dir, landing)
    baseline = shared_baseline.get()
    con = duckdb.connect()
    con.execute(f"attach '{Settings(landing, data_dir).analytics_path}' as two (read_only)")
    con.execute(f"attach '{baseline.analytics}' as one (read_only)")
    try:
        yield Runs(con, data_dir, landing)
    finally:
        con.close()


def _columns(con: duckdb.DuckDBPyConnection, database: str, table: str) -> list[str]:
    return [name for name, _ in _typed_columns(con, database, table)]


def _typed_columns(
    con: duckdb.DuckDBPyConnection, database: str, table: str
) -> list[tuple[str, str]]:
    return con.execute(
        "select column_name, data_type from duckdb_columns() where database_name = ? "
        "and schema_name = 'marts' and table_name = ? order by column_index",
        [database, table],
    ).fetchall()


def _compared(con: duckdb.DuckDBPyConnection, table: str, renamed: bool = False) -> str:
    """The select list of ``table``'s columns, doubles rounded to 9 decimals (sums of
    points or minutes added in another order differ in the last bits, 1e-14, not in value);
    ``renamed``: T01's codes as T02 has them."""
    parts = []
    for name, data_type in _typed_columns(con, "one", table):
        value = f'"{name}"'
        if renamed and name == "scope_code":
            value = f"replace(replace(scope_code, '.T01', '.{RENAMED}'), 'T01', '{RENAMED}')"
        elif renamed and name == "province_code":
            value = f"'{RENAMED}'"
        if data_type == "DOUBLE":
            value = f"round({value}, 9)"
        parts.append(f'{value} as "{name}"')
    return ", ".join(parts)


def _differences(con: duckdb.DuckDBPyConnection, left: str, right: str) -> int:
    """Rows in one query's result and not the other's (multisets), both ways."""
    return con.execute(
        f"select (select count(*) from ({left} except all {right})) "
        f"+ (select count(*) from ({right} except all {left}))"
    ).fetchone()[0]


@pytest.mark.parametrize("table", PROVINCE_KEYED)
def test_each_province_has_what_it_has_alone(runs: Runs, table: str) -> None:
    columns = _compared(runs.con, table)
    alone = f"select {columns} from one.marts.{table}"
    together = f"select {columns} from two.marts.{table} where province_code = 'T01'"
    rows = runs.con.execute(f"select count(*) from ({alone})").fetchone()[0]
    assert rows > 0
    assert _differences(runs.con, alone, together) == 0


@pytest.mark.parametrize("table", ("period_accounting", "service_rates", "service_index"))
def test_the_renamed_province_has_the_same_figures_code_for_code(runs: Runs, table: str) -> None:
    renamed = _compared(runs.con, table, renamed=True)
    columns = _compared(runs.con, table)
    first = f"select {renamed} from two.marts.{table} where province_code = 'T01'"
    second = f"select {columns} from two.marts.{table} where province_code = '{RENAMED}'"
    assert _differences(runs.con, first, second) == 0


def test_levels_and_field_groups_are_per_province(runs: Runs) -> None:
    scopes = runs.con.execute(
        "select province_code, scope_type, count(distinct scope_code) from two.marts.service_rates "
        "where scope_type in ('province', 'level', 'field_group') group by all order by all"
    ).fetchall()
    alone = dict(
        runs.con.execute(
            "select scope_type, count(distinct scope_code) from one.marts.service_rates "
            "where scope_type in ('province', 'level', 'field_group') group by all"
        ).fetchall()
    )
    assert scopes == [
        (province, scope_type, alone[scope_type])
        for province in ("T01", RENAMED)
        for scope_type in ("field_group", "level", "province")
    ]


def test_national_rates_are_sums_of_counts(runs: Runs) -> None:
    """Twice T01's counts; the rate recomputed from them equals T01's own."""
    wrong = runs.con.execute(
        """
        select count(*), count(n.indicator)
        from one.marts.service_rates as p
        left join two.marts.national_rates as n
            on n.calendar = p.calendar and n.grain = p.grain
            and n.period_key = p.period_key and n.indicator = p.indicator
        where p.scope_type = 'province'
          and (n.indicator is null or n.provinces <> 2
               or n.numerator is distinct from 2 * p.numerator
               or n.denominator <> 2 * p.denominator
               or (n.rate is null) <> (p.rate is null) or abs(n.rate - p.rate) > 1e-12)
        """
    ).fetchone()
    assert wrong == (0, 0)
    (rows,) = runs.con.execute("select count(*) from two.marts.national_rates").fetchone()
    (province_rows,) = runs.con.execute(
        "select count(*) from one.marts.service_rates where scope_type = 'province'"
    ).fetchone()
    assert rows == province_rows


def test_national_accounting_doubles_the_province_counts(runs: Runs) -> None:
    counts = [
        c
        for c in _columns(runs.con, "two", "national_accounting")
        if c in _columns(runs.con, "one", "period_accounting")
        and c not in ("calendar", "grain", "period_key", "period_start", "period_end")
    ]
    assert "received" in counts and "pending_overdue" in counts
    differs = " or ".join(f"n.{c} <> 2 * p.{c}" for c in counts)
    (wrong,) = runs.con.execute(
        f"""
        select count(*)
        from one.marts.period_accounting as p
        inner join two.marts.national_accounting as n
            on n.calendar = p.calendar and n.grain = p.grain and n.period_key = p.period_key
        where p.scope_type = 'province' and (n.provinces <> 2 or {differs})
        """
    ).fetchone()
    assert wrong == 0


def test_equal_provinces_tie_at_rank_one(runs: Runs) -> None:
    ranks = runs.con.execute(
        "select rank_in_country, provinces_ranked, count(*) from two.marts.province_ranking "
        "group by all order by all nulls last"
    ).fetchall()
    ranked = [r for r in ranks if r[0] is not None]
    assert ranked and all(rank == 1 and of == 2 for rank, of, _ in ranked)
    unranked = [r for r in ranks if r[0] is None]
    assert all(of == 0 for _, of, _ in unranked)  # a NULL rate in both: nobody ranked


def test_files_reconcile_in_each_province_folder(runs: Runs) -> None:
    per_province = runs.con.execute(
        """
        select split_part(file_path, '/', 1), count(*), sum(rows_read),
               sum(rows_loaded), sum(rows_quarantined),
               count(*) filter (where rows_read <> rows_loaded + rows_quarantined)
        from two.marts.file_ledger group by 1 order by 1
        """
    ).fetchall()
    assert [row[0] for row in per_province] == ["T01", RENAMED]
    (t01, t02) = per_province
    assert t01[5] == 0 and t02[5] == 0  # rows read = loaded + quarantined, every file
    assert t01[1:5] == t02[1:5]
    alone = runs.con.execute(
        "select count(*), sum(rows_read), sum(rows_loaded), sum(rows_quarantined) "
        "from one.marts.file_ledger"
    ).fetchone()
    assert t01[1:5] == alone


def test_a_report_per_province(runs: Runs) -> None:
    quarter = runs.data_dir / "reports" / "2024-Q2"
    for province in ("T01", RENAMED):
        html = (quarter / province / "bao_cao_cchc_2024-Q2_official.html").read_text("utf-8")
        assert f"Tỉnh {province}" in html
        other = RENAMED if province == "T01" else "T01"
        assert f".{other}" not in html, f"{province}'s report shows {other}'s agencies"


def test_cchc_report_for_one_province_or_a_clear_refusal(runs: Runs, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    done = run_cchc(
        ["report", "--period", "2024-Q2", "--province", RENAMED, "--out", str(out)],
        runs.data_dir,
        runs.landing,
    )
    assert done.returncode == 0, done
    assert sorted(p.name for p in (out / "2024-Q2").iterdir()) == [RENAMED]
    refused = run_cchc(
        ["report", "--period", "2024-Q2", "--province", "T09", "--out", str(out)],
        runs.data_dir,
        runs.landing,
    )
    assert refused.returncode == 2, refused
    assert "Traceback" not in refused.stdout + refused.stderr
    [line] = [line for line in refused.stderr.splitlines() if line.strip()]
    assert "T09" in line and "T01, T02" in line

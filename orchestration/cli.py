"""`cchc`: the operators' command line. It drives the same Dagster assets as the UI."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
import time
import uuid
import warnings
from datetime import date
from pathlib import Path
from typing import Annotated

import duckdb
import typer
from rich.console import Console
from rich.table import Table

from orchestration.instance import prepare_dagster_home
from orchestration.load.warehouse import WarehouseBusy, writer_lock
from orchestration.reports.labels import FILE_STATUSES, INDICATOR_SHORT
from orchestration.reports.numbers import fmt_int, fmt_percent
from orchestration.settings import DBT_PROJECT_DIR, load_settings

app = typer.Typer(help="Kho dữ liệu CCHC / CCHC warehouse", no_args_is_help=True)
# Bound to the real stdout: during a run, stdout is redirected to the run's log file (dbt's
# own output goes there), while the progress lines still reach the operator.
console = Console(file=sys.stdout)


def ensure_manifest() -> None:
    """The manifest is a build artefact (`make manifest`); build it if a checkout lacks it."""
    manifest = DBT_PROJECT_DIR / "target" / "manifest.json"
    if manifest.exists():
        return
    console.print("[dim]Chuẩn bị manifest dbt / preparing the dbt manifest…[/dim]")
    subprocess.run(
        [
            str(Path(sys.executable).with_name("dbt")),
            "parse",
            "--quiet",
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
        ],
        check=True,
        env={**os.environ, "DO_NOT_TRACK": "1"},
    )


class _StepProgress(threading.Thread):
    """Follows the run's step events in the instance's event log and shows them: the
    status line names the running step; each finished step prints with its elapsed time."""

    def __init__(self, instance, run_id: str, status) -> None:  # noqa: ANN001
        super().__init__(daemon=True)
        self.instance, self.run_id, self.status = instance, run_id, status
        self.stopped = threading.Event()
        self.started = time.monotonic()
        self.seen = 0

    def poll(self) -> None:
        from dagster import DagsterEventType

        kinds = {
            DagsterEventType.STEP_START,
            DagsterEventType.STEP_SUCCESS,
            DagsterEventType.STEP_FAILURE,
        }
        records = self.instance.all_logs(self.run_id, of_type=kinds)
        for record in records[self.seen :]:
            event = record.dagster_event
            elapsed = time.monotonic() - self.started
            if event.event_type == DagsterEventType.STEP_START:
                self.status.update(f"[bold]Đang chạy / running:[/bold] {event.step_key}")
            else:
                ok = event.event_type == DagsterEventType.STEP_SUCCESS
                mark = "[green]✓[/green]" if ok else "[red]✗[/red]"
                console.print(f"{mark} {event.step_key}  [dim]{elapsed:6.1f}s[/dim]")
        self.seen = len(records)

    def run(self) -> None:
        while not self.stopped.wait(0.5):
            self.poll()

    def stop(self) -> None:
        self.stopped.set()
        self.join()
        self.poll()


# Marks the runs this command executes in-process (the UI's and the daemon's runs lack it).
CLI_RUN_TAG = "cchc/launched_by"


def _recover_dead_runs(instance) -> list[str]:  # noqa: ANN001 - a DagsterInstance
    """Mark failed the runs of this command whose process died, and free their pool slots.

    A `cchc run` killed midway (kill -9, power loss) stays "started" in Dagster's storage and
    keeps its `warehouse_writer` pool slot for ever; every later run would then wait for that
    slot without end. Only call this holding the writer lock: then no `cchc` process is
    running, so every unfinished run carrying our tag is dead.
    """
    from dagster import DagsterRunStatus, RunsFilter

    unfinished = [
        DagsterRunStatus.NOT_STARTED,
        DagsterRunStatus.STARTING,
        DagsterRunStatus.STARTED,
        DagsterRunStatus.CANCELING,
    ]
    dead = instance.get_runs(filters=RunsFilter(statuses=unfinished, tags={CLI_RUN_TAG: "cli"}))
    for dagster_run in dead:
        instance.report_run_failed(
            dagster_run,
            message="Tiến trình của lượt chạy đã chết (bị dừng đột ngột) / the run's process "
            "died (killed); marked failed by the next `cchc` run.",
        )
        instance.event_log_storage.free_concurrency_slots_for_run(dagster_run.run_id)
    return [dagster_run.run_id for dagster_run in dead]


def _execute(first_quarter: str, last_quarter: str) -> bool:
    """One in-process run of the full job over a range of quarters (single-run backfill)."""
    from dagster import BetaWarning, DagsterInstance

    # `backfill_policy` is beta in Dagster 1.13: a notice for developers, not operators.
    warnings.filterwarnings("ignore", category=BetaWarning)
    from orchestration.definitions import defs
    from orchestration.defs.jobs import partition_range_tags

    job = defs.resolve_job_def("cchc_full_run")
    tags = {**partition_range_tags(first_quarter, last_quarter), CLI_RUN_TAG: "cli"}
    instance = DagsterInstance.get()
    for dead_run in _recover_dead_runs(instance):
        console.print(
            f"[yellow]Lượt chạy {dead_run} đã bị dừng đột ngột: đánh dấu thất bại, giải phóng "
            "khe ghi kho. / That run was killed: marked failed, its warehouse slot freed."
            "[/yellow]"
        )
    run_id = str(uuid.uuid4())
    # Dagster's own console log is for the UI's depth; operators get one line per step, the
    # rejected files (logged by the loader) and the failed steps' errors (printed below).
    quiet = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}}
    log_dir = load_settings().data_dir / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"run-{run_id}.log"
    console.print(f"[dim]Nhật ký chi tiết / detailed log: {log_path}[/dim]")
    with (
        console.status("Khởi động / starting…") as status,
        log_path.open("w", encoding="utf-8") as log_file,
        contextlib.redirect_stdout(log_file),
    ):
        progress = _StepProgress(instance, run_id, status)
        progress.start()
        try:
            result = job.execute_in_process(
                run_config=quiet,
                instance=instance,
                raise_on_error=False,
                tags=tags,
                run_id=run_id,
            )
        finally:
            progress.stop()
    if not result.success:
        for event in result.all_events:
            if event.event_type_value == "STEP_FAILURE":
                console.print(f"[red]Bước lỗi / failed step:[/red] {event.step_key}")
                error = event.step_failure_data.error
                if error is not None:
                    console.print(error.message.strip()[:2000])
    return result.success


def _all_quarters() -> tuple[str, str]:
    from orchestration.partitions import FIRST_QUARTER, partition_key_to_quarter, quarter_of

    return partition_key_to_quarter(FIRST_QUARTER), quarter_of(date.today())


@app.command()
def run() -> None:
    """Nạp tệp mới, dựng mô hình, kiểm tra và công bố / ingest, build, check, publish."""
    _run_quarters(*_all_quarters())


@app.command()
def backfill(
    from_quarter: Annotated[str, typer.Option("--from", help="Quý đầu / first quarter, 2023-Q1")],
    to_quarter: Annotated[str, typer.Option("--to", help="Quý cuối / last quarter, 2024-Q4")],
) -> None:
    """Dựng lại các quý đã qua / rebuild past quarters (one run for the whole range)."""
    from orchestration.partitions import quarters_between

    try:
        quarters = quarters_between(from_quarter, to_quarter)
    except ValueError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(code=2) from exc
    console.print(f"Dựng lại / rebuilding {len(quarters)} quý: {', '.join(quarters)}")
    _run_quarters(quarters[0], quarters[-1])


def _run_quarters(first_quarter: str, last_quarter: str) -> None:
    settings = load_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    prepare_dagster_home(settings)
    ensure_manifest()
    console.print(f"Thư mục tiếp nhận / landing: {settings.landing_dir}")
    console.print(f"Thư mục dữ liệu / data dir:  {settings.data_dir}")
    started = time.monotonic()
    try:
        with writer_lock(settings.lock_path):
            ok = _execute(first_quarter, last_quarter)
    except WarehouseBusy as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(code=2) from exc
    elapsed = time.monotonic() - started
    if not ok:
        console.print(
            f"[red]Lượt chạy thất bại sau {elapsed:.0f}s; bản công bố cũ được giữ nguyên. / "
            "Run failed; the previously published database is unchanged.[/red]"
        )
        raise typer.Exit(code=1)
    console.print(f"[green]Hoàn thành trong {elapsed:.1f}s / done.[/green]")
    console.print(f"Cơ sở dữ liệu phân tích / analytics database: {settings.analytics_path}")
    _print_headlines(settings.analytics_path)


def _print_headlines(analytics_path: Path) -> None:
    con = duckdb.connect(str(analytics_path), read_only=True)
    try:
        headline = con.execute(
            """
            select period_key, indicator, numerator, denominator, rate
            from marts.service_rates
            where calendar = 'official' and grain = 'quarter' and scope_type = 'province'
              and indicator in ('online_rate', 'full_online_rate', 'on_time_rate',
                                'satisfaction_rate', 'e_result_rate')
              and period_key = (
                  -- the latest quarter that has ended: its end is before the last month's
                  select max(period_key) from marts.period_accounting
                  where calendar = 'official' and grain = 'quarter'
                    and period_end < (select max(period_end) from marts.period_accounting
                                      where calendar = 'official' and grain = 'month'))
            order by indicator
            """
        ).fetchall()
        ledger = con.execute(
            "select status, count(*), sum(rows_loaded), sum(rows_quarantined) "
            "from marts.file_ledger group by status order by status"
        ).fetchall()
    finally:
        con.close()
    if headline:
        table = Table(
            title=f"Toàn tỉnh, quý {headline[0][0]} (kỳ chính thức, quý gần nhất đã kết thúc)"
        )
        for column in ("Chỉ tiêu / indicator", "Tử số", "Mẫu số", "Tỷ lệ"):
            table.add_column(column)
        for _, indicator, numerator, denominator, rate in headline:
            table.add_row(
                INDICATOR_SHORT.get(indicator, indicator),
                fmt_int(numerator),
                fmt_int(denominator),
                fmt_percent(rate),
            )
        console.print(table)
    for status, files, loaded, quarantined in ledger:
        console.print(
            f"Tệp {FILE_STATUSES.get(status, status).lower()} / {status}: {files}  "
            f"(dòng nạp / rows loaded {loaded or 0}, "
            f"cách ly / quarantined {quarantined or 0})",
            soft_wrap=True,  # one line per status, whatever the terminal's width
        )


@app.command()
def status() -> None:
    """Sổ theo dõi tệp và dòng cách ly (bản công bố gần nhất) / ledger and quarantine."""
    settings = load_settings()
    if not settings.analytics_path.exists():
        console.print("Chưa có bản công bố nào / nothing published yet: run `cchc run`.")
        raise typer.Exit(code=1)
    con = duckdb.connect(str(settings.analytics_path), read_only=True)
    try:
        ledger = con.execute(
            "select source, status, count(*), sum(rows_read), sum(rows_loaded), "
            "sum(rows_quarantined) from marts.file_ledger group by all order by all"
        ).fetchall()
        rejected = con.execute(
            "select file_path, message from marts.file_ledger where status = 'rejected' "
            "order by file_path"
        ).fetchall()
        reasons = con.execute(
            "select reason, sum(rows) from marts.quarantine_summary group by reason order by 2 desc"
        ).fetchall()
    finally:
        con.close()
    table = Table(title="Sổ theo dõi tệp / file ledger")
    for column in ("Nguồn", "Trạng thái", "Số tệp", "Dòng đọc", "Dòng nạp", "Dòng cách ly"):
        table.add_column(column)
    for row in ledger:
        table.add_row(*["" if v is None else str(v) for v in row])
    console.print(table)
    if reasons:
        quarantine = Table(title="Dòng cách ly theo lý do / quarantined rows by reason")
        quarantine.add_column("Lý do / reason")
        quarantine.add_column("Số dòng / rows")
        for reason, rows in reasons:
            quarantine.add_row(reason, str(rows))
        console.print(quarantine)
    for path, message in rejected:
        console.print(f"[red]Từ chối / rejected[/red] {path}: {message}")
    try:
        with writer_lock(settings.lock_path):
            pass
    except WarehouseBusy:
        console.print("[yellow]Đang có lượt chạy / a run is in progress.[/yellow]")


@app.command()
def report(
    period: Annotated[str, typer.Option(help="Kỳ báo cáo / period, e.g. 2024-Q2, 2024-H1, 2024")],
    calendar: Annotated[
        str, typer.Option(help="official (kỳ chính thức, cut-off 15) | calendar")
    ] = "official",
) -> None:
    """Viết báo cáo Excel và HTML cho một kỳ / write the Excel and HTML report of a period."""
    from orchestration.reports import write_report

    settings = load_settings()
    if not settings.analytics_path.exists():
        console.print("Chưa có bản công bố nào / nothing published yet: run `cchc run`.")
        raise typer.Exit(code=1)
    try:
        paths = write_report(
            settings.analytics_path, settings.data_dir / "reports", period, calendar
        )
    except (ValueError, LookupError) as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(code=2) from exc
    for kind, path in paths.items():
        console.print(f"{kind}: {path} ({path.stat().st_size:,} bytes)")


@app.command()
def alerts(
    agency: Annotated[
        str | None, typer.Option(help="Chỉ một đơn vị / one agency only (mã / code)")
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="Tính đến ngày / as of, YYYY-MM-DD (mặc định: dữ liệu mới nhất)"
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Thư mục đích / output directory (data/alerts)")
    ] = None,
) -> None:
    """Danh sách hồ sơ quá hạn, sắp đến hạn theo đơn vị / due-date warnings per agency."""
    from orchestration.alerts import write_alerts

    settings = load_settings()
    if not settings.analytics_path.exists():
        console.print("Chưa có bản công bố nào / nothing published yet: run `cchc run`.")
        raise typer.Exit(code=1)
    try:
        day = date.fromisoformat(as_of) if as_of else None
        files = write_alerts(
            settings.analytics_path, out or settings.data_dir / "alerts", agency=agency, as_of=day
        )
    except (ValueError, LookupError) as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(code=2) from exc
    overdue = sum(c["overdue"] for c in files.counts.values())
    due_soon = sum(c["due_soon"] for c in files.counts.values())
    console.print(
        f"Tính đến / as of {files.as_of:%d/%m/%Y}: {overdue} hồ sơ quá hạn / overdue, "
        f"{due_soon} sắp đến hạn / due soon"
    )
    console.print(f"Tổng hợp toàn tỉnh / province summary: {files.summary}")
    for code, path in files.agencies.items():
        counts = files.counts.get(code, {"overdue": 0, "due_soon": 0})
        console.print(
            f"{code}: {counts['overdue']} quá hạn, {counts['due_soon']} sắp đến hạn → {path}"
        )


@app.command("generate-sample")
def generate_sample(
    out: Annotated[Path, typer.Option(help="Thư mục đích / output directory")],
    seed: Annotated[int, typer.Option(help="Hạt giống ngẫu nhiên / random seed")] = 20240101,
) -> None:
    """Sinh dữ liệu mẫu tổng hợp / write a synthetic landing tree."""
    from orchestration.samplegen import generate

    manifest = generate(out, seed=seed)
    console.print(f"Đã sinh / generated {len(manifest.get('files', []))} tệp vào {out}")


if __name__ == "__main__":
    app()

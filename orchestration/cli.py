"""`cchc`: the operators' command line. It drives the same Dagster assets as the UI."""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import uuid
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

# Only light modules at import time: every settings error must reach the operator in well
# under two seconds, before Dagster, dbt, DuckDB or pandas are imported (they are imported
# inside the commands that need them).
from orchestration.load.discovery import REHASH_ENV
from orchestration.preflight import (
    SettingsError,
    check_data_dir_writable,
    check_environment,
    check_landing,
    check_writable_dir,
)
from orchestration.settings import DBT_MANIFEST, DBT_PROJECT_DIR, Settings, load_settings

# Exit codes: 0 done; 1 the run (or the command's work) failed; 2 the user can fix it
# (settings, paths, permissions, arguments, another run writing).
EXIT_FAILED = 1
EXIT_USAGE = 2


class _OperatorApp(typer.Typer):
    """Typer app whose errors reach the operator as one line and an exit code, never a
    traceback: the trace of an unexpected error goes to a file the line names."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().__call__(*args, **kwargs)
        except SettingsError as exc:
            _print_error(str(exc))
            sys.exit(EXIT_USAGE)
        except OSError as exc:
            where = f" {exc.filename}" if exc.filename else ""
            _print_error(
                f"Lỗi truy cập tệp / file access error{where}: {exc.strerror or exc}. "
                "Kiểm tra đường dẫn và quyền ghi / check the path and its permissions."
            )
            sys.exit(EXIT_USAGE)
        except Exception as exc:  # the last resort: one line here, the trace in a file
            trace = _write_trace(exc)
            database = _is_duckdb_error(exc)
            kind = "cơ sở dữ liệu / database" if database else "không mong đợi / unexpected"
            _print_error(
                f"Lỗi {kind} error: {type(exc).__name__}: {_one_line(str(exc))} "
                f"(chi tiết / trace: {trace})"
            )
            sys.exit(EXIT_USAGE if database else EXIT_FAILED)


app = _OperatorApp(
    help="Kho dữ liệu CCHC / CCHC warehouse",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
# Bound to the real stdout and stderr: during a run both are redirected to the run's log
# file (dbt's and Dagster's own output go there), while progress lines still reach the
# operator. soft_wrap: a message is one line whatever the terminal's width.
console = Console(file=sys.stdout, soft_wrap=True)
errors = Console(file=sys.stderr, soft_wrap=True, highlight=False)


def _one_line(text: str, limit: int = 600) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _print_error(message: str) -> None:
    errors.print(f"[red]{escape(_one_line(message, limit=2000))}[/red]")


def _fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    _print_error(message)
    raise typer.Exit(code=code)


def _is_duckdb_error(exc: BaseException) -> bool:
    return type(exc).__module__.split(".")[0] in {"duckdb", "_duckdb"}


def _write_trace(exc: BaseException) -> Path:
    """The full trace of an unexpected error, in a file of the system's temporary directory
    (not the data dir: a read command writes nothing there, and it may be read-only)."""
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", prefix="cchc-error-", suffix=".log", delete=False
    ) as handle:
        handle.write("".join(traceback.format_exception(exc)))
    return Path(handle.name)


def _settings() -> Settings:
    """Settings read from the environment, their values checked (not yet the paths)."""
    check_environment()
    return load_settings()


def _checked_run_settings() -> Settings:
    """Everything a run needs, checked before anything starts."""
    settings = _settings()
    check_landing(settings)
    check_data_dir_writable(settings)
    return settings


def ensure_manifest() -> None:
    """The manifest is a build artefact (`make manifest`); build it if a checkout lacks it."""
    if DBT_MANIFEST.exists():
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
            DagsterEventType.STEP_SKIPPED,
        }
        records = self.instance.all_logs(self.run_id, of_type=kinds)
        for record in records[self.seen :]:
            event = record.dagster_event
            elapsed = time.monotonic() - self.started
            if event.event_type == DagsterEventType.STEP_START:
                self.status.update(f"[bold]Đang chạy / running:[/bold] {event.step_key}")
            elif event.event_type == DagsterEventType.STEP_SKIPPED:
                console.print(
                    f"[dim]– {event.step_key}  bỏ qua, không có gì mới / skipped, nothing new[/dim]"
                )
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


def _nothing_new(settings: Settings) -> bool:
    """Decided as the `nightly_run` schedule decides (orchestration/defs/nothing_new.py),
    without loading Dagster's definitions; says so when it is the case."""
    from orchestration.defs.nothing_new import (
        NOTHING_NEW_MESSAGE,
        last_success_inputs_of_home,
        nothing_new,
    )
    from orchestration.instance import prepare_dagster_home

    home = prepare_dagster_home(settings)
    if not nothing_new(settings, lambda: last_success_inputs_of_home(home)):
        return False
    console.print(f"– {NOTHING_NEW_MESSAGE}")
    return True


def _execute(settings: Settings, backfill: tuple[str, str] | None, spark: bool = False) -> bool:
    """One in-process run: the nightly job, the backfill job over a range of quarters (one
    run for the whole range), or the Spark location's job."""
    from orchestration.defs.jobs import BACKFILL_JOB, NIGHTLY_JOB, backfill_run_config
    from orchestration.defs.resources import warehouse_run_config
    from orchestration.instance import dagster_instance

    if spark:
        from orchestration.definitions_spark import defs
        from orchestration.defs.spark import SPARK_JOB

        job = defs.resolve_job_def(SPARK_JOB)
    else:
        from orchestration.definitions import defs

        job = defs.resolve_job_def(BACKFILL_JOB if backfill else NIGHTLY_JOB)
    tags = {CLI_RUN_TAG: "cli"}
    instance = dagster_instance(settings)
    for dead_run in _recover_dead_runs(instance):
        console.print(
            f"[yellow]Lượt chạy {dead_run} đã bị dừng đột ngột: đánh dấu thất bại, giải phóng "
            "khe ghi kho. / That run was killed: marked failed, its warehouse slot freed."
            "[/yellow]"
        )
    run_id = str(uuid.uuid4())
    # Dagster's own log (every event, the failures' traces) and dbt's output go to the run's
    # log file; operators get one line per step, the rejected files (logged by the loader)
    # and each failed step's root cause (printed below).
    run_config = {
        "loggers": {"console": {"config": {"log_level": "INFO"}}},
        **warehouse_run_config(settings),  # this command's settings, not the environment's
        **(backfill_run_config(*backfill) if backfill else {}),
    }
    log_dir = settings.data_dir / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"run-{run_id}.log"
    console.print(f"[dim]Nhật ký chi tiết / detailed log: {log_path}[/dim]")
    with log_path.open("w", encoding="utf-8") as log_file:
        with (
            console.status("Khởi động / starting…") as status,
            _loader_warnings_to(log_file),
            contextlib.redirect_stdout(log_file),
            contextlib.redirect_stderr(log_file),
        ):
            progress = _StepProgress(instance, run_id, status)
            progress.start()
            try:
                result = job.execute_in_process(
                    run_config=run_config,
                    instance=instance,
                    raise_on_error=False,
                    tags=tags,
                    run_id=run_id,
                )
            finally:
                progress.stop()
        if not result.success:
            _report_failures(result.all_events, log_file, log_path)
    return result.success


class _ConsoleLines(logging.Handler):
    """The loader's warnings (one per rejected file) as one terminal line each."""

    def emit(self, record: logging.LogRecord) -> None:
        console.print(f"[yellow]{escape(_one_line(record.getMessage(), 2000))}[/yellow]")


@contextlib.contextmanager
def _loader_warnings_to(log_file: Any) -> Any:
    """Our modules' warnings reach the operator and the log file (not Dagster's stderr)."""
    logger = logging.getLogger("orchestration")
    to_file = logging.StreamHandler(log_file)
    to_file.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    to_console = _ConsoleLines(level=logging.WARNING)
    previous = logger.propagate
    logger.addHandler(to_file)
    logger.addHandler(to_console)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(to_file)
        logger.removeHandler(to_console)
        logger.propagate = previous


def _root_cause(error: Any) -> Any:  # a dagster SerializableErrorInfo
    """The user code's exception under Dagster's generic step-error wrappers."""
    while error.cause is not None and (error.cls_name or "").startswith("Dagster"):
        error = error.cause
    return error


def _cause_line(error: Any) -> str:
    """`ClassName: message` of the root cause, without the module path of the class."""
    cause = _root_cause(error)
    message = cause.message.strip()
    qualified, _, rest = message.partition(": ")
    if cause.cls_name and qualified.endswith(cause.cls_name):
        return f"{cause.cls_name}: {rest}"
    return message


def _report_failures(events: list[Any], log_file: Any, log_path: Path) -> None:
    """One line per failed step (its root cause); the full traces into the log file."""
    failures = [event for event in events if event.event_type_value == "STEP_FAILURE"]
    for event in failures:
        error = event.step_failure_data.error
        if error is None:
            console.print(f"[red]✗ Bước lỗi / failed step {event.step_key}[/red]")
            continue
        console.print(
            f"[red]✗ Bước lỗi / failed step {event.step_key}:[/red] "
            f"{escape(_one_line(_cause_line(error)))}"
        )
        log_file.write(f"\n=== Bước lỗi / failed step {event.step_key} ===\n")
        log_file.write(error.to_string())
    if not failures:
        for event in events:
            if event.event_type_value == "PIPELINE_FAILURE":
                console.print(f"[red]✗ {escape(_one_line(event.message or ''))}[/red]")
                log_file.write(f"\n=== Lượt chạy lỗi / run failure ===\n{event.message}\n")
    log_file.flush()
    console.print(f"[dim]Toàn bộ vết lỗi / full trace: {log_path}[/dim]")


@app.command()
def run(
    nightly: Annotated[
        bool, typer.Option("--nightly", help="Đúng như lịch 02:00 / exactly the nightly job")
    ] = False,
    from_quarter: Annotated[
        str | None, typer.Option("--from", help="Dựng lại từ quý / backfill from, 2024-Q1")
    ] = None,
    to_quarter: Annotated[
        str | None, typer.Option("--to", help="Dựng lại đến quý / backfill to, 2024-Q2")
    ] = None,
    rehash: Annotated[
        bool,
        typer.Option(
            "--rehash",
            help="Băm lại mọi tệp, không tin kích thước/thời điểm sửa / hash every landed "
            f"file again, whatever its size and mtime (= {REHASH_ENV}=1)",
        ),
    ] = False,
    spark: Annotated[
        bool,
        typer.Option(
            "--spark",
            help="Dựng mô hình trên Spark (chế độ local) / build the dbt models on Spark, "
            "local mode (docs/scale-out.md); use its own data dir",
        ),
    ] = False,
) -> None:
    """Nạp tệp mới, dựng mô hình, kiểm tra và công bố / ingest, build, check, publish.

    Without options (or with --nightly): the nightly job, as the 02:00 schedule runs it; not
    started when nothing changed since the last successful run. With --from/--to: one
    backfill run that also rebuilds those quarters. With --spark: the Spark job (ingest on
    DuckDB, the dbt models on Spark, publish from Spark), which always rebuilds whole."""
    settings = _checked_run_settings()  # before any import of Dagster
    if rehash:  # handed to the run through its resource config (warehouse_run_config)
        settings = dataclasses.replace(settings, rehash=True)
    if spark:
        if from_quarter is not None or to_quarter is not None:
            _fail(
                "--spark dựng lại toàn bộ, không kèm --from/--to / --spark always rebuilds "
                "everything: no --from/--to"
            )
        _check_spark()
    if from_quarter is None and to_quarter is None:
        _run_job(settings, None, spark=spark)
        return
    if nightly or from_quarter is None or to_quarter is None:
        _fail(
            "--from và --to đi cùng nhau, không kèm --nightly / --from and --to go "
            "together, without --nightly"
        )
    _backfill(settings, from_quarter, to_quarter)


@app.command()
def backfill(
    from_quarter: Annotated[str, typer.Option("--from", help="Quý đầu / first quarter, 2023-Q1")],
    to_quarter: Annotated[str, typer.Option("--to", help="Quý cuối / last quarter, 2024-Q4")],
) -> None:
    """Dựng lại các quý đã qua / rebuild past quarters (one run for the whole range)."""
    settings = _checked_run_settings()  # before any import of Dagster
    _backfill(settings, from_quarter, to_quarter)


def _backfill(settings: Settings, from_quarter: str, to_quarter: str) -> None:
    from orchestration.partitions import quarters_between

    try:
        quarters = quarters_between(from_quarter, to_quarter)
    except ValueError as exc:
        _fail(str(exc))
    console.print(f"Dựng lại / rebuilding {len(quarters)} quý: {', '.join(quarters)}")
    _run_job(settings, (quarters[0], quarters[-1]))


def _check_spark() -> None:
    """pyspark and Java, checked before Dagster starts: a clear stop instead of a trace."""
    from orchestration.spark.session import SparkUnavailable, check_requirements

    try:
        check_requirements()
    except SparkUnavailable as missing:
        _fail(f"Không chạy được Spark / the Spark target cannot run here: {missing}")


def _run_job(settings: Settings, backfill: tuple[str, str] | None, spark: bool = False) -> None:
    from orchestration.load.lock import WarehouseBusy, writer_lock

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    ensure_manifest()
    console.print(f"Thư mục tiếp nhận / landing: {settings.landing_dir}")
    console.print(f"Thư mục dữ liệu / data dir:  {settings.data_dir}")
    started = time.monotonic()
    try:
        with writer_lock(settings.lock_path):
            # The nightly job with nothing new since the last successful run is not started
            # (its outputs would be the same bytes); a backfill always runs.
            quiet = backfill is None and _nothing_new(settings)
            ok = quiet or _execute(settings, backfill, spark=spark)
    except WarehouseBusy as exc:
        _fail(str(exc))
    elapsed = time.monotonic() - started
    if not ok:
        _fail(
            f"Lượt chạy thất bại sau {elapsed:.0f}s; bản công bố cũ được giữ nguyên. / "
            "Run failed; the previously published database is unchanged.",
            code=EXIT_FAILED,
        )
    console.print(f"[green]Hoàn thành trong {elapsed:.1f}s / done.[/green]")
    console.print(f"Cơ sở dữ liệu phân tích / analytics database: {settings.analytics_path}")
    if not quiet:  # a quiet night changed no figure: the headlines are the last run's
        _print_headlines(settings.analytics_path)


def _print_headlines(analytics_path: Path) -> None:
    from orchestration.reports.labels import INDICATOR_SHORT
    from orchestration.reports.numbers import fmt_int, fmt_percent

    with _read_published(analytics_path) as con:
        headline = con.execute(
            """
            select period_key, indicator, numerator, denominator, rate, provinces
            from marts.national_rates
            where calendar = 'official' and grain = 'quarter'
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
    if headline:
        # The province's figures; a many-province landing's national sums (sum over sum).
        provinces = headline[0][5]
        scope = "Toàn tỉnh" if provinces == 1 else f"Toàn quốc ({provinces} tỉnh)"
        table = Table(
            title=f"{scope}, quý {headline[0][0]} (kỳ chính thức, quý gần nhất đã kết thúc)"
        )
        for column in ("Chỉ tiêu / indicator", "Tử số", "Mẫu số", "Tỷ lệ"):
            table.add_column(column)
        for _, indicator, numerator, denominator, rate, _ in headline:
            table.add_row(
                INDICATOR_SHORT.get(indicator, indicator),
                fmt_int(numerator),
                fmt_int(denominator),
                fmt_percent(rate),
            )
        console.print(table)
    for status, files, loaded, quarantined in ledger:
        console.print(
            f"Tệp {_file_status(status).lower()}: {files}  "
            f"(dòng nạp / rows loaded {loaded or 0}, "
            f"cách ly / quarantined {quarantined or 0})"
        )


@contextlib.contextmanager
def _read_published(analytics_path: Path) -> Any:
    """A read-only connection to the publication (never the working warehouse)."""
    import duckdb

    if not analytics_path.exists():
        _fail(
            f"Chưa có bản công bố nào trong {analytics_path.parent}: chạy `cchc run` trước, "
            "hoặc kiểm tra CCHC_DATA_DIR. / Nothing published yet: run `cchc run` first.",
            code=EXIT_FAILED,
        )
    con = duckdb.connect(str(analytics_path), read_only=True)
    try:
        yield con
    finally:
        con.close()


def _bilingual(labels: dict[str, str], code: str | None) -> str:
    """`Vietnamese / code`, the project's way of showing a coded value to an official."""
    if code is None:
        return ""
    label = labels.get(code)
    return f"{label} / {code}" if label else code


def _file_status(code: str) -> str:
    from orchestration.reports.labels import FILE_STATUSES

    return _bilingual(FILE_STATUSES, code)


@app.command()
def status() -> None:
    """Sổ theo dõi tệp và dòng cách ly (bản công bố gần nhất) / ledger and quarantine.

    A read command: it opens the publication read-only and writes nothing anywhere.
    """
    from orchestration.load.warehouse import writer_running
    from orchestration.reports.labels import QUARANTINE_REASONS, SOURCES

    settings = _settings()
    with _read_published(settings.analytics_path) as con:
        publication = con.execute(
            "select run_id, published_at from marts.publication order by published_at desc"
        ).fetchone()
        ledger = con.execute(
            "select source, status, count(*), sum(rows_read), sum(rows_loaded), "
            "sum(rows_quarantined) from marts.file_ledger "
            "group by source, status order by source, status"
        ).fetchall()
        rejected = con.execute(
            "select file_path, any_value(message) from marts.file_ledger "
            "where status = 'rejected' group by file_path order by file_path"
        ).fetchall()
        reasons = con.execute(
            "select reason, sum(rows) from marts.quarantine_summary "
            "group by reason order by 2 desc, reason"
        ).fetchall()
    if publication is not None:
        run_id, published_at = publication
        console.print(
            f"Bản công bố / publication: {published_at:%Y-%m-%d %H:%M:%S}, lượt chạy / run {run_id}"
        )
    table = Table(title="Sổ theo dõi tệp / file ledger")
    for column in (
        "Nguồn / source",
        "Trạng thái / status",
        "Số tệp / files",
        "Dòng đọc / read",
        "Dòng nạp / loaded",
        "Dòng cách ly / quarantined",
    ):
        table.add_column(column)
    for source, file_status, *counts in ledger:
        table.add_row(
            _bilingual(SOURCES, source),
            _file_status(file_status),
            *["" if v is None else str(v) for v in counts],
        )
    console.print(table)
    if reasons:
        quarantine = Table(title="Dòng cách ly theo lý do / quarantined rows by reason")
        quarantine.add_column("Lý do / reason")
        quarantine.add_column("Số dòng / rows")
        for reason, rows in reasons:
            quarantine.add_row(_bilingual(QUARANTINE_REASONS, reason), str(rows))
        console.print(quarantine)
    for path, message in rejected:
        # The loader's message already names the file: print the path only when it does not.
        text = message if message and path in message else f"{path}: {message}"
        console.print(f"[red]Từ chối / rejected:[/red] {escape(_one_line(text, 2000))}")
    if writer_running(settings.lock_path):
        console.print("[yellow]Đang có lượt chạy / a run is in progress.[/yellow]")


@app.command()
def report(
    period: Annotated[str, typer.Option(help="Kỳ báo cáo / period, e.g. 2024-Q2, 2024-H1, 2024")],
    calendar: Annotated[
        str, typer.Option(help="official (kỳ chính thức, cut-off 15) | calendar")
    ] = "official",
    out: Annotated[
        Path | None,
        typer.Option(help="Thư mục ghi báo cáo / output directory (default: <data dir>/reports)"),
    ] = None,
    province: Annotated[
        str | None,
        typer.Option(
            help="Chỉ một tỉnh (dữ liệu nhiều tỉnh) / one province of a many-province landing "
            "(default: every province)"
        ),
    ] = None,
) -> None:
    """Viết báo cáo Excel và HTML cho một kỳ / write the Excel and HTML report of a period.

    Reads the publication read-only; writes only below the output directory.
    """
    settings = _settings()
    out_dir = (out or settings.data_dir / "reports").resolve()
    if not settings.analytics_path.exists():
        with _read_published(settings.analytics_path):
            pass  # names what to do, exits
    check_writable_dir(out_dir, "thư mục báo cáo / report directory")
    ensure_manifest()  # the report reads the marts' columns from dbt's contracts
    from orchestration.reports import report_provinces, write_report

    provinces = [province] if province else report_provinces(settings.analytics_path)
    written: list[tuple[str, Path]] = []
    try:
        for code in provinces:
            paths = write_report(settings.analytics_path, out_dir, period, calendar, province=code)
            written.extend(paths.items())
    except (ValueError, LookupError) as exc:
        _fail(str(exc))
    for kind, path in written:
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
    from datetime import date

    from orchestration.alerts import write_alerts

    settings = _settings()
    if not settings.analytics_path.exists():
        _fail("Chưa có bản công bố nào / nothing published yet: run `cchc run`.", EXIT_FAILED)
    try:
        day = date.fromisoformat(as_of) if as_of else None
        files = write_alerts(
            settings.analytics_path, out or settings.data_dir / "alerts", agency=agency, as_of=day
        )
    except (ValueError, LookupError) as exc:
        _fail(str(exc))
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
    ensure_manifest()  # the generator's expected answer names the contract's counts
    try:
        # A dev-only distribution (sources/samplegen), not part of the warehouse package.
        from samplegen import generate
    except ModuleNotFoundError as exc:
        console.print(
            "[red]Chưa cài bộ sinh dữ liệu mẫu / the sample generator is not installed: "
            "pip install --no-deps -e sources (make install does it)[/red]"
        )
        raise typer.Exit(code=2) from exc
    manifest = generate(out, seed=seed)
    console.print(f"Đã sinh / generated {len(manifest.get('files', []))} tệp vào {out}")


if __name__ == "__main__":
    app()

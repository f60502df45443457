"""Great Expectations (GX Core 1.x) checkpoint over the published marts, with Data Docs.

Why this shape:
- An *ephemeral* context: nothing to initialise or commit (no ``gx/`` folder), stores in
  memory; only the Data Docs site is written, to ``docs_dir``.
- The marts are read from DuckDB into pandas frames (contract columns + helper columns,
  see frames.py) and validated through a pandas *filesystem* datasource over one parquet
  file per frame. In GX 1.x a dataframe asset receives its frame only through the
  checkpoint's ``batch_parameters``, which are shared by every validation definition of
  the checkpoint; a parquet file per mart lets one checkpoint validate every mart.
- Usage statistics are off (``GX_ANALYTICS_ENABLED=false`` and the context config):
  the pipeline runs offline and sends nothing anywhere.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")  # before GX reads its settings

import great_expectations as gx  # noqa: E402
from great_expectations.data_context.types.base import (  # noqa: E402
    DataContextConfig,
    InMemoryStoreBackendDefaults,
    ProgressBarsConfig,
)

from orchestration.quality.frames import COVERAGE, coverage, read_marts, with_helpers  # noqa: E402
from orchestration.quality.offline_docs import SuiteVerdict, make_offline  # noqa: E402
from orchestration.quality.suites import suite as expectations_of  # noqa: E402

SITE_NAME = "cchc_marts"
CHECKPOINT_NAME = "marts_published"
# What GX's site builder writes under docs_dir: cleared first so that pages of an older
# run (another context, another run id) do not linger beside the new index.
_DOCS_ENTRIES = ("index.html", "expectations", "validations", "static")


@dataclass(frozen=True)
class ExpectationOutcome:
    suite: str  # the mart (or "period_coverage")
    expectation: str  # e.g. "expect_column_values_to_be_between"
    columns: str  # the column(s) it looks at
    description: str
    success: bool
    unexpected_count: int | None = None
    sample: list[Any] = field(default_factory=list)  # a few unexpected values

    def __str__(self) -> str:
        count = "" if self.unexpected_count is None else f", {self.unexpected_count} unexpected"
        return f"{self.suite}: {self.expectation}({self.columns}) — {self.description}{count}"


@dataclass(frozen=True)
class QualityResult:
    success: bool
    results: list[ExpectationOutcome]
    docs_index: Path

    @property
    def failures(self) -> list[ExpectationOutcome]:
        return [r for r in self.results if not r.success]


def run_mart_checks(analytics_path: Path, docs_dir: Path) -> QualityResult:
    """Validate every mart of ``analytics_path`` (read-only); write Data Docs to ``docs_dir``."""
    marts = read_marts(Path(analytics_path))
    missing = [
        ExpectationOutcome(
            suite=table,
            expectation="expect_table_to_exist",
            columns="",
            description=f"Bảng marts.{table} có trong analytics.duckdb / table is published",
            success=False,
        )
        for table, frame in marts.items()
        if frame is None
    ]
    frames = {t: with_helpers(t, f, marts) for t, f in marts.items() if f is not None}
    frames[COVERAGE] = coverage(marts)
    docs_dir = Path(docs_dir)
    _clear_docs(docs_dir)
    with tempfile.TemporaryDirectory(prefix="cchc-quality-") as tmp:
        for name, frame in frames.items():
            frame.to_parquet(Path(tmp) / f"{name}.parquet", index=False)
        outcomes = _run_checkpoint(Path(tmp), list(frames), docs_dir)
    # GX's pages need CDNs to show anything; provincial networks reach none.
    make_offline(docs_dir, _verdicts(outcomes))
    results = missing + outcomes
    return QualityResult(
        success=all(r.success for r in results),
        results=results,
        docs_index=docs_dir / "index.html",
    )


def ephemeral_context(docs_dir: Path) -> Any:
    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
    )
    context = gx.get_context(mode="ephemeral", project_config=config)
    context.add_data_docs_site(
        site_name=SITE_NAME,
        site_config={
            "class_name": "SiteBuilder",
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            "store_backend": {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": str(docs_dir),
            },
        },
    )
    return context


def _run_checkpoint(data_dir: Path, names: list[str], docs_dir: Path) -> list[ExpectationOutcome]:
    # GX logs every metric at INFO; the pipeline's log wants the verdict, not the chatter.
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    context = ephemeral_context(docs_dir)
    source = context.data_sources.add_pandas_filesystem(name="marts", base_directory=data_dir)
    definitions = []
    for name in names:
        batch = source.add_parquet_asset(name=name).add_batch_definition_path(
            name=name, path=f"{name}.parquet"
        )
        suite = context.suites.add(
            gx.ExpectationSuite(name=name, expectations=expectations_of(name))
        )
        definitions.append(
            context.validation_definitions.add(
                gx.ValidationDefinition(name=name, data=batch, suite=suite)
            )
        )
    checkpoint = context.checkpoints.add(
        gx.Checkpoint(
            name=CHECKPOINT_NAME,
            validation_definitions=definitions,
            # No UpdateDataDocsAction: it rebuilds the whole site once per validation (eight
            # times here, most of the run time); the site is built once after the run.
            actions=[],
            result_format={"result_format": "SUMMARY", "partial_unexpected_count": 5},
        )
    )
    result = checkpoint.run()
    context.build_data_docs(site_names=[SITE_NAME])
    outcomes = []
    for validation in result.run_results.values():
        for item in validation.results:
            config = item.expectation_config
            outcomes.append(
                ExpectationOutcome(
                    suite=validation.suite_name,
                    expectation=config.type,
                    columns=_columns_of(config.kwargs),
                    description=config.description or "",
                    success=bool(item.success),
                    unexpected_count=item.result.get("unexpected_count"),
                    sample=list(item.result.get("partial_unexpected_list") or [])[:5],
                )
            )
    return outcomes


def _verdicts(outcomes: list[ExpectationOutcome]) -> list[SuiteVerdict]:
    suites = sorted({o.suite for o in outcomes})
    return [
        SuiteVerdict(
            suite=suite,
            success=all(o.success for o in outcomes if o.suite == suite),
            expectations=sum(o.suite == suite for o in outcomes),
            failed=sum(o.suite == suite and not o.success for o in outcomes),
        )
        for suite in suites
    ]


def _columns_of(kwargs: dict[str, Any]) -> str:
    if "column_list" in kwargs:
        return ", ".join(kwargs["column_list"])
    if "column_A" in kwargs:
        return f"{kwargs['column_A']}, {kwargs['column_B']}"
    return str(kwargs.get("column", ""))


def _clear_docs(docs_dir: Path) -> None:
    docs_dir.mkdir(parents=True, exist_ok=True)
    for entry in _DOCS_ENTRIES:
        path = docs_dir / entry
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()

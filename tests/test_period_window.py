"""The rebuild window of the per-period models, computed from the data (issue 10 item 3;
docs/decisions.md, "Rebuild window from the data").

int_period_changes logs, per run, the earliest date the newly processed files can change;
int_periods_to_rebuild rebuilds the periods ending on or after it. The hand-computed cases
are dbt unit tests (dbt_project/models/intermediate/changes/_changes__models.yml); the
nights on a real warehouse are in tests/test_nightly_equals_full.py. This module also
checks what makes the log complete: the per-period models read no source the log does not
watch.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from orchestration.settings import DBT_MANIFEST
from tests.support import dossier_fixture as fx
from tests.support.dbt_harness import build_warehouse, run_dbt

# Sources whose changes int_period_changes turns into dates: one-stop versions (through
# int_dossier_versions_latest), queue tickets, reference files (every period), and the
# ledger itself, which names the changed files.
WATCHED_SOURCES = {
    "source.cchc.one_stop.dossier_versions",
    "source.cchc.queue.queue_tickets",
    "source.cchc.reference.agencies",
    "source.cchc.reference.procedures",
    "source.cchc.ingest.file_ledger",
}


def _upstream(manifest: dict, unique_id: str) -> set[str]:
    seen: set[str] = set()
    todo = [unique_id]
    while todo:
        node = todo.pop()
        parents = manifest["parent_map"].get(node, [])
        for parent in parents:
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen


def test_period_models_read_only_what_the_change_log_watches() -> None:
    """If a per-period model read a source, seed or variable-driven model whose changes the
    log ignores (agency reports, targets, ...), a night could leave its periods stale."""
    manifest = json.loads(DBT_MANIFEST.read_text(encoding="utf-8"))
    period_models = [
        unique_id
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] == "model" and node["config"].get("meta", {}).get("period_model")
    ]
    assert {manifest["nodes"][m]["name"] for m in period_models} == {
        "int_agency_period_counts",
        "int_field_group_period_counts",
        "int_scope_period_counts",
        "int_scope_period_online_usage",
        "period_accounting",
        "service_rates",
        "national_rates",
        "national_accounting",
        "province_ranking",
    }
    for model in period_models:
        upstream = _upstream(manifest, model)
        sources = {u for u in upstream if u.startswith("source.")}
        seeds = {u for u in upstream if u.startswith("seed.")}
        assert sources <= WATCHED_SOURCES, (model, sources - WATCHED_SOURCES)
        assert not seeds, (model, seeds)
        # The log is built before the dossier models it compares with.
        assert "model.cchc.int_period_changes" in upstream, model


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_warehouse(tmp_path_factory.mktemp("window"), fx.raw_frames())


def test_dbt_unit_tests_of_the_change_log(warehouse: Path, tmp_path: Path) -> None:
    # Unit tests read column types from the upstream relations, which this warehouse holds.
    run_dbt(warehouse, ["test", "--select", "int_period_changes,test_type:unit"], tmp_path)

"""The published marts as dbt's enforced contracts define them: the one source of truth.

Each published mart is a dbt model of schema ``marts`` with ``contract: enforced: true``;
its YAML (dbt_project/models/marts/**/_*__models.yml) names its columns in order with their
data types, and its key is its uniqueness test there: the model's
``unique_combination_of_columns`` test, or a column's ``unique`` test for a one-column key.
The accepted values of a column (the indicators, the reconciliation measures) are its
``accepted_values`` test. This module reads them from dbt's manifest
(``dbt_project/target/manifest.json``, built by ``make manifest`` = ``dbt parse``; ``make
demo`` and ``make test`` run it first), once per process, so the report code, the Great
Expectations suites, publish and the tests' fixture marts read the same contract dbt
enforces, and nothing here restates it.

Readers select exactly the contract's columns, so a table that gains neighbours (tables
without an enforced contract) changes nothing; a mart that loses a column fails loudly.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

from orchestration.settings import DBT_MANIFEST

MARTS_SCHEMA = "marts"
# The one indicator that is a mean in minutes, not a share of 0..1.
MINUTE_INDICATORS = frozenset({"avg_wait_minutes"})
# The service index marks its per-scope total with this code (group_code and/or item_code).
TOTAL_CODE = "TOTAL"


@dataclass(frozen=True)
class Column:
    name: str
    data_type: str  # as written in the contract (varchar, bigint, double, date, …)


@dataclass(frozen=True)
class Mart:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # one row per distinct value of these columns; () when none
    accepted_values: dict[str, tuple[str, ...]]  # column → its accepted_values test's list
    # (test, column) of every column-level dbt test and not_null constraint, e.g.
    # ("not_null", "received"): what dbt already checks, so that others need not.
    column_tests: frozenset[tuple[str, str]]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def columns_of_type(self, *data_types: str) -> list[str]:
        return [c.name for c in self.columns if c.data_type in data_types]

    def ddl(self) -> str:
        """``name type, …`` in contract order (a ``create table`` body)."""
        return ", ".join(f"{c.name} {c.data_type}" for c in self.columns)


class ManifestMissing(FileNotFoundError):
    pass


@functools.cache
def marts(manifest_path: Path = DBT_MANIFEST) -> dict[str, Mart]:
    """Every published mart (enforced contract, schema marts), by name, in name order."""
    if not manifest_path.exists():
        raise ManifestMissing(
            f"Thiếu manifest dbt {manifest_path}: chạy `make manifest` / the dbt manifest is "
            "missing: run `make manifest` (dbt parse)"
        )
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    tests_of: dict[str, list[dict]] = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] == "test" and node.get("attached_node"):
            tests_of.setdefault(node["attached_node"], []).append(node)
    found = {}
    for unique_id, node in manifest["nodes"].items():
        config = node["config"]
        if (
            node["resource_type"] != "model"
            or node["schema"] != MARTS_SCHEMA
            or not config.get("contract", {}).get("enforced")
        ):
            continue
        name = node["alias"] or node["name"]
        columns = tuple(Column(c["name"], c["data_type"]) for c in node["columns"].values())
        tests = tests_of.get(unique_id, [])
        found[name] = Mart(
            name, columns, _key(tests), _accepted_values(tests), _column_tests(node, tests)
        )
    return dict(sorted(found.items()))


def _key(tests: list[dict]) -> tuple[str, ...]:
    for test in tests:
        meta = test.get("test_metadata") or {}
        if meta.get("name") == "unique_combination_of_columns":
            arguments = meta["kwargs"].get("arguments", meta["kwargs"])
            return tuple(arguments["combination_of_columns"])
    for test in tests:
        if (test.get("test_metadata") or {}).get("name") == "unique":
            return (test["column_name"],)
    return ()


def _accepted_values(tests: list[dict]) -> dict[str, tuple[str, ...]]:
    values = {}
    for test in tests:
        meta = test.get("test_metadata") or {}
        if meta.get("name") == "accepted_values":
            arguments = meta["kwargs"].get("arguments", meta["kwargs"])
            values[test["column_name"]] = tuple(arguments["values"])
    return values


def _column_tests(node: dict, tests: list[dict]) -> frozenset[tuple[str, str]]:
    found = {
        ((t.get("test_metadata") or {}).get("name", ""), t["column_name"])
        for t in tests
        if t.get("column_name")
    }
    for column in node["columns"].values():
        found |= {(c["type"], column["name"]) for c in column.get("constraints", [])}
    return frozenset(found)


def mart(name: str) -> Mart:
    return marts()[name]


def accounting_counts() -> list[str]:
    """The counts of period_accounting (its bigint columns), in contract order."""
    return mart("period_accounting").columns_of_type("bigint")


def indicators() -> list[str]:
    """The service_rates indicators, in contract order (the order reports list them in)."""
    return list(mart("service_rates").accepted_values["indicator"])


def reconciliation_measures() -> list[str]:
    """The 11 counts of a Biểu 06 row, in the form's order."""
    return list(mart("report_reconciliation").accepted_values["measure"])


def select_sql(table: str) -> str:
    """``select <contract columns> from marts.<table>`` (callers append their where clause)."""
    return f"select {', '.join(mart(table).column_names)} from {MARTS_SCHEMA}.{table}"

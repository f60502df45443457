"""Due-date warnings after each publish: the agencies' workbooks (orchestration/alerts) and
a check that warns — never fails the run — when an agency has more overdue dossiers than at
the previous materialisation."""

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    Definitions,
    MaterializeResult,
    MetadataValue,
    asset,
)

from orchestration.defs.publish import analytics_database
from orchestration.defs.resources import WarehouseResource

ASSET_NAME = "due_date_alerts"
CHECK_NAME = "overdue_not_growing"


def overdue_growth(
    previous: dict[str, int] | None, current: dict[str, int]
) -> dict[str, tuple[int, int]]:
    """Agencies whose overdue count grew: code → (before, now). Nothing before → nothing grew."""
    if previous is None:
        return {}
    return {
        code: (previous.get(code, 0), now)
        for code, now in sorted(current.items())
        if now > previous.get(code, 0)
    }


def _previous_overdue(context: AssetExecutionContext) -> dict[str, int] | None:
    event = context.instance.get_latest_materialization_event(AssetKey(ASSET_NAME))
    materialization = event.asset_materialization if event else None
    if materialization is None or "overdue_by_agency" not in materialization.metadata:
        return None
    return dict(materialization.metadata["overdue_by_agency"].value)


@asset(
    name=ASSET_NAME,
    group_name="publish",
    deps=[analytics_database],
    description=(
        "Danh sách hồ sơ quá hạn, sắp đến hạn theo đơn vị (data/alerts/<ngày>/) / "
        "due-date warnings per agency"
    ),
    check_specs=[
        AssetCheckSpec(
            CHECK_NAME,
            asset=ASSET_NAME,
            description="Cảnh báo khi số hồ sơ quá hạn của một đơn vị tăng / warns when an "
            "agency's overdue count grows",
        )
    ],
)
def due_date_alerts(
    context: AssetExecutionContext, warehouse: WarehouseResource
) -> MaterializeResult:
    """Reads only the published file (read-only), so it never touches the warehouse."""
    settings = warehouse.settings
    previous = _previous_overdue(context)
    from orchestration.alerts import (
        write_alerts,
    )  # here: pandas & co. only when the step runs (definitions load fast)

    files = write_alerts(settings.analytics_path, settings.data_dir / "alerts")
    overdue = {code: c["overdue"] for code, c in files.counts.items()}
    due_soon = {code: c["due_soon"] for code, c in files.counts.items()}
    grown = overdue_growth(previous, overdue)
    if grown:
        context.log.warning(
            "Số hồ sơ quá hạn tăng / overdue count grew: "
            + ", ".join(f"{code} {before}→{now}" for code, (before, now) in grown.items())
        )
    return MaterializeResult(
        metadata={
            "as_of": files.as_of.isoformat(),
            "overdue": sum(overdue.values()),
            "due_soon": sum(due_soon.values()),
            "overdue_by_agency": MetadataValue.json(overdue),
            "due_soon_by_agency": MetadataValue.json(due_soon),
            "workbooks": len(files.agencies) + 1,
            "summary": MetadataValue.path(str(files.summary)),
        },
        check_results=[
            AssetCheckResult(
                check_name=CHECK_NAME,
                passed=not grown,
                severity=AssetCheckSeverity.WARN,
                metadata={
                    "grown": MetadataValue.json(
                        {code: {"before": b, "now": n} for code, (b, n) in grown.items()}
                    ),
                    "compared_with_previous": previous is not None,
                },
            )
        ],
    )


defs = Definitions(assets=[due_date_alerts])

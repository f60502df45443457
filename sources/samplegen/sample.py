"""The bundled sample: a synthetic province's full landing tree plus the expected answer.

Order of work: catalogue → people → dossiers → versions → one-stop files per feed and
window (with planted quarantine rows, the migrating department's two layouts, rejected
and re-sent files) → file statuses as the ledger must see them → truth from the rows of
the loaded files → honest and planted Biểu 06 reports → queue tickets → manifest.
Every random draw comes from a generator seeded with ``[seed, purpose]``, so one part
can change without reshuffling the others.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from samplegen.catalogue import UNKNOWN_PROCEDURE_CODES, Catalogue, build_catalogue
from samplegen.config import (
    DEFAULT_END,
    DEFAULT_SEED,
    DEFAULT_START,
    GENERATOR_VERSION,
    SampleConfig,
    rng_for,
)
from samplegen.dates import DAY, day_number
from samplegen.dossiers import NORMAL, expand_versions, generate_dossiers
from samplegen.feeds import FeedPlan, sample_plan
from samplegen.formats import DateRenderer
from samplegen.manifest import (
    LandedFile,
    assign_statuses,
    file_entry,
    json_bytes,
    path_key,
    write_tree,
)
from samplegen.onestop import export_frame, one_stop_files
from samplegen.people import build_people
from samplegen.queue import generate_queue
from samplegen.report_plan import REPORTED, report_files
from samplegen.truth import TRUTH_COLUMNS, latest_valid_versions, latest_versions

__all__ = ["DEFAULT_END", "DEFAULT_SEED", "DEFAULT_START", "SampleConfig", "generate_sample"]


# ----------------------------------------------------------------------------- dossiers


def _places(catalogue: Catalogue) -> list[str]:
    names = catalogue.agencies.loc[catalogue.agencies["level"] == "xa", "agency_name"]
    return [n.removeprefix("UBND ") for n in names]


def _unknown_procedure_targets(
    catalogue: Catalogue, plan: FeedPlan, reported: set[str]
) -> list[str]:
    """Agencies that get a few dossiers with procedure codes missing from the catalogue:
    never a reported agency (a report row needs a field) and never a feed without Mức độ
    (the catalogue's level could not apply)."""
    no_level = {n for n, f in plan.feeds.items() if not f.epochs[0][1].level_column}
    out = []
    for row in catalogue.agencies.itertuples():
        if row.agency_code in reported or plan.agency_feed[row.agency_code] in no_level:
            continue
        if row.agency_name == "Sở Y tế" or row.agency_code.endswith(("22.31.T01", "26.32.T01")):
            out.append(row.agency_code)
    return out


def _dossiers(
    cfg: SampleConfig, catalogue: Catalogue, plan: FeedPlan, reported: set[str]
) -> pd.DataFrame:
    first, last = day_number(cfg.start), day_number(cfg.end)
    d = generate_dossiers(
        rng_for(cfg.seed, 3), catalogue, first, last, cfg.dossiers_per_day, first, last, cfg.people
    )
    procs = catalogue.procedures
    d["procedure_code"] = procs["procedure_code"].to_numpy()[d["proc_idx"].to_numpy()]
    d["procedure_name"] = procs["procedure_name"].to_numpy()[d["proc_idx"].to_numpy()]
    codes = catalogue.agencies["agency_code"].to_numpy()
    targets = _unknown_procedure_targets(catalogue, plan, reported)
    rng = rng_for(cfg.seed, 5)
    k = 0
    for agency in targets:
        idx = np.flatnonzero(
            (codes[d["agency_idx"].to_numpy()] == agency) & (d["kind"].to_numpy() == NORMAL)
        )
        for i in rng.choice(idx, min(2, len(idx)), replace=False):
            d.loc[i, "procedure_code"] = UNKNOWN_PROCEDURE_CODES[k % len(UNKNOWN_PROCEDURE_CODES)]
            d.loc[i, "procedure_name"] = "Thủ tục chưa công bố trong danh mục"
            k += 1
    return d


# --------------------------------------------------------------------------------- queue


QUEUE_DESKS = (  # agency name, mean tickets per working day
    ("Sở Công Thương", 2.5),
    ("Sở Tư pháp", 4.0),
    ("Sở Kế hoạch và Đầu tư", 3.5),
    ("Sở Tài nguyên và Môi trường", 3.5),
    ("UBND thành phố Hạ Long", 5.0),
    ("UBND thành phố Cẩm Sơn", 3.5),
)


def queue_files(
    cfg: SampleConfig, catalogue: Catalogue, dates: DateRenderer
) -> tuple[list[LandedFile], list[dict[str, object]], tuple[str, str]]:
    desks = [(catalogue.agency_code_by_name(n), m) for n, m in QUEUE_DESKS]
    made = generate_queue(rng_for(cfg.seed, 9), desks, cfg.start, cfg.end, dates)
    files = [
        LandedFile(q.path, q.data, "queue", "queue", "csv", "utf-8", ",", rows_read=q.rows)
        for q in made
    ]
    original = files[len(files) // 2]
    copy = f"queue/gui_lai/{original.path.rpartition('/')[2]}"
    files.append(
        LandedFile(copy, original.data, "queue", "queue", "csv", "utf-8", ",", original.rows_read)
    )
    return files, [q.summary for q in made], (copy, original.path)


# -------------------------------------------------------------------------------- truth


def _truth_csv(truth: pd.DataFrame) -> bytes:
    out = truth[TRUTH_COLUMNS].copy()
    for column in ("is_digitized", "is_reused", "has_e_result", "owes_fee", "paid_online"):
        out[column] = np.where(out[column], "true", "false")
    out["field_code"] = out["field_code"].fillna("")
    return out.to_csv(index=False, lineterminator="\n").encode("utf-8")


def _truth_summary(
    truth: pd.DataFrame, rows: pd.DataFrame, unknown: list[str]
) -> dict[str, object]:
    received = pd.to_datetime(truth["received_date"])
    status = truth["status"]
    excluded = latest_versions(rows)["status"]
    return {
        "dossiers": len(truth),
        "excluded_latest_status_1": int((excluded == 1).sum()),
        "excluded_latest_status_3": int((excluded == 3).sum()),
        "by_status": {str(k): int(v) for k, v in status.value_counts().sort_index().items()},
        "by_level": {str(k): int(v) for k, v in truth["level"].value_counts().sort_index().items()},
        "online_share": round(float((truth["channel"] == "online").mean()), 4),
        "received_on_14th": int((received.dt.day == 14).sum()),
        "received_on_15th": int((received.dt.day == 15).sum()),
        "without_due_date": int(truth["due_date"].isna().sum()),
        "withdrawn_or_stopped_without_completion": int(
            (status.isin([7, 8]) & truth["completed_date"].isna()).sum()
        ),
        "resolved_late": int(
            (
                status.isin([9, 10])
                & truth["due_date"].notna()
                & (pd.to_datetime(truth["completed_date"]) > pd.to_datetime(truth["due_date"]))
            ).sum()
        ),
        "open_at_end": int(status.isin([2, 4, 5, 6]).sum()),
        "unknown_procedure_dossiers": unknown,
        "service_level_from_catalogue": int(truth["level_from_catalogue"].sum()),
    }


# -------------------------------------------------------------------------------- main


def generate_sample(out: Path, cfg: SampleConfig) -> dict[str, object]:
    catalogue = build_catalogue(cfg.seed, cfg.start, cfg.end)
    plan = sample_plan(catalogue, cfg.start, cfg.horizon)
    reported = {catalogue.agency_code_by_name(n) for n, _, _ in REPORTED}
    people = build_people(rng_for(cfg.seed, 2), cfg.people, _places(catalogue))
    dossiers = _dossiers(cfg, catalogue, plan, reported)
    horizon_at = (day_number(cfg.horizon) + 1) * DAY - 1
    versions = expand_versions(rng_for(cfg.seed, 4), dossiers, horizon_at)
    export = export_frame(versions, dossiers, catalogue, people)
    dates = DateRenderer(day_number(cfg.start) - 60, day_number(cfg.horizon) + 60)

    one_stop = one_stop_files(cfg, plan, export, dates)
    reference = [
        LandedFile(
            f"reference/{name}.csv", data, "reference", "reference", "csv", "utf-8", ",", rows
        )
        for name, data, rows in (
            ("agencies", catalogue.agencies_csv(), len(catalogue.agencies)),
            ("procedures", catalogue.procedures_csv(), len(catalogue.procedures)),
        )
    ]
    files = reference + one_stop.files
    assign_statuses(files)
    rows = pd.concat(
        [f.canonical for f in files if f.status == "loaded" and f.canonical is not None],
        ignore_index=True,
    )
    truth = latest_valid_versions(rows, catalogue)

    reports = report_files(cfg, catalogue, truth)
    queue, queue_summary, queue_dup = queue_files(cfg, catalogue, dates)
    files = files + reports.files + queue
    pairs = assign_statuses(files)
    files.sort(key=lambda f: path_key(f.path))

    unknown = sorted(truth.loc[truth["field_code"].isna(), "dossier_code"])
    manifest: dict[str, object] = {
        "generator": "samplegen",
        "generator_version": GENERATOR_VERSION,
        "mode": "sample",
        "seed": cfg.seed,
        "start": cfg.start.isoformat(),
        "end": cfg.end.isoformat(),
        "exports_until": cfg.horizon.isoformat(),
        "province_code": catalogue.province_code,
        "counts": {
            "files": len(files),
            "dossiers_generated": len(dossiers),
            "versions_generated": len(versions),
            "one_stop_rows_written": int(
                sum(
                    f.rows_read or 0
                    for f in files
                    if f.source == "one_stop" and f.status == "loaded"
                )
            ),
            "agencies": len(catalogue.agencies),
            "procedures": len(catalogue.procedures),
        },
        "truth": _truth_summary(truth, rows, unknown),
        "files": [file_entry(f) for f in files],
        "duplicates": [{"path": d, "duplicate_of": o} for d, o in pairs],
        "rejected": [
            {
                "path": f.path,
                "reason": f.rejected_reason,
                **({"missing_headers": f.missing_headers} if f.missing_headers else {}),
            }
            for f in files
            if f.status == "rejected"
        ],
        "quarantine_rows": sorted(
            one_stop.quarantine_rows, key=lambda q: (path_key(str(q["file"])), q["row_number"])
        ),
        "migration": one_stop.migration,
        "reports": reports.reports,
        "report_discrepancies": reports.discrepancies,
        "identity_breaks": reports.identity_breaks,
        "queue_months": queue_summary,
        "pii_samples": one_stop.pii,
    }
    assert (queue_dup[0], queue_dup[1]) in pairs
    expected = {
        "manifest.json": json_bytes(manifest),
        "truth_dossiers.csv": _truth_csv(truth),
        "truth_report_rows.csv": reports.honest.to_csv(index=False, lineterminator="\n").encode(),
    }
    write_tree(out, files, expected)
    return manifest

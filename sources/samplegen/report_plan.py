"""Which agencies file Biểu 06 reports in the sample, for which windows, in which style,
and where the planted errors go."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from samplegen.catalogue import Catalogue
from samplegen.config import SampleConfig
from samplegen.dates import official_quarters, official_years
from samplegen.manifest import LandedFile
from samplegen.reports import (
    PLANTS,
    ReportSpec,
    apply_plant,
    discrepancies,
    honest_rows,
    identity_breaks,
    workbook_bytes,
)
from samplegen.truth import REPORT_MEASURES

REPORTED = (  # (agency name, quarters: all | last2, style overrides)
    ("Sở Tư pháp", "all", {}),
    ("Sở Công Thương", "all", {}),
    ("Sở Kế hoạch và Đầu tư", "all", {"empty_zeros": True}),
    ("Sở Tài nguyên và Môi trường", "all", {}),
    (
        "UBND thành phố Hạ Long",
        "all",
        {"numbered": False, "text_counts": True, "period_line": True},
    ),
    ("UBND thành phố Cẩm Sơn", "last2", {"empty_zeros": True}),
)
# Preferred home of each plant: (agency name, quarter index).
PLANT_HOMES = {
    "online_over_report": ("Sở Tư pháp", 1),
    "timeliness_shift": ("Sở Kế hoạch và Đầu tư", 2),
    "overdue_hidden": ("UBND thành phố Hạ Long", 0),
    "total_row_mismatch": ("Sở Công Thương", 3),
    "resolved_mismatch": ("Sở Tài nguyên và Môi trường", 1),
}


def report_specs(cfg: SampleConfig, catalogue: Catalogue) -> list[ReportSpec]:
    quarters = official_quarters(cfg.start, cfg.end)
    specs: list[ReportSpec] = []
    homes: dict[tuple[str, int], str] = {v: k for k, v in PLANT_HOMES.items()}
    for name, which, overrides in REPORTED:
        code = catalogue.agency_code_by_name(name)
        chosen = list(enumerate(quarters))
        if which == "last2":
            chosen = chosen[-2:]
        for qi, (key, start, end) in chosen:
            # Not every agency numbers its columns: the Q1 form of the justice dept. doesn't.
            numbered = overrides.get("numbered", True) and not (name == "Sở Tư pháp" and qi == 0)
            text = overrides.get("text_counts", False) or (name == "Sở Công Thương" and qi >= 2)
            specs.append(
                ReportSpec(
                    agency_code=code,
                    period_key=key,
                    start=start,
                    end=end,
                    numbered=numbered,
                    text_counts=text,
                    empty_zeros=overrides.get("empty_zeros", False),
                    period_line=overrides.get("period_line", False),
                    plant=homes.get((name, qi)),
                )
            )
    # The busiest district also files a yearly report (its counts run into thousands).
    for key, start, end in official_years(cfg.start, cfg.end):
        specs.append(
            ReportSpec(
                catalogue.agency_code_by_name("UBND thành phố Hạ Long"),
                key,
                start,
                end,
                numbered=False,
                text_counts=True,
                period_line=True,
            )
        )
    # Small trees (tests) lack the preferred homes: put the missing plants anywhere free.
    missing = [p for p in PLANTS if p not in {s.plant for s in specs}]
    for i, spec in enumerate(specs):
        if missing and spec.plant is None:
            specs[i] = ReportSpec(**{**spec.__dict__, "plant": missing.pop(0)})
    return specs


@dataclass
class ReportResult:
    files: list[LandedFile]
    discrepancies: list[dict[str, object]]
    identity_breaks: list[dict[str, str]]
    honest: pd.DataFrame
    reports: list[dict[str, object]]


def report_files(cfg: SampleConfig, catalogue: Catalogue, truth: pd.DataFrame) -> ReportResult:
    names = catalogue.agency_name()
    files, found, breaks, honest_all, listing = [], [], [], [], []
    for spec in report_specs(cfg, catalogue):
        name = names[spec.agency_code]
        path = spec.path(name)
        honest = honest_rows(truth, catalogue, spec.agency_code, spec.start, spec.end)
        reported = apply_plant(honest, spec.plant) if spec.plant else honest
        files.append(
            LandedFile(
                path=path,
                data=workbook_bytes(reported, spec, name),
                source="agency_reports",
                layout="bieu06",
                fmt="xlsx",
                rows_read=len(reported),
            )
        )
        found += discrepancies(reported, honest, spec, path)
        breaks += identity_breaks(reported, path)
        honest_all.append(
            honest.reset_index().assign(
                file=path,
                agency_code=spec.agency_code,
                period_start=spec.start.isoformat(),
                period_end=spec.end.isoformat(),
            )
        )
        listing.append(
            {
                "file": path,
                "agency_code": spec.agency_code,
                "period_key": spec.period_key,
                "period_start": spec.start.isoformat(),
                "period_end": spec.end.isoformat(),
                "field_rows": len(reported) - 1,
                "numbered_row": spec.numbered,
                "counts_as_text": spec.text_counts,
                "zeros_empty": spec.empty_zeros,
                "plant": spec.plant,
            }
        )
    honest_frame = pd.concat(honest_all, ignore_index=True)[
        ["file", "agency_code", "period_start", "period_end", "field_name", *REPORT_MEASURES]
    ]
    return ReportResult(files, found, breaks, honest_frame, listing)

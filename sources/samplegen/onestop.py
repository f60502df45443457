"""The one-stop exports of the sample: every system's delta files per window, with the
planted quarantine rows, the migrating department's two layouts, re-sent and rejected files.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from samplegen.catalogue import Catalogue
from samplegen.config import PLANTS_PER_REASON, SampleConfig, rng_for
from samplegen.dates import DAY, day_number
from samplegen.feeds import Feed, FeedPlan
from samplegen.formats import DateRenderer
from samplegen.layouts import REQUIRED_A, Style
from samplegen.manifest import LandedFile
from samplegen.people import People
from samplegen.planted import REASONS, is_template, make_planted
from samplegen.render import landed_file, render_file
from samplegen.writers import CORRUPT_WORKBOOK


def export_frame(
    versions: pd.DataFrame, dossiers: pd.DataFrame, catalogue: Catalogue, people: People
) -> pd.DataFrame:
    """Versions with the dossier's attributes joined: everything a layout renders."""
    d = dossiers.iloc[versions["d"].to_numpy()].reset_index(drop=True)
    agency_idx = d["agency_idx"].to_numpy()
    person = d["person_idx"].to_numpy()
    frame = versions.reset_index(drop=True).copy()
    frame["dossier_code"] = d["dossier_code"].to_numpy()
    frame["agency_code"] = catalogue.agencies["agency_code"].to_numpy()[agency_idx]
    frame["agency_name"] = catalogue.agencies["agency_name"].to_numpy()[agency_idx]
    frame["procedure_code"] = d["procedure_code"].to_numpy()
    frame["procedure_name"] = d["procedure_name"].to_numpy()
    frame["channel"] = d["channel"].to_numpy()
    frame["level_own"] = d["level_own"].to_numpy()
    frame["person_name"] = people.name[person]
    frame["id_number"] = people.id_number[person]
    frame["address"] = people.address[person]
    frame["phone"] = people.phone[person]
    frame["email"] = people.email[person]
    frame["updated_day"] = frame["updated_at"].to_numpy() // DAY
    return frame


@dataclass
class OneStopResult:
    files: list[LandedFile]
    migration: dict[str, object]
    quarantine_rows: list[dict[str, object]]
    pii: dict[str, list[str]]  # applicants of a text file that has every personal column


def _feed_rows(export: pd.DataFrame, plan: FeedPlan) -> pd.Series:
    feed = export["agency_code"].map(plan.agency_feed)
    moved = (export["agency_code"] == plan.migrating_agency) & (
        export["updated_day"] >= day_number(plan.migration_day)
    )
    return feed.where(~moved, plan.migration_to)


def _window_groups(
    rows: pd.DataFrame, spans: list[tuple[date, date]], feed: Feed
) -> dict[int, pd.DataFrame]:
    """Rows of each export window, in file order (update time, then dossier code)."""
    starts = np.array([day_number(a) for a, _ in spans])
    rows = rows.assign(
        _window=np.searchsorted(starts, rows["updated_day"].to_numpy(), side="right") - 1
    ).sort_values(["updated_at", "dossier_code"], kind="stable")
    if not feed.all_versions:
        # A "changed in the window" export shows each dossier once, as it is now; a
        # backlog (first delivery) carries the whole history.
        keep_all = rows["_window"] == 0 if feed.backlog_until is not None else False
        latest = ~rows.duplicated(["_window", "dossier_code"], keep="last")
        rows = rows[latest | keep_all]
    return {int(i): g.drop(columns="_window") for i, g in rows.groupby("_window", sort=True)}


def one_stop_files(
    cfg: SampleConfig, plan: FeedPlan, export: pd.DataFrame, dates: DateRenderer
) -> OneStopResult:
    export = export.assign(feed=_feed_rows(export, plan))
    groups: dict[str, dict[int, pd.DataFrame]] = {}
    spans: dict[str, list[tuple[date, date]]] = {}
    for name, feed in plan.feeds.items():
        spans[name] = feed.windows(cfg.start, cfg.horizon)
        groups[name] = _window_groups(export[export["feed"] == name], spans[name], feed)

    def pick_window(name: str, at: float) -> int:
        available = sorted(groups[name])
        return available[min(len(available) - 1, int(len(available) * at))]

    # Windows with a special role: copied (re-sent), or the template of a rejected file.
    dup_f1, dup_f4 = pick_window("F1", 0.45), pick_window("F4", 0.3)
    rejected_f2 = pick_window("F2", 0.2)
    corrupt_f1, empty_f5 = pick_window("F1", 0.6), pick_window("F5", 0.5)
    reserved = {("F1", 0), ("F1", dup_f1), ("F4", dup_f4), ("F2", rejected_f2)}

    # Planted quarantine rows: PLANTS_PER_REASON per reason, spread over the feeds.
    rng = rng_for(cfg.seed, 6)
    order = list(plan.feeds)
    planted: dict[tuple[str, int], list[tuple[str, pd.Series]]] = {}
    serial = 0
    slot = 0
    for reason in REASONS:
        for _ in range(PLANTS_PER_REASON):
            while True:
                name = order[slot % len(order)]
                slot += 1
                style = plan.feeds[name].epochs[0][1]
                if reason != "unknown_service_level" or style.level_column:
                    break
            candidates = [i for i in sorted(groups[name]) if (name, i) not in reserved]
            for i in rng.permutation(candidates):
                rows = groups[name][int(i)]
                templates = rows[is_template(rows) & (rows["agency_code"] != plan.migrating_agency)]
                if len(templates):
                    template = templates.iloc[int(rng.integers(0, len(templates)))]
                    serial += 1
                    planted.setdefault((name, int(i)), []).append(
                        (reason, make_planted(template, reason, serial))
                    )
                    break

    files: list[LandedFile] = []
    quarantine_rows: list[dict[str, object]] = []
    for f_index, (name, feed) in enumerate(plan.feeds.items()):
        for i, window in enumerate(spans[name]):
            rows = groups[name].get(i)
            if rows is None:
                continue  # nothing changed in the window: the system sends nothing
            style = feed.style_at(window[0])
            path = feed.path(*window)
            file_rng = rng_for(cfg.seed, 7, f_index, i)
            rendered = render_file(rows, planted.get((name, i), []), style, file_rng, dates, window)
            landed = landed_file(path, rendered, style, window)
            files.append(landed)
            if rendered.quarantine:
                canon = landed.canonical
                hit = canon["reason"].notna().to_numpy()
                for number, reason in zip(
                    canon["row_number"].to_numpy()[hit],
                    canon["reason"].to_numpy()[hit],
                    strict=True,
                ):
                    quarantine_rows.append(
                        {"file": path, "row_number": int(number), "reason": reason}
                    )
            if (name, i) in (("F1", dup_f1), ("F4", dup_f4)):
                files.append(_copy(landed, _resent_path(path)))
            if (name, i) == ("F2", rejected_f2):
                files.append(_missing_header_file(feed, rows, style, file_rng, dates, window))
            if (name, i) == ("F1", corrupt_f1):
                files.append(
                    _rejected(
                        path.replace(".xlsx", "_loi.xlsx"), CORRUPT_WORKBOOK, "xlsx", "corrupt"
                    )
                )
            if (name, i) == ("F5", empty_f5):
                files.append(_rejected(path.replace(".csv", "_rong.csv"), b"", "csv", "empty"))

    migration_file, migration = _initial_sync(cfg, plan, export, dates)
    files.append(migration_file)
    return OneStopResult(files, migration, quarantine_rows, _pii(plan, groups))


def _pii(plan: FeedPlan, groups: dict[str, dict[int, pd.DataFrame]]) -> dict[str, list[str]]:
    """A handful of applicants written to a CSV that carries all five personal columns, so
    a PII scan can look for each kind of value in plain text."""
    name = next(
        n for n, f in plan.feeds.items() if f.epochs[0][1].fmt == "csv" and f.epochs[0][1].contact
    )
    rows = groups[name][min(groups[name])].drop_duplicates("person_name").head(6)
    return {
        "names": rows["person_name"].tolist(),
        "id_numbers": rows["id_number"].tolist(),
        "phones": rows["phone"].tolist(),
        "emails": rows["email"].tolist(),
        "addresses": rows["address"].tolist(),
    }


def _resent_path(path: str) -> str:
    head, _, name = path.rpartition("/")
    if head.count("/") >= 2:  # .../<year>/<file> → .../gui_lai/<file>
        head = head.rpartition("/")[0]
    stem, dot, ext = name.rpartition(".")
    suffix = " (1)" if ext == "csv" else ""
    return f"{head}/gui_lai/{stem}{suffix}{dot}{ext}"


def _copy(f: LandedFile, path: str) -> LandedFile:
    return LandedFile(
        path=path,
        data=f.data,
        source=f.source,
        layout=f.layout,
        fmt=f.fmt,
        encoding=f.encoding,
        delimiter=f.delimiter,
        rows_read=f.rows_read,
        quarantine=dict(f.quarantine),
        canonical=None if f.canonical is None else f.canonical.assign(file_path=path),
        window=f.window,
    )


def _rejected(path: str, data: bytes, fmt: str, reason: str) -> LandedFile:
    return LandedFile(
        path=path, data=data, source="one_stop", layout=None, fmt=fmt, rejected_reason=reason
    )


def _missing_header_file(
    feed: Feed,
    rows: pd.DataFrame,
    style: Style,
    rng: np.random.Generator,
    dates: DateRenderer,
    window: tuple[date, date],
) -> LandedFile:
    """The same window exported with a wrong template: no ``Ngày cập nhật`` column."""
    rendered = render_file(rows, [], style, rng, dates, window, drop_keys=("updated",))
    path = feed.path(*window).replace(".csv", "_thieu_cot.csv")
    f = _rejected(path, rendered.data, "csv", "missing_headers")
    f.encoding, f.delimiter = style.encoding, style.delimiter
    f.missing_headers = [style.header("updated")]
    assert "updated" in REQUIRED_A
    return f


def _initial_sync(
    cfg: SampleConfig, plan: FeedPlan, export: pd.DataFrame, dates: DateRenderer
) -> tuple[LandedFile, dict[str, object]]:
    """When the department moves to the sync, the sync's first delivery carries the current
    state of every dossier still open in the old system (same update time as the last
    layout A version: identical values, so whichever wins the tie, the truth is the same)."""
    switch = day_number(plan.migration_day)
    mine = export[export["agency_code"] == plan.migrating_agency]
    before = mine[mine["updated_day"] < switch].sort_values("updated_at", kind="stable")
    state = before.groupby("dossier_code").tail(1)
    open_then = state[state["status"].isin([1, 2, 4, 5, 6, 9])].sort_values(
        ["updated_at", "dossier_code"], kind="stable"
    )
    feed = plan.feeds[plan.migration_to]
    style = feed.style_at(plan.migration_day)
    day = plan.migration_day
    path = (
        "one_stop/"
        + feed.pattern.rpartition("/")[0].format(y=day.year)
        + (f"/dongbo_ban_dau_{plan.migrating_agency}_{day:%Y%m%d}.jsonl")
    )
    window = (cfg.start, day - timedelta(days=1))
    rendered = render_file(open_then, [], style, rng_for(cfg.seed, 8), dates, window)
    landed = landed_file(path, rendered, style, window)
    after = set(mine.loc[mine["updated_day"] >= switch, "dossier_code"])
    straddling = set(before["dossier_code"]) & after
    info = {
        "agency_code": plan.migrating_agency,
        "first_day_in_new_system": plan.migration_day.isoformat(),
        "layout_before": "A",
        "layout_after": "B",
        "feed_before": plan.feeds[plan.migration_from].pattern.split("/")[0],
        "feed_after": "/".join(feed.pattern.split("/")[:2]),
        "initial_sync_file": path,
        "initial_sync_rows": len(open_then),
        "dossiers_in_both_layouts": len(straddling | set(open_then["dossier_code"])),
        "straddling_dossiers": len(straddling),
        "straddling_examples": sorted(straddling)[:5],
    }
    return landed, info

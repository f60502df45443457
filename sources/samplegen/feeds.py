"""Which system exports which agency's dossiers, in which layout, format and style.

The province runs several one-stop systems, as provinces do: the provincial portal
exports layout A (one instance as XLSX, one as CSV), two districts export layout A from
their own software, and the national synchronisation exports layout B (CSV with compact
dates, CSV with ISO dates, JSON Lines) for the remaining districts and their communes.
One department migrates from the provincial portal (A, XLSX) to the sync (B, JSON Lines)
mid-year. Each feed's export style may change on a date (a software upgrade).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from samplegen.catalogue import Catalogue
from samplegen.dates import monday_on_or_before, windows
from samplegen.layouts import Style, StyleA, StyleB


@dataclass(frozen=True)
class Feed:
    name: str
    pattern: str  # path under one_stop/, formatted with y (year), a, b (window dates)
    window_days: int
    epochs: tuple[tuple[date, Style], ...]  # (first window start it applies to, style)
    all_versions: bool  # every status change, or only the window's latest per dossier
    # The first delivery: the full version history of everything up to this day.
    backlog_until: date | None = None

    def style_at(self, window_start: date) -> Style:
        style = self.epochs[0][1]
        for since, candidate in self.epochs:
            if window_start >= since:
                style = candidate
        return style

    def windows(self, first: date, last: date) -> list[tuple[date, date]]:
        spans = windows(first, last, self.window_days)
        if self.backlog_until is not None:
            tail = [w for w in spans if w[0] > self.backlog_until]
            spans = [(spans[0][0], self.backlog_until), *tail]
        return spans

    def path(self, a: date, b: date) -> str:
        return "one_stop/" + self.pattern.format(y=a.year, a=a, b=b)


@dataclass(frozen=True)
class FeedPlan:
    feeds: dict[str, Feed]
    agency_feed: dict[str, str]
    migrating_agency: str
    migration_day: date  # first day exported by the new system
    migration_from: str
    migration_to: str


EPOCH0 = date(1970, 1, 1)


def sample_plan(catalogue: Catalogue, first: date, last: date) -> FeedPlan:
    # A mid-period Monday for the two dated changes (migration, F2's upgrade).
    middle = monday_on_or_before(first + (last - first) * 8 // 14)
    upgrade = monday_on_or_before(first + (last - first) * 7 // 14)
    f4_switch = monday_on_or_before(first + (last - first) * 9 // 14)
    # F1's first delivery: the history of the first ~5 months (a third of a short tree).
    backlog_days = min(150, (last - first).days // 3)
    backlog_until = monday_on_or_before(first + timedelta(days=backlog_days)) - timedelta(days=1)

    feeds = [
        Feed(
            "F1",
            "mot_cua_tinh/{y}/DSHS_{a:%Y%m%d}_{b:%Y%m%d}.xlsx",
            7,
            (
                (
                    EPOCH0,
                    StyleA(
                        fmt="xlsx",
                        level_labels="mixed",
                        true_tokens=("Có", "x"),
                        false_tokens=("Không", ""),
                        contact=True,
                        note=True,
                    ),
                ),
            ),
            all_versions=False,
            backlog_until=backlog_until,
        ),
        Feed(
            "F2",
            "mot_cua_tinh_csv/{y}/dshs_{a:%Y%m%d}_{b:%Y%m%d}.csv",
            7,
            (
                (
                    EPOCH0,
                    StyleA(
                        postal_labels=("Qua BCCI", "Bưu chính công ích"),
                        true_tokens=("Có",),
                        false_tokens=("Không",),
                        note=True,
                    ),
                ),
                (
                    upgrade,
                    StyleA(
                        headers="ascii",
                        dates="hm",
                        due="hm",
                        returned="hm",
                        level_labels="numbers",
                        postal_labels=("Qua BCCI",),
                        true_tokens=("x",),
                        false_tokens=("",),
                    ),
                ),
            ),
            all_versions=False,
        ),
        Feed(
            "F3",
            "huyen_ha_long/{y}/HoSo_{a:%Y-%m-%d}_{b:%Y-%m-%d}.csv",
            14,
            (
                (
                    EPOCH0,
                    StyleA(
                        encoding="utf-8-sig",
                        delimiter=";",
                        newline="\r\n",
                        headers="nfd",
                        dates="hm",
                        due="d",
                        returned="d",
                        level_labels="numbers",
                        postal_labels=("Dịch vụ bưu chính",),
                        true_tokens=("x",),
                        false_tokens=("",),
                        names=False,
                    ),
                ),
            ),
            all_versions=False,
        ),
        Feed(
            "F4",
            "huyen_co_son/DS_HOSO_{a:%Y%m%d}_{b:%Y%m%d}.csv",
            14,
            (
                (
                    EPOCH0,
                    StyleA(
                        encoding="utf-16-le",
                        delimiter="\t",
                        newline="\r\n",
                        headers="ascii_upper",
                        due="d",
                        level_column=False,
                        true_tokens=("Có",),
                        false_tokens=("Không", ""),
                    ),
                ),
                (
                    f4_switch,
                    StyleA(
                        encoding="utf-16-be",
                        delimiter="\t",
                        newline="\r\n",
                        headers="ascii_upper",
                        due="d",
                        level_column=False,
                        true_tokens=("Có",),
                        false_tokens=("Không", ""),
                    ),
                ),
            ),
            all_versions=False,
        ),
        Feed(
            "F5",
            "dvc_dongbo/csv/{y}/dongbo_{a:%Y%m%d}_{b:%Y%m%d}.csv",
            14,
            ((EPOCH0, StyleB(true_tokens=("1", "true"), false_tokens=("0", "false", ""))),),
            all_versions=True,
        ),
        Feed(
            "F6",
            "dvc_dongbo/iso/{y}/dongbo_iso_{a:%Y%m%d}_{b:%Y%m%d}.csv",
            28,
            (
                (
                    EPOCH0,
                    StyleB(
                        dates="iso",
                        newline="\r\n",
                        true_tokens=("true",),
                        false_tokens=("false",),
                        contact=True,
                        result="file",
                    ),
                ),
            ),
            all_versions=False,
        ),
        Feed(
            "F7",
            "dvc_dongbo/jsonl/{y}/dongbo_{a:%Y%m%d}_{b:%Y%m%d}.jsonl",
            7,
            (
                (
                    EPOCH0,
                    StyleB(
                        fmt="jsonl",
                        true_tokens=("1", "true"),
                        false_tokens=("0", "false", ""),
                        json_mixed=True,
                    ),
                ),
                (
                    upgrade,
                    StyleB(
                        fmt="jsonl",
                        true_tokens=("1", "true"),
                        false_tokens=("0", "false", ""),
                        json_nulls=True,
                        json_mixed=True,
                    ),
                ),
            ),
            all_versions=False,
        ),
    ]
    by_name = {f.name: f for f in feeds}

    agencies = catalogue.agencies
    tinh = agencies.loc[agencies["level"] == "tinh", "agency_code"].tolist()
    districts = agencies.loc[agencies["level"] == "huyen", "agency_code"].tolist()
    district_feed = dict(
        zip(districts, ["F3", "F5", "F6", "F6", "F6", "F7", "F7", "F4"], strict=True)
    )
    agency_feed: dict[str, str] = {}
    for i, code in enumerate(tinh):
        agency_feed[code] = "F1" if i % 2 == 0 or i == 3 else "F2"
    for row in agencies.itertuples():
        if row.level == "huyen":
            agency_feed[row.agency_code] = district_feed[row.agency_code]
        elif row.level == "xa":
            agency_feed[row.agency_code] = district_feed[row.parent_code]
    # The land department: long procedures, so many dossiers are open at the switch.
    migrating = catalogue.agency_code_by_name("Sở Tài nguyên và Môi trường")
    return FeedPlan(
        feeds=by_name,
        agency_feed=agency_feed,
        migrating_agency=migrating,
        migration_day=middle,
        migration_from=agency_feed[migrating],
        migration_to="F7",
    )

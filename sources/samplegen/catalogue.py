"""The synthetic province's agency and procedure (TTHC) catalogues.

Written to ``reference/agencies.csv`` and ``reference/procedures.csv`` exactly in the
contract's columns. The frames also carry generator-only columns (volume weights,
processing times, service-level upgrade days) that are never written.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from samplegen.dates import day_number

PROVINCE_CODE = "T01"

AGENCY_COLUMNS = ["agency_code", "agency_name", "level", "parent_code", "province_code"]
PROCEDURE_COLUMNS = [
    "procedure_code",
    "procedure_name",
    "field_code",
    "field_name",
    "field_group",
    "level",
    "agency_code",
    "service_level",
    "has_fee",
]

# (name, relative dossier volume, fields as (field name, field_group)).
# Volumes follow what provincial one-stop portals publish: justice (criminal-record
# certificates), land and investment departments dominate; the rest are small.
TINH_DEPARTMENTS: list[tuple[str, float, list[tuple[str, str]]]] = [
    (
        "Sở Công Thương",
        8,
        [
            ("Lưu thông hàng hóa trong nước", ""),
            ("Điện", ""),
            ("Xúc tiến thương mại", ""),
            ("Hóa chất", ""),
        ],
    ),
    (
        "Sở Tài nguyên và Môi trường",
        12,
        [("Đất đai", "dat_dai"), ("Môi trường", ""), ("Tài nguyên nước", "")],
    ),
    ("Sở Xây dựng", 7, [("Hoạt động xây dựng", "xay_dung"), ("Nhà ở", "")]),
    (
        "Sở Kế hoạch và Đầu tư",
        10,
        [
            ("Đầu tư tại Việt Nam", "dau_tu"),
            ("Thành lập và hoạt động của doanh nghiệp", "doanh_nghiep"),
            ("Thành lập và hoạt động của hợp tác xã", ""),
        ],
    ),
    (
        "Sở Tư pháp",
        18,
        [("Lý lịch tư pháp", ""), ("Hộ tịch", ""), ("Công chứng", ""), ("Luật sư", "")],
    ),
    ("Sở Giao thông vận tải", 10, [("Đường bộ", ""), ("Đường thủy nội địa", "")]),
    (
        "Sở Y tế",
        6,
        [("Khám bệnh, chữa bệnh", ""), ("Dược phẩm", ""), ("An toàn thực phẩm", "")],
    ),
    ("Sở Giáo dục và Đào tạo", 4, [("Giáo dục và Đào tạo", ""), ("Văn bằng, chứng chỉ", "")]),
    (
        "Sở Lao động - Thương binh và Xã hội",
        7,
        [("Việc làm", ""), ("Người có công", ""), ("Bảo trợ xã hội", "")],
    ),
    (
        "Sở Nông nghiệp và Phát triển nông thôn",
        3,
        [("Trồng trọt", ""), ("Thú y", ""), ("Lâm nghiệp", "")],
    ),
    (
        "Sở Văn hóa, Thể thao và Du lịch",
        3,
        [("Du lịch", ""), ("Văn hóa cơ sở", ""), ("Thể dục thể thao", "")],
    ),
    ("Sở Nội vụ", 2, [("Thi đua, khen thưởng", ""), ("Tôn giáo", "")]),
    (
        "Sở Tài chính",
        2,
        [("Quản lý công sản", ""), ("Quản lý giá", ""), ("Thuế, phí và lệ phí", "thue")],
    ),
    (
        "Sở Thông tin và Truyền thông",
        2,
        [("Bưu chính", ""), ("Báo chí", ""), ("Xuất bản, in và phát hành", "")],
    ),
    (
        "Sở Khoa học và Công nghệ",
        1.5,
        [("Hoạt động khoa học và công nghệ", ""), ("Tiêu chuẩn đo lường chất lượng", "")],
    ),
    (
        "Ban Quản lý Khu kinh tế",
        3,
        [
            ("Đầu tư vào khu kinh tế", "dau_tu"),
            ("Hải quan tại khu kinh tế cửa khẩu", "hai_quan"),
            ("Xây dựng trong khu kinh tế", "xay_dung"),
        ],
    ),
    ("Sở Ngoại vụ", 1, [("Công tác lãnh sự", ""), ("Hợp tác quốc tế", "")]),
    ("Ban Dân tộc", 0.5, [("Công tác dân tộc", "")]),
]

# (name, relative volume of the district UBND, of its communes together, urban: communes
# are "phường"). The provincial city's UBND is the busiest single agency of the province.
DISTRICTS: list[tuple[str, float, float, bool]] = [
    ("UBND thành phố Hạ Long", 80, 34, True),
    ("UBND thành phố Cẩm Sơn", 16, 16, True),
    ("UBND thị xã Đông Hòa", 12, 12, True),
    ("UBND huyện Vân Hải", 9, 9, False),
    ("UBND huyện Tiên Phong", 9, 9, False),
    ("UBND huyện Hải Bình", 8, 8, False),
    ("UBND huyện Ba Lâm", 6, 6, False),
    ("UBND huyện Cô Sơn", 6, 6, False),
]
COMMUNES_PER_DISTRICT = (5, 5, 5, 5, 4, 4, 4, 4)

COMMUNE_STEMS = [
    "Bạch Đằng", "Hồng Gai", "Cao Xanh", "Hà Khẩu", "Giếng Đáy", "Bãi Cháy", "Hà Tu",
    "Cẩm Thành", "Cẩm Trung", "Quang Hanh", "Cửa Ông", "Mông Dương", "Mạo Khê", "Kim Sơn",
    "Hoàng Quế", "Yên Thọ", "Bình Dương", "Đông Xá", "Hạ Long", "Bình Dân", "Đài Xuyên",
    "Đông Ngũ", "Hải Lạng", "Đồng Rui", "Quảng Đức", "Quảng Thành", "Đường Hoa", "Cái Chiên",
    "Thanh Sơn", "Đồn Đạc", "Lương Mông", "Nam Sơn", "Thanh Lân", "Đồng Tiến", "Bình Tây",
    "Hòa Tây", "Vạn Yên", "Minh Châu", "Quan Lạn", "Ngọc Vừng",
]  # fmt: skip

HUYEN_FIELDS: list[tuple[str, str]] = [
    ("Hộ tịch", ""),
    ("Chứng thực", ""),
    ("Đất đai", "dat_dai"),
    ("Hoạt động xây dựng", "xay_dung"),
    ("Thành lập và hoạt động của hộ kinh doanh", "doanh_nghiep"),
    ("Bảo trợ xã hội", ""),
    ("Lưu thông hàng hóa trong nước", ""),
    ("Giáo dục và Đào tạo", ""),
]
XA_FIELDS: list[tuple[str, str]] = [
    ("Hộ tịch", ""),
    ("Chứng thực", ""),
    ("Bảo trợ xã hội", ""),
    ("Đất đai", "dat_dai"),
    ("Người có công", ""),
    ("Thi đua, khen thưởng", ""),
    ("Trồng trọt", ""),
]
LEVEL_VOLUME = {"tinh": 0.28, "huyen": 0.32, "xa": 0.40}
SERVICE_LEVELS = np.array(["full", "partial", "info"])
DURATIONS = np.array([1, 2, 3, 5, 7, 10, 15, 20])
DURATION_WEIGHTS = np.array([10, 8, 14, 18, 12, 20, 10, 8], dtype=float)

# Procedure codes handed out for dossiers whose procedure is missing from the catalogue
# (the contract: counted, with no field, and listed by the data-quality report).
UNKNOWN_PROCEDURE_CODES = ("1.099901", "2.099917", "1.099935")


@dataclass(frozen=True)
class Catalogue:
    agencies: pd.DataFrame  # AGENCY_COLUMNS + weight
    procedures: pd.DataFrame  # PROCEDURE_COLUMNS + duration, no_due, weight, base_level, ...

    @property
    def province_code(self) -> str:
        return PROVINCE_CODE

    def agency_level(self) -> dict[str, str]:
        return dict(zip(self.agencies["agency_code"], self.agencies["level"], strict=True))

    def agency_name(self) -> dict[str, str]:
        return dict(zip(self.agencies["agency_code"], self.agencies["agency_name"], strict=True))

    def agency_code_by_name(self, name: str) -> str:
        row = self.agencies.loc[self.agencies["agency_name"] == name, "agency_code"]
        return str(row.iloc[0])

    def fields_of(self, agency_code: str) -> pd.DataFrame:
        """The catalogue fields an agency handles (its level's rows whose agency_code is its
        own or empty), ordered by field code: the rows of its Biểu 06."""
        level = self.agency_level()[agency_code]
        p = self.procedures
        mine = p[
            (p["level"] == level) & ((p["agency_code"] == agency_code) | (p["agency_code"] == ""))
        ]
        return (
            mine[["field_code", "field_name"]]
            .drop_duplicates()
            .sort_values("field_code", kind="stable")
            .reset_index(drop=True)
        )

    def field_lookup(self) -> pd.DataFrame:
        """(procedure_code, level, agency_code) → field, catalogue service level. A tinh row
        belongs to one department; huyen/xa rows to every agency of the level."""
        return self.procedures[
            [
                "procedure_code",
                "level",
                "agency_code",
                "field_code",
                "field_name",
                "field_group",
                "service_level",
            ]
        ]

    def agencies_csv(self) -> bytes:
        return _csv_bytes(self.agencies[AGENCY_COLUMNS])

    def procedures_csv(self) -> bytes:
        frame = self.procedures[PROCEDURE_COLUMNS].copy()
        frame["has_fee"] = np.where(frame["has_fee"], "true", "false")
        return _csv_bytes(frame)


def _csv_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    return buffer.getvalue().encode("utf-8")


def _agencies(rng: np.random.Generator) -> pd.DataFrame:
    rows: list[dict[str, object]] = []
    tinh_total = sum(v for _, v, _ in TINH_DEPARTMENTS)
    for i, (name, volume, _) in enumerate(TINH_DEPARTMENTS, start=1):
        rows.append(
            dict(
                agency_code=f"000.00.{i:02d}.{PROVINCE_CODE}",
                agency_name=name,
                level="tinh",
                parent_code="",
                weight=LEVEL_VOLUME["tinh"] * volume / tinh_total,
            )
        )
    huyen_total = sum(v for _, v, _, _ in DISTRICTS)
    xa_total = sum(v for _, _, v, _ in DISTRICTS)
    stems = list(rng.permutation(COMMUNE_STEMS))
    communes: list[dict[str, object]] = []
    for d, ((name, volume, commune_volume, urban), n_communes) in enumerate(
        zip(DISTRICTS, COMMUNES_PER_DISTRICT, strict=True), start=21
    ):
        district_code = f"000.00.{d}.{PROVINCE_CODE}"
        rows.append(
            dict(
                agency_code=district_code,
                agency_name=name,
                level="huyen",
                parent_code="",
                weight=LEVEL_VOLUME["huyen"] * volume / huyen_total,
            )
        )
        commune_weights = rng.uniform(0.6, 1.4, n_communes)
        commune_weights /= commune_weights.sum()
        for c in range(n_communes):
            kind = "phường" if urban and c < n_communes - 1 else "xã"
            communes.append(
                dict(
                    agency_code=f"000.{d}.{31 + c}.{PROVINCE_CODE}",
                    agency_name=f"UBND {kind} {stems.pop()}",
                    level="xa",
                    parent_code=district_code,
                    weight=LEVEL_VOLUME["xa"] * commune_volume / xa_total * commune_weights[c],
                )
            )
    frame = pd.DataFrame(rows + communes)
    frame["province_code"] = PROVINCE_CODE
    return frame[[*AGENCY_COLUMNS, "weight"]]


def _procedures(
    rng: np.random.Generator, agencies: pd.DataFrame, first: date, last: date
) -> pd.DataFrame:
    field_codes: dict[str, str] = {}

    def field_code(name: str) -> str:
        if name not in field_codes:
            field_codes[name] = f"LV{len(field_codes) + 1:02d}"
        return field_codes[name]

    specs: list[tuple[str, str, str, str]] = []  # level, agency_code, field, group
    tinh = agencies[agencies["level"] == "tinh"]
    for (_, name_vol_fields), code in zip(
        enumerate(TINH_DEPARTMENTS), tinh["agency_code"], strict=True
    ):
        for field, group in name_vol_fields[2]:
            specs.append(("tinh", code, field, group))
    specs += [("huyen", "", f, g) for f, g in HUYEN_FIELDS]
    specs += [("xa", "", f, g) for f, g in XA_FIELDS]

    rows: list[dict[str, object]] = []
    number = 4200
    per_field: dict[str, int] = {}
    for level, agency_code, field, group in specs:
        n = int(rng.integers(2, 6))
        for _ in range(n):
            number += int(rng.integers(5, 40))
            k = per_field[field] = per_field.get(field, 0) + 1
            prefix = "1" if rng.random() < 0.6 else "2"
            rows.append(
                dict(
                    procedure_code=f"{prefix}.{number:06d}",
                    procedure_name=f"Thủ tục {field.lower()} số {k}",
                    field_code=field_code(field),
                    field_name=field,
                    field_group=group,
                    level=level,
                    agency_code=agency_code,
                )
            )
    frame = pd.DataFrame(rows)
    n = len(frame)
    # Where a procedure sits at two levels (contract: one row per procedure and level):
    # a few district procedures are also handled by communes (chứng thực, hộ tịch), and a
    # few provincial ones also by districts.
    huyen_idx = frame.index[
        (frame["level"] == "huyen") & frame["field_name"].isin(["Chứng thực", "Hộ tịch"])
    ]
    tinh_idx = frame.index[
        (frame["level"] == "tinh")
        & frame["field_name"].isin(["Lưu thông hàng hóa trong nước", "Bảo trợ xã hội"])
    ]
    extra = pd.concat(
        [
            frame.loc[huyen_idx[::2]].assign(level="xa", agency_code=""),
            frame.loc[tinh_idx[::2]].assign(level="huyen", agency_code=""),
        ]
    )
    frame = pd.concat([frame, extra], ignore_index=True)

    n = len(frame)
    frame["service_level"] = rng.choice(SERVICE_LEVELS, n, p=[0.45, 0.40, 0.15])
    frame["has_fee"] = rng.random(n) < 0.35
    # A shared procedure keeps one service level and fee rule at both levels.
    first_row = frame.groupby("procedure_code").cumcount() == 0
    canon = frame[first_row].set_index("procedure_code")
    frame["service_level"] = frame["procedure_code"].map(canon["service_level"])
    frame["has_fee"] = frame["procedure_code"].map(canon["has_fee"])

    frame["duration"] = rng.choice(DURATIONS, n, p=DURATION_WEIGHTS / DURATION_WEIGHTS.sum())
    frame["no_due"] = rng.random(n) < 0.04
    # Popularity within an agency: a few procedures carry most dossiers.
    frame["weight"] = rng.pareto(1.2, n) + 0.2
    # Procedures upgraded to "toàn trình" during the period: dossiers submitted before the
    # upgrade day carry the old level (Mức độ as submitted), the catalogue the new one.
    upgraded = (frame["service_level"] == "full") & (rng.random(n) < 0.4)
    lo, hi = day_number(first) + 90, max(day_number(first) + 91, day_number(last) - 60)
    frame["upgrade_day"] = np.where(upgraded, rng.integers(lo, hi, n), -1)
    frame["base_level"] = np.where(upgraded, "partial", frame["service_level"])
    frame["level_order"] = frame["level"].map({"tinh": 0, "huyen": 1, "xa": 2})
    frame["number"] = frame["procedure_code"].str[2:]
    frame = frame.sort_values(
        ["level_order", "agency_code", "field_code", "number"], kind="stable"
    ).reset_index(drop=True)
    return frame.drop(columns=["level_order", "number"])


def build_catalogue(seed: int, first: date, last: date) -> Catalogue:
    rng = np.random.default_rng([seed, 1])
    agencies = _agencies(rng)
    procedures = _procedures(rng, agencies, first, last)
    return Catalogue(agencies=agencies, procedures=procedures)

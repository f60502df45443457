"""The heading a Vietnamese administrative report carries (Nghị định 30/2020/NĐ-CP, thể
thức văn bản): the issuing body and the document number on the left; the national title
(quốc hiệu) and motto (tiêu ngữ), then place and date, on the right.

The province's name and the issuing body come from the settings (`CCHC_PROVINCE_NAME`,
`CCHC_ISSUING_BODY`); unset, they are named from the catalogue's province code. The date is
the publication's (else the period's end), so the same data gives the same report.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from orchestration.settings import report_issuer_settings

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
# The number is given by the office's register when the report is signed: left to fill in.
DOCUMENT_NUMBER = "Số: ......../BC-CCHC"
_PLACE_PREFIXES = ("tỉnh ", "thành phố ")


@dataclass(frozen=True)
class Heading:
    province_name: str  # e.g. "Tỉnh Lào Cai"
    issuing_body: str  # e.g. "ỦY BAN NHÂN DÂN TỈNH LÀO CAI"
    date: dt.date

    @property
    def place(self) -> str:
        """The place before the date: the province's name without "Tỉnh"/"Thành phố"."""
        for prefix in _PLACE_PREFIXES:
            if self.province_name.lower().startswith(prefix):
                return self.province_name[len(prefix) :]
        return self.province_name

    @property
    def place_and_date(self) -> str:
        d = self.date
        return f"{self.place}, ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"

    @property
    def left(self) -> list[str]:
        return [self.issuing_body.upper(), DOCUMENT_NUMBER]

    @property
    def right(self) -> list[str]:
        return [NATIONAL_TITLE, MOTTO, self.place_and_date]


def report_heading(
    province_code: str | None,
    published_at: dt.datetime | None,
    period_end: dt.date,
    *,
    one_province: bool = True,
) -> Heading:
    """``one_province`` False (a many-province publication): the settings name one
    province, so every report is named from its own province code instead."""
    name, body = report_issuer_settings() if one_province else (None, None)
    province = name or f"Tỉnh {province_code or ''}".strip()
    return Heading(
        province_name=province,
        issuing_body=body or f"Ủy ban nhân dân {province[:1].lower()}{province[1:]}",
        date=published_at.date() if published_at else period_end,
    )

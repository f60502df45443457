"""Synthetic applicants: the personal-data columns the pipeline must drop at read time.

A pool of fictitious people is drawn once and dossiers pick from it (the same citizen
files several dossiers, as in life). Values look real on purpose — Vietnamese names,
12-digit citizen-ID numbers, local addresses, mobile numbers, e-mails — so that a PII scan
of the warehouse has something to find if a column ever leaks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from samplegen.text import strip_diacritics

SURNAMES = np.array(
    ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi",
     "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trịnh", "Mai", "Lương"]
)  # fmt: skip
SURNAME_P = np.array([38, 11, 9, 7, 5, 2, 4, 4, 2, 2, 2, 1.5, 1.5, 1.3, 1, 0.5, 1, 1, 1, 1])
MIDDLE_M = np.array(["Văn", "Đức", "Minh", "Quốc", "Hữu", "Thanh", "Xuân", "Công", "Ngọc"])
MIDDLE_F = np.array(["Thị", "Thu", "Ngọc", "Thanh", "Minh", "Kim", "Hồng", "Phương", "Bích"])
GIVEN_M = np.array(
    ["An", "Bình", "Cường", "Dũng", "Hải", "Huy", "Hùng", "Khánh", "Long", "Nam", "Phong",
     "Quân", "Sơn", "Thắng", "Tuấn", "Việt", "Trung", "Hiếu", "Đạt", "Kiên"]
)  # fmt: skip
GIVEN_F = np.array(
    ["Anh", "Châu", "Hà", "Hạnh", "Hương", "Lan", "Linh", "Mai", "Ngân", "Nhung", "Phương",
     "Quỳnh", "Thảo", "Trang", "Uyên", "Vân", "Yến", "Hằng", "Giang", "Loan"]
)  # fmt: skip
STREETS = np.array(
    ["Trần Hưng Đạo", "Lê Thánh Tông", "Nguyễn Văn Cừ", "Hạ Long", "Lê Lợi", "Cái Lân",
     "Trần Phú", "Bến Đoan", "Kênh Liêm", "Hùng Vương", "Lý Thường Kiệt", "Tô Hiến Thành"]
)  # fmt: skip
PHONE_PREFIXES = np.array(
    ["090", "091", "093", "094", "096", "097", "098", "086", "088", "032", "033", "034",
     "035", "036", "037", "038", "039", "070", "076", "077", "079", "081", "083", "084"]
)  # fmt: skip
MAIL_DOMAINS = np.array(["gmail.com", "gmail.com", "gmail.com", "yahoo.com.vn", "outlook.com"])


@dataclass(frozen=True)
class People:
    name: np.ndarray
    id_number: np.ndarray
    address: np.ndarray
    phone: np.ndarray
    email: np.ndarray

    def __len__(self) -> int:
        return len(self.name)


def _digits(rng: np.random.Generator, n: int, width: int) -> np.ndarray:
    values = rng.integers(0, 10**width, n)
    return np.array([f"{v:0{width}d}" for v in values])


def build_people(rng: np.random.Generator, n: int, places: list[str]) -> People:
    """``places``: ward/commune names used in addresses (e.g. ``phường Bạch Đằng``)."""
    female = rng.random(n) < 0.5
    surname = rng.choice(SURNAMES, n, p=SURNAME_P / SURNAME_P.sum())
    middle = np.where(female, rng.choice(MIDDLE_F, n), rng.choice(MIDDLE_M, n))
    given = np.where(female, rng.choice(GIVEN_F, n), rng.choice(GIVEN_M, n))
    name = np.array([f"{s} {m} {g}" for s, m, g in zip(surname, middle, given, strict=True)])

    birth_year = rng.integers(1950, 2006, n)
    # CCCD: 3-digit province of birth, gender/century digit, 2-digit birth year, 6 digits.
    province = rng.choice(np.array(["022", "022", "022", "001", "030", "031", "036"]), n)
    century = np.where(birth_year >= 2000, 2, 0) + female.astype(int)
    serial = _digits(rng, n, 6)
    id_number = np.array(
        [
            f"{p}{c}{y % 100:02d}{s}"
            for p, c, y, s in zip(province, century, birth_year, serial, strict=True)
        ]
    )

    house = rng.integers(1, 300, n)
    street = rng.choice(STREETS, n)
    group = rng.integers(1, 12, n)
    place = rng.choice(np.array(places), n)
    address = np.array(
        [
            f"Số {h} đường {st}, tổ {g}, {p}"
            for h, st, g, p in zip(house, street, group, place, strict=True)
        ]
    )

    phone = np.array(
        [f"{p}{d}" for p, d in zip(rng.choice(PHONE_PREFIXES, n), _digits(rng, n, 7), strict=True)]
    )

    domain = rng.choice(MAIL_DOMAINS, n)
    email = np.array(
        [
            f"{strip_diacritics(g).lower()}{strip_diacritics(s).lower()}{y % 100:02d}@{d}"
            for g, s, y, d in zip(given, surname, birth_year, domain, strict=True)
        ]
    )
    return People(name=name, id_number=id_number, address=address, phone=phone, email=email)

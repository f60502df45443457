"""Small text helpers shared by the writers."""

from __future__ import annotations

import unicodedata


def strip_diacritics(text: str) -> str:
    """``Mã hồ sơ`` → ``Ma ho so`` (đ is a letter of its own, not a letter plus a mark)."""
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return bare.replace("đ", "d").replace("Đ", "D")


def nfd(text: str) -> str:
    """The decomposed spelling some Mac/legacy exports write."""
    return unicodedata.normalize("NFD", text)


def thousands(value: int) -> str:
    """``1234`` → ``1.234``: Vietnamese thousands separator."""
    return f"{value:,}".replace(",", ".")

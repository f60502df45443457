"""Header normalisation as the source contract defines it.

NFC, lower case, trimmed, inner whitespace collapsed, Vietnamese diacritics removed, so
that ``Mã hồ sơ``, ``MÃ HỒ SƠ``, ``Ma ho so`` and the NFD spelling compare equal.
"""

from __future__ import annotations

import re
import unicodedata

_WHITESPACE = re.compile(r"\s+")


def strip_diacritics(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    without_marks = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # đ/Đ is a letter of its own, not a letter plus a mark.
    return without_marks.replace("đ", "d").replace("Đ", "D")


def normalise_header(value: object) -> str:
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value)).lstrip("\ufeff").strip().lower()
    text = _WHITESPACE.sub(" ", text)
    return strip_diacritics(text)


def normalise_name(value: object) -> str:
    """Agency and field names are matched the same way as headers."""
    return normalise_header(value)

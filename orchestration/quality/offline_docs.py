"""Make the Great Expectations Data Docs site work offline.

GX's pages load Bootstrap, jQuery, bootstrap-table, Font Awesome and Vega from CDNs, and the
index builds its list of validations in the browser with those scripts: on a provincial
network that reaches no CDN the index lists nothing. Here, after GX has written the site:

- every tag that loads a remote asset (script, stylesheet, image) is removed from every page,
  so nothing waits for a host it cannot reach; the site's own local stylesheet stays;
- the index gets a plain HTML list of the validations (suite, verdict, counts, link to the
  validation's page), with inline styles: it needs no script and no network.

The validation pages themselves are rendered by GX as static HTML and stay readable.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

_REMOTE = r"""["']https?://[^"']*["']"""
_REMOTE_ASSET_TAGS = (
    re.compile(rf"<script\b[^>]*\bsrc={_REMOTE}[^>]*>\s*</script>", re.IGNORECASE),
    re.compile(rf"<link\b[^>]*\bhref={_REMOTE}[^>]*>", re.IGNORECASE),
    re.compile(rf"<img\b[^>]*\bsrc={_REMOTE}[^>]*>", re.IGNORECASE),
)
OFFLINE_SECTION_ID = "cchc-offline-validations"

_STYLE = """
<style>
  #cchc-offline-validations { font-family: sans-serif; margin: 1.5em; }
  #cchc-offline-validations table { border-collapse: collapse; }
  #cchc-offline-validations th, #cchc-offline-validations td {
    border: 1px solid #999; padding: 0.3em 0.8em; text-align: left; }
  #cchc-offline-validations .pass { color: #1a7f37; font-weight: bold; }
  #cchc-offline-validations .fail { color: #cf222e; font-weight: bold; }
</style>
"""


@dataclass(frozen=True)
class SuiteVerdict:
    suite: str
    success: bool
    expectations: int
    failed: int


def strip_remote_assets(page: str) -> str:
    for pattern in _REMOTE_ASSET_TAGS:
        page = pattern.sub("", page)
    return page


def validations_section(docs_dir: Path, verdicts: Iterable[SuiteVerdict]) -> str:
    """The static list of validations that the index shows without scripts."""
    rows = []
    for verdict in sorted(verdicts, key=lambda v: v.suite):
        pages = sorted((docs_dir / "validations" / verdict.suite).rglob("*.html"))
        name = html.escape(verdict.suite)
        link = (
            f'<a href="{html.escape(pages[-1].relative_to(docs_dir).as_posix())}">{name}</a>'
            if pages
            else name
        )
        mark = (
            '<span class="pass">Đạt / passed</span>'
            if verdict.success
            else '<span class="fail">Không đạt / failed</span>'
        )
        rows.append(
            f"<tr><td>{link}</td><td>{mark}</td><td>{verdict.expectations}</td>"
            f"<td>{verdict.failed}</td></tr>"
        )
    return (
        f'<section id="{OFFLINE_SECTION_ID}">'
        "<h2>Kết quả kiểm tra / Validation results</h2>"
        "<table><thead><tr><th>Bảng / suite</th><th>Kết quả / result</th>"
        "<th>Số kỳ vọng / expectations</th><th>Không đạt / failed</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></section>"
    )


def make_offline(docs_dir: Path, verdicts: Iterable[SuiteVerdict]) -> None:
    """Rewrite the site under ``docs_dir`` in place (see the module's docstring)."""
    docs_dir = Path(docs_dir)
    for page in docs_dir.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        offline = strip_remote_assets(text)
        if offline != text:
            page.write_text(offline, encoding="utf-8")
    index = docs_dir / "index.html"
    if not index.exists():
        return
    text = index.read_text(encoding="utf-8")
    section = validations_section(docs_dir, verdicts)
    text = text.replace("</head>", f"{_STYLE}</head>", 1)
    text, inserted = re.subn(r"<body\b[^>]*>", lambda body: body.group(0) + section, text, count=1)
    if not inserted:
        text += section
    index.write_text(text, encoding="utf-8")

"""The Great Expectations Data Docs, opened in headless Chromium with no network, list the
validations (an office's network reaches no CDN; GX's own index lists nothing there)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pytest

from orchestration.quality.checkpoint import QualityResult, run_mart_checks
from orchestration.quality.offline_docs import OFFLINE_SECTION_ID
from orchestration.quality.suites import suite_names
from tests.support.browser import capture
from tests.support.marts_fixture import build_marts_db

SUITES = sorted(suite_names())
_ROW = re.compile(r'<tr><td><a href="([^"]+)">([^<]+)</a></td><td><span class="(pass|fail)">')


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> QualityResult:
    """The checkpoint over marts where one rate row is broken (its period ends before it
    starts, a rule only GX checks): one suite fails, the rest pass."""
    work = tmp_path_factory.mktemp("offline-docs")
    analytics = build_marts_db(work / "analytics.duckdb")
    con = duckdb.connect(str(analytics))
    try:
        con.execute(
            "update marts.service_rates set period_end = period_start - 1"
            " where indicator = 'online_rate'"
        )
    finally:
        con.close()
    return run_mart_checks(analytics, work / "docs")


def _listed(dom: str) -> dict[str, tuple[str, str]]:
    section = dom[dom.index(f'id="{OFFLINE_SECTION_ID}"') :]
    return {name: (href, verdict) for href, name, verdict in _ROW.findall(section)}


def test_index_lists_every_validation_offline(docs: QualityResult, tmp_path: Path) -> None:
    page = capture(docs.docs_index, tmp_path / "index.png")
    listed = _listed(page.dom)
    assert sorted(listed) == SUITES
    assert {name for name, (_, verdict) in listed.items() if verdict == "fail"} == {"service_rates"}
    for name, (href, _) in listed.items():
        target = docs.docs_index.parent / href
        assert target.is_file() and f"/{name}/" in href, href
    assert "Không đạt / failed" in page.dom and "Đạt / passed" in page.dom
    assert page.screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    shutil.copy(page.screenshot, docs.docs_index.parent / "index-offline.png")  # to look at


def test_a_validation_page_shows_its_results_offline(docs: QualityResult, tmp_path: Path) -> None:
    [page_path] = (docs.docs_index.parent / "validations" / "service_rates").rglob("*.html")
    page = capture(page_path, tmp_path / "service_rates.png")
    assert "Evaluated Expectations" in page.dom
    assert "Status: Failed" in " ".join(re.sub(r"<[^>]+>", " ", page.dom).split())


def test_no_page_loads_anything_from_the_internet(docs: QualityResult) -> None:
    remote = re.compile(r"<(script|link|img)\b[^>]*\b(src|href)=[\"']https?://", re.IGNORECASE)
    pages = list(docs.docs_index.parent.rglob("*.html"))
    assert len(pages) > len(SUITES)
    for page in pages:
        assert not remote.search(page.read_text(encoding="utf-8")), page

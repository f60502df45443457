"""Headless Chromium (Debian's `chromium`) for page checks: a screenshot and the DOM after
the page's scripts ran, with the network closed.

Offline is the point: a provincial office's network reaches no CDN. Every request that is
not a local file is mapped to an unroutable address by `--host-resolver-rules`, and the
background services that phone home are off (without those flags Chromium also tries
Google's hosts at every start). A page that needs the internet shows here what it shows
offline. `make test` installs chromium; where it is missing the helper says how to get it.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

CHROMIUM_TIMEOUT_SECONDS = 120
WINDOW = "1280,2000"
OFFLINE_FLAGS = (
    "--headless",
    "--no-sandbox",  # root in the project's containers
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    # No network: every host name resolves to nothing; file:// pages still load.
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--proxy-server=127.0.0.1:9",  # and anything else that would try goes nowhere
    "--virtual-time-budget=5000",  # let the page's scripts run before the capture
)


class ChromiumMissing(RuntimeError):
    pass


def chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    raise ChromiumMissing(
        "chromium is not installed: run `make test` (it installs Debian's chromium as root) "
        "or `apt-get install -y chromium`."
    )


@dataclass(frozen=True)
class PageCapture:
    dom: str  # the serialised DOM after the page's scripts ran
    screenshot: Path  # PNG


def _run(flags: list[str], url: str, profile: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [chromium(), *OFFLINE_FLAGS, f"--user-data-dir={profile}", *flags, url],
        capture_output=True,
        text=True,
        timeout=CHROMIUM_TIMEOUT_SECONDS,
        check=False,
    )


def capture(page: Path, screenshot: Path) -> PageCapture:
    """Open ``page`` (a local HTML file) offline; dump its DOM and save a screenshot."""
    url = Path(page).resolve().as_uri()
    screenshot = Path(screenshot).resolve()
    with tempfile.TemporaryDirectory(prefix="cchc-chromium-") as profile:
        dumped = _run(["--dump-dom"], url, Path(profile) / "dom")
        if dumped.returncode != 0 or not dumped.stdout.strip():
            raise RuntimeError(f"chromium --dump-dom failed: {dumped.stderr[-2000:]}")
        shot = _run(
            [f"--screenshot={screenshot}", f"--window-size={WINDOW}"], url, Path(profile) / "png"
        )
        if shot.returncode != 0 or not screenshot.exists():
            raise RuntimeError(f"chromium --screenshot failed: {shot.stderr[-2000:]}")
    return PageCapture(dom=dumped.stdout, screenshot=screenshot)


if __name__ == "__main__":  # python -m tests.support.browser PAGE.html OUT.png
    import sys

    result = capture(Path(sys.argv[1]), Path(sys.argv[2]))
    print(result.dom)

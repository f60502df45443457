"""`cchc run --rehash`: the operator's way to have every landed file hashed again (the
ledger's stat cache otherwise skips files whose size and mtime are unchanged;
docs/decisions.md, "Stat cache in the ledger"). The loader's side is tested in
tests/test_ingest_ledger.py; here, that the flag reaches the run as that setting."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from orchestration import cli
from orchestration.load.discovery import REHASH_ENV
from orchestration.settings import SAMPLE_LANDING_DIR


@pytest.mark.parametrize(("args", "expected"), [(["run"], False), (["run", "--rehash"], True)])
def test_the_rehash_flag_reaches_the_run(
    args: list[str], expected: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[bool] = []
    monkeypatch.setattr(
        cli, "_run_job", lambda settings, backfill, spark=False: seen.append(settings.rehash)
    )
    monkeypatch.delenv(REHASH_ENV, raising=False)
    monkeypatch.setenv("CCHC_LANDING_DIR", str(SAMPLE_LANDING_DIR))
    monkeypatch.setenv("CCHC_DATA_DIR", str(tmp_path / "data"))
    result = CliRunner().invoke(cli.app, args)
    assert result.exit_code == 0, result.output
    assert seen == [expected]
    assert REHASH_ENV not in os.environ  # handed to the run, not written to the environment

"""The quarantine engine every source shares (orchestration.extract.rules), and validation
as its own stage after extraction, called by the ingest driver (orchestration.load.sources).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from orchestration.extract import queue, reference
from orchestration.extract.rules import Rule, cite_all, judge
from orchestration.extract.types import Extracted
from orchestration.load.sources import ingest_reference
from orchestration.load.warehouse import connect

EXAMPLES = Path(__file__).parent / "fixtures" / "contract_examples"

RULES = (
    Rule("empty_code", "code = ''", cite_all(["code"])),
    Rule("big", "size > 10", cite_all(["code"], {"code": "Mã"})),
    Rule("repeated", detail=cite_all(["code"]), duplicate_of=("code",)),
)


def test_first_rule_wins_null_is_false_and_duplicates_are_among_usable_rows() -> None:
    frame = pd.DataFrame(
        {
            "row_number": [2, 3, 4, 5, 6, 7],
            "code": ["", "A", "A", "B", "B", "B"],
            # Row 3 is taken by `big`, so the first *usable* A is row 4; NULL is not big.
            "size": [99, 50, None, 1, 1, 99],
        }
    )
    reason, detail = judge(frame, RULES)
    assert reason.tolist() == ["empty_code", "big", None, None, "repeated", "big"]
    assert detail.tolist() == [
        "code=''",
        "Mã='A'",
        None,
        None,
        "code='B' (trùng dòng 5 / duplicate of row 5)",
        "Mã='B'",
    ]


def test_an_empty_frame_needs_no_query() -> None:
    reason, detail = judge(pd.DataFrame({"row_number": pd.Series([], dtype="int64")}), RULES)
    assert reason.empty and detail.empty


def test_rows_out_of_file_order_are_refused() -> None:
    with pytest.raises(ValueError, match="row_number"):
        judge(pd.DataFrame({"row_number": [3, 2], "code": ["A", "B"], "size": [1, 1]}), RULES)


def test_rules_are_data_in_the_order_of_the_documented_reasons() -> None:
    # Each extractor's docstring lists its reasons in order; its rule table follows it.
    for rules, doc in (
        (reference.AGENCY_RULES, reference.__doc__),
        (reference.PROCEDURE_RULES, reference.__doc__),
        (queue.QUEUE_RULES, queue.__doc__),
    ):
        assert doc is not None
        reasons = list(dict.fromkeys(rule.reason for rule in rules))
        start = doc.index(f"``{reasons[0]}``")  # the source's list (agencies, procedures)
        positions = [doc.index(f"``{reason}``", start) for reason in reasons]
        assert positions == sorted(positions), reasons


def test_the_driver_validates_what_extraction_lets_through(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Unreachable through the rules (they quarantine an unknown level): a gap in an
    # extractor is caught by the validation stage and refuses the file, by name.
    real = reference.extract_agencies

    def leaky(path: Path, file_label: str) -> Extracted:
        extracted = real(path, file_label)
        rows = extracted.rows.assign(level="quan")
        return Extracted(extracted.layout, rows, extracted.quarantined, extracted.rows_read)

    monkeypatch.setattr(reference, "extract_agencies", leaky)
    con = connect(tmp_path / "warehouse.duckdb")
    try:
        with pytest.raises(RuntimeError, match="required reference files"):
            ingest_reference(con, EXAMPLES)
        status, message = con.execute(
            "select status, message from raw.file_ledger where file_path = 'reference/agencies.csv'"
        ).fetchone()
        agencies = con.execute("select count(*) from raw.agencies").fetchone()
    finally:
        con.close()
    assert status == "rejected"
    assert message.startswith("reference/agencies.csv: ")
    assert "rows fail schema AgencySchema" in message
    assert agencies == (0,)

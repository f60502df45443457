"""``python -m samplegen --out DIR [--seed N] [--bench] …``

Writes ``DIR/landing`` (the contract's landing tree) and ``DIR/expected`` (manifest and
truth). The bundled sample is ``--out sources/sample`` with the default seed.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

from samplegen import DEFAULT_SEED, generate
from samplegen.config import DEFAULT_END, DEFAULT_START


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m samplegen",
        description="Sinh dữ liệu tỉnh tổng hợp / write a synthetic province's landing tree.",
    )
    parser.add_argument("--out", type=Path, required=True, help="output directory")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--start", type=date.fromisoformat, default=DEFAULT_START)
    parser.add_argument("--end", type=date.fromisoformat, default=DEFAULT_END)
    parser.add_argument(
        "--dossier-versions",
        type=int,
        default=None,
        help="bench: versions to write (default 5 000 000); sample: scales the volume",
    )
    parser.add_argument(
        "--bench",
        action="store_true",
        help="benchmark tree: CSV/JSON Lines daily deltas only, no reports or queue",
    )
    parser.add_argument(
        "--increment-dir",
        type=Path,
        default=None,
        help="bench: write the last day's delta files below DIR2/landing/one_stop/",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    if args.increment_dir is not None and not args.bench:
        print("--increment-dir chỉ dùng với --bench / needs --bench", file=sys.stderr)
        return 2
    started = time.perf_counter()
    manifest = generate(
        args.out,
        seed=args.seed,
        start=args.start,
        end=args.end,
        dossier_versions=args.dossier_versions,
        bench=args.bench,
        increment_dir=args.increment_dir,
    )
    seconds = time.perf_counter() - started
    counts = manifest["counts"]
    assert isinstance(counts, dict)
    if args.bench:
        written = int(counts["versions_written"])
        print(
            f"{counts['files']} files, {counts['dossiers_generated']} dossiers, "
            f"{written} versions in {seconds:.1f} s ({written / seconds:,.0f} versions/s)"
        )
    else:
        print(
            f"{counts['files']} files, {counts['dossiers_generated']} dossiers, "
            f"{counts['one_stop_rows_written']} one-stop rows in {seconds:.1f} s → {args.out}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

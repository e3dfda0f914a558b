"""`bench`: run the benchmarks (issue #7) and write bench/results/.

Measures the modssl unix firmware side by side with stock upstream
MicroPython (same mbedTLS sources) and CPython's `ssl`, plus the library's
own ceiling; see tools/modssl_harness/benchmarks/.  `--snapshot` also copies
the table and chart to docs/bench/ for committing.  Timings are never
asserted: host_tests/test_bench_smoke.py only checks the table's shape.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from .. import paths
from ..benchmarks import runner
from ..benchmarks.context import Counts


def register(sub) -> None:
    p = sub.add_parser("bench", help="measure handshake, throughput, RAM and size against stock and CPython")
    p.add_argument("--quick", action="store_true",
                   help="tiny iteration counts (checks the bench runs; figures are noise)")
    p.add_argument("--out", type=Path, default=paths.REPO / "bench" / "results", help="where the table and chart go")
    p.add_argument("--skip", default="", help=f"comma-separated parts to leave out: {', '.join(runner.OPTIONAL)}")
    p.add_argument("--rp2-size", type=Path, default=None, help="size.json of an rp2 build made elsewhere")
    p.add_argument("--no-build", action="store_true", help="use the modssl and stock firmware already built")
    p.add_argument("--snapshot", action="store_true", help="also copy the results to docs/bench/")
    p.set_defaults(func=run)


def run(args) -> int:
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    unknown = skip - set(runner.OPTIONAL)
    if unknown:
        choices = ", ".join(runner.OPTIONAL)
        raise SystemExit(f"bench: unknown --skip {', '.join(sorted(unknown))}; choose from {choices}")
    counts = Counts.quick() if args.quick else Counts()
    _, md = runner.run(counts, args.out, skip, quick=args.quick, rp2_size=args.rp2_size,
                       rebuild=not args.no_build)
    print(md)
    if args.snapshot:
        docs = paths.REPO / "docs" / "bench"
        docs.mkdir(parents=True, exist_ok=True)
        shutil.copy2(args.out / "README.md", docs / "README.md")
        shutil.copy2(args.out / "chart.png", docs / "chart.png")
        print(f"snapshot: {docs}")
    return 0

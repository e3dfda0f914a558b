"""`bench`: run the benchmarks in bench/ and print the tables."""

from __future__ import annotations

from ..build import BuildError


def register(sub) -> None:
    p = sub.add_parser("bench", help="measure handshake, throughput, RAM and size against stock and CPython")
    p.set_defaults(func=run)


def run(args) -> int:
    raise BuildError("bench: not available in this version of the harness yet")

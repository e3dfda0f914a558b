"""`clean`: remove build outputs (the source cache is kept)."""

from __future__ import annotations

from .. import build as builder


def register(sub) -> None:
    p = sub.add_parser("clean", help="remove firmware build outputs (keeps fetched sources)")
    p.add_argument("--port", default=None, help="only this port's builds")
    p.set_defaults(func=run)


def run(args) -> int:
    builder.clean(args.port)
    return 0

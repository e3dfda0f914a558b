"""`fetch`: download and unpack the pinned sources into the cache."""

from __future__ import annotations

from .. import sources


def register(sub) -> None:
    p = sub.add_parser("fetch", help="download and verify MicroPython and mbedTLS sources (Debian trixie)")
    p.add_argument("names", nargs="*", choices=[[]] + list(sources.SOURCES), help="sources to fetch (default: all)")
    p.set_defaults(func=run)


def run(args) -> int:
    for name, path in sources.fetch_all(args.names or None).items():
        print(f"{name}: {path}")
    return 0

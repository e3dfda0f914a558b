"""`build`: build firmware for a port."""

from __future__ import annotations

from .. import build as builder


def register(sub) -> None:
    p = sub.add_parser("build", help="build firmware (unix: modssl, stock upstream, or the sanitizer build)")
    p.add_argument("--port", default="unix", choices=["unix", "rp2", "esp32"])
    p.add_argument("--board", default=None, help="board name (rp2/esp32)")
    p.add_argument(
        "--flavour",
        default="modssl",
        help="unix: comma-separated list of modssl, stock, asan (default: modssl)",
    )
    p.set_defaults(func=run)


def run(args) -> int:
    if args.port == "unix":
        for flavour in args.flavour.split(","):
            print(builder.build_unix(flavour.strip()))
        return 0
    raise builder.BuildError(f"--port {args.port}: not supported by this version of the harness yet")

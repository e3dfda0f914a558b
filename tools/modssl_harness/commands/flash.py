"""`flash`: write firmware to a board."""

from __future__ import annotations

from ..build import BuildError


def register(sub) -> None:
    p = sub.add_parser("flash", help="flash firmware to a board (rp2: picotool/UF2, esp32: esptool)")
    p.add_argument("--port", required=True, choices=["rp2", "esp32"])
    p.add_argument("--device", default=None, help="serial port (found by USB VID/PID when omitted)")
    p.set_defaults(func=run)


def run(args) -> int:
    raise BuildError(f"flash --port {args.port}: not supported by this version of the harness yet")

"""`run`: the main job -- build, start the host servers, run the device checks."""

from __future__ import annotations

from pathlib import Path

from .. import build as builder
from .. import devicetests, devices, rp2build


def register(sub) -> None:
    p = sub.add_parser(
        "run", help="build the firmware, start host TLS servers, run the on-device checks, print a summary"
    )
    p.add_argument(
        "--device", default="unix",
        help="unix (default), unix:/path/to/micropython, emu:rp2 (the emulated Pico), or a serial port",
    )
    p.add_argument(
        "--link", action="store_true",
        help="a board without a network (plain Pico): its TLS/DTLS goes over its serial console to the host",
    )
    p.add_argument("--host-address", default=None, help="this machine's address as the board sees it (boards only)")
    p.add_argument("--no-build", action="store_true", help="use the firmware already built")
    p.add_argument("--junit", type=Path, default=None, help="also write results as JUnit XML here")
    p.set_defaults(func=run)


def run(args) -> int:
    if args.device == "unix" and not args.no_build:
        builder.build_unix("modssl")
    if args.device == "emu:rp2" and not args.no_build:
        rp2build.build_rp2("modssl")
    device = devices.open_device(args.device, args.host_address, link=args.link)
    try:
        results = devicetests.run(device)
    finally:
        device.close()
    print(devicetests.summary_table(results))
    if args.junit:
        devicetests.write_junit(results, args.junit, device.name)
    return 0 if results and all(r.passed for r in results) else 1

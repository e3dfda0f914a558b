"""`build`: build firmware for a port."""

from __future__ import annotations

from .. import build as builder
from .. import esp32build, rp2build


def register(sub) -> None:
    p = sub.add_parser(
        "build",
        help="build firmware (unix: modssl, stock upstream, sanitizer; rp2: UF2 and size report; esp32: ESP-IDF)",
    )
    p.add_argument("--port", default="unix", choices=["unix", "rp2", "esp32"])
    p.add_argument(
        "--board",
        default=None,
        help=f"rp2: {rp2build.DEFAULT_BOARD} (default) or MODSSL_PICO_W; esp32: {esp32build.DEFAULT_BOARD} (default)",
    )
    p.add_argument(
        "--flavour",
        default="modssl",
        help="unix: comma-separated list of modssl, stock, asan, nodtls; rp2: modssl or stock (default: modssl)",
    )
    p.set_defaults(func=run)


def run(args) -> int:
    if args.port == "unix":
        for flavour in args.flavour.split(","):
            print(builder.build_unix(flavour.strip()))
        return 0
    if args.port == "rp2":
        for flavour in args.flavour.split(","):
            print(rp2build.build_rp2(flavour.strip(), args.board))
            if flavour.strip() == "modssl":
                # The size report compares against the same board with
                # upstream's `tls` (MODSSL_PICO_W: STOCK_PICO_W_TLS).
                fw = rp2build.out_dir("modssl", rp2build.board_for("modssl", args.board)) / "firmware.uf2"
                baseline = rp2build.build_rp2("stock", rp2build.baseline_for(args.board))
                rp2build.print_size_report(rp2build.size_report(fw, baseline, rp2build.board_for("modssl", args.board)))
        return 0
    print(esp32build.build_esp32(args.board))
    return 0

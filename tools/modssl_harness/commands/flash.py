"""`flash`: write firmware to a board (rp2: picotool or the BOOTSEL drive; esp32: esptool)."""

from __future__ import annotations

import shutil
from pathlib import Path

from .. import boards, flashing, paths
from ..targets import TargetError


def register(sub) -> None:
    p = sub.add_parser("flash", help="flash firmware to a board (rp2: picotool/UF2 drive, esp32: esptool)")
    p.add_argument("--port", required=True, choices=["rp2", "esp32"])
    p.add_argument("--device", default=None, help="serial port (found by USB VID/PID when omitted)")
    p.add_argument("--firmware", type=Path, default=None, help="image to write (default: the last build's)")
    rp2 = p.add_argument_group("rp2")
    rp2.add_argument(
        "--method", choices=["auto", "picotool", "drive"], default="auto",
        help="picotool load, or copy to the RPI-RP2 drive; auto: the drive if mounted, else picotool if "
        "installed, else reboot the board into the drive",
    )
    rp2.add_argument("--force", "-f", action="store_true", help="picotool -f: reboot a running board into BOOTSEL")
    rp2.add_argument("--picotool", default=None, help="a picotool with USB support (default: from PATH)")
    esp = p.add_argument_group("esp32")
    esp.add_argument("--chip", default="esp32", choices=sorted(flashing.ESP32_FLASH_OFFSETS))
    esp.add_argument("--baud", type=int, default=flashing.DEFAULT_BAUD)
    esp.add_argument("--erase", action="store_true", help="erase the whole flash first (erase-flash)")
    p.set_defaults(func=run)


def default_firmware(port: str) -> Path:
    if port == "rp2":
        return paths.firmware_path("rp2", "modssl")
    return paths.build_root() / "esp32-modssl_esp32_generic" / "firmware.bin"


def run(args) -> int:
    fw = args.firmware or default_firmware(args.port)
    if not fw.exists():
        build = "build --port rp2" if args.port == "rp2" else "build --port esp32 (needs ESP-IDF)"
        raise TargetError(f"{fw} does not exist: build it first with `{build}` or pass --firmware")
    if args.port == "esp32":
        flashing.flash_esp32(fw, args.device, args.chip, args.baud, args.erase)
        return 0
    method = args.method
    if method == "auto":
        if boards.find_bootsel_drives(boards.mount_points()):
            method = "drive"
        elif args.picotool or shutil.which("picotool"):
            method = "picotool"
        else:
            method = "drive"
    if method == "picotool":
        flashing.flash_rp2_picotool(fw, args.force, args.picotool)
    else:
        flashing.flash_rp2_drive(fw, args.device)
    return 0

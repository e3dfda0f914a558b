"""Writing firmware to boards: rp2 with picotool or the BOOTSEL drive, esp32 with esptool.

The command lines are built by pure functions (tested in
host_tests/test_harness_flash.py); the functions that run them take the
detected ports and drives from boards.py.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

from . import boards
from .targets import TargetError
from .progress import step

# Where a merged MicroPython esp32 firmware.bin goes: the ESP32 and ESP32-S2
# boot ROM loads the bootloader from 0x1000, the newer chips from 0x0
# (MicroPython's esp32 port documents the same offsets).
ESP32_FLASH_OFFSETS = {
    "esp32": 0x1000,
    "esp32s2": 0x1000,
    "esp32s3": 0x0,
    "esp32c3": 0x0,
    "esp32c6": 0x0,
}
DEFAULT_BAUD = 460800


# ---- rp2 ---------------------------------------------------------------------------


def picotool_load_command(uf2: Path, force: bool = False, picotool: str = "picotool") -> list[str]:
    """`picotool load -x` writes and then runs the image; -f first reboots a
    running board into BOOTSEL through its USB reset interface."""
    cmd = [picotool, "load", "-x", str(uf2)]
    if force:
        cmd.append("-f")
    return cmd


def bootloader_command(serial_port: str) -> list[str]:
    """Ask running MicroPython to reboot into the BOOTSEL drive (machine.bootloader())."""
    return [sys.executable, "-m", "mpremote", "connect", serial_port, "bootloader"]


def find_picotool(explicit: str | None = None) -> str:
    """A picotool that can talk USB.  The one the build makes has no libusb
    (it only converts ELF to UF2), so it is never used for flashing."""
    tool = explicit or shutil.which("picotool")
    if tool is None:
        raise TargetError(
            "flashing with picotool needs a picotool built with USB support: `apt-get install picotool` "
            "(Debian trixie or later) or build picotool 2.1.1 with libusb-1.0-0-dev, then pass "
            "--picotool PATH if it is not on PATH; or use --method drive (the BOOTSEL drive)"
        )
    return tool


def copy_to_drive(uf2: Path, drive: Path) -> Path:
    """Copy the UF2 to the BOOTSEL drive; the board flashes and reboots when the copy completes."""
    dest = drive / uf2.name
    step(f"copying {uf2} to {drive}")
    with uf2.open("rb") as src, dest.open("wb") as out:
        shutil.copyfileobj(src, out)
        out.flush()
    return dest


def wait_for_bootsel_drive(timeout: float, poll: float = 0.5) -> Path | None:
    deadline = time.monotonic() + timeout
    while True:
        drives = boards.find_bootsel_drives(boards.mount_points())
        if drives:
            return drives[0]
        if time.monotonic() >= deadline:
            return None
        time.sleep(poll)


def flash_rp2_drive(uf2: Path, device: str | None, wait: float = 20.0) -> None:
    """Through the BOOTSEL drive, rebooting a running board into it first."""
    drives = boards.find_bootsel_drives(boards.mount_points())
    if len(drives) > 1:
        raise TargetError(f"several RPI-RP2 drives are mounted ({', '.join(map(str, drives))}): unplug all but one")
    if not drives:
        try:
            port = boards.pick_serial_port("rp2", boards.serial_ports(), device)
        except TargetError as e:
            raise TargetError(
                "no RPI-RP2 drive is mounted and no running board to reboot into it: hold BOOTSEL while "
                f"plugging the board in and mount the drive, or pass --device. ({e})"
            ) from e
        step(f"rebooting the board on {port} into BOOTSEL (mpremote bootloader)")
        subprocess.run(bootloader_command(port), capture_output=True, timeout=30)
        drive = wait_for_bootsel_drive(wait)
        if drive is None:
            raise TargetError(
                f"the board on {port} was asked to enter BOOTSEL but no RPI-RP2 drive was mounted within {wait:.0f} s: "
                "mount it (e.g. `udisksctl mount -b /dev/disk/by-label/RPI-RP2`) and run flash again, "
                "or use --method picotool"
            )
        drives = [drive]
    copy_to_drive(uf2, drives[0])


def flash_rp2_picotool(uf2: Path, force: bool, picotool: str | None) -> None:
    cmd = picotool_load_command(uf2, force, find_picotool(picotool))
    step(" ".join(cmd))
    if subprocess.call(cmd) != 0:
        hint = "" if force else " (a board running MicroPython: add --force, or press BOOTSEL while plugging it in)"
        raise TargetError(f"picotool load failed{hint}")


# ---- esp32 -------------------------------------------------------------------------


def esp32_offset(chip: str) -> int:
    try:
        return ESP32_FLASH_OFFSETS[chip]
    except KeyError:
        raise TargetError(f"unknown chip {chip!r}: choose one of {', '.join(ESP32_FLASH_OFFSETS)}") from None


def esptool_commands(
    firmware: Path, serial_port: str, chip: str = "esp32", baud: int = DEFAULT_BAUD, erase: bool = False
) -> list[list[str]]:
    """esptool (v5 command names) invocations: optional erase-flash, then write-flash at the chip's offset."""
    base = [sys.executable, "-m", "esptool", "--chip", chip, "--port", serial_port, "--baud", str(baud)]
    cmds = []
    if erase:
        cmds.append(base + ["erase-flash"])
    cmds.append(base + ["write-flash", "-z", f"{esp32_offset(chip):#x}", str(firmware)])
    return cmds


def flash_esp32(firmware: Path, device: str | None, chip: str, baud: int, erase: bool) -> None:
    port = boards.pick_serial_port("esp32", boards.serial_ports(), device)
    for cmd in esptool_commands(firmware, port, chip, baud, erase):
        step(" ".join(cmd[2:]))
        if subprocess.call(cmd) != 0:
            raise TargetError(
                f"esptool failed on {port}: check the cable, hold BOOT while resetting the board, "
                "or try a lower --baud"
            )

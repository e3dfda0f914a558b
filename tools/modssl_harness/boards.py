"""Finding attached boards: serial ports by USB VID/PID, rp2 UF2 drives by mount.

Every function that decides takes the data it decides on (port-info records,
mount points) as parameters, so the logic is tested with constructed pyserial
ListPortInfo objects and made-up mount tables; only `serial_ports()` and
`mount_points()` look at the machine.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Protocol

from .targets import TargetError


class PortInfo(Protocol):
    """What we read of pyserial's ListPortInfo."""

    device: str
    vid: int | None
    pid: int | None
    description: str
    serial_number: str | None


@dataclass(frozen=True)
class UsbId:
    vid: int
    pid: int | None  # None: any product of this vendor
    what: str

    def matches(self, info: PortInfo) -> bool:
        return info.vid == self.vid and (self.pid is None or info.pid == self.pid)


# Raspberry Pi's vendor id covers MicroPython on rp2 (PID 0x0005) and the
# Pico SDK's own stdio; Espressif's covers native USB (S2/S3/C3/C6); ESP32
# dev boards without native USB sit behind a USB-UART bridge.
USB_IDS: dict[str, tuple[UsbId, ...]] = {
    "rp2": (UsbId(0x2E8A, None, "Raspberry Pi RP2 (MicroPython)"),),
    "esp32": (
        UsbId(0x303A, None, "Espressif native USB"),
        UsbId(0x10C4, 0xEA60, "Silicon Labs CP210x USB-UART"),
        UsbId(0x1A86, 0x7523, "WCH CH340 USB-UART"),
        UsbId(0x0403, 0x6001, "FTDI FT232R USB-UART"),
    ),
}


def serial_ports() -> list[PortInfo]:
    """The serial ports this machine has now (pyserial)."""
    from serial.tools import list_ports

    return list(list_ports.comports())


def describe(info: PortInfo) -> str:
    usb = f"{info.vid:04X}:{info.pid:04X}" if info.vid is not None and info.pid is not None else "no USB id"
    return f"{info.device} ({usb}, {info.description or 'no description'})"


def matching_ports(port: str, infos: Iterable[PortInfo]) -> list[PortInfo]:
    ids = USB_IDS[port]
    return [i for i in infos if any(u.matches(i) for u in ids)]


def pick_serial_port(port: str, infos: Iterable[PortInfo], device: str | None = None) -> str:
    """The one serial port of a `port` board: --device if given, else by USB id.

    No match or several matches is an error that lists what was found and
    says how to choose with --device.
    """
    if device:
        return device
    infos = list(infos)
    found = matching_ports(port, infos)
    if len(found) == 1:
        return found[0].device
    wanted = ", ".join(f"{u.vid:04X}:{u.pid:04X}" if u.pid is not None else f"{u.vid:04X}:*" for u in USB_IDS[port])
    seen = "; ".join(describe(i) for i in infos) or "no serial ports at all"
    if not found:
        raise TargetError(
            f"no {port} board found by USB id ({wanted}); serial ports present: {seen}. "
            f"Connect the board, or pass --device /dev/ttyXXX"
        )
    raise TargetError(
        f"{len(found)} {port} boards found: {'; '.join(describe(i) for i in found)}. "
        f"Choose one with --device {found[0].device}"
    )


# ---- rp2 BOOTSEL drive ---------------------------------------------------------

UF2_INFO = "INFO_UF2.TXT"


def mount_points(mounts_file: Path = Path("/proc/mounts")) -> list[Path]:
    """Mounted filesystems, from /proc/mounts (octal escapes decoded)."""
    try:
        lines = mounts_file.read_text().splitlines()
    except OSError:
        return []
    result = []
    for line in lines:
        fields = line.split()
        if len(fields) >= 2:
            result.append(Path(fields[1].encode().decode("unicode_escape")))
    return result


def is_rp2_bootsel_drive(mount: Path) -> bool:
    """The RP2040 boot ROM's drive has INFO_UF2.TXT naming board RPI-RP2."""
    try:
        info = (mount / UF2_INFO).read_text(errors="replace")
    except OSError:
        return False
    return "RPI-RP2" in info or "RP2040" in info


def find_bootsel_drives(mounts: Iterable[Path]) -> list[Path]:
    return [m for m in mounts if is_rp2_bootsel_drive(m)]

"""The flash command's pieces, without a board: the command lines it builds
and how it finds boards, fed with real pyserial ListPortInfo records and
made-up mount tables."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from serial.tools.list_ports_common import ListPortInfo

from modssl_harness import boards, flashing
from modssl_harness.cli import main
from modssl_harness.targets import TargetError


def port(device: str, vid: int | None = None, pid: int | None = None, description: str = "") -> ListPortInfo:
    info = ListPortInfo(device, skip_link_detection=True)
    info.vid, info.pid = vid, pid
    info.description = description or "n/a"
    return info


PICO = port("/dev/ttyACM0", 0x2E8A, 0x0005, "Board in FS mode")
PICO2 = port("/dev/ttyACM1", 0x2E8A, 0x0005, "Board in FS mode")
CP210X = port("/dev/ttyUSB0", 0x10C4, 0xEA60, "CP2102 USB to UART Bridge Controller")
CH340 = port("/dev/ttyUSB1", 0x1A86, 0x7523, "USB Serial")
FTDI = port("/dev/ttyUSB2", 0x0403, 0x6001, "FT232R USB UART")
ESP_NATIVE = port("/dev/ttyACM2", 0x303A, 0x1001, "USB JTAG/serial debug unit")
BUILTIN = port("/dev/ttyS0")
OTHER_USB = port("/dev/ttyACM9", 0x2341, 0x0043, "Arduino Uno")


# ---- serial port detection ---------------------------------------------------------


@pytest.mark.parametrize("info", [CP210X, CH340, FTDI, ESP_NATIVE])
def test_esp32_found_by_usb_id(info):
    assert boards.pick_serial_port("esp32", [BUILTIN, OTHER_USB, PICO, info]) == info.device


def test_rp2_found_by_vendor_id():
    assert boards.pick_serial_port("rp2", [BUILTIN, CP210X, PICO]) == "/dev/ttyACM0"


def test_explicit_device_wins_without_looking():
    assert boards.pick_serial_port("rp2", [], "/dev/ttyACM7") == "/dev/ttyACM7"
    assert boards.pick_serial_port("esp32", [CP210X, CH340], "/dev/ttyUSB1") == "/dev/ttyUSB1"


def test_no_match_lists_what_is_there_and_how_to_choose():
    with pytest.raises(TargetError) as e:
        boards.pick_serial_port("rp2", [BUILTIN, OTHER_USB])
    msg = str(e.value)
    assert "no rp2 board found" in msg and "2E8A" in msg
    assert "/dev/ttyS0 (no USB id" in msg and "/dev/ttyACM9 (2341:0043, Arduino Uno)" in msg
    assert "--device" in msg


def test_no_ports_at_all():
    with pytest.raises(TargetError, match="no serial ports at all.*--device"):
        boards.pick_serial_port("esp32", [])


def test_ambiguous_lists_the_candidates():
    with pytest.raises(TargetError) as e:
        boards.pick_serial_port("rp2", [PICO, PICO2, CP210X])
    msg = str(e.value)
    assert "2 rp2 boards found" in msg
    assert "/dev/ttyACM0" in msg and "/dev/ttyACM1" in msg and "ttyUSB0" not in msg
    assert "--device /dev/ttyACM0" in msg


def test_esp32_bridges_are_not_rp2():
    assert boards.matching_ports("rp2", [CP210X, CH340, FTDI, ESP_NATIVE]) == []
    assert boards.matching_ports("esp32", [PICO, PICO2]) == []


# ---- BOOTSEL drive detection ---------------------------------------------------------


def make_drive(root: Path, name: str, info: str | None) -> Path:
    d = root / name
    d.mkdir()
    if info is not None:
        (d / "INFO_UF2.TXT").write_text(info)
    return d


def test_bootsel_drive_found_by_info_uf2(tmp_path):
    rp2 = make_drive(tmp_path, "RPI-RP2", "UF2 Bootloader v3.0\nModel: Raspberry Pi RP2\nBoard-ID: RPI-RP2\n")
    other_uf2 = make_drive(tmp_path, "CPLAYBOOT", "UF2 Bootloader v1.2\nModel: Adafruit CPX\nBoard-ID: SAMD21\n")
    usb_stick = make_drive(tmp_path, "STICK", None)
    missing = tmp_path / "not-mounted"
    assert boards.find_bootsel_drives([usb_stick, other_uf2, missing, rp2]) == [rp2]


def test_mount_points_decodes_proc_mounts(tmp_path):
    mounts = tmp_path / "mounts"
    mounts.write_text(
        "proc /proc proc rw 0 0\n"
        "/dev/sda1 /media/user/RPI-RP2 vfat rw 0 0\n"
        "/dev/sdb1 /media/user/My\\040Disk vfat rw 0 0\n"
    )
    assert boards.mount_points(mounts) == [Path("/proc"), Path("/media/user/RPI-RP2"), Path("/media/user/My Disk")]
    assert boards.mount_points(tmp_path / "absent") == []


def test_copy_to_drive(tmp_path):
    uf2 = tmp_path / "firmware.uf2"
    uf2.write_bytes(b"U" * 1024)
    drive = make_drive(tmp_path, "RPI-RP2", "Board-ID: RPI-RP2\n")
    assert flashing.copy_to_drive(uf2, drive).read_bytes() == b"U" * 1024


# ---- command lines -------------------------------------------------------------------


def test_picotool_load_command():
    fw = Path("/fw/firmware.uf2")
    assert flashing.picotool_load_command(fw) == ["picotool", "load", "-x", "/fw/firmware.uf2"]
    assert flashing.picotool_load_command(fw, force=True, picotool="/opt/picotool") == [
        "/opt/picotool", "load", "-x", "/fw/firmware.uf2", "-f",
    ]


def test_bootloader_command_uses_mpremote():
    assert flashing.bootloader_command("/dev/ttyACM0") == [
        sys.executable, "-m", "mpremote", "connect", "/dev/ttyACM0", "bootloader",
    ]


@pytest.mark.parametrize("chip, offset", [("esp32", "0x1000"), ("esp32s2", "0x1000"), ("esp32s3", "0x0"), ("esp32c3", "0x0")])
def test_esptool_write_at_the_chips_offset(chip, offset):
    (cmd,) = flashing.esptool_commands(Path("/fw/firmware.bin"), "/dev/ttyUSB0", chip, 921600)
    assert cmd == [
        sys.executable, "-m", "esptool", "--chip", chip, "--port", "/dev/ttyUSB0", "--baud", "921600",
        "write-flash", "-z", offset, "/fw/firmware.bin",
    ]


def test_esptool_erase_first():
    erase, write = flashing.esptool_commands(Path("fw.bin"), "/dev/ttyUSB0", erase=True)
    assert erase[-1] == "erase-flash" and "--baud" in erase
    assert write[-4:] == ["write-flash", "-z", "0x1000", "fw.bin"]


def test_unknown_chip():
    with pytest.raises(TargetError, match="unknown chip"):
        flashing.esptool_commands(Path("fw.bin"), "/dev/ttyUSB0", "esp8266")


def test_esptool_knows_the_commands_we_build():
    """The pinned esptool accepts the v5 command names used above."""
    import subprocess

    out = subprocess.run([sys.executable, "-m", "esptool", "--help"], capture_output=True, text=True).stdout
    assert "write-flash" in out and "erase-flash" in out


# ---- the command without a board -------------------------------------------------------


def test_flash_without_firmware_says_how_to_build(tmp_path, capsys):
    assert main(["flash", "--port", "esp32", "--firmware", str(tmp_path / "none.bin")]) == 2
    assert "build it first" in capsys.readouterr().err


def test_flash_esp32_without_board_says_what_it_needs(tmp_path, capsys, monkeypatch):
    fw = tmp_path / "firmware.bin"
    fw.write_bytes(b"\0")
    monkeypatch.setattr(boards, "serial_ports", lambda: [BUILTIN])
    assert main(["flash", "--port", "esp32", "--firmware", str(fw)]) == 2
    err = capsys.readouterr().err
    assert "no esp32 board found" in err and "--device" in err


def test_flash_rp2_without_board_or_drive(tmp_path, capsys, monkeypatch):
    fw = tmp_path / "firmware.uf2"
    fw.write_bytes(b"\0" * 512)
    monkeypatch.setattr(boards, "serial_ports", lambda: [])
    monkeypatch.setattr(boards, "mount_points", lambda: [])
    assert main(["flash", "--port", "rp2", "--method", "drive", "--firmware", str(fw)]) == 2
    assert "hold BOOTSEL" in capsys.readouterr().err


def test_flash_rp2_copies_to_a_mounted_drive(tmp_path, monkeypatch):
    fw = tmp_path / "firmware.uf2"
    fw.write_bytes(b"\1" * 512)
    drive = make_drive(tmp_path, "RPI-RP2", "Board-ID: RPI-RP2\n")
    monkeypatch.setattr(boards, "mount_points", lambda: [drive])
    assert main(["flash", "--port", "rp2", "--firmware", str(fw)]) == 0
    assert (drive / "firmware.uf2").read_bytes() == b"\1" * 512

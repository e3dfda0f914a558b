"""Building esp32 firmware with ESP-IDF (v5.4, the newest MicroPython 1.25 supports).

The module comes in through USER_C_MODULES=<repo>/modssl/micropython.cmake and
uses IDF's own mbedTLS (hardware AES/SHA/MPI); the board
(firmware/esp32/<BOARD>/) adds ports/esp32/sdkconfig.modssl to the sdkconfig
defaults and switches upstream's `tls` off.

No ESP-IDF or Xtensa toolchain can be installed on the project's machines, so
this path is exercised only where one exists: every prerequisite is checked
first and a missing one is named together with how to get it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from . import paths, sources
from .build import BuildError, micropython_lib_stub
from .progress import step

DEFAULT_BOARD = "MODSSL_ESP32_GENERIC"
BOARDS_DIR = paths.REPO / "firmware" / "esp32"
IDF_VERSION = "v5.4"
# lib/ submodules the esp32 port compiles, none of them packaged by Debian.
ESP32_LIBS = {"berkeley-db-1.xx": "btree/bt_open.c"}

IDF_HELP = (
    f"install ESP-IDF {IDF_VERSION} (git clone -b {IDF_VERSION} --recursive "
    "https://github.com/espressif/esp-idf && ./install.sh esp32), then `. ./export.sh` so that "
    "IDF_PATH is set and idf.py is on PATH"
)


def check_idf(env: dict[str, str] | None = None) -> Path:
    """Return IDF_PATH, or raise with what is missing and how to get it."""
    env = dict(os.environ) if env is None else env
    idf_path = env.get("IDF_PATH")
    if not idf_path:
        raise BuildError(f"--port esp32 needs ESP-IDF: IDF_PATH is not set; {IDF_HELP}")
    if not (Path(idf_path) / "tools" / "idf.py").exists():
        raise BuildError(f"IDF_PATH={idf_path} is not an ESP-IDF tree (no tools/idf.py); {IDF_HELP}")
    if shutil.which("idf.py", path=env.get("PATH")) is None:
        raise BuildError(f"idf.py is not on PATH (IDF_PATH={idf_path}); run `. $IDF_PATH/export.sh` first")
    return Path(idf_path)


def idf_command(mp: Path, board_dir: Path, out: Path) -> list[str]:
    """The idf.py line ports/esp32/Makefile would run, with our board, module and build dir."""
    return [
        "idf.py",
        "-C", str(mp / "ports" / "esp32"),
        "-B", str(out / "build"),
        "-D", f"MICROPY_BOARD={board_dir.name}",
        "-D", f"MICROPY_BOARD_DIR={board_dir}",
        "-D", f"USER_C_MODULES={paths.REPO / 'modssl' / 'micropython.cmake'}",
        "-D", f"MICROPY_LIB_DIR={micropython_lib_stub()}",
        "build",
    ]


def build_esp32(board: str | None = None) -> Path:
    board = board or DEFAULT_BOARD
    board_dir = BOARDS_DIR / board
    if not (board_dir / "mpconfigboard.cmake").exists():
        raise BuildError(f"no esp32 board {board} in {BOARDS_DIR}")
    check_idf()
    mp = sources.micropython_tree("esp32")
    missing = [lib for lib, proof in ESP32_LIBS.items() if not (mp / "lib" / lib / proof).exists()]
    if missing:
        raise BuildError(
            f"the esp32 port needs lib/{', lib/'.join(missing)} (not in Debian): set MICROPY_DIR to a "
            "MicroPython 1.25 git checkout after `make -C ports/esp32 submodules`"
        )
    out = paths.build_root() / f"esp32-{board.lower()}"
    out.mkdir(parents=True, exist_ok=True)
    log = out / "build.log"
    step(f"esp32 {board}: idf.py build (log: {log})")
    with log.open("w") as f:
        rc = subprocess.call(idf_command(mp, board_dir, out), stdout=f, stderr=subprocess.STDOUT)
    if rc != 0:
        tail = "".join(log.read_text().splitlines(keepends=True)[-30:])
        raise BuildError(f"esp32 {board}: idf.py build failed (exit {rc}); last lines of {log}:\n{tail}")
    # ports/esp32/makeimg.py merges bootloader, partition table and app into
    # firmware.bin, the file `flash --port esp32` writes.
    build = out / "build"
    subprocess.check_call(
        [
            "python3", str(mp / "ports" / "esp32" / "makeimg.py"),
            str(build / "sdkconfig"), str(build / "bootloader" / "bootloader.bin"),
            str(build / "partition_table" / "partition-table.bin"), str(build / "micropython.bin"),
            str(out / "firmware.bin"), str(out / "micropython.uf2"),
        ]
    )
    step(f"esp32 firmware ready: {out / 'firmware.bin'}")
    return out / "firmware.bin"

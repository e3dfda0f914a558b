"""Building rp2 firmware (UF2) out of tree, and its flash size report.

Boards live in firmware/rp2/<BOARD>/ and are passed as MICROPY_BOARD_DIR:
MODSSL_PICO (modssl on a plain Pico), MODSSL_PICO_W (Pico W, needs wireless
driver sources Debian does not have) and STOCK_PICO_TLS (stock Pico with
upstream's `tls`: the size baseline, flavour "stock").

We call CMake ourselves instead of ports/rp2/Makefile so that every path can
be given: the SDK (PICO_SDK_PATH_OVERRIDE), picotool, mpy-cross and the
micropython-lib stand-in; the cached MicroPython tree is only read.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from . import paths, picotool, roots_gen, sources, uf2
from .build import BuildError, fresh_build_dir_if_flags_changed, jobs, micropython_lib_stub, mpy_cross, run_make
from .progress import step

DEFAULT_BOARD = "MODSSL_PICO"
STOCK_BOARD = "STOCK_PICO_TLS"
# Each modssl board's size baseline: the same board with upstream's `tls`.
BASELINES = {"MODSSL_PICO": STOCK_BOARD, "MODSSL_PICO_W": "STOCK_PICO_W_TLS"}
BOARDS_DIR = paths.REPO / "firmware" / "rp2"
# The built-in root store goes into boards with a network (MODSSL_ROOT_STORE=0/1 overrides).
ROOT_STORE_DEFAULT = {"MODSSL_PICO": False, "MODSSL_PICO_W": True}

# lib/ directories a board needs beyond the port's (which sources.py fills),
# with a file proving each is there.  Debian has lwIP but neither the CYW43
# driver nor BTstack, so the cached tree never has them.
WIRELESS_LIBS = {
    "cyw43-driver": "src/cyw43.h",
    "btstack": "src/btstack.h",
    "lwip": "src/include/lwip/init.h",
}
BOARD_EXTRA_LIBS = {"MODSSL_PICO_W": WIRELESS_LIBS, "STOCK_PICO_W_TLS": WIRELESS_LIBS}


def baseline_for(board: str | None) -> str:
    """The stock board a modssl board's flash size is compared with."""
    return BASELINES.get(board or DEFAULT_BOARD, STOCK_BOARD)


def board_for(flavour: str, board: str | None) -> str:
    if flavour == "stock":
        # A modssl board name picks its baseline; a baseline name is itself.
        board = BASELINES.get(board, board) if board else STOCK_BOARD
        if board not in BASELINES.values():
            choices = ", ".join(sorted(set(BASELINES.values())))
            raise BuildError(f"--flavour stock builds a size baseline ({choices}), not {board}")
        return board
    if flavour != "modssl":
        raise BuildError(f"unknown rp2 flavour {flavour!r}: choose modssl or stock")
    return board or DEFAULT_BOARD


def out_dir(flavour: str, board: str) -> Path:
    """firmware/build/rp2-<flavour> for the default boards, else with the board name."""
    if board in (DEFAULT_BOARD, STOCK_BOARD):
        return paths.build_root() / f"rp2-{flavour}"
    if flavour == "stock":
        return paths.build_root() / f"rp2-stock-{board.lower()}"
    return paths.build_root() / f"rp2-{flavour}-{board.lower()}"


def check_toolchain() -> None:
    missing = [t for t in ("arm-none-eabi-gcc", "cmake", "c++") if shutil.which(t) is None]
    if missing:
        raise BuildError(
            f"the rp2 build needs {', '.join(missing)}: run `tools/setup.sh rp2` "
            "(apt: gcc-arm-none-eabi libnewlib-arm-none-eabi libstdc++-arm-none-eabi-newlib cmake build-essential)"
        )


def check_board_libs(board: str, mp: Path) -> None:
    """Stop before CMake when a board needs sources that are not there."""
    needed = BOARD_EXTRA_LIBS.get(board, {})
    missing = [lib for lib, proof in needed.items() if not (mp / "lib" / lib / proof).exists()]
    if missing:
        libs = " ".join(f"lib/{m}" for m in missing)
        raise BuildError(
            f"board {board} needs its wireless driver sources, missing from {mp / 'lib'}: "
            f"{', '.join(missing)} (cyw43-driver and btstack are not packaged by Debian). "
            f"Use a MicroPython 1.25 git checkout that has them: "
            f"`git -C /path/to/micropython submodule update --init lib/pico-sdk lib/tinyusb lib/mbedtls {libs}`, "
            f"then `MICROPY_DIR=/path/to/micropython ... build --port rp2 --board {board}`"
        )


def build_rp2(flavour: str = "modssl", board: str | None = None) -> Path:
    board = board_for(flavour, board)
    board_dir = BOARDS_DIR / board
    if not (board_dir / "mpconfigboard.cmake").exists():
        known = ", ".join(sorted(p.name for p in BOARDS_DIR.iterdir() if (p / "mpconfigboard.cmake").exists()))
        raise BuildError(f"no rp2 board {board} in {BOARDS_DIR}: choose one of {known}")
    check_toolchain()
    mp = sources.micropython_tree("rp2")
    check_board_libs(board, mp)
    sdk = mp / "lib" / "pico-sdk"
    exe_mpy_cross = mpy_cross(mp)
    tool = picotool.ensure(sdk)
    out = out_dir(flavour, board)
    cmake_args = [
        "cmake", "-S", str(mp / "ports" / "rp2"), "-B", str(out / "build"),
        "-DPICO_BUILD_DOCS=0",
        f"-DMICROPY_BOARD={board}",
        f"-DMICROPY_BOARD_DIR={board_dir}",
        f"-DPICO_SDK_PATH_OVERRIDE={sdk}",
        f"-DPICOTOOL_FETCH_FROM_GIT_PATH={tool}",
        f"-DMICROPY_LIB_DIR={micropython_lib_stub()}",
    ]
    if flavour == "modssl":
        cmake_args.append(f"-DUSER_C_MODULES={paths.REPO / 'modssl' / 'micropython.cmake'}")
        table = roots_gen.table_for_build(out / "roots", default=ROOT_STORE_DEFAULT.get(board, False))
        if table is not None:
            cmake_args.append(f"-DMODSSL_ROOTS_C={table}")
    # makemanifest.py reads MICROPY_MPYCROSS from the environment; set, it
    # also stops CMake from building mpy-cross inside the source tree.
    env = dict(os.environ, MICROPY_MPYCROSS=str(exe_mpy_cross))
    fresh_build_dir_if_flags_changed(out, cmake_args)
    log = out / "build.log"
    if not (out / "build" / "Makefile").exists():
        step(f"rp2 {board}: cmake (log: {log})")
        with log.open("w") as f:
            rc = subprocess.call(cmake_args, stdout=f, stderr=subprocess.STDOUT, env=env)
        if rc != 0:
            shutil.rmtree(out / "build", ignore_errors=True)  # half-configured: start over next time
            tail = "".join(log.read_text().splitlines(keepends=True)[-30:])
            raise BuildError(f"rp2 {board}: cmake failed (exit {rc}); last lines of {log}:\n{tail}")
    run_make(["make", "-C", str(out / "build"), f"-j{jobs()}"], f"rp2 firmware {board} ({flavour})", out / "make.log", env)
    built = out / "build" / "firmware.uf2"
    if not built.exists():
        raise BuildError(f"the build finished but {built} is missing (picotool did not run?)")
    dest = out / "firmware.uf2"
    shutil.copy2(built, dest)
    shutil.copy2(out / "build" / "firmware.elf", dest.with_suffix(".elf"))
    uf2.check(dest, family=uf2.FAMILY_RP2040)
    step(f"rp2 firmware {board} ({flavour}) ready: {dest}")
    return dest


def elf_size(elf: Path) -> dict[str, int]:
    """text/data/bss of an ELF; flash holds text + data (data is copied to RAM at boot)."""
    tool = shutil.which("arm-none-eabi-size")
    if tool is None:
        raise BuildError("arm-none-eabi-size is missing: run `tools/setup.sh rp2`")
    out = subprocess.run([tool, "-B", str(elf)], capture_output=True, text=True, check=True).stdout
    text, data, bss = (int(v) for v in out.splitlines()[1].split()[:3])
    return {"text": text, "data": data, "bss": bss, "flash": text + data}


def size_report(firmware: Path, baseline: Path, board: str) -> dict:
    """Flash use of modssl firmware against the baseline; written to size.json beside the UF2."""
    mine = elf_size(firmware.with_suffix(".elf"))
    base = elf_size(baseline.with_suffix(".elf"))
    report = {
        "port": "rp2",
        "board": board,
        "modssl": {"firmware": str(firmware), **mine, "uf2_bytes": firmware.stat().st_size},
        "baseline": {
            "board": baseline_for(board),
            "what": f"{baseline_for(board)}: the same board with upstream tls "
                    "(same mbedTLS sources, upstream configuration)",
            "firmware": str(baseline),
            **base,
            "uf2_bytes": baseline.stat().st_size,
        },
        "flash_difference": mine["flash"] - base["flash"],
    }
    (firmware.parent / "size.json").write_text(json.dumps(report, indent=2) + "\n")
    return report


def print_size_report(report: dict) -> None:
    m, b = report["modssl"], report["baseline"]
    print(f"flash (text+data) {report['board']} with modssl:  {m['flash']:>8} bytes ({m['flash'] / 1024:.1f} KiB)")
    base = b.get("board", STOCK_BOARD)
    print(f"flash (text+data) {base} upstream tls: {b['flash']:>8} bytes ({b['flash'] / 1024:.1f} KiB)")
    d = report["flash_difference"]
    print(f"difference: {d:+} bytes ({d / 1024:+.1f} KiB)")

"""modssl's X25519 on a bare emulated RP2040 core: the Thumb-1 code the rp2
firmware runs, checked and timed without booting MicroPython.

tools/emu/bare/x25519_main.c is compiled with modssl/ec_x25519.c for the
Cortex-M0+ as the rp2 build compiles it (-Os, the rp2 mbedTLS configuration)
and run by tools/emu/bare/bare_runner.mjs on rp2040js's core, which counts
cycles as the M0+ does (two per load, one per multiply...).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from . import paths, sources
from .build import BuildError
from .emulator import EMU_DIR, ensure_node_modules, node_binary

BARE_DIR = EMU_DIR / "bare"
IO_SIZE = 0x10000
CASE_SIZE = 3 * 32
CFLAGS = [
    "-mcpu=cortex-m0plus", "-mthumb", "-Os", "-ffreestanding", "-fno-builtin", "-nostdlib",
    "-ffunction-sections", "-fdata-sections", "-Wall", "-Wextra", "-Werror",
]


def available() -> str | None:
    """None if the ARM toolchain and Node.js are there, else what is missing."""
    missing = [t for t in ("arm-none-eabi-gcc", "arm-none-eabi-objcopy", "arm-none-eabi-nm") if not shutil.which(t)]
    if not (shutil.which("node") or shutil.which("nodejs")):
        missing.append("node")
    return ", ".join(missing) or None


def build_x25519(out: Path) -> tuple[Path, str]:
    """Compile and link; returns the SRAM image and its entry address (hex)."""
    mbedtls = sources.mbedtls_tree()
    elf = out / "x25519_m0.elf"
    image = out / "x25519_m0.bin"
    cmd = [
        "arm-none-eabi-gcc", *CFLAGS,
        f"-I{paths.REPO / 'modssl'}", f"-I{paths.REPO / 'ports' / 'rp2'}", f"-I{paths.REPO / 'ports' / 'common'}",
        f"-I{mbedtls / 'include'}", '-DMBEDTLS_CONFIG_FILE="mbedtls_config_port.h"',
        str(BARE_DIR / "x25519_main.c"), str(paths.REPO / "modssl" / "ec_x25519.c"),
        "-Wl,--gc-sections", "-Wl,-Ttext=0x20000000", "-Wl,-e,bare_start", "-lgcc", "-o", str(elf),
    ]
    for step_cmd in (cmd, ["arm-none-eabi-objcopy", "-O", "binary", str(elf), str(image)]):
        proc = subprocess.run(step_cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            raise BuildError(f"bare M0+ X25519: {step_cmd[0]} failed:\n{proc.stdout}{proc.stderr}")
    if image.stat().st_size > 0x30000:
        raise BuildError("bare M0+ X25519: the image overlaps the I/O area")
    nm = subprocess.run(["arm-none-eabi-nm", str(elf)], capture_output=True, text=True, check=True).stdout
    entry = next(line.split()[0] for line in nm.splitlines() if line.endswith(" bare_start"))
    return image, entry


def x25519(cases: list[tuple[bytes, bytes]]) -> tuple[list[bytes], list[int]]:
    """X25519(scalar, u) for each case on the emulated M0+: outputs and cycles."""
    if (len(cases) + 1) * CASE_SIZE > IO_SIZE:
        raise ValueError("too many cases for the I/O area")
    ensure_node_modules()
    with tempfile.TemporaryDirectory(prefix="modssl-bare-") as tmp:
        out = Path(tmp)
        image, entry = build_x25519(out)
        blob = bytearray(len(cases).to_bytes(4, "little"))
        for scalar, u in cases:
            blob += scalar + u + bytes(32)
        (out / "in.bin").write_bytes(blob)
        proc = subprocess.run(
            [node_binary(), str(BARE_DIR / "bare_runner.mjs"), str(image), entry, str(out / "in.bin"),
             str(out / "out.bin")],
            cwd=EMU_DIR, capture_output=True, text=True, timeout=1800,
        )
        if proc.returncode != 0:
            raise BuildError(f"bare M0+ X25519 run failed (exit {proc.returncode}):\n{proc.stderr}")
        cycles = json.loads(proc.stdout)["cycles"]
        result = (out / "out.bin").read_bytes()
    outs = [result[4 + i * CASE_SIZE + 64:4 + i * CASE_SIZE + 96] for i in range(len(cases))]
    return outs, cycles

"""modssl's elliptic-curve code on a bare emulated RP2040 core: the Thumb-1
code the rp2 firmware runs, checked and timed without booting MicroPython.

tools/emu/bare/ecc_main.c is compiled with modssl/ec_x25519.c and ec_p256.c
for the Cortex-M0+ as the rp2 build compiles them (-Os, the rp2 mbedTLS
configuration) and run by tools/emu/bare/bare_runner.mjs on rp2040js's core,
which counts cycles as the M0+ does (two per load, one per multiply...).
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
OP_X25519, OP_P256_MULADD = 0, 1
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


def build(out: Path) -> tuple[Path, str]:
    """Compile and link; returns the SRAM image and its entry address (hex)."""
    mbedtls = sources.mbedtls_tree()
    elf = out / "ecc_m0.elf"
    image = out / "ecc_m0.bin"
    cmd = [
        "arm-none-eabi-gcc", *CFLAGS,
        f"-I{paths.REPO / 'modssl'}", f"-I{paths.REPO / 'ports' / 'rp2'}", f"-I{paths.REPO / 'ports' / 'common'}",
        f"-I{mbedtls / 'include'}", '-DMBEDTLS_CONFIG_FILE="mbedtls_config_port.h"',
        str(BARE_DIR / "ecc_main.c"), str(paths.REPO / "modssl" / "ec_x25519.c"),
        str(paths.REPO / "modssl" / "ec_p256.c"),
        "-Wl,--gc-sections", "-Wl,-Ttext=0x20000000", "-Wl,-e,bare_start", "-lgcc", "-o", str(elf),
    ]
    for step_cmd in (cmd, ["arm-none-eabi-objcopy", "-O", "binary", str(elf), str(image)]):
        proc = subprocess.run(step_cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            raise BuildError(f"bare M0+ ECC: {step_cmd[0]} failed:\n{proc.stdout}{proc.stderr}")
    if image.stat().st_size > 0x30000:
        raise BuildError("bare M0+ ECC: the image overlaps the I/O area")
    nm = subprocess.run(["arm-none-eabi-nm", str(elf)], capture_output=True, text=True, check=True).stdout
    entry = next(line.split()[0] for line in nm.splitlines() if line.endswith(" bare_start"))
    return image, entry


def _run(op: int, cases: list[bytes], case_size: int) -> tuple[list[bytes], list[int]]:
    """Run packed cases on the emulated M0+: each case back as written, and cycles."""
    if 8 + len(cases) * case_size > IO_SIZE:
        raise ValueError("too many cases for the I/O area")
    ensure_node_modules()
    with tempfile.TemporaryDirectory(prefix="modssl-bare-") as tmp:
        out = Path(tmp)
        image, entry = build(out)
        blob = op.to_bytes(4, "little") + len(cases).to_bytes(4, "little") + b"".join(cases)
        (out / "in.bin").write_bytes(blob)
        proc = subprocess.run(
            [node_binary(), str(BARE_DIR / "bare_runner.mjs"), str(image), entry, str(out / "in.bin"),
             str(out / "out.bin")],
            cwd=EMU_DIR, capture_output=True, text=True, timeout=1800,
        )
        if proc.returncode != 0:
            raise BuildError(f"bare M0+ ECC run failed (exit {proc.returncode}):\n{proc.stderr}")
        cycles = json.loads(proc.stdout)["cycles"]
        result = (out / "out.bin").read_bytes()
    return [result[8 + i * case_size:8 + (i + 1) * case_size] for i in range(len(cases))], cycles


def x25519(cases: list[tuple[bytes, bytes]]) -> tuple[list[bytes], list[int]]:
    """X25519(scalar, u) for each case on the emulated M0+: outputs and cycles."""
    done, cycles = _run(OP_X25519, [k + u + bytes(32) for k, u in cases], 96)
    return [c[64:96] for c in done], cycles


def p256_muladd(cases: list[tuple[bytes, bytes, bytes, bytes]]) -> tuple[list[bytes | None], list[int]]:
    """m P + n Q on P-256 for each (m, P, n, Q) (scalars 32 bytes big-endian,
    points x || y): x || y, or None for the point at infinity; and cycles."""
    done, cycles = _run(OP_P256_MULADD, [m + p + n + q + bytes(68) for m, p, n, q in cases], 260)
    outs = []
    for c in done:
        status = int.from_bytes(c[256:260], "little", signed=True)
        if status < 0:
            raise BuildError("bare M0+ ECC: P-256 ran out of memory")
        outs.append(None if status == 1 else c[192:256])
    return outs, cycles

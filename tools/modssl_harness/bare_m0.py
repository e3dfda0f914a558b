"""modssl's elliptic-curve code on a bare emulated RP2040 core: the Thumb-1
code the rp2 firmware runs, checked and timed without booting MicroPython;
and, for comparison (generic=True), mbedTLS's own generic code for the same
operations (tools/emu/bare/mbedtls_main.c), plus RSA-2048's public operation.

tools/emu/bare/ecc_main.c is compiled with modssl/ec_fe16.c, ec_x25519.c, ec_p256.c and ec_p256_mul.c
for the Cortex-M0+ as the rp2 build compiles them (-Os, the rp2 mbedTLS
configuration) and run by tools/emu/bare/bare_runner.mjs on rp2040js's core,
which counts cycles as the M0+ does (two per load, one per multiply...).
"""

from __future__ import annotations

import atexit
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
IO_BASE_OFFSET = 0x30000
OP_RSA2048_PUBLIC = 3
OP_X25519, OP_P256_MULADD, OP_P256_MUL = 0, 1, 2
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


# mbedTLS's generic code (generic=True): what mbedtls_main.c calls, and libc
# (newlib-nano: its malloc over the image's arena).
MBEDTLS_FILES = ["bignum.c", "bignum_core.c", "constant_time.c", "ecp.c", "ecp_curves.c", "platform.c",
                 "platform_util.c", "rsa.c", "rsa_alt_helpers.c"]


def build(out: Path, generic: bool = False, defines: tuple[str, ...] = ()) -> tuple[Path, str]:
    """Compile and link modssl's code (or, generic, mbedTLS's own), with
    defines (-D) such as a board's MODSSL_FE16_ROLLED=0; returns the SRAM
    image and its entry address (hex)."""
    mbedtls = sources.mbedtls_tree()
    name = "mbedtls_m0" if generic else "ecc_m0"
    elf = out / f"{name}.elf"
    image = out / f"{name}.bin"
    includes = [f"-I{paths.REPO / 'modssl'}", f"-I{paths.REPO / 'ports' / 'rp2'}",
                f"-I{paths.REPO / 'ports' / 'common'}", f"-I{mbedtls / 'include'}"]
    link = ["-Wl,--gc-sections", "-Wl,-Ttext=0x20000000", "-Wl,-e,bare_start", "-o", str(elf)]
    if generic:
        cflags = [f for f in CFLAGS if f not in ("-nostdlib", "-fno-builtin", "-ffreestanding", "-Wextra")]
        cmd = [
            "arm-none-eabi-gcc", *cflags, *includes, f"-I{mbedtls / 'library'}", f"-I{BARE_DIR}",
            '-DMBEDTLS_CONFIG_FILE="mbedtls_config_bare.h"', str(BARE_DIR / "mbedtls_main.c"),
            *[str(mbedtls / "library" / f) for f in MBEDTLS_FILES],
            "-specs=nano.specs", "-nostartfiles", *link, "-lc", "-lgcc",
        ]
    else:
        cmd = [
            "arm-none-eabi-gcc", *CFLAGS, *includes, '-DMBEDTLS_CONFIG_FILE="mbedtls_config_port.h"',
            *[f"-D{d}" for d in defines],
            str(BARE_DIR / "ecc_main.c"), str(paths.REPO / "modssl" / "ec_fe16.c"), str(paths.REPO / "modssl" / "ec_x25519.c"),
            str(paths.REPO / "modssl" / "ec_p256.c"), str(paths.REPO / "modssl" / "ec_p256_mul.c"), *link, "-lgcc",
        ]
    for step_cmd in (cmd, ["arm-none-eabi-objcopy", "-O", "binary", str(elf), str(image)]):
        proc = subprocess.run(step_cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            raise BuildError(f"bare M0+ ECC: {step_cmd[0]} failed:\n{proc.stdout}{proc.stderr}")
    if image.stat().st_size > 0x30000:
        raise BuildError("bare M0+ ECC: the image overlaps the I/O area")
    nm = subprocess.run(["arm-none-eabi-nm", str(elf)], capture_output=True, text=True, check=True).stdout
    entry = next(line.split()[0] for line in nm.splitlines() if line.endswith(" bare_start"))
    ends = [int(line.split()[0], 16) for line in nm.splitlines() if line.endswith((" end", " _end", " __bss_end__"))]
    if ends and max(ends) > 0x20000000 + IO_BASE_OFFSET:
        raise BuildError("bare M0+ ECC: the image's data overlaps the I/O area")
    return image, entry


_BUILT: dict[tuple[bool, tuple[str, ...], float], tuple[Path, str]] = {}


def _built(generic: bool, defines: tuple[str, ...] = ()) -> tuple[Path, str]:
    """build()'s image, made once per process while its sources stay unchanged
    (the mbedTLS image takes a while to compile)."""
    srcs = [*BARE_DIR.iterdir(), *(paths.REPO / "modssl").glob("ec_*"),
            *(paths.REPO / "ports" / "rp2").glob("*.h"), *(paths.REPO / "ports" / "common").glob("*.h")]
    key = (generic, defines, max(p.stat().st_mtime for p in srcs))
    if key not in _BUILT:
        out = Path(tempfile.mkdtemp(prefix="modssl-bare-build-"))
        atexit.register(shutil.rmtree, out, True)
        _BUILT[key] = build(out, generic, defines)
    return _BUILT[key]


def _run(op: int, cases: list[bytes], case_size: int, generic: bool = False,
         defines: tuple[str, ...] = ()) -> tuple[list[bytes], list[int]]:
    """Run packed cases on the emulated M0+ (modssl's code, or mbedTLS's
    generic code): each case back as written, and cycles."""
    if 8 + len(cases) * case_size > IO_SIZE:
        raise ValueError("too many cases for the I/O area")
    ensure_node_modules()
    image, entry = _built(generic, defines)
    with tempfile.TemporaryDirectory(prefix="modssl-bare-") as tmp:
        out = Path(tmp)
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


def x25519(cases: list[tuple[bytes, bytes]], generic: bool = False,
           defines: tuple[str, ...] = ()) -> tuple[list[bytes], list[int]]:
    """X25519(scalar, u) for each case on the emulated M0+: outputs and cycles."""
    done, cycles = _run(OP_X25519, [k + u + bytes(32) for k, u in cases], 96, generic, defines)
    return [c[64:96] for c in done], cycles


def p256_muladd(cases: list[tuple[bytes, bytes, bytes, bytes]], generic: bool = False,
                defines: tuple[str, ...] = ()) -> tuple[list[bytes | None], list[int]]:
    """m P + n Q on P-256 for each (m, P, n, Q) (scalars 32 bytes big-endian,
    points x || y): x || y, or None for the point at infinity; and cycles."""
    done, cycles = _run(OP_P256_MULADD, [m + p + n + q + bytes(68) for m, p, n, q in cases], 260, generic, defines)
    outs = []
    for c in done:
        status = int.from_bytes(c[256:260], "little", signed=True)
        if status < 0:
            raise BuildError("bare M0+ ECC: P-256 ran out of memory")
        outs.append(None if status == 1 else c[192:256])
    return outs, cycles


def p256_mul(cases: list[tuple[bytes, bytes | None]], generic: bool = False,
             defines: tuple[str, ...] = ()) -> tuple[list[bytes | str | None], list[int]]:
    """k P on P-256 (constant-time code) for each (k, P) (k 32 bytes
    big-endian, P as x || y or None for G): x || y, None for the point at
    infinity, or "off curve"; and cycles."""
    packed = [k + (p or bytes(64)) + (1 if p else 0).to_bytes(4, "little") + bytes(68) for k, p in cases]
    done, cycles = _run(OP_P256_MUL, packed, 168, generic, defines)
    outs: list[bytes | str | None] = []
    for c in done:
        status = int.from_bytes(c[164:168], "little", signed=True)
        if status == -1:
            raise BuildError("bare M0+ ECC: P-256 ran out of memory")
        outs.append(None if status == 1 else "off curve" if status == -2 else c[100:164])
    return outs, cycles


def rsa2048_public(cases: list[tuple[bytes, bytes]]) -> tuple[list[bytes], list[int]]:
    """x^65537 mod N (mbedtls_rsa_public, mbedTLS's code: modssl has no RSA
    of its own) for each (N, x), 256 bytes each: results and cycles."""
    done, cycles = _run(OP_RSA2048_PUBLIC, [n + x + bytes(260) for n, x in cases], 772, generic=True)
    return [c[512:768] for c in done], cycles

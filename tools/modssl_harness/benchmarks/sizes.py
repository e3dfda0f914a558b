"""What the module adds to the firmware: `size` text on unix, size.json on rp2."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from .. import paths
from .report import Section
from .stats import Cell, Missing, Single


def section() -> Section:
    return Section("Firmware size", "bytes", ["ours", "stock", "none"], ratios=[("ours", "stock")],
                   text="unix: text of the x86-64 executables (`size`); `none` is stock upstream built with "
                        "MICROPY_PY_SSL=0 (no TLS module).  rp2: the size.json an rp2 build wrote "
                        "(firmware/build/rp2-*/, or `bench --rp2-size FILE`).")


def text_size(exe: Path | None) -> Cell:
    if exe is None or not exe.exists():
        return Missing("not built")
    out = subprocess.run(["size", str(exe)], capture_output=True, text=True, check=True).stdout.splitlines()
    return Single(int(out[1].split()[0]), "B")


def rp2_report(extra: Path | None = None) -> tuple[dict, Path] | None:
    """The size.json an rp2 build wrote (rp2build.size_report), if any."""
    candidates = [extra] if extra else []
    for root in (paths.build_root(), paths.REPO / "firmware" / "build"):
        candidates += sorted(root.glob("rp2-*/size.json"))
    for f in candidates:
        try:
            data = json.loads(f.read_text())
        except (OSError, ValueError):
            continue
        if "modssl" in data and "baseline" in data:
            return data, f
    return None


def run(sec: Section, ours: Path, stock: Path, none: Path | None, rp2_json: Path | None = None) -> None:
    cells = {"ours": text_size(ours), "stock": text_size(stock), "none": text_size(none)}
    sec.add("unix text (whole firmware)", **cells)
    if isinstance(cells["none"], Single):
        added = {k: Single(v.value - cells["none"].value, "B") if isinstance(v, Single) else v
                 for k, v in cells.items() if k != "none"}
        sec.add("unix text added by the TLS module", **added, none=Single(0, "B"))
    sec.add("unix: built-in root store (table + ssl_roots.c)", ours=root_store_size(ours),
            stock=Missing("no store"), none=Missing("no store"),
            note="the roots' table (flash) and the lookup code, from the unix build's objects; "
                 "rp2 boards with a network carry the same table")
    found = rp2_report(rp2_json)
    if found is None:
        sec.add("rp2 flash", ours=Missing("not built"), stock=Missing("not built"), none=Missing("not built"))
        return
    data, where = found
    sec.add(f"rp2 flash ({data.get('board', '?')})", ours=Single(data["modssl"]["flash"], "B"),
            stock=Single(data["baseline"]["flash"], "B"), none=Missing("not built"),
            note=f"from {where.name} of an rp2 build; stock = {data['baseline'].get('what', 'upstream tls')}")
    rp2_breakdown(sec)


def root_store_size(exe: Path | None) -> Cell:
    """Bytes the built-in root store adds: its generated table and ssl_roots.c's code."""
    if exe is None:
        return Missing("not built")
    table = exe.parent / "roots" / "modssl_roots_table.c"
    code = exe.parent / "build" / "modssl" / "ssl_roots.o"
    if not table.exists() or not code.exists():
        return Missing("built without the store")
    m = re.search(r"modssl_roots_table_len = (\d+);", table.read_text())
    out = subprocess.run(["size", str(code)], capture_output=True, text=True, check=True).stdout.splitlines()
    return Single(int(m.group(1)) + int(out[1].split()[0]), "B") if m else Missing("unreadable table")


# Flash by part, from the linker map of each rp2 build: every input section
# the image keeps (code, read-only data, initialised data) goes to the part
# its object file belongs to.
PARTS = (
    ("modssl built-in root store (table)", r"modssl_roots_table"),
    ("modssl C", r"/modssl/"),
    ("frozen Python", r"frozen_content"),
    ("mbedTLS: TLS 1.3", r"/library/ssl_tls13"),
    ("mbedTLS: TLS/DTLS core, TLS 1.2", r"/library/ssl_(tls|msg|tls12|client|ciphersuites|debug)"),
    ("mbedTLS: DTLS cookies, tickets", r"/library/ssl_(cookie|ticket)"),
    ("mbedTLS: PSA crypto", r"/library/psa_"),
    ("mbedTLS: X.509, keys, PEM, ASN.1", r"/library/(x509|oid|pem|base64|asn1|pk)"),
    ("mbedTLS: bignum, ECC, RSA", r"/library/(bignum|ecp|ecdh|ecdsa|rsa|constant_time)"),
    ("mbedTLS: ciphers (AES, GCM, CCM, ChaCha20-Poly1305)", r"/library/(aes|gcm|ccm|chacha|poly1305|cipher|block_cipher)"),
    ("mbedTLS: hashes, DRBG, HKDF", r"/library/(sha|md|ripemd|hmac_drbg|ctr_drbg|hkdf|entropy)"),
    ("mbedTLS: other", r"/mbedtls/"),
    # Link-time optimisation (map_parts): its strings and merged constants.
    ("modssl C + mbedTLS under LTO: strings, constants", r"\.ltrans"),
    ("MicroPython, pico-sdk, libc", r""),
)
_SKIP_OUTPUT = re.compile(r"bss|heap|stack|uninitialized|ARM|comment|debug|noinit")


_LTO_OBJECT = re.compile(r"\.ltrans\d*\.ltrans\.o|\.ltrans\.o")


def _symbol_sources(elf: Path) -> list[tuple[int, int, str]]:
    """(address, size, source file) of each sized symbol, from the ELF's debug lines (`nm -l`)."""
    if not elf.exists():
        return []
    try:
        out = subprocess.run(["arm-none-eabi-nm", "-S", "-l", "--defined-only", str(elf)],
                             capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return []
    found = {}
    for line in out.splitlines():
        head, _, where = line.partition("\t")
        fields = head.split()
        if where and len(fields) == 4:
            # Thumb function addresses have bit 0 set in some tools' output.
            found.setdefault(int(fields[0], 16) & ~1, (int(fields[1], 16), where.rsplit(":", 1)[0]))
    return sorted((addr, size, where) for addr, (size, where) in found.items())


def map_parts(map_file: Path) -> dict[str, int]:
    """Bytes of flash per part, read from a GNU ld map file.

    With link-time optimisation (ports/rp2/modssl_port.cmake) the map names
    the LTO back end's objects (/tmp/cc*.ltrans0.ltrans.o) instead of the
    sources: each function or variable in such a section then goes to the
    part of the file it was defined in, read from the symbols and debug
    information of the ELF beside the map.
    A function inlined into another counts under the caller's file; the
    strings and merged constants of those objects, which no symbol names,
    form a part of their own."""
    sizes = {name: 0 for name, _ in PARTS}
    symbols: list[tuple[int, int, str]] | None = None

    def add(obj: str, size: int) -> None:
        for name, pattern in PARTS:
            if re.search(pattern, obj):
                sizes[name] += size
                break

    out_section = ""
    pending = None
    started = False
    covered_to = 0
    for line in map_file.read_text(errors="replace").splitlines():
        if not started:
            started = line.startswith("Linker script and memory map")
            continue
        if line and not line[0].isspace():
            out_section = line.split()[0]
            continue
        fields = line.split()
        if pending is not None and fields and fields[0].startswith("0x"):
            fields = [pending] + fields
        pending = None
        if len(fields) == 1 and line.startswith(" .") and not line.startswith("  "):
            pending = fields[0]  # long input-section name: address, size, file on the next line
            continue
        if len(fields) < 4 or not fields[0].startswith("."):
            continue
        if not (fields[1].startswith("0x") and fields[2].startswith("0x")):
            continue
        if _SKIP_OUTPUT.search(out_section) or int(fields[1], 16) == 0:
            continue
        start, obj = int(fields[1], 16), " ".join(fields[3:])
        # A merged string section (.rodata.*.str1.1) is listed whole under
        # its first object, then again as each object's part at addresses
        # inside it: count each byte of the image once.
        end = start + int(fields[2], 16)
        size = max(0, end - max(start, covered_to))
        covered_to = max(covered_to, end)
        if _LTO_OBJECT.search(obj) and size == end - start:
            if symbols is None:
                symbols = _symbol_sources(map_file.with_suffix(""))
            for addr, length, where in symbols:
                if start <= addr < end:
                    length = min(length, end - addr)
                    add(where, length)
                    size -= length
            size = max(0, size)
        add(obj, size)
    return sizes


def rp2_breakdown(sec: Section) -> None:
    maps = {col: paths.build_root() / f"rp2-{flavour}" / "build" / "firmware.elf.map"
            for col, flavour in (("ours", "modssl"), ("stock", "stock"))}
    if not all(m.exists() for m in maps.values()):
        return
    parts = {col: map_parts(m) for col, m in maps.items()}
    for name, _ in PARTS:
        sec.add(f"rp2 flash: {name}", ours=Single(parts["ours"][name], "B"),
                stock=Single(parts["stock"][name], "B"), none=Missing("—"))

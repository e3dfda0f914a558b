"""The built-in root store: PEM roots in, a compact table for the firmware out.

modssl keeps the trust anchors in flash in the form ESP-IDF's certificate
bundle uses, not as whole certificates: per root only what verification
reads of a trust anchor -- its subject name (DER), its public key
(SubjectPublicKeyInfo DER), its validity, its pathLen constraint and its
name constraints (DER, if any).  Signatures, serials, issuer names and the
other extensions are dropped.  The roots are sorted by subject so the
firmware finds the candidates for an issuer name by binary search
(modssl/ssl_roots.c), and only those become certificates, on the heap, while
a chain is verified.

The table is one blob (all integers big-endian):

    "MRS1"  u16 count  u32 offset[count]      offsets from the blob's start,
                                              in subject order (bytewise)
    entry:  u16 len  subject Name DER
            u16 len  SubjectPublicKeyInfo DER
            7 bytes  notBefore: u16 year, month, day, hour, minute, second
            7 bytes  notAfter
            u8       pathLen (0xFF: none)
            u16 len  NameConstraints DER (0: none)

Run by the build (build.py, rp2build.py) into the build directory:

    PYTHONPATH=tools python -m modssl_harness.roots_gen OUT.c BUNDLE-OR-DIR...

and by the tests (``blob()``) on bundles made at test time.  The DER is read
here with a small parser of our own, so the build needs nothing beyond
Python's standard library.
"""

from __future__ import annotations

import base64
import os
import re
import struct
import sys
from dataclasses import dataclass
from pathlib import Path

from .progress import step

MAGIC = b"MRS1"
NO_PATHLEN = 0xFF

OID_BASIC_CONSTRAINTS = bytes.fromhex("551d13")  # 2.5.29.19
OID_NAME_CONSTRAINTS = bytes.fromhex("551d1e")  # 2.5.29.30


class RootError(ValueError):
    """A certificate of the bundle cannot be a root of the store."""


@dataclass(frozen=True)
class Root:
    subject: bytes  # the Name, DER (tag and length included)
    spki: bytes  # SubjectPublicKeyInfo, DER
    not_before: tuple[int, int, int, int, int, int]
    not_after: tuple[int, int, int, int, int, int]
    pathlen: int | None
    name_constraints: bytes  # NameConstraints, DER, or b""
    label: str  # where it came from, for messages


def _tlv(data: bytes, pos: int) -> tuple[int, int, int, int]:
    """(tag, content start, content end, next position) of the DER element at pos."""
    if pos + 2 > len(data):
        raise RootError("truncated DER")
    tag = data[pos]
    if tag & 0x1F == 0x1F:
        raise RootError("multi-byte DER tags are not expected here")
    first = data[pos + 1]
    pos += 2
    if first < 0x80:
        length = first
    else:
        n = first & 0x7F
        if n == 0 or n > 4 or pos + n > len(data):
            raise RootError("bad DER length")
        length = int.from_bytes(data[pos:pos + n], "big")
        pos += n
    end = pos + length
    if end > len(data):
        raise RootError("DER element runs past its container")
    return tag, pos, end, end


def _children(data: bytes, start: int, end: int) -> list[tuple[int, int, int, int]]:
    """The elements inside [start, end) as (tag, element start, content start, content end)."""
    out = []
    pos = start
    while pos < end:
        tag, cs, ce, nxt = _tlv(data, pos)
        if nxt > end:
            raise RootError("DER element runs past its container")
        out.append((tag, pos, cs, ce))
        pos = nxt
    return out


def _time(data: bytes, tag: int, cs: int, ce: int) -> tuple[int, int, int, int, int, int]:
    text = data[cs:ce].decode("ascii")
    if tag == 0x17 and re.fullmatch(r"\d{12}Z", text):  # UTCTime YYMMDDHHMMSSZ
        yy = int(text[:2])
        year, rest = (1900 + yy if yy >= 50 else 2000 + yy), text[2:]
    elif tag == 0x18 and re.fullmatch(r"\d{14}Z", text):  # GeneralizedTime
        year, rest = int(text[:4]), text[4:]
    else:
        raise RootError(f"unexpected time {text!r}")
    return (year, int(rest[0:2]), int(rest[2:4]), int(rest[4:6]), int(rest[6:8]), int(rest[8:10]))


def parse_root(der: bytes, label: str = "") -> Root:
    """The parts of one DER certificate the store keeps."""
    tag, cs, ce, nxt = _tlv(der, 0)
    if tag != 0x30 or nxt != len(der):
        raise RootError(f"{label}: not a DER certificate")
    parts = _children(der, cs, ce)
    if len(parts) != 3 or parts[0][0] != 0x30:
        raise RootError(f"{label}: not a DER certificate")
    tbs = _children(der, parts[0][2], parts[0][3])
    i = 1 if tbs and tbs[0][0] == 0xA0 else 0  # [0] version
    # serial, signature, issuer, validity, subject, spki
    if len(tbs) < i + 6:
        raise RootError(f"{label}: TBSCertificate too short")
    validity = _children(der, tbs[i + 3][2], tbs[i + 3][3])
    subject = der[tbs[i + 4][1]:tbs[i + 4][3]]
    spki = der[tbs[i + 5][1]:tbs[i + 5][3]]
    if len(validity) != 2 or tbs[i + 4][0] != 0x30 or tbs[i + 5][0] != 0x30:
        raise RootError(f"{label}: bad validity, subject or public key")
    pathlen = None
    nc = b""
    for t, _, ecs, ece in tbs[i + 6:]:
        if t != 0xA3:
            continue
        (seq,) = _children(der, ecs, ece)
        for _, _, xs, xe in _children(der, seq[2], seq[3]):
            fields = _children(der, xs, xe)
            oid = der[fields[0][2]:fields[0][3]]
            value = fields[-1]
            if value[0] != 0x04:
                raise RootError(f"{label}: bad extension")
            if oid == OID_BASIC_CONSTRAINTS:
                (bc,) = _children(der, value[2], value[3])
                for ft, _, fcs, fce in _children(der, bc[2], bc[3]):
                    if ft == 0x02:
                        pathlen = int.from_bytes(der[fcs:fce], "big")
                        if pathlen >= NO_PATHLEN:
                            raise RootError(f"{label}: pathLen {pathlen} too large")
            elif oid == OID_NAME_CONSTRAINTS:
                nc = der[value[2]:value[3]]
    return Root(
        subject, spki,
        _time(der, validity[0][0], validity[0][2], validity[0][3]),
        _time(der, validity[1][0], validity[1][2], validity[1][3]),
        pathlen, nc, label,
    )


PEM_RE = re.compile(rb"-----BEGIN CERTIFICATE-----(.+?)-----END CERTIFICATE-----", re.S)


def read_bundle(path: Path) -> list[tuple[bytes, str]]:
    """(DER, label) of every certificate in a PEM file, or in each *.crt/*.pem of a directory."""
    files = sorted(p for p in path.iterdir() if p.suffix in (".crt", ".pem")) if path.is_dir() else [path]
    out = []
    for f in files:
        data = f.read_bytes()
        for n, m in enumerate(PEM_RE.finditer(data)):
            out.append((base64.b64decode(b"".join(m.group(1).split())), f"{f.name}#{n + 1}"))
    return out


def _entry(r: Root) -> bytes:
    for name, part in (("subject", r.subject), ("public key", r.spki), ("name constraints", r.name_constraints)):
        if len(part) > 0xFFFF:
            raise RootError(f"{r.label}: {name} too long")
    return b"".join((
        struct.pack(">H", len(r.subject)), r.subject,
        struct.pack(">H", len(r.spki)), r.spki,
        struct.pack(">HBBBBB", *r.not_before),
        struct.pack(">HBBBBB", *r.not_after),
        bytes([NO_PATHLEN if r.pathlen is None else r.pathlen]),
        struct.pack(">H", len(r.name_constraints)), r.name_constraints,
    ))


def blob(roots: list[Root]) -> bytes:
    """The table the firmware reads (format above)."""
    # Same subject and key twice (a bundle may repeat a root): keep one.
    unique = {(r.subject, r.spki): r for r in roots}
    ordered = sorted(unique.values(), key=lambda r: (r.subject, r.spki))
    if len(ordered) > 0xFFFF:
        raise RootError("too many roots")
    head = 4 + 2 + 4 * len(ordered)
    offsets, entries, pos = [], [], head
    for r in ordered:
        e = _entry(r)
        offsets.append(pos)
        entries.append(e)
        pos += len(e)
    return MAGIC + struct.pack(">H", len(ordered)) + b"".join(struct.pack(">I", o) for o in offsets) + b"".join(entries)


def roots_from(paths: list[Path]) -> list[Root]:
    roots = []
    for p in paths:
        for der, label in read_bundle(p):
            roots.append(parse_root(der, label))
    if not roots:
        raise RootError(f"no certificate in {', '.join(map(str, paths))}")
    return roots


def c_source(data: bytes, what: str) -> str:
    """The blob as a C file (const: it stays in flash)."""
    lines = [
        "// Generated by tools/modssl_harness/roots_gen.py at build time: do not edit or commit.",
        f"// {what}",
        "#include <stddef.h>",
        "#include <stdint.h>",
        f"const uint8_t modssl_roots_table[{len(data)}] = {{",
    ]
    for i in range(0, len(data), 16):
        lines.append("    " + ", ".join(f"0x{b:02x}" for b in data[i:i + 16]) + ",")
    lines += ["};", f"const size_t modssl_roots_table_len = {len(data)};", ""]
    return "\n".join(lines)


def generate(out: Path, inputs: list[Path], what: str = "") -> int:
    """Write the C table for the roots in inputs to out (only if it changed); the root count."""
    roots = roots_from(inputs)
    data = blob(roots)
    text = c_source(data, what or "roots from " + ", ".join(str(p) for p in inputs))
    out.parent.mkdir(parents=True, exist_ok=True)
    if not out.exists() or out.read_text() != text:
        out.write_text(text)
    return struct.unpack(">H", data[4:6])[0]


def wanted(default: bool) -> bool:
    """Whether a build gets the store: MODSSL_ROOT_STORE=0/1 if set, else the board's default."""
    value = os.environ.get("MODSSL_ROOT_STORE", "")
    if value == "":
        return default
    if value not in ("0", "1"):
        raise RootError(f"MODSSL_ROOT_STORE={value!r}: give 0 (no root store) or 1")
    return value == "1"


def table_for_build(out_dir: Path, default: bool) -> Path | None:
    """Generate the store's table for a firmware build into out_dir (None: no store)."""
    from . import sources  # the pinned roots, or MODSSL_CA_BUNDLE

    if not wanted(default):
        return None
    bundle = sources.ca_bundle()
    out = out_dir / "modssl_roots_table.c"
    what = "MODSSL_CA_BUNDLE=" + str(bundle) if os.environ.get("MODSSL_CA_BUNDLE") else (
        "Mozilla roots from Debian ca-certificates " + sources.SOURCES["ca-certificates"].version)
    n = generate(out, [bundle], what)
    step(f"root store: {n} roots ({what}) -> {out}")
    return out


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print("usage: python -m modssl_harness.roots_gen OUT.c BUNDLE-OR-DIR...", file=sys.stderr)
        return 2
    n = generate(Path(argv[0]), [Path(a) for a in argv[1:]])
    print(f"{argv[0]}: {n} roots")
    return 0


if __name__ == "__main__":  # pragma: no cover - manual use
    sys.exit(main(sys.argv[1:]))

"""The emulated Pico's figures: handshake time on an RP2040 and heap per connection.

The rp2 firmware runs under rp2040js (see emulator.py) and does the TLS
client handshake itself over memory BIOs, its ciphertext carried by the host
link to the same CPython echo servers the unix figures use
(bench/device/emu_handshake.py).  Time is the board's own clock, i.e.
emulated time at the Pico's 125 MHz, less the waits on the link: what a real
RP2040 at 125 MHz would spend computing, whatever the emulator's speed on
this machine.  Cycles = microseconds x 125.
"""

from __future__ import annotations

import statistics

from .. import bare_m0, certs, paths
from ..targets import EmulatedPicoTarget as EmulatedPico
from ..hostserver import TlsEchoServer
from ..progress import step
from .context import CERTS, PY_VERSIONS, VERSIONS, Bench, attempt
from .device import BenchError, parse_result
from .report import Section
from .stats import Missing, Single, Stat, ms

CLOCK_MHZ = 125
SCRIPT = paths.REPO / "bench" / "device" / "emu_handshake.py"
LOOPBACK = paths.REPO / "bench" / "device" / "emu_loopback.py"
BENCHLIB = paths.REPO / "bench" / "device" / "benchlib.py"
LINK = paths.REPO / "device_tests" / "hostlink.py"


def sections() -> tuple[Section, Section]:
    time_section = Section(
        "Emulated Pico: client handshake on the RP2040", "ms at 125 MHz, min / **median** / max", ["emu"],
        text="rp2 firmware (MODSSL_PICO) under rp2040js; the board's own work, link waits taken out. "
        "The note gives the median in millions of cycles and the median time spent on the link.",
    )
    heap_section = Section(
        "Emulated Pico: heap per TLS client connection", "bytes from gc.mem_alloc, median", ["steady", "peak"],
        text="Peak: the largest heap use seen at each flight of the handshake; steady: after the "
        "handshake, garbage collected.  modssl's mbedTLS memory is on the GC heap, so both include it.",
    )
    return time_section, heap_section


def primitives_section() -> Section:
    return Section(
        "Emulated Pico: public-key primitives on the RP2040's core", "Mcycles, min / **median** / max",
        ["stock", "modssl", "published"], ratios=[("modssl", "stock")],
        text="Each operation alone on rp2040js's Cortex-M0+ core, which counts cycles as the M0+ does "
        "(modssl_harness.bare_m0), three inputs per row.  stock: mbedTLS 3.6.6's generic code (ecp.c's comb "
        "and ladder over bignum.c with its Thumb-1 multiply-accumulate, the precomputed comb table for P-256's "
        "G, MBEDTLS_ECP_NIST_OPTIM) as the rp2 firmware's configuration builds it without modssl's hooks "
        "(tools/emu/bare/mbedtls_main.c); modssl: modssl/ec_x25519.c and ec_p256.c as the rp2 firmware "
        "compiles them (tools/emu/bare/ecc_main.c).  RSA is mbedTLS's in both.  published: Düll, Haase, "
        "Hinterwälder, Hutter, Paar, Sánchez, Schwabe, \"High-speed Curve25519 on 8-bit, 16-bit, and 32-bit "
        "microcontrollers\", Designs, Codes and Cryptography 77 (2015): X25519 on a Cortex-M0, 3,589,850 "
        "cycles per scalar multiplication; no P-256 figure for the M0 is cited here.",
    )


G_XY = bytes.fromhex("6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296"
                     "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5")
# 2 G, a valid public key for timing k P and m G + n Q.
Q_XY = bytes.fromhex("7cf27b188d034f7e8a52380304b51ac3c08969e277f21b35a60b48fc47669978"
                     "07775510db8ed040293d9ac69f7430dbba7dade63ce982299e04b79d227873d1")
# A fixed RSA-2048 modulus shape for timing x^65537 mod N (any odd 2048-bit N
# costs the same): 2^2047 + a fixed odd pattern.
RSA_N = (2**2047 + int("c3" * 255, 16) * 2 + 1).to_bytes(256, "big")


def run_primitives(section: Section) -> None:
    rows = {
        "x25519": "X25519, one scalar multiplication (key generation + shared secret: twice this)",
        "verify": "P-256 u1 G + u2 Q, the core of an ECDSA verification",
        "base": "P-256 k G, key generation and the core of ECDSA signing",
        "ecdh": "P-256 k P, the ECDH shared secret",
        "rsa": "RSA-2048 x^65537 mod N, the core of a signature verification",
    }
    missing = bare_m0.available()
    if missing:
        for name in rows.values():
            section.add(name, stock=Missing(f"needs {missing}"), modssl=Missing(f"needs {missing}"))
        return
    step("emulated Pico: public-key primitives on the bare core, modssl and mbedTLS")
    scalars = [bytes([0x5a ^ i]) * 31 + b"\x01" for i in range(3)]

    def mcycles(cycles: list[int]) -> Stat:
        return Stat([c / 1e6 for c in cycles], "Mcycles")

    x25519 = [(bytes([i + 1]) * 32, (9).to_bytes(32, "little")) for i in range(3)]
    muladd = [(scalars[i], G_XY, scalars[(i + 1) % 3], Q_XY) for i in range(3)]
    cells: dict[str, dict[str, Stat | Missing]] = {key: {} for key in rows}
    for column, generic in (("stock", True), ("modssl", False)):
        cells["x25519"][column] = attempt(f"bare-core X25519 ({column})", lambda: mcycles(
            bare_m0.x25519(x25519, generic=generic)[1]))
        cells["verify"][column] = attempt(f"bare-core P-256 verify ({column})", lambda: mcycles(
            bare_m0.p256_muladd(muladd, generic=generic)[1]))
        cells["base"][column] = attempt(f"bare-core P-256 k G ({column})", lambda: mcycles(
            bare_m0.p256_mul([(k, None) for k in scalars], generic=generic)[1]))
        cells["ecdh"][column] = attempt(f"bare-core P-256 k P ({column})", lambda: mcycles(
            bare_m0.p256_mul([(k, Q_XY) for k in scalars], generic=generic)[1]))
    rsa = attempt("bare-core RSA-2048", lambda: mcycles(
        bare_m0.rsa2048_public([(RSA_N, k * 8) for k in scalars])[1]))
    cells["rsa"] = {"stock": rsa, "modssl": rsa}
    notes = {"x25519": "", "verify": "modssl since patch 0022 (not constant-time: public inputs)",
             "base": "constant-time; modssl: 960-byte comb table for G (patch 0035)",
             "ecdh": "constant-time (patch 0035)", "rsa": "mbedTLS's code in both"}
    for key, name in rows.items():
        published = Single(3.59, "Mcycles") if key == "x25519" else Missing("—")
        section.add(name, note=notes[key], published=published, **cells[key])


def run(b: Bench, time_section: Section, heap_section: Section, rounds: int, warmup: int) -> None:
    uf2 = paths.firmware_path("rp2", "modssl")
    if not uf2.exists():
        why = Missing("no rp2 firmware: make firmware-rp2")
        for vname in VERSIONS:
            for cname in CERTS:
                time_section.add(f"client, full, {vname}, {cname}", emu=why)
        return
    pico = EmulatedPico(uf2)
    try:
        for vname, wire in VERSIONS.items():
            version = PY_VERSIONS[wire]
            for cname, (cert, ca) in CERTS.items():
                step(f"emulated Pico: client handshake, {vname}, {cname}")
                with TlsEchoServer(b.pki[cert], min_version=version, max_version=version) as server:
                    figures = attempt("emulated Pico", lambda: _measure(pico, b, server, ca, rounds, warmup))
                name = f"client, full, {vname}, {cname}"
                if isinstance(figures, Missing):
                    time_section.add(name, emu=figures)
                    continue
                device_ms, link_ms = ms(figures["us"]), ms(figures["link_us"])
                mcycles = device_ms.median * 1000 * CLOCK_MHZ / 1e6
                time_section.add(name, emu=device_ms,
                                 note=f"{mcycles:.0f} Mcycles; link {link_ms.median:.0f} ms; {figures['version']}")
                heap_section.add(name, steady=Single(statistics.median(figures["steady"]), "B"),
                                 peak=Single(statistics.median(figures["peak"]), "B"))
    finally:
        pico.stop()


def _measure(pico: EmulatedPico, b: Bench, server: TlsEchoServer, ca: str, rounds: int, warmup: int) -> dict:
    params = dict(SERVER="bench", CA_PEM=b.pki[ca].pem(), HOSTNAME=certs.HOSTNAME, N=rounds, WARMUP=warmup)
    pico.put({"hostlink.py": LINK.read_bytes()})
    pico.endpoints = {"bench": ("tcp", server.port)}
    result = pico.run(SCRIPT.read_text(), params)
    out = result.stdout + result.stderr
    try:
        return parse_result(out)
    except BenchError:
        raise BenchError(out[-1500:]) from None


def loopback_section() -> Section:
    return Section(
        "Emulated Pico: in-device loopback, stock beside modssl", "median", ["stock", "modssl"],
        ratios=[("modssl", "stock")],
        text="The same script (bench/device/emu_loopback.py) on STOCK_PICO_TLS (upstream `tls`) and "
        "MODSSL_PICO under rp2040js: a client and a server in one MicroPython over in-memory streams, "
        "no link.  Mcycles: each side's calls on the board's clock at 125 MHz.  Heap from gc.mem_alloc(): "
        "peak of both ends during the handshake; steady: the idle client alone after the handshake; "
        "fit: how many such idle clients the heap left after boot holds (free / steady).  Stock speaks "
        "TLS 1.2 only.",
    )


def loopback(b: Bench, sec: Section, rounds: int, warmup: int) -> None:
    firmwares = {"stock": paths.firmware_path("rp2", "stock"), "modssl": paths.firmware_path("rp2", "modssl")}
    results: dict[tuple[str, str, str], dict | Missing] = {}
    for column, uf2 in firmwares.items():
        if not uf2.exists():
            for vname in VERSIONS:
                for cname in CERTS:
                    results[(column, vname, cname)] = Missing(f"no {uf2.parent.name} firmware")
            continue
        pico = EmulatedPico(uf2)
        try:
            for vname, wire in VERSIONS.items():
                if column == "stock" and wire != VERSIONS["TLS 1.2"]:
                    for cname in CERTS:
                        results[(column, vname, cname)] = Missing("no TLS 1.3")
                    continue
                for cname, (cert, ca) in CERTS.items():
                    step(f"emulated Pico, {column}: loopback handshake, {vname}, {cname}")
                    results[(column, vname, cname)] = attempt(
                        "emulated loopback", lambda: _loopback(pico, b, cert, ca, wire, rounds, warmup))
        finally:
            pico.stop()
    for vname in VERSIONS:
        for cname in CERTS:
            cells = {col: results[(col, vname, cname)] for col in firmwares}
            for figure, key, unit in (("client Mcycles", "client_us", "Mcycles"),
                                      ("server Mcycles", "server_us", "Mcycles"),
                                      ("handshake peak, both ends, bytes", "peak", "B"),
                                      ("idle client, steady, bytes", "steady", "B"),
                                      ("idle clients that fit", "fit", "")):
                row = {}
                for col, r in cells.items():
                    if isinstance(r, Missing):
                        row[col] = r
                    elif unit == "Mcycles":
                        row[col] = Stat([us * CLOCK_MHZ / 1e6 for us in r[key]], unit)
                    else:
                        row[col] = Single(statistics.median(r[key]), unit)
                sec.add(f"{vname}, {cname}: {figure}", **row)


def _loopback(pico: EmulatedPico, b: Bench, cert: str, ca: str, wire: int, rounds: int, warmup: int) -> dict:
    params = dict(CA=b.pki[ca].cert_der.read_bytes(), CERT=b.pki[cert].cert_der.read_bytes(),
                  KEY=b.pki[cert].key_der.read_bytes(), VERSION=wire, N=rounds, WARMUP=warmup)
    pico.put({"benchlib.py": BENCHLIB.read_bytes()})
    result = pico.run(LOOPBACK.read_text(), params)
    out = result.stdout + result.stderr
    try:
        return parse_result(out)
    except BenchError:
        raise BenchError(out[-1500:]) from None

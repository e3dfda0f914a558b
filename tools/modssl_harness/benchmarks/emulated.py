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
        "Emulated Pico: public-key primitives on the RP2040's core", "Mcycles", ["emu"],
        text="modssl's own code compiled as the rp2 firmware compiles it and run alone on rp2040js's "
        "Cortex-M0+ core (modssl_harness.bare_m0), which counts cycles as the M0+ does.  For comparison, "
        "mbedTLS's generic code cost about 61 Mcycles for X25519 key generation + shared secret and 56 "
        "per ECDSA P-256 verification in the rp2 firmware (issue 15).",
    )


def run_primitives(section: Section) -> None:
    x25519 = "X25519, one scalar multiplication (modssl/ec_x25519.c)"
    p256 = "P-256 u1 G + u2 Q, the core of an ECDSA verification (modssl/ec_p256.c)"
    missing = bare_m0.available()
    if missing:
        for name in (x25519, p256):
            section.add(name, emu=Missing(f"needs {missing}"))
        return
    step("emulated Pico: X25519 and P-256 on the bare core")
    cases = [(bytes([i + 1]) * 32, (9).to_bytes(32, "little")) for i in range(3)]
    result = attempt("bare-core X25519", lambda: Single(statistics.median(bare_m0.x25519(cases)[1]) / 1e6, "Mcycles"))
    section.add(x25519, emu=result, note="key generation + shared secret: twice this")
    g = bytes.fromhex("6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296"
                      "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5")
    scalars = [bytes([0x5a ^ i]) * 31 + b"\x01" for i in range(3)]
    # Q = a multiple of G is as good as any valid public key for timing.
    muladd = [(scalars[i], g, scalars[(i + 1) % 3], g) for i in range(3)]
    result = attempt("bare-core P-256", lambda: Single(
        statistics.median(bare_m0.p256_muladd(muladd)[1]) / 1e6, "Mcycles"))
    section.add(p256, emu=result, note="signing and ECDH stay with mbedTLS")


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

"""Heap per open connection, and the compile-time memory controls.

modssl: gc.mem_alloc() on the device (its mbedTLS allocates on the GC heap),
sampled during a hand-stepped memory-BIO handshake (bench/device/heap.py).
Stock allocates with libc malloc, which gc.mem_alloc() cannot see, so both
stock and a libc-malloc build of modssl are also measured with valgrind
massif (bench/device/massif_client.py): peak(1 held connection) - peak(0)
is one connection's handshake peak, (peak(3) - peak(1)) / 2 one connection's
steady cost.
"""

from __future__ import annotations

import re
import shutil
import ssl
import tempfile
from pathlib import Path

from ..hostserver import TlsEchoServer
from ..progress import step
from . import device, firmwares
from .context import CASES, CERTS, PY_VERSIONS, VERSIONS, Bench, attempt
from .peers import BulkServer
from .report import Section
from .stats import Cell, Missing, Single


def heap_section() -> Section:
    return Section(
        "Heap per open client connection", "bytes", ["ours", "ours-libc", "stock"],
        ratios=[("ours-libc", "stock")],
        text="`modssl`: gc.mem_alloc() after a collection, sampled between handshake flights and in the "
             "verify callback (the context's own cost is separate; Python objects of the connection -- "
             "SSLObject, MemoryBIOs, socket -- are included).  Temporaries inside one step (ECDHE, "
             "signature checks) fall between samples: the massif columns show the true peak.  "
             "`modssl-libc` and `stock`: valgrind massif on libc-malloc builds, mbedTLS's bytes only "
             "(same method for both).",
    )


def massif_peak(exe: Path, params: dict) -> int:
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        raise device.BenchError("valgrind not installed")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "massif.out"
        device.run(exe, "massif_client.py", params, timeout=600,
                   prefix=[valgrind, "--tool=massif", "--heap-admin=0", f"--massif-out-file={out}"])
        return max(int(m) for m in re.findall(r"mem_heap_B=(\d+)", out.read_text()))


def massif_cells(exe: Path, params: dict) -> tuple[Cell, Cell]:
    p = [massif_peak(exe, dict(params, HOLD=k)) for k in (0, 1, 3)]
    return Single(p[1] - p[0], "B"), Single((p[2] - p[1]) / 2, "B")


Pair = tuple[Cell, Cell]


def massif_columns(b: Bench, libc: Path | None, params: dict, v: int, massif: bool) -> tuple[Pair, Pair]:
    """(peak, steady) for the modssl-libc and stock columns."""
    if not massif:
        return (Missing("skipped"), Missing("skipped")), (Missing("skipped"), Missing("skipped"))

    def measured(name: str, exe: Path | None, available: str | None) -> Pair:
        if available is not None:
            return Missing(available), Missing(available)
        got = attempt(name, lambda: massif_cells(exe, params))
        return got if isinstance(got, tuple) else (got, got)

    return (measured("modssl-libc", libc, None if libc is not None else "not built"),
            measured("stock", b.stock, None if v == 0x0303 else "no TLS 1.3"))


def heap(b: Bench, sec: Section, libc: Path | None, massif: bool = True) -> None:
    for vname, cname in CASES:
        v = VERSIONS[vname]
        cert, ca = CERTS[cname]
        step(f"heap: {vname}, {cname}")
        pv = PY_VERSIONS[v]
        with TlsEchoServer(b.pki[cert], min_version=pv, max_version=pv) as srv:
            params = dict(HOST="127.0.0.1", PORT=srv.port, CA=str(b.pki[ca].cert_der), VERSION=v)
            mine = attempt("modssl", lambda: device.run(b.ours, "heap.py", dict(params, ECHO=1024)))
            ol, st = massif_columns(b, libc, params, v, massif)
        if isinstance(mine, dict):
            ctx_cell: Cell = Single(mine["context"], "B")
            peak: Cell = Single(mine["peak"], "B")
            steady: Cell = Single(mine["steady"], "B")
        else:
            ctx_cell = peak = steady = mine
        sec.add(f"{vname}, {cname}: context (CA loaded)", ours=ctx_cell, **{"ours-libc": Missing("—")},
                stock=Missing("—"))
        sec.add(f"{vname}, {cname}: peak during handshake", ours=peak, **{"ours-libc": ol[0]}, stock=st[0])
        sec.add(f"{vname}, {cname}: steady, open connection", ours=steady, **{"ours-libc": ol[1]}, stock=st[1])


def variants_section() -> Section:
    return Section(
        "Memory controls (compile-time variants, and per-context buffer sizes at run time)", "bytes on the GC heap",
        ["peak", "steady", "saved", "round trip", "16 KiB-record peer", "with max_fragment_length"],
        text="TLS 1.2 ECDSA client against a CPython peer (bench/device/heap.py).  `saved`: steady bytes "
             "saved against the default build (stock keeps 16 KiB in + 4 KiB out buffers, as the default "
             "does).  `round trip`: 64 KiB each way between a modssl client and server of the same build "
             "over memory BIOs.  `16 KiB-record peer`: a 64 KiB download from OpenSSL, which sends "
             "full-size records unless max fragment length is negotiated; `with max_fragment_length`: the same "
             "download with `ctx.max_fragment_length` set to the variant's buffer size (RFC 6066).  "
             "Per-context rows: the default build with `ctx.max_fragment_length` set on that one context; "
             "a connection that agreed on it resizes its record buffers after the handshake "
             "(MBEDTLS_SSL_VARIABLE_BUFFER_LENGTH + patches/mbedtls/0006), other contexts keep full-size "
             "buffers and take 16 KiB records.  The last two rows are libc-heap figures from valgrind "
             "massif (mbedTLS's bytes only, no Python objects) for a like-for-like comparison with stock.",
    )


def one_variant(b: Bench, exe: Path, srv_port: int, bulk_port: int, mfl: int | None = None,
                heap_mfl: int | None = None) -> dict[str, Cell]:
    """heap_mfl: measure the heap of a connection with that ctx.max_fragment_length."""
    ca = str(b.pki["ca"].cert_der)
    params = dict(HOST="127.0.0.1", PORT=srv_port, CA=ca, VERSION=0x0303, ECHO=1024, MFL=heap_mfl)
    h = attempt("heap", lambda: device.run(exe, "heap.py", params))
    lb = attempt("round trip", lambda: device.run(exe, "loopback.py", dict(
        CA=ca, CERT=str(b.pki["server_ec"].cert_der), KEY=str(b.pki["server_ec"].key_der), SIZE=65536)))
    big = attempt("16 KiB records", lambda: device.run(exe, "bulk_client.py", dict(
        HOST="127.0.0.1", PORT=bulk_port, CA=ca, CIPHER="TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        SIZE=65536, N=1)))
    cells: dict[str, Cell] = {}
    if isinstance(h, dict):
        cells.update(peak=Single(h["peak"], "B"), steady=Single(h["steady"], "B"))
    else:
        cells.update(peak=h, steady=h)
    ok = isinstance(lb, dict) and lb.get("c2s") and lb.get("s2c")
    cells["round trip"] = Missing("works" if ok else "FAILS")
    cells["16 KiB-record peer"] = Missing("works" if isinstance(big, dict) else "fails (needs MFL)")
    if mfl:
        small = attempt("max_fragment_length", lambda: device.run(exe, "bulk_client.py", dict(
            HOST="127.0.0.1", PORT=bulk_port, CA=ca, CIPHER="TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            SIZE=65536, N=1, MFL=mfl)))
        cells["with max_fragment_length"] = Missing(f"works ({mfl})" if isinstance(small, dict) else "FAILS")
    else:
        cells["with max_fragment_length"] = Missing("—")
    return cells


# ctx.max_fragment_length values measured on the default build (RFC 6066 allows 512..4096).
PER_CONTEXT_MFL = (4096, 1024)


def _saved(base: dict[str, Cell], cells: dict[str, Cell]) -> Cell:
    if isinstance(cells.get("steady"), Single) and isinstance(base.get("steady"), Single):
        return Single(base["steady"].value - cells["steady"].value, "B")
    return Missing("—")


def variants(b: Bench, sec: Section, heap_rows: list | None = None) -> None:
    with TlsEchoServer(b.pki["server_ec"], max_version=ssl.TLSVersion.TLSv1_2) as srv, \
            BulkServer(b.pki["server_ec"]) as bulk:
        step("memory controls: default build")
        base = one_variant(b, b.ours, srv.port, bulk.port)
        sec.add("default (in 16 KiB, out 4 KiB)", **base, saved=Single(0, "B"))
        for size in PER_CONTEXT_MFL:
            step(f"memory controls: default build, ctx.max_fragment_length = {size}")
            cells = one_variant(b, b.ours, srv.port, bulk.port, size, heap_mfl=size)
            sec.add(f"per context: `ctx.max_fragment_length = {size}`", note="default build, set at run time",
                    saved=_saved(base, cells), **cells)
        for v in firmwares.MEMORY_VARIANTS:
            step(f"memory controls: {v.name} ({v.flags})")
            try:
                exe = firmwares.variant(v)
            except Exception as e:  # a failed build is a table cell, not a crash
                sec.add(f"{v.name}: {v.what}", note=f"build failed: {e}", peak=Missing("not built"))
                continue
            cells = one_variant(b, exe, srv.port, bulk.port, v.mfl)
            sec.add(f"{v.name}: {v.what}", note=f"`{v.flags}`", saved=_saved(base, cells), **cells)
    # The massif figures of the heap section, for comparison with stock.
    by_name = {r.name: r for r in heap_rows or []}
    peak = by_name.get("TLS 1.2, ECDSA P-256: peak during handshake")
    steady = by_name.get("TLS 1.2, ECDSA P-256: steady, open connection")
    if peak and steady:
        for col, label in (("ours-libc", "modssl default, libc heap (massif)"), ("stock", "stock upstream (massif)")):
            sec.add(label, peak=peak.cells.get(col, Missing("—")), steady=steady.cells.get(col, Missing("—")),
                    saved=Missing("—"), note="mbedTLS bytes only")

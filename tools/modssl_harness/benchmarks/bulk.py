"""Bulk throughput over TLS 1.2, both directions, one AEAD suite at a time.

Every client (modssl, stock, CPython) talks to the same CPython sink/source
and offers a single suite.  The ceiling column is the C program's figure for
the same cipher (the library's limit for sealing/opening records).

The memory-BIO rows carry TLS with no socket at all: a client and a server in
one process, records pumped between them by hand (what a board does over a
UART or BLE link), one way, client to server.  Stock upstream has no memory
BIO, so only modssl and CPython have figures there.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from ..progress import step
from . import device
from .context import Bench, attempt
from .cpython_side import OPENSSL_CIPHERS
from .peers import BulkServer
from .report import Section
from .stats import Cell, Missing, Single, mbps

SUITES = {
    "AES-128-GCM": ("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "aes128gcm"),
    "ChaCha20-Poly1305": ("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "chachapoly"),
}


def section() -> Section:
    return Section("Bulk throughput, TLS 1.2", "MB/s, min / **median** / max", ["ours", "stock", "cpython", "ceiling"],
                   ratios=[("ours", "stock"), ("ours", "cpython"), ("ours", "ceiling")],
                   text="16 KiB application writes/reads; the ceiling is the library's AEAD speed on 16 KiB "
                        "buffers (bench/ceiling/ceiling.c).  Memory-BIO rows: client and server in one process "
                        "over memory BIOs (no socket), client to server only, transfer timed after the handshake; "
                        "that process both seals and opens every record, so their ceiling is seal and open in "
                        "series.")


def split(result: dict, size: int, cipher: str) -> tuple[Cell, Cell]:
    got = result.get("cipher") or ""
    if cipher.replace("_", "-") not in got.replace("_", "-"):
        # The module negotiated something else: the figure would be misleading.
        return Missing(f"negotiated {got}"), Missing(f"negotiated {got}")
    return mbps(size, result["up"]), mbps(size, result["down"])


def run(b: Bench, sec: Section, ceiling: dict[str, float]) -> None:
    sockets(b, sec, ceiling)
    memory_bio(b, sec, ceiling)


def sockets(b: Bench, sec: Section, ceiling: dict[str, float]) -> None:
    c = b.counts
    with BulkServer(b.pki["server_ec"]) as srv:
        for label, (iana, key) in SUITES.items():
            step(f"bulk: {label}")
            params = dict(HOST="127.0.0.1", PORT=srv.port, CA=str(b.pki["ca"].cert_der), CIPHER=iana,
                          SIZE=c.bulk_size, N=c.bulk_runs)
            res: dict[str, tuple[Cell, Cell]] = {}
            for name, exe in (("ours", b.ours), ("stock", b.stock)):
                out = attempt(name, lambda: device.run(exe, "bulk_client.py", params, timeout=300))
                res[name] = split(out, c.bulk_size, iana) if isinstance(out, dict) else (out, out)
            job = json.dumps(dict(kind="bulk", host="127.0.0.1", port=srv.port, ca_pem=str(b.pki["ca"].cert_pem),
                                  cipher=iana, size=c.bulk_size, n=c.bulk_runs))
            out = attempt("CPython", lambda: b.run_cpython(job))
            res["cpython"] = (mbps(c.bulk_size, out["up"]), mbps(c.bulk_size, out["down"])) \
                if isinstance(out, dict) else (out, out)
            # stock's set_ciphers raises for a suite its build lacks.
            for i, way in enumerate(("upload (device sends)", "download (device receives)")):
                cells = {k: v[i] for k, v in res.items()}
                if isinstance(cells["stock"], Missing) and key == "chachapoly":
                    cells["stock"] = Missing("not available (no ChaCha20 in stock config)")
                ceil = ceiling.get(f"{key}_{'seal' if i == 0 else 'open'}_MBps")
                sec.add(f"{label}, {way}", ceiling=Single(ceil, "MB/s") if ceil else Missing("not built"), **cells)


def has_memory_bio(exe: Path) -> bool:
    """Whether a firmware's `tls` module has MemoryBIO (stock upstream has none)."""
    proc = subprocess.run([str(exe), "-c", "import tls; print(hasattr(tls, 'MemoryBIO'))"],
                          capture_output=True, text=True, timeout=30)
    return proc.stdout.strip() == "True"


def bio_cell(result: dict | Cell, size: int, negotiated: str) -> Cell:
    if not isinstance(result, dict):
        return result
    got = result.get("cipher") or ""
    if got != negotiated:
        return Missing(f"negotiated {got}")  # a figure for another suite would mislead
    return mbps(size, result["us"])


def memory_bio(b: Bench, sec: Section, ceiling: dict[str, float]) -> None:
    c = b.counts
    # 8 MiB takes well under a second on modssl, so the full bulk size is used.
    size = c.bulk_size
    server = b.pki["server_ec"]
    stock_has = has_memory_bio(b.stock)
    for label, (iana, key) in SUITES.items():
        step(f"bulk: {label} over memory BIOs")
        params = dict(CA=str(b.pki["ca"].cert_der), CERT=str(server.cert_der), KEY=str(server.key_der),
                      CIPHER=iana, SIZE=size, N=c.bulk_runs)
        cells: dict[str, Cell] = {}
        for name, exe in (("ours", b.ours), ("stock", b.stock)):
            if name == "stock" and not stock_has:
                cells[name] = Missing("no memory BIO")
                continue
            out = attempt(name, lambda: device.run(exe, "bio_bulk.py", params, timeout=300))
            cells[name] = bio_cell(out, size, iana)
        job = json.dumps(dict(kind="bio_bulk", ca_pem=str(b.pki["ca"].cert_pem), cert_pem=str(server.cert_pem),
                              key_pem=str(server.key_pem), cipher=iana, size=size, n=c.bulk_runs))
        # CPython reports OpenSSL's name for the suite.
        cells["cpython"] = bio_cell(attempt("CPython", lambda: b.run_cpython(job)), size, OPENSSL_CIPHERS[iana])
        seal, open_ = ceiling.get(f"{key}_seal_MBps"), ceiling.get(f"{key}_open_MBps")
        # One process seals and opens each byte, so the times add up.
        ceil: Cell = Single(1 / (1 / seal + 1 / open_), "MB/s") if seal and open_ else Missing("not built")
        sec.add(f"{label}, memory BIO, client to server", note=f"{size // 1024} KiB per run, both ends in one process",
                ceiling=ceil, **cells)
        # modssl's idle connections give their buffers back by default; a
        # memory-BIO pump that drains the input after every chunk takes them
        # again each time.  Bulk transfers keep them with one attribute.
        out = attempt("ours, buffers kept", lambda: device.run(b.ours, "bio_bulk.py", dict(params, KEEP=True),
                                                               timeout=300))
        sec.add(f"{label}, memory BIO, client to server, release_buffers=False", ceiling=ceil,
                ours=bio_cell(out, size, iana), note="modssl with `ctx.release_buffers = False` on both ends")

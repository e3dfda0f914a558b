"""Bulk throughput over TLS 1.2, both directions, one AEAD suite at a time.

Every client (modssl, stock, CPython) talks to the same CPython sink/source
and offers a single suite.  The ceiling column is the C program's figure for
the same cipher (the library's limit for sealing/opening records).
"""

from __future__ import annotations

import json
import subprocess

from ..progress import step
from . import device
from .context import Bench, attempt
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
                        "buffers (bench/ceiling/ceiling.c).")


def split(result: dict, size: int, cipher: str) -> tuple[Cell, Cell]:
    got = result.get("cipher") or ""
    if cipher.replace("_", "-") not in got.replace("_", "-"):
        # The module negotiated something else: the figure would be misleading.
        return Missing(f"negotiated {got}"), Missing(f"negotiated {got}")
    return mbps(size, result["up"]), mbps(size, result["down"])


def run(b: Bench, sec: Section, ceiling: dict[str, float]) -> None:
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

            def cpython() -> dict:
                proc = subprocess.run(b.cpython_argv(job), env=b.cpython_env(), capture_output=True, text=True,
                                      timeout=300)
                if proc.returncode != 0:
                    raise device.BenchError(proc.stderr[-1500:])
                return device.parse_result(proc.stdout)

            out = attempt("CPython", cpython)
            res["cpython"] = (mbps(c.bulk_size, out["up"]), mbps(c.bulk_size, out["down"])) \
                if isinstance(out, dict) else (out, out)
            # stock's set_ciphers raises for a suite its build lacks.
            for i, way in enumerate(("upload (device sends)", "download (device receives)")):
                cells = {k: v[i] for k, v in res.items()}
                if isinstance(cells["stock"], Missing) and key == "chachapoly":
                    cells["stock"] = Missing("not available (no ChaCha20 in stock config)")
                ceil = ceiling.get(f"{key}_{'seal' if i == 0 else 'open'}_MBps")
                sec.add(f"{label}, {way}", ceiling=Single(ceil, "MB/s") if ceil else Missing("not built"), **cells)

"""Instructions per client handshake under valgrind's callgrind.

Instruction counts do not depend on what else the machine is doing, so this
is the figure to compare across runs.  Each firmware runs
bench/device/cg_client.py twice -- HANDSHAKES=0 (context, CA, TCP only) and
HANDSHAKES=N -- and the difference over N is one handshake's cost in the
firmware process (the CPython peer is not counted).
"""

from __future__ import annotations

import re
import shutil
import tempfile

from ..hostserver import TlsEchoServer
from ..progress import step
from . import device
from .context import CASES, CERTS, PY_VERSIONS, VERSIONS, Bench, attempt
from .report import Section
from .stats import Missing, Single


def section() -> Section:
    return Section("Instructions per client handshake (callgrind)", "instructions", ["ours", "stock"],
                   ratios=[("ours", "stock")])


def collected(exe, params: dict) -> int:
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        raise device.BenchError("valgrind not installed")
    with tempfile.TemporaryDirectory() as tmp:
        proc = device.run_raw(exe, "cg_client.py", params, timeout=600,
                              prefix=[valgrind, "--tool=callgrind", f"--callgrind-out-file={tmp}/cg.out"])
    m = re.search(r"Collected : (\d+)", proc.stderr)
    if proc.returncode != 0 or m is None:
        raise device.BenchError(f"callgrind failed: {proc.stderr[-1500:]}")
    return int(m.group(1))


def per_handshake(exe, params: dict, n: int) -> Single:
    base = collected(exe, dict(params, HANDSHAKES=0))
    full = collected(exe, dict(params, HANDSHAKES=n))
    return Single((full - base) / n, "instr")


def run(b: Bench, sec: Section) -> None:
    n = 1 if b.quick else 3
    for vname, cname in CASES:
        v = VERSIONS[vname]
        cert, ca = CERTS[cname]
        step(f"callgrind: {vname}, {cname}")
        pv = PY_VERSIONS[v]
        with TlsEchoServer(b.pki[cert], min_version=pv, max_version=pv) as srv:
            params = dict(HOST="127.0.0.1", PORT=srv.port, CA=str(b.pki[ca].cert_der), VERSION=v)
            ours = attempt("modssl", lambda: per_handshake(b.ours, params, n))
            stock = attempt("stock", lambda: per_handshake(b.stock, params, n)) if v == 0x0303 \
                else Missing("no TLS 1.3")
        sec.add(f"client, full, {vname}, {cname}", ours=ours, stock=stock)

"""DTLS 1.2 client handshakes over UDP against `openssl s_server -dtls1_2`.

Both MicroPython modules have a DTLS client; CPython's `ssl` has none.
"""

from __future__ import annotations

import shutil
import subprocess

from ..opensslpeer import OpensslServer
from ..progress import step
from . import device
from .context import Bench, attempt
from .report import Section
from .stats import Missing, ms


def run(b: Bench, sec: Section) -> None:
    step("handshake: DTLS 1.2 client, ECDSA P-256")
    openssl = shutil.which("openssl")
    if openssl is None:
        sec.add("client, full, DTLS 1.2, ECDSA P-256", ours=Missing("no openssl"), stock=Missing("no openssl"),
                cpython=Missing("no DTLS in CPython"))
        return
    cert = b.pki["server_ec"]
    # s_server takes one client after another; a closed client (close_notify)
    # sends it back to listening (so it does with stdin at its end, -quiet).
    srv = OpensslServer(["-dtls1_2", "-quiet", "-cert", str(cert.cert_pem), "-key", str(cert.key_pem)], timeout=1800,
                        stdin=subprocess.DEVNULL)
    try:
        params = dict(HOST="127.0.0.1", PORT=srv.port, CA=str(b.pki["ca"].cert_der), N=b.counts.handshakes,
                      WARMUP=b.counts.warmup)
        ours = attempt("modssl", lambda: ms(device.run(b.ours, "dtls_client.py", params, timeout=120)["us"]))
        stock = attempt("stock", lambda: ms(device.run(b.stock, "dtls_client.py", params, timeout=120)["us"]))
    finally:
        srv.stop()
    sec.add("client, full, DTLS 1.2, ECDSA P-256", ours=ours, stock=stock, cpython=Missing("no DTLS in CPython"),
            note="peer: openssl s_server -dtls1_2")

"""Handshake latency: full and resumed, client side and server side.

Client side: each client (modssl, stock, CPython) connects to the same
CPython echo server and times its own wrap_socket.  Server side: each server
runs in its own process and the same CPython client, in the harness, times
the handshake, so all servers are seen through one clock.
"""

from __future__ import annotations

import json

from ..hostserver import TlsEchoServer
from ..progress import step
from . import cpython_side, device
from .context import CERTS, PY_VERSIONS, VERSIONS, Bench, attempt
from .report import Section
from .stats import Missing, ms


def section() -> Section:
    return Section("Handshake latency", "ms, min / **median** / max", ["ours", "stock", "cpython"],
                   ratios=[("ours", "stock"), ("ours", "cpython")])


def client_side(b: Bench, sec: Section) -> None:
    c = b.counts
    for vname, v in VERSIONS.items():
        for cname, (cert, ca) in CERTS.items():
            step(f"handshake: client, {vname}, {cname}")
            pv = PY_VERSIONS[v]
            with TlsEchoServer(b.pki[cert], min_version=pv, max_version=pv) as srv:
                params = dict(HOST="127.0.0.1", PORT=srv.port, CA=str(b.pki[ca].cert_der), VERSION=v,
                              N=c.handshakes, WARMUP=c.warmup, NODELAY=True)
                ours = attempt("modssl", lambda: ms(device.run(b.ours, "hs_client.py", params)["us"]))
                stock = (attempt("stock", lambda: ms(device.run(b.stock, "hs_client.py", params)["us"]))
                         if v == 0x0303 else Missing("no TLS 1.3"))
                job = dict(host="127.0.0.1", port=srv.port, ca_pem=str(b.pki[ca].cert_pem), version=v,
                           n=c.handshakes, warmup=c.warmup)
                py = attempt("CPython", lambda: ms(b.run_cpython(json.dumps(dict(kind="client", **job)))["us"]))
            sec.add(f"client, full, {vname}, {cname}", ours=ours, stock=stock, cpython=py)


def nagle_row(b: Bench, sec: Section) -> None:
    """The same TLS 1.2 client handshake without TCP_NODELAY: shows what the
    peer's delayed ACK costs a client that writes its last flight record by
    record (both MicroPython modules do; OpenSSL writes it in one go)."""
    step("handshake: client, TLS 1.2, ECDSA, Nagle on")
    cert, ca = CERTS["ECDSA P-256"]
    pv = PY_VERSIONS[0x0303]
    with TlsEchoServer(b.pki[cert], min_version=pv, max_version=pv) as srv:
        params = dict(HOST="127.0.0.1", PORT=srv.port, CA=str(b.pki[ca].cert_der), VERSION=0x0303,
                      N=max(2, b.counts.handshakes // 3), WARMUP=1, NODELAY=False)
        ours = attempt("modssl", lambda: ms(device.run(b.ours, "hs_client.py", params)["us"]))
        stock = attempt("stock", lambda: ms(device.run(b.stock, "hs_client.py", params)["us"]))
    sec.add("client, full, TLS 1.2, ECDSA P-256, no TCP_NODELAY", ours=ours, stock=stock,
            cpython=Missing("—"), note="delayed ACK on the split last flight")


def serve_and_time(b: Bench, server: device.Background, ca: str, v: int, resume: bool) -> dict:
    try:
        port = server.ready()
        c = b.counts
        out = cpython_side.client_handshakes("127.0.0.1", port, str(b.pki[ca].cert_pem), v, c.handshakes,
                                             c.warmup, resume=resume)
        server.finish()
        return out
    finally:
        server.kill()


def device_server(b: Bench, exe, cert: str, v: int, count: int) -> device.Background:
    params = dict(CERT=str(b.pki[cert].cert_der), KEY=str(b.pki[cert].key_der), VERSION=v, COUNT=count)
    return device.Background.device(exe, "hs_server.py", params, b.workdir)


def cpython_server(b: Bench, cert: str, v: int, count: int) -> device.Background:
    job = dict(kind="server", cert_pem=str(b.pki[cert].cert_pem), key_pem=str(b.pki[cert].key_pem),
               version=v, count=count)
    return device.Background(b.cpython_argv(json.dumps(job)), b.cpython_env())


def timed(b: Bench, make, cert: str, ca: str, v: int, resume: bool = False):
    def go():
        out = serve_and_time(b, make(b.counts.handshakes + b.counts.warmup), ca, v, resume)
        if resume and out["reused"] != len(out["us"]):
            return Missing(f"resumed {out['reused']}/{len(out['us'])}")
        return ms(out["us"])
    return go


def server_side(b: Bench, sec: Section) -> None:
    for vname, v in VERSIONS.items():
        for cname, (cert, ca) in CERTS.items():
            step(f"handshake: server, {vname}, {cname}")
            ours = attempt("modssl", timed(b, lambda n: device_server(b, b.ours, cert, v, n), cert, ca, v))
            stock = (attempt("stock", timed(b, lambda n: device_server(b, b.stock, cert, v, n), cert, ca, v))
                     if v == 0x0303 else Missing("no TLS 1.3"))
            py = attempt("CPython", timed(b, lambda n: cpython_server(b, cert, v, n), cert, ca, v))
            sec.add(f"server, full, {vname}, {cname}", ours=ours, stock=stock, cpython=py,
                    note="timed by the CPython client")


def resumed(b: Bench, sec: Section) -> None:
    cert, ca = CERTS["ECDSA P-256"]
    for vname, v in VERSIONS.items():
        step(f"handshake: resumed, {vname}")
        pv = PY_VERSIONS[v]
        with TlsEchoServer(b.pki[cert], min_version=pv, max_version=pv) as srv:
            job = dict(host="127.0.0.1", port=srv.port, ca_pem=str(b.pki[ca].cert_pem), version=v,
                       n=b.counts.handshakes, warmup=b.counts.warmup, resume=True)
            py = attempt("CPython", lambda: ms(b.run_cpython(json.dumps(dict(kind="client", **job)))["us"]))
        with TlsEchoServer(b.pki[cert], min_version=pv, max_version=pv) as srv:
            params = dict(HOST="127.0.0.1", PORT=srv.port, CA=str(b.pki[ca].cert_der), VERSION=v,
                          N=b.counts.handshakes, WARMUP=b.counts.warmup, NODELAY=True, RESUME=True)
            ours = attempt("modssl", lambda: ms(device.run(b.ours, "hs_client.py", params)["us"]))
            reused = sum(s.resumed for s in srv.seen[b.counts.warmup:])
            if not isinstance(ours, Missing) and reused < b.counts.handshakes:
                ours = Missing(f"resumed {reused}/{b.counts.handshakes}")
        sec.add(f"client, resumed (ticket), {vname}, ECDSA P-256", ours=ours,
                stock=Missing("not available (no session API)"), cpython=py)
        ours = attempt("modssl", timed(b, lambda n: device_server(b, b.ours, cert, v, n), cert, ca, v, True))
        py = attempt("CPython", timed(b, lambda n: cpython_server(b, cert, v, n), cert, ca, v, True))
        sec.add(f"server, resumed (ticket), {vname}, ECDSA P-256", ours=ours,
                stock=Missing("not available (no tickets)") if v == 0x0303 else Missing("no TLS 1.3"),
                cpython=py, note="CPython client offers the ticket")

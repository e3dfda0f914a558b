"""The on-device test scripts (device_tests/) against host TLS servers.

For each script the host servers are started, modssl_testcfg.py (host
address, ports, CA and client certificates) is put next to the scripts on the
target, the script runs and its PASS/FAIL lines become results.  The pytest
suite (host_tests/test_device_scripts.py) makes each check a test case of its
own: the checks a script has are read from its source (`@check def name`).
"""

from __future__ import annotations

import contextlib
import re
import ssl
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import certs, paths
from .dtlspeers import PyOpenSSLDtlsServer
from .hostlink import Endpoints
from .hostserver import TlsEchoServer

DEVICE_TESTS = paths.REPO / "device_tests"
SUPPORT_FILES = ("devtest.py", "devnet.py", "hostlink.py")


@dataclass
class CaseResult:
    script: str
    name: str
    passed: bool
    message: str = ""
    seconds: float | None = None  # on the device's own clock (TIME lines)


def device_scripts() -> list[Path]:
    return sorted(DEVICE_TESTS.glob("test_*.py"))


def check_names(script: Path) -> list[str]:
    """The checks a script runs, in order: each function under `@check`."""
    return re.findall(r"^@check\s*\ndef (\w+)\(", script.read_text(), re.MULTILINE)


@contextlib.contextmanager
def host_servers(pki: certs.Pki, bind: str = "127.0.0.1"):
    """The host-side peers every device test script may use, by name: TLS echo
    servers, and "dtls", a DTLS server for one client (upper-cases each datagram)."""
    v12 = dict(min_version=ssl.TLSVersion.TLSv1_2, max_version=ssl.TLSVersion.TLSv1_2)
    v13 = dict(min_version=ssl.TLSVersion.TLSv1_3, max_version=ssl.TLSVersion.TLSv1_3)
    specs = {
        "tls12_ec": (pki["server_ec"], v12),
        "tls13_ec": (pki["server_ec"], v13),
        "tls12_rsa": (pki["server_rsa"], v12),
        "tls13_rsa": (pki["server_rsa"], v13),
        "expired": (pki["server_expired"], {}),
        "unknown_ca": (pki["server_unknown_ca"], {}),
        "mtls": (pki["server_ec"], dict(client_ca=pki["ca"].cert_pem)),
    }
    with contextlib.ExitStack() as stack:
        servers = {
            name: stack.enter_context(TlsEchoServer(cert, host=bind, **kw)) for name, (cert, kw) in specs.items()
        }
        servers["dtls"] = stack.enter_context(PyOpenSSLDtlsServer(pki["server_ec"], bind=bind))
        yield servers


def endpoints(servers: dict) -> Endpoints:
    """What the host link needs to reach each server on 127.0.0.1."""
    return {
        name: ("udp" if isinstance(server, PyOpenSSLDtlsServer) else "tcp", server.port)
        for name, server in servers.items()
    }


def config_module(host: str, servers: dict, pki: certs.Pki, transport: str = "socket") -> bytes:
    ports = {name: s.port for name, s in servers.items()}
    cas = pki["ca"].pem() + pki["ca_rsa"].pem()
    return (
        "# Written by the modssl harness for this run.\n"
        f"HOST = {host!r}\n"
        f"TRANSPORT = {transport!r}\n"
        f"HOSTNAME = {certs.HOSTNAME!r}\n"
        f"SERVERS = {ports!r}\n"
        f"CA_PEM = {cas!r}\n"
        f"CLIENT_CERT_PEM = {pki['client_ec'].pem()!r}\n"
        f"CLIENT_KEY_PEM = {pki['client_ec'].key_pem.read_bytes()!r}\n"
        f"SERVER_CERT_PEM = {pki['server_ec'].pem()!r}\n"
        f"SERVER_KEY_PEM = {pki['server_ec'].key_pem.read_bytes()!r}\n"
    ).encode()


def parse_output(script: str, output: str) -> list[CaseResult]:
    results = []
    done = False
    for line in output.splitlines():
        if line.startswith("PASS "):
            results.append(CaseResult(script, line[5:].strip(), True))
        elif line.startswith("FAIL "):
            name, _, msg = line[5:].partition(": ")
            results.append(CaseResult(script, name.strip(), False, msg))
        elif line.startswith("TIME "):
            name, _, ms = line[5:].rpartition(" ")
            for r in results:
                if r.name == name.strip() and ms.isdigit():
                    r.seconds = int(ms) / 1000
        elif line.startswith("DONE "):
            done = True
    if not done:
        results.append(CaseResult(script, "<script>", False, "script did not finish:\n" + output[-2000:]))
    return results


def run(target, scripts: list[Path] | None = None) -> list[CaseResult]:
    """Run each script on `target` (targets.py) against fresh host servers."""
    results: list[CaseResult] = []
    with tempfile.TemporaryDirectory(prefix="modssl-pki-") as tmp:
        pki = certs.make_pki(Path(tmp))
        bind = "127.0.0.1" if target.host_address == "127.0.0.1" else "0.0.0.0"
        with host_servers(pki, bind) as servers:
            files = {name: (DEVICE_TESTS / name).read_bytes() for name in SUPPORT_FILES}
            files["modssl_testcfg.py"] = config_module(target.host_address, servers, pki, target.transport)
            target.put(files)
            target.endpoints = endpoints(servers)
            for script in scripts or device_scripts():
                out = target.run_file(script)
                results.extend(parse_output(script.stem, out.stdout + out.stderr))
    return results

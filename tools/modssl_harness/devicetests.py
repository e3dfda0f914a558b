"""Run the on-device test scripts (device_tests/) against host TLS servers.

The harness starts the host servers, writes modssl_testcfg.py (host address,
ports, CA and client certificates) next to the scripts on the device, runs
each script and turns its PASS/FAIL lines into results, printed as a table
and optionally written as JUnit XML.
"""

from __future__ import annotations

import contextlib
import ssl
import tempfile
import xml.etree.ElementTree as ET
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


def run(device, scripts: list[Path] | None = None) -> list[CaseResult]:
    results: list[CaseResult] = []
    with tempfile.TemporaryDirectory(prefix="modssl-pki-") as tmp:
        pki = certs.make_pki(Path(tmp))
        bind = "127.0.0.1" if device.host_address == "127.0.0.1" else "0.0.0.0"
        with host_servers(pki, bind) as servers:
            files = {name: (DEVICE_TESTS / name).read_bytes() for name in SUPPORT_FILES}
            files["modssl_testcfg.py"] = config_module(device.host_address, servers, pki, device.transport)
            for script in scripts or device_scripts():
                output = device.run_script(script, files, endpoints(servers))
                results.extend(parse_output(script.stem, output))
    return results


def summary_table(results: list[CaseResult]) -> str:
    width = max((len(f"{r.script}::{r.name}") for r in results), default=10)
    lines = [f"{'test'.ljust(width)}  result", f"{'-' * width}  ------"]
    for r in results:
        lines.append(f"{(r.script + '::' + r.name).ljust(width)}  {'PASS' if r.passed else 'FAIL  ' + r.message}")
    passed = sum(r.passed for r in results)
    lines.append(f"{passed} passed, {len(results) - passed} failed")
    return "\n".join(lines)


def write_junit(results: list[CaseResult], path: Path, device_name: str) -> None:
    suite = ET.Element(
        "testsuite", name=f"device-{device_name}", tests=str(len(results)),
        failures=str(sum(not r.passed for r in results)),
    )
    for r in results:
        case = ET.SubElement(suite, "testcase", classname=f"device_tests.{r.script}", name=r.name)
        if r.seconds is not None:
            case.set("time", f"{r.seconds:.3f}")
        if not r.passed:
            ET.SubElement(case, "failure", message=r.message[:200]).text = r.message
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(suite).write(path, encoding="utf-8", xml_declaration=True)

"""MicroPython's own ssl/tls tests, run against a firmware (the peer suite).

The tests come from the fetched MicroPython tree (tests/extmod ssl_* and
tls_*, tests/multi_net ssl/tls) and run with upstream's runners:
run-tests.py for single-instance tests and run-multitests.py with two
firmware instances for the networked ones.  extmod/ssl_poll.py, which
run-tests.py skips on non-coverage builds, is run directly against its .exp.

EXPECTED records, per test, whether it passes on modssl and -- where it
does not -- why: every difference from upstream is deliberate and written
down here; README.md shows this table.
"""

from __future__ import annotations

import fcntl
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

SUPPORT = Path(__file__).resolve().parent / "upstream_support"

# test -> None when it passes, else the reason it does not.
EXPECTED: dict[str, str | None] = {
    "extmod/ssl_basic.py": None,
    "extmod/ssl_cadata.py": "error text: modssl says 'cadata: invalid CA certificate data (DER, mbedTLS error -0x2180)' "
    "where upstream says 'invalid cert'",
    "extmod/ssl_ioctl.py": None,
    "extmod/ssl_keycert.py": "error texts: modssl names the argument and the mbedTLS error ('keyfile: invalid private "
    "key (DER, ...)'); the exception types match upstream",
    "extmod/ssl_keycert_pkcs8.py": "error text, as ssl_keycert.py",
    "extmod/ssl_noleak.py": None,
    "extmod/ssl_poll.py": None,
    "extmod/ssl_sslcontext.py": None,
    "extmod/ssl_sslcontext_verify_mode.py": None,
    "extmod/ssl_sslcontext_verify_mode2.py": None,
    "extmod/tls_dtls.py": None,
    "extmod/tls_sslcontext_ciphers.py": "cipher names: modssl lists IANA names (TLS_ECDHE_..._GCM_SHA256) as the spec "
    "asks, AEAD suites only by default (CBC on request), accepts CPython's 'A:B' string and raises ValueError for an "
    "unknown name; upstream lists mbedTLS names with CBC suites and raises OSError(BAD_CONFIG)",
    "extmod/tls_sslcontext_micropython.py": None,
    "multi_net/asyncio_tls_server_client.py": None,
    "multi_net/asyncio_tls_server_client_cert_required_error.py": "error text: the server reports 'peer did not send a "
    "certificate, but one is required' instead of 'MBEDTLS_ERR_SSL_NO_CLIENT_CERTIFICATE', and the client sees the "
    "alert as 'peer sent fatal alert: ...'",
    "multi_net/asyncio_tls_server_client_readline.py": None,
    "multi_net/asyncio_tls_server_client_verify_error.py": "error type and text: verification failures raise "
    "ssl.SSLCertVerificationError (an OSError, as the spec says errors are) with 'certificate verify failed: hostname "
    "mismatch' instead of ValueError with mbedTLS's verify-info text",
    "multi_net/ssl_cert_ec.py": None,
    "multi_net/ssl_cert_rsa.py": None,
    "multi_net/sslcontext_check_hostname_error.py": "error text: 'CERT_REQUIRED requires server_hostname (or set "
    "check_hostname = False ...)' and 'connection closed by the peer without close_notify' for mbedTLS constant names",
    "multi_net/sslcontext_getpeercert.py": None,
    "multi_net/sslcontext_server_client.py": None,
    "multi_net/sslcontext_server_client_ciphers.py": "cipher names and defaults, as tls_sslcontext_ciphers.py: the "
    "client asserts an mbedTLS-style CBC name is in get_ciphers()",
    "multi_net/sslcontext_server_client_files.py": None,
    "multi_net/sslcontext_verify_callback.py": None,
    "multi_net/sslcontext_verify_error.py": "error type and text, as asyncio_tls_server_client_verify_error.py",
    "multi_net/sslcontext_verify_time_error.py": "the test's server loads expired_cert.der with rsa_key.der, which is "
    "not that certificate's key: modssl's load_cert_chain refuses a mismatched pair (ValueError), upstream does not",
    "multi_net/tls_dtls_server_client.py": None,
}


def tests_dir(micropython_tree: Path) -> Path:
    return micropython_tree / "tests"


def _env(firmware: Path, tests: Path) -> dict[str, str]:
    return dict(
        os.environ,
        MICROPY_MICROPYTHON=str(firmware),
        MICROPYPATH=os.pathsep.join([".frozen", str(tests.parent / "extmod"), str(SUPPORT)]),
    )


def run_single(firmware: Path, tests: Path, result_dir: Path) -> dict[str, bool | None]:
    """extmod tests through run-tests.py: test -> True/False (None = skipped)."""
    proc = subprocess.run(
        # -j 1: with parallel jobs run-tests.py can print two result lines
        # into one ("FAIL  pass  extmod/..."), and a test would go missing.
        [sys.executable, "run-tests.py", "-j", "1", "--keep-path", "-r", str(result_dir), "-d", "extmod",
         "-i", r"extmod/(ssl|tls)_"],
        cwd=tests, env=_env(firmware, tests), capture_output=True, text=True, timeout=900,
    )
    outcome: dict[str, bool | None] = {}
    for line in proc.stdout.splitlines():
        m = re.match(r"^(pass|FAIL|skip)\s+(\S+)", line)
        if m:
            outcome[m.group(2)] = {"pass": True, "FAIL": False, "skip": None}[m.group(1)]
    # Skipped by run-tests.py on non-coverage builds; run it directly.
    if "extmod/ssl_poll.py" in outcome:
        poll = subprocess.run(
            [str(firmware), "extmod/ssl_poll.py"], cwd=tests, env=_env(firmware, tests),
            capture_output=True, timeout=120,
        )
        outcome["extmod/ssl_poll.py"] = poll.stdout == (tests / "extmod/ssl_poll.py.exp").read_bytes()
    return outcome


# What run-multitests.py printed for each test that failed (its output, the
# expected output and their diff), for the failure message.
DETAILS: dict[str, str] = {}


def run_multi(firmware: Path, tests: Path) -> dict[str, bool | None]:
    """multi_net tests through run-multitests.py with two firmware instances.

    The upstream tests serve on a fixed port (8000, on every address): two
    runs on one machine at once would take it from each other, so runs wait
    for each other on a lock file."""
    files = sorted(
        str(p.relative_to(tests))
        for pattern in ("ssl*.py", "tls*.py", "asyncio_tls*.py")
        for p in (tests / "multi_net").glob(pattern)
    )
    with open(Path(tempfile.gettempdir()) / "modssl-multi_net.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        proc = subprocess.run(
            [sys.executable, "run-multitests.py", "-i", "micropython", "-i", "micropython", *files],
            cwd=tests, env=_env(firmware, tests), capture_output=True, text=True, timeout=1200,
        )
    outcome: dict[str, bool | None] = {}
    current = None
    for line in proc.stdout.splitlines():
        m = re.match(r"^(\S+\.py) on \S+: (pass|FAIL|skip)", line)
        if m:
            outcome[m.group(1)] = {"pass": True, "FAIL": False, "skip": None}[m.group(2)]
            current = m.group(1) if m.group(2) == "FAIL" else None
            DETAILS.pop(m.group(1), None)
        elif current is not None:
            DETAILS[current] = DETAILS.get(current, "") + line + "\n"
    return outcome


def run(firmware: Path, micropython_tree: Path) -> dict[str, bool | None]:
    tests = tests_dir(micropython_tree)
    with tempfile.TemporaryDirectory(prefix="modssl-upstream-") as tmp:
        outcome = run_single(firmware, tests, Path(tmp))
    outcome.update(run_multi(firmware, tests))
    return outcome


def markdown_table() -> str:
    rows = ["| upstream test | on modssl | why not |", "| --- | --- | --- |"]
    for name, reason in EXPECTED.items():
        rows.append(f"| `{name}` | {'pass' if reason is None else 'differs'} | {reason or ''} |")
    return "\n".join(rows)

"""OpenSSL.SSL on the firmware against the real pyOpenSSL: the same scripts.

Each script in pyopenssl_scripts/ runs a client and a server Connection in
one process over memory BIOs and prints what a user would look at.  It runs
under CPython with pyOpenSSL (from requirements.txt) and on the unix firmware
with modssl's frozen OpenSSL package; the outputs must be identical.  Where
OpenSSL and mbedTLS legitimately differ (default cipher preference, the alert
a rejecting callback sends), the scripts print only what both define.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).parent / "pyopenssl_scripts"


def script_params(pki) -> dict[str, str]:
    return {
        "CA": str(pki["ca"].cert_pem),
        "OTHER_CA": str(pki["other_ca"].cert_pem),
        "SERVER_CHAIN": str(pki["server_ec"].chain_pem),
        "SERVER_KEY": str(pki["server_ec"].key_pem),
        "SERVER_RSA": str(pki["server_rsa"].cert_pem),
        "SERVER_RSA_KEY": str(pki["server_rsa"].key_pem),
        "CLIENT_CERT": str(pki["client_ec"].cert_pem),
        "CLIENT_KEY": str(pki["client_ec"].key_pem),
    }


def run_cpython(name: str, tmp_path: Path, params: dict[str, str]) -> str:
    """The script under CPython with the real pyOpenSSL, as mp.run would bind params."""
    prelude = "".join(f"{k} = {v!r}\n" for k, v in params.items())
    path = tmp_path / f"cpython_{name}"
    path.write_text(prelude + (SCRIPTS / name).read_text())
    env = dict(os.environ, PYTHONPATH=str(SCRIPTS))
    proc = subprocess.run(
        [sys.executable, "-W", "ignore", str(path)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, f"pyOpenSSL run failed:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


def run_device(mp, name: str, params: dict[str, str]) -> str:
    # The helper module sits beside the script, on the firmware's MICROPYPATH.
    shutil.copy(SCRIPTS / "bio_pump.py", mp.workdir / "bio_pump.py")
    return mp.run((SCRIPTS / name).read_text(), timeout=120, **params).stdout


def differential(mp, pki, tmp_path, name: str) -> list[str]:
    params = script_params(pki)
    expected = run_cpython(name, tmp_path, params)
    got = run_device(mp, name, params)
    assert got.splitlines() == expected.splitlines()
    return got.splitlines()


def test_handshake_data_shutdown(mp, pki, tmp_path):
    out = differential(mp, pki, tmp_path, "handshake_data.py")
    # The want-read loop: each side waits once for the other's flight.
    assert out[2:6] == ["  client: WantReadError", "  server: WantReadError", "  client: ok", "  server: ok"]
    assert "versions: TLSv1.3 TLSv1.3" in out
    assert "server cert: C=GB/O=modssl tests/CN=localhost | issuer: modssl test root EC" in out
    assert "server recv: ZeroReturnError 2" in out
    assert "client shutdown again: True 3" in out


def test_verification_failures(mp, pki, tmp_path):
    out = differential(mp, pki, tmp_path, "verify_failure.py")
    assert out.count("unknown CA: Error certificate verify failed Error tlsv1 alert unknown ca") == 1
    assert "callback raises: ZeroDivisionError from the callback" in out
    assert "client cert missing: Error peer did not return a certificate" in out


def test_alpn_select_callback(mp, pki, tmp_path):
    out = differential(mp, pki, tmp_path, "alpn.py")
    assert "  negotiated: b'http/1.1' b'http/1.1'" in out
    assert "refuse: ('Error', 'Error') offered: [[b'h2']]" in out
    assert out[-1] == "per connection: ('ok', 'ok') b'mqtt'"


def test_pinned_versions_and_ciphers(mp, pki, tmp_path):
    out = differential(mp, pki, tmp_path, "versions.py")
    assert out[0].startswith("TLSv1_2_METHOD: TLSv1.2 TLSv1.2 0x303 ECDHE-ECDSA-AES128-GCM-SHA256")
    assert any(line.startswith("OP_NO_TLSv1_2: TLSv1.3 TLSv1.3 0x304 TLS_AES_128_GCM_SHA256") for line in out)
    assert "no cipher match: Error no cipher match" in out


def test_eof_and_want_read(mp, pki, tmp_path):
    out = differential(mp, pki, tmp_path, "eof.py")
    assert "unclean end: SysCallError (-1, 'Unexpected EOF')" in out
    assert "split record: b'split record' True" in out


def test_dtls_memory_bio(mp, pki, tmp_path):
    out = differential(mp, pki, tmp_path, "dtls.py")
    assert out.count("version: DTLSv1.2 DTLSv1.2") == 2
    assert out.count("datagram 1000 1000") == 2
    assert out.count("server recv: ZeroReturnError") == 2


@pytest.mark.parametrize("name", sorted(p.name for p in SCRIPTS.glob("*.py") if p.name != "bio_pump.py"))
def test_every_script_is_covered(name):
    # A script added to the folder needs its test above.
    source = Path(__file__).read_text()
    assert f'"{name}"' in source

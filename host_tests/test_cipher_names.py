"""Cipher suite names: modssl spells each suite's IANA name from its parts
(key exchange, cipher, hash, CCM-8's short tag; patches/mbedtls/0068) and
the firmware carries no mbedTLS name strings (0069).  Every suite the
library has is named exactly as OpenSSL's `ciphers -stdname` names the same
id, and set_ciphers() takes each name in IANA's and mbedTLS's spellings."""

from __future__ import annotations

import re
import subprocess

from conftest import REPO

TLS13 = ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
         "TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_8_SHA256"]


def openssl_stdnames() -> dict[int, str]:
    """Suite id -> IANA name, for every suite the host's OpenSSL knows."""
    out = subprocess.run(["openssl", "ciphers", "-V", "-stdname", "-ciphersuites", ":".join(TLS13),
                          "ALL:COMPLEMENTOFALL:@SECLEVEL=0"], capture_output=True, text=True, check=True).stdout
    names = {}
    for line in out.splitlines():
        m = re.match(r"\s*0x([0-9A-F]{2}),0x([0-9A-F]{2}) - (TLS_\w+) ", line)
        if m:
            names[int(m.group(1) + m.group(2), 16)] = m.group(3)
    assert len(names) > 100 and names[0x1301] == "TLS_AES_128_GCM_SHA256"
    return names


def mbedtls_suite_ids() -> dict[str, int]:
    """mbedTLS's suite macros (MBEDTLS_TLS_..., MBEDTLS_TLS1_3_...) -> id."""
    header = (REPO / ".cache/src/mbedtls/include/mbedtls/ssl_ciphersuites.h").read_text()
    return {m: int(v, 16) for m, v in re.findall(r"#define (MBEDTLS_TLS1?_3?_?\w+)\s+0x([0-9A-Fa-f]+)\b", header)}


def test_every_suite_has_the_iana_name_of_its_id(mp):
    # tls._cipher_suites() (unix test hook): (id, name) for every suite the
    # library lists, named as get_ciphers() and cipher() name them.
    suites = mp.run("import tls\nfor i, n in tls._cipher_suites(): print(i, n)").lines
    stdnames = openssl_stdnames()
    got = {int(i): n for i, n in (line.split() for line in suites)}
    # TLS 1.3, ECDHE, PSK, static RSA; GCM, CCM, CCM-8, ChaCha20, CBC with SHA-1 and SHA-2
    for must in (0x1301, 0x1305, 0xC02B, 0xC030, 0xCCA8, 0xC0AC, 0xC0AF, 0xC0A8, 0xC009, 0xC028, 0x009C, 0xCCAB):
        assert must in got, hex(must)
    assert {i: stdnames.get(i) for i in got} == got


SPELLINGS = """
import tls
ctx = tls.SSLContext(tls.PROTOCOL_TLS_CLIENT)
names = [n for i, n in tls._cipher_suites()]
def first(name):
    try:
        ctx.set_ciphers([name])
    except ValueError as e:
        return str(e)
    return ctx.get_ciphers()[0]
for n in names:
    spellings = [n, n.replace("_", "-"), n.replace("_", "-", 2)]
    if n in TLS13:
        spellings += ["TLS1-3-" + n[4:].replace("_", "-"), "TLS1_3_" + n[4:]]
    print(n, " ".join(first(s) == n and "ok" or first(s) for s in spellings))
ctx.set_ciphers(":".join(names))
print(ctx.get_ciphers() == names)
for bad in ("tls_aes_128_gcm_sha256", "TLS1-3-ECDHE-ECDSA-WITH-AES-128-GCM-SHA256", "TLS_AES_128_GCM",
            "TLS_AES_128_GCM_SHA2566", "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_SHA256", "TLS_" + "A" * 60):
    print(first(bad))
"""


def test_set_ciphers_takes_iana_and_mbedtls_spellings(mp):
    out = mp.run(f"TLS13 = {TLS13!r}\n" + SPELLINGS).lines
    *suites, whole, a, b, c, d, e, f = out
    assert len(suites) > 40
    for line in suites:
        name, verdicts = line.split(" ", 1)
        assert set(verdicts.split()) == {"ok"}, line
    assert whole == "True"
    assert a == "unknown cipher suite: 'tls_aes_128_gcm_sha256'"
    assert b == "unknown cipher suite: 'TLS1-3-ECDHE-ECDSA-WITH-AES-128-GCM-SHA256'"
    assert c == "unknown cipher suite: 'TLS_AES_128_GCM'"
    assert d == "unknown cipher suite: 'TLS_AES_128_GCM_SHA2566'"
    assert e == "unknown cipher suite: 'TLS_ECDHE_ECDSA_WITH_AES_128_CCM_SHA256'"
    assert f.startswith("unknown cipher suite: 'TLS_AAAA")

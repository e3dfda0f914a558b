"""modssl's message texts, compressed in flash: each text a user may see is
marked MODSSL_TEXT("...") at its call site, tools/modssl_harness/texts_gen.py
picks a word dictionary and writes a header the build compiles in, and
modssl spells the words out when it raises (modssl/modssl.h).  The messages
must come out byte for byte as written, and the firmware must hold them
only in compressed form."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from modssl_harness import paths, texts_gen  # the build runs texts_gen.py as a script, by path

# Long messages from every kind of site: a plain text, a format, a text
# quoted before a value, the packed tables (an SSL error's text, an alert's
# name, OpenSSL's reason), made on the device with memory BIOs only.
MESSAGES = r'''
import ssl
def err(f):
    try:
        f()
    except Exception as e:
        print(type(e).__name__, e.args, getattr(e, "reason", "-"))
    else:
        print("no exception")
def client():
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    c.check_hostname = False
    c.verify_mode = ssl.CERT_NONE
    i, o = ssl.MemoryBIO(), ssl.MemoryBIO()
    t = c.wrap_bio(i, o)
    try:
        t.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return t, i, o
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
def mfl():
    ctx.max_fragment_length = 3
err(mfl)
def minv():
    ctx.minimum_version = 0x305
err(minv)
err(lambda: ctx.set_ecdh_curve("curve-of-nowhere"))
err(lambda: ctx.wrap_bio(1, 2))
err(lambda: ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).wrap_bio(ssl.MemoryBIO(), ssl.MemoryBIO(), server_hostname="a.example"))
def nocert():
    t, i, o = client()
    si = ssl.MemoryBIO()
    si.write(o.read())
    s = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER).wrap_bio(si, ssl.MemoryBIO(), server_side=True)
    s.do_handshake()
err(nocert)
def badrecord():
    t, i, o = client()
    i.write(b"\x16\x03\x03\xff\xff" + bytes(64))
    t.do_handshake()
err(badrecord)
def alert():
    t, i, o = client()
    i.write(b"\x15\x03\x03\x00\x02\x02\x31")
    t.do_handshake()
err(alert)
'''

EXPECTED = [
    "ValueError ('max_fragment_length must be 512, 1024, 2048, 4096 or None',) -",
    "ValueError ('minimum_version must be TLSVersion.TLSv1_2 or TLSv1_3, not 0x305',) -",
    "ValueError (\"unknown elliptic curve name: 'curve-of-nowhere'\",) -",
    "TypeError ('wrap_bio: incoming and outgoing must be MemoryBIO objects',) -",
    "ValueError ('CERT_REQUIRED needs CA certificates: call load_verify_locations() first',) -",
    "OSError ('a server needs a certificate: call load_cert_chain() first',) -",
    "OSError (-29184, 'the peer sent an invalid record (malformed, or longer than TLS allows)') RECORD_LAYER_FAILURE",
    "OSError (-30592, 'peer sent fatal alert: access_denied (49)') TLSV1_ALERT_ACCESS_DENIED",
]

# Pieces of the texts above, each spelled out in no firmware (a word of the
# dictionary stands inside each).
ORIGINALS = [
    b"max_fragment_length must be 512",
    b"incoming and outgoing must be MemoryBIO objects",
    b"needs CA certificates: call load_verify_locations()",
    b"a server needs a certificate",
    b"an invalid record (malformed, or longer than TLS allows)",
    b"decryption failed or bad record mac",
]


def sources() -> list[Path]:
    return sorted((paths.REPO / "modssl").glob("*.c"))


def header_of(firmware: Path) -> Path:
    return firmware.parent / "build" / "modssl_texts" / "modssl_texts_generated.h"


def test_messages_decode_exactly(mp):
    assert mp.run(MESSAGES).lines == EXPECTED


# Under the sanitizers GCC keeps the strcmp() chain (ASan instruments the
# calls) and the originals with it: the texts still come out right there
# (the test above), only the image is not the one a board gets.
@pytest.mark.no_asan
def test_firmware_holds_the_texts_compressed_only(firmware):
    image = firmware.read_bytes()
    for text in ORIGINALS:
        assert text not in image, text
    # ... and the compressed form of one is there.
    words = header_words(header_of(firmware))
    packed = texts_gen.compress("a server needs a certificate: call load_cert_chain() first", words)
    assert packed.encode("latin-1") in image


def header_words(header: Path) -> list[str]:
    m = re.search(r'#define MODSSL_TEXT_WORDS "((?:[^"\\]|\\.)*)"', header.read_text())
    return texts_gen.unpack_words(texts_gen._unescape(m.group(1), "words"))


def test_header_holds_every_marked_text(firmware):
    header = header_of(firmware)
    text = header.read_text(encoding="ascii")
    words = header_words(header)
    assert 0 < len(words) <= 128
    pairs = {
        texts_gen._unescape(a, "original"): texts_gen._unescape(b, "compressed")
        for a, b in re.findall(r'if \(strcmp\(s, "((?:[^"\\]|\\.)*)"\) == 0\) \{\s*return "((?:[^"\\]|\\.)*)";', text)
    }
    sites = 0
    for path in sources():
        found, tables = texts_gen.scan(str(path))
        # Every use of the markers in the code (comments aside) was read.
        ids = [tok for kind, tok, _ in texts_gen._tokens(path.read_text()) if kind == "id"]
        assert ids.count("MODSSL_TEXT") == len(found), path.name
        assert ids.count("MODSSL_TEXTS") == len(tables), path.name
        sites += len(found)
        for _, original in found:
            assert original in pairs, (path.name, original)
            packed = pairs[original]
            assert texts_gen.decompress(packed, words) == original
            assert len(packed) <= len(original)
        for _, name, original in tables:
            m = re.search(r'#define MODSSL_TEXTS_%s "((?:[^"\\]|\\.)*)"' % name, text)
            assert m, name
            packed = texts_gen._unescape(m.group(1), name).split("\0")
            assert [texts_gen.decompress(p, words) for p in packed] == original.split("\0")[:-1]
    assert sites > 100
    # Nothing in the header that no source marks (a stale header).
    assert len(pairs) == int(re.search(r"#define MODSSL_TEXT_COUNT \((\d+)\)", text).group(1))
    assert "#define MODSSL_TEXT_COUNT (%d)" % len(pairs) in text


def test_generator_is_deterministic(tmp_path):
    a, b = tmp_path / "a.h", tmp_path / "b.h"
    srcs = [str(p) for p in sources()]
    assert texts_gen.main([str(a)] + srcs) == 0
    assert texts_gen.main([str(b)] + srcs[::-1]) == 0
    assert a.read_text() == b.read_text()


@pytest.mark.parametrize("code, message", [
    ('f(MODSSL_TEXT(name));', "must hold string literals only"),
    ('f(MODSSL_TEXT("a" B "c"));', "must hold string literals only"),
    ('f(MODSSL_TEXT("caf\\xc3\\xa9"));', "printable ASCII"),
    ('f(MODSSL_TEXT("a\\0b"));', "use MODSSL_TEXTS"),
    ('static const char t[] = MODSSL_TEXTS(t, "a\\0" "b");', "ends with"),
])
def test_generator_refuses_what_it_cannot_encode(tmp_path, capsys, code, message):
    src = tmp_path / "x.c"
    src.write_text("// MODSSL_TEXT(in a comment) is no use\nvoid g(void) {\n    %s\n}\n" % code)
    out = tmp_path / "x.h"
    assert texts_gen.main([str(out), str(src)]) == 1
    assert message in capsys.readouterr().err
    assert not out.exists()

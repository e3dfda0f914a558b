"""The rp2 cross-build's outputs: a valid RP2040 UF2 and the size report.

`make test` builds MODSSL_PICO before the suite and sets MODSSL_REQUIRE_RP2=1,
so in CI a missing image fails; elsewhere (no ARM toolchain) these skip with
the command that builds it.
"""

from __future__ import annotations

import json
import re
import struct

import pytest

from modssl_harness import rp2build, texts_gen, uf2
from modssl_harness.build import BuildError
from modssl_harness.benchmarks import sizes


def test_uf2_is_a_complete_rp2040_image(rp2_uf2):
    data = rp2_uf2.read_bytes()
    assert len(data) % 512 == 0
    # Check the raw numbers too, independently of uf2.py's parser.
    m0, m1, flags, addr, size, number, count, family = struct.unpack_from("<8I", data)
    assert (m0, m1) == (0x0A324655, 0x9E5D5157)
    assert struct.unpack_from("<I", data, 508)[0] == 0x0AB16F30
    assert flags & 0x2000 and family == 0xE48BFF56  # RP2040 family id
    assert addr == 0x10000000 and number == 0 and count == len(data) // 512
    blocks = uf2.check(rp2_uf2, family=uf2.FAMILY_RP2040)
    assert len(blocks) == count
    # Flash is 2 MiB, the filesystem takes 1408 KiB: the image must fit in the rest.
    end = max(b.address + b.payload_size for b in blocks)
    assert end <= 0x10000000 + (2048 - 1408) * 1024


def test_uf2_contains_modssl(rp2_uf2):
    data = rp2_uf2.read_bytes()
    payload = b"".join(data[o + 32:o + 32 + 256] for o in range(0, len(data), 512))
    assert b"Raspberry Pi Pico (modssl)" in payload
    assert b"PROTOCOL_TLS_CLIENT" in payload  # a modssl qstr


def test_size_report(rp2_uf2):
    report = json.loads((rp2_uf2.parent / "size.json").read_text())
    mine, base = report["modssl"], report["baseline"]
    assert mine["flash"] > 0 and base["flash"] > 0
    assert report["flash_difference"] == mine["flash"] - base["flash"]


def test_flash_breakdown_accounts_for_the_whole_image(rp2_uf2):
    # The bench's flash-by-part rows come from the linker map: the parts must
    # add up to the image (within the boot block and alignment padding), and
    # the module's own C and the OpenSSL face land where they belong.
    report = json.loads((rp2_uf2.parent / "size.json").read_text())
    parts = sizes.map_parts(rp2_uf2.parent / "build" / "firmware.elf.map")
    assert abs(sum(parts.values()) - report["modssl"]["flash"]) < 2048, (parts, report["modssl"])
    # Merged string sections are listed whole and then again piece by piece:
    # counted once, the parts cannot exceed the image.
    assert sum(parts.values()) <= report["modssl"]["flash"], (parts, report["modssl"])
    assert parts["modssl C"] > 4096 and parts["mbedTLS: TLS 1.3"] > 4096
    frozen = (rp2_uf2.parent / "build" / "frozen_content.c").read_text()
    assert "ssl.py" in frozen and "OpenSSL" not in frozen  # boards install OpenSSL.SSL as a package


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda b: b[:-1], "multiple of 512"),
        (lambda b: b[:28] + struct.pack("<I", 0x12345678) + b[32:], "family id"),
        (lambda b: b"\0" + b[1:], "magic"),
        (lambda b: b[512:], "block numbers"),
    ],
)
def test_uf2_check_rejects_damage(rp2_uf2, tmp_path, mutate, message):
    bad = tmp_path / "bad.uf2"
    bad.write_bytes(mutate(rp2_uf2.read_bytes()))
    with pytest.raises(uf2.Uf2Error, match=message):
        uf2.check(bad)


def pico_board(board_dir) -> str:
    return re.search(r'set\(PICO_BOARD "([^"]+)"\)', (board_dir / "mpconfigboard.cmake").read_text()).group(1)


@pytest.mark.parametrize("board", sorted(rp2build.BASELINES))
def test_each_board_is_sized_against_the_same_board_with_upstream_tls(board):
    # Like with like: the Pico W build against a stock Pico W, not a plain Pico.
    baseline = rp2build.baseline_for(board)
    assert rp2build.board_for("stock", board) == baseline == rp2build.board_for("stock", baseline)
    mine, base = rp2build.BOARDS_DIR / board, rp2build.BOARDS_DIR / baseline
    assert pico_board(mine) == pico_board(base)
    assert "MICROPY_PY_SSL                          (0)" in (mine / "mpconfigboard.h").read_text()
    assert "MICROPY_PY_SSL                          (0)" not in (base / "mpconfigboard.h").read_text()
    assert rp2build.out_dir("stock", baseline) != rp2build.out_dir("modssl", board)


def test_a_board_that_is_no_baseline_is_refused_for_the_stock_flavour():
    with pytest.raises(BuildError, match="size baseline"):
        rp2build.board_for("stock", "RPI_PICO2")


def test_modssl_texts_are_in_the_image_compressed_only(rp2_uf2):
    # modssl's message texts (test_texts.py) reach the board's flash only in
    # the form texts_gen.py made for this build: the compiler folded every
    # MODSSL_TEXT site to it, LTO included.
    from test_texts import ORIGINALS, header_words

    data = rp2_uf2.read_bytes()
    payload = b"".join(data[o + 32:o + 32 + 256] for o in range(0, len(data), 512))
    for text in ORIGINALS:
        assert text not in payload, text
    words = header_words(rp2_uf2.parent / "build" / "modssl_texts" / "modssl_texts_generated.h")
    packed = texts_gen.compress("a server needs a certificate: call load_cert_chain() first", words)
    assert packed.encode("latin-1") in payload

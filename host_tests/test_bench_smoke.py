"""The bench runs end to end (issue #7): a tiny run, checked for shape only.

No timing is asserted anywhere: on a shared machine figures are noise, and
the bench's job is to measure, not to pass or fail.  The parts that need
extra firmware builds or valgrind are left out here (a full `make bench`
runs them); the ceiling program is compiled for syntax so it cannot rot.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO
from modssl_harness import sources  # noqa: E402  (conftest puts tools/ on sys.path)
from modssl_harness.benchmarks import ceiling  # noqa: E402

pytestmark = pytest.mark.no_asan  # measures the modssl and stock builds, not the sanitizer one

SKIP = "ceiling,variants,massif,callgrind,size-baseline,emulated"  # emulated: test_emulated_pico.py


@pytest.fixture(scope="module")
def table(tmp_path_factory, firmware, stock_firmware) -> str:
    out = tmp_path_factory.mktemp("bench")
    env = dict(os.environ, PYTHONPATH=str(REPO / "tools"))
    proc = subprocess.run(
        [sys.executable, "-m", "modssl_harness", "bench", "--quick", "--no-build", "--skip", SKIP, "--out", str(out)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=180,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert (out / "chart.png").stat().st_size > 1000
    return (out / "README.md").read_text()


def rows(md: str, title: str) -> dict[str, list[str]]:
    """The rows of one section's table, by figure name."""
    section = md.split(f"## {title}", 1)[1].split("\n## ", 1)[0]
    lines = [line for line in section.splitlines() if line.startswith("| ")]
    return {cells[0]: cells[1:] for cells in ([c.strip() for c in line.strip("|").split(" | ")] for line in lines)}


def test_names_the_machine(table: str) -> None:
    assert "- machine: " in table and "cores" in table
    assert "Mbed TLS 3.6" in table


def test_handshake_rows_and_columns(table: str) -> None:
    hs = rows(table, "Handshake latency")
    assert hs["figure"] == ["modssl", "stock", "CPython", "modssl/stock", "modssl/CPython", "note"]
    for side in ("client", "server"):
        for version in ("TLS 1.2", "TLS 1.3"):
            for cert in ("ECDSA P-256", "RSA-2048"):
                name = f"{side}, full, {version}, {cert}"
                assert name in hs
                assert "failed" not in " ".join(hs[name]), hs[name]
    assert hs["client, full, TLS 1.3, ECDSA P-256"][1] == "no TLS 1.3"
    # modssl resumes sessions (sock.session) in TLS 1.2 and 1.3.
    for version in ("TLS 1.2", "TLS 1.3"):
        ours = hs[f"client, resumed (ticket), {version}, ECDSA P-256"][0]
        assert "not available" not in ours and "failed" not in ours and "resumed" not in ours, ours
    assert "server, resumed (ticket), TLS 1.3, ECDSA P-256" in hs
    assert "client, full, DTLS 1.2, ECDSA P-256" in hs


def test_bulk_rows(table: str) -> None:
    bulk = rows(table, "Bulk throughput")
    assert bulk["figure"][:4] == ["modssl", "stock", "CPython", "ceiling"]
    for cipher in ("AES-128-GCM", "ChaCha20-Poly1305"):
        for way in ("upload (device sends)", "download (device receives)"):
            assert "failed" not in bulk[f"{cipher}, {way}"][0]


def test_memory_bio_bulk_rows(table: str) -> None:
    bulk = rows(table, "Bulk throughput")
    for cipher in ("AES-128-GCM", "ChaCha20-Poly1305"):
        ours, stock, cpython = bulk[f"{cipher}, memory BIO, client to server"][:3]
        # A figure is "min / **median** / max"; only its shape is checked.
        for cell in (ours, cpython):
            assert cell.count(" / ") == 2 and "**" in cell, cell
        assert stock == "no memory BIO"


def test_heap_and_size_rows(table: str) -> None:
    heap = rows(table, "Heap per open client connection")
    peak = heap["TLS 1.2, ECDSA P-256: peak during handshake"][0]
    assert peak.replace(",", "").isdigit() and int(peak.replace(",", "")) > 0
    size = rows(table, "Firmware size")
    assert size["unix text (whole firmware)"][0].replace(",", "").isdigit()
    assert int(size["unix: built-in root store (table + ssl_roots.c)"][0].replace(",", "")) > 50_000


def test_ceiling_program_compiles(tmp_path: Path) -> None:
    mbedtls = sources.mbedtls_tree()
    proc = subprocess.run(
        ["cc", "-fsyntax-only", *ceiling.CFLAGS, *ceiling.includes(mbedtls), str(ceiling.SOURCE)],
        capture_output=True, text=True,
    )
    assert proc.returncode == 0, proc.stderr

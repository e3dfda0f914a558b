"""One bench run: build what is missing, measure, write the table and chart."""

from __future__ import annotations

import datetime
import os
import platform
import re
import shutil
import ssl
import subprocess
import tempfile
from pathlib import Path

from .. import certs
from ..progress import step
from . import (
    bulk,
    callgrind,
    ceiling,
    dtls,
    emulated,
    firmwares,
    handshake,
    limits,
    memory,
    report,
    sizes,
)
from .context import Bench, Counts
from .report import Section

# Sections that can be left out (the smoke test leaves out what needs extra
# builds or valgrind; a full run does everything).
OPTIONAL = ("ceiling", "variants", "massif", "callgrind", "size-baseline", "emulated")


def machine(ours: Path, stock: Path) -> str:
    cpu = "unknown CPU"
    try:
        m = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.M)
        cpu = m.group(1).strip() if m else platform.processor() or cpu
    except OSError:
        pass
    cores = len(re.findall(r"^processor\s*:", Path("/proc/cpuinfo").read_text(), re.M)) or "?"

    def mp_version(exe: Path) -> str:
        out = subprocess.run([str(exe), "-c", "import sys, tls; print(sys.version, '|', tls.MBEDTLS_VERSION)"],
                             capture_output=True, text=True).stdout.strip()
        return out or "?"

    def tool(argv: list[str]) -> str:
        if shutil.which(argv[0]) is None:
            return "not installed"
        p = subprocess.run(argv, capture_output=True, text=True)
        return (p.stdout or p.stderr).splitlines()[0].strip()

    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return "\n".join([
        f"- machine: {cpu}, {cores} cores, {platform.system()} {platform.release()} {platform.machine()}",
        f"- date: {when}; load average at the start {os.getloadavg()[0]:.2f} on a shared machine "
        "(timings move with it; the callgrind instruction counts do not)",
        f"- modssl firmware: {mp_version(ours)}",
        f"- stock firmware: {mp_version(stock)}",
        f"- CPython {platform.python_version()}, {ssl.OPENSSL_VERSION}",
        f"- compiler: {tool(['cc', '--version'])}; {tool(['valgrind', '--version'])}",
    ])


def run(counts: Counts, out_dir: Path, skip: set[str], quick: bool = False,
        rp2_size: Path | None = None, rebuild: bool = True) -> tuple[list[Section], str]:
    ours, stock = firmwares.ours(rebuild), firmwares.stock(rebuild)
    with tempfile.TemporaryDirectory(prefix="modssl-bench-") as tmp:
        work = Path(tmp)
        step("bench: making certificates")
        pki = certs.make_pki(work / "pki")
        b = Bench(ours, stock, pki, counts, work, quick)

        ceiling_figures: dict[str, float] = {}
        if "ceiling" not in skip:
            step("bench: the library ceiling (bench/ceiling/ceiling.c)")
            exe = ceiling.build()
            ceiling_figures = ceiling.run(exe, pki["server_ec"].key_der, pki["server_rsa"].key_der,
                                          counts.ceiling_seconds)

        hs = handshake.section()
        handshake.client_side(b, hs)
        handshake.server_side(b, hs)
        handshake.resumed(b, hs)
        dtls.run(b, hs)
        handshake.nagle_row(b, hs)

        lim = limits.section()
        limits.run(lim, hs.rows, ceiling_figures)

        bk = bulk.section()
        bulk.run(b, bk, ceiling_figures)

        hp = memory.heap_section()
        libc = None
        if "massif" not in skip:
            step("bench: modssl on libc malloc (for massif)")
            libc = firmwares.modssl_libc()
        memory.heap(b, hp, libc, massif="massif" not in skip)

        sections = [hs, lim, bk, hp]
        if "variants" not in skip:
            mv = memory.variants_section()
            memory.variants(b, mv, hp.rows)
            sections.append(mv)

        sz = sizes.section()
        none = None if "size-baseline" in skip else firmwares.no_tls()
        sizes.run(sz, ours, stock, none, rp2_size)
        sections.append(sz)

        if "callgrind" not in skip:
            cg = callgrind.section()
            callgrind.run(b, cg)
            sections.append(cg)

        if "emulated" not in skip:
            emu_time, emu_heap = emulated.sections()
            emulated.run(b, emu_time, emu_heap, counts.emu_handshakes, counts.warmup)
            emu_loop = emulated.loopback_section()
            emulated.loopback(b, emu_loop, counts.emu_handshakes, counts.warmup)
            emu_primitives = emulated.primitives_section()
            emulated.run_primitives(emu_primitives)
            sections += [emu_time, emu_heap, emu_loop, emu_primitives]

    preamble = "# modssl benchmarks\n\n" + machine(ours, stock) + "\n\n" + NOTES
    md = report.markdown(sections, preamble)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "README.md").write_text(md)
    report.chart(sections, out_dir / "chart.png")
    step(f"bench: wrote {out_dir / 'README.md'} and {out_dir / 'chart.png'}")
    return sections, md


NOTES = """\
Produced by `make bench` (tools/modssl_harness/commands/bench.py); every figure
is measured in this run on this machine.  Timed figures are min / **median** /
max over repeated runs; ratios compare medians (for latency lower is better,
for throughput higher is better).  `modssl` is this project's unix firmware,
`stock` upstream MicroPython 1.25's own `tls` over the same mbedTLS sources,
`CPython` the host's `ssl` (OpenSSL).  All peers are on 127.0.0.1; TCP_NODELAY
is set on every socket except in the row that shows what it costs without.
"""

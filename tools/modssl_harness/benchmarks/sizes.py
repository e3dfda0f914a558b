"""What the module adds to the firmware: `size` text on unix, size.json on rp2."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from .. import paths
from .report import Section
from .stats import Cell, Missing, Single


def section() -> Section:
    return Section("Firmware size", "bytes", ["ours", "stock", "none"], ratios=[("ours", "stock")],
                   text="unix: `size` of the stripped x86-64 executables; `none` is stock upstream built with "
                        "MICROPY_PY_SSL=0 (no TLS module; mbedTLS still links for hashlib/cryptolib only where "
                        "upstream needs it).  rp2: firmware/build/rp2-*/size.json when an rp2 build made one.")


def text_size(exe: Path | None) -> Cell:
    if exe is None or not exe.exists():
        return Missing("not built")
    out = subprocess.run(["size", str(exe)], capture_output=True, text=True, check=True).stdout.splitlines()
    return Single(int(out[1].split()[0]), "B")


def rp2_sizes() -> dict[str, Cell]:
    found: dict[str, Cell] = {}
    roots = {paths.build_root(), paths.REPO / "firmware" / "build"}
    for root in roots:
        for f in sorted(root.glob("rp2-*/size.json")):
            try:
                data = json.loads(f.read_text())
            except ValueError:
                continue
            flash = data.get("flash") or data.get("text")
            if isinstance(flash, (int, float)):
                found[f.parent.name] = Single(flash, "B")
    return found


def run(sec: Section, ours: Path, stock: Path, none: Path | None) -> None:
    cells = {"ours": text_size(ours), "stock": text_size(stock), "none": text_size(none)}
    sec.add("unix text (whole firmware)", **cells)
    if isinstance(cells["none"], Single):
        added = {k: Single(v.value - cells["none"].value, "B") if isinstance(v, Single) else v
                 for k, v in cells.items() if k != "none"}
        sec.add("unix text added by the TLS module", **added, none=Single(0, "B"))
    rp2 = rp2_sizes()
    if not rp2:
        sec.add("rp2 flash", ours=Missing("not built"), stock=Missing("not built"), none=Missing("not built"))
    else:
        ours_rp2 = next((v for k, v in rp2.items() if "stock" not in k), Missing("not built"))
        stock_rp2 = next((v for k, v in rp2.items() if "stock" in k), Missing("not built"))
        sec.add("rp2 flash", ours=ours_rp2, stock=stock_rp2, none=Missing("not built"),
                note=", ".join(sorted(rp2)))

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
                   text="unix: text of the x86-64 executables (`size`); `none` is stock upstream built with "
                        "MICROPY_PY_SSL=0 (no TLS module).  rp2: the size.json an rp2 build wrote "
                        "(firmware/build/rp2-*/, or `bench --rp2-size FILE`).")


def text_size(exe: Path | None) -> Cell:
    if exe is None or not exe.exists():
        return Missing("not built")
    out = subprocess.run(["size", str(exe)], capture_output=True, text=True, check=True).stdout.splitlines()
    return Single(int(out[1].split()[0]), "B")


def rp2_report(extra: Path | None = None) -> tuple[dict, Path] | None:
    """The size.json an rp2 build wrote (rp2build.size_report), if any."""
    candidates = [extra] if extra else []
    for root in (paths.build_root(), paths.REPO / "firmware" / "build"):
        candidates += sorted(root.glob("rp2-*/size.json"))
    for f in candidates:
        try:
            data = json.loads(f.read_text())
        except (OSError, ValueError):
            continue
        if "modssl" in data and "baseline" in data:
            return data, f
    return None


def run(sec: Section, ours: Path, stock: Path, none: Path | None, rp2_json: Path | None = None) -> None:
    cells = {"ours": text_size(ours), "stock": text_size(stock), "none": text_size(none)}
    sec.add("unix text (whole firmware)", **cells)
    if isinstance(cells["none"], Single):
        added = {k: Single(v.value - cells["none"].value, "B") if isinstance(v, Single) else v
                 for k, v in cells.items() if k != "none"}
        sec.add("unix text added by the TLS module", **added, none=Single(0, "B"))
    found = rp2_report(rp2_json)
    if found is None:
        sec.add("rp2 flash", ours=Missing("not built"), stock=Missing("not built"), none=Missing("not built"))
        return
    data, where = found
    sec.add(f"rp2 flash ({data.get('board', '?')})", ours=Single(data["modssl"]["flash"], "B"),
            stock=Single(data["baseline"]["flash"], "B"), none=Missing("not built"),
            note=f"from {where.name} of an rp2 build; stock = {data['baseline'].get('what', 'upstream tls')}")

"""Where things live: the repository, the source cache and the build outputs.

Every location can be moved with an environment variable so that CI, a developer
and a hardware-in-the-loop rig can share one cache or keep builds apart.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def cache_dir() -> Path:
    """Downloads, apt state and unpacked sources (git-ignored)."""
    return Path(os.environ.get("MODSSL_CACHE", REPO / ".cache")).resolve()


def build_root() -> Path:
    """Firmware build trees and the finished firmware files (git-ignored)."""
    return Path(os.environ.get("MODSSL_BUILD", REPO / "firmware" / "build")).resolve()


def firmware_path(port: str, flavour: str) -> Path:
    """The finished firmware file for a port and flavour (modssl, stock, asan)."""
    root = build_root() / f"{port}-{flavour}"
    if port == "unix":
        return root / "micropython"
    return root / "firmware.uf2"

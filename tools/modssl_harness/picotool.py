"""picotool, built from Debian's pinned orig tarball for the rp2 build.

pico-sdk needs picotool to turn the ELF into a UF2.  Left alone it would try
to git-clone picotool, which fails offline; instead we build it once into the
build root and point the SDK at the install (PICOTOOL_FETCH_FROM_GIT_PATH,
where the SDK looks for `picotool/picotoolConfig.cmake`).

This picotool is built without libusb: it only converts and inspects files.
Flashing a board uses a picotool with USB support (`apt-get install
picotool`) or the UF2 drive, see flashing.py.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from . import paths, sources
from .build import BuildError, jobs
from .progress import step


def install_dir() -> Path:
    """The directory to give pico-sdk as PICOTOOL_FETCH_FROM_GIT_PATH."""
    return paths.build_root() / "picotool" / "install"


def _run(cmd: list[str], log: Path, what: str) -> None:
    with log.open("a") as out:
        out.write("$ " + " ".join(cmd) + "\n")
        out.flush()
        rc = subprocess.call(cmd, stdout=out, stderr=subprocess.STDOUT)
    if rc != 0:
        tail = "".join(log.read_text().splitlines(keepends=True)[-25:])
        raise BuildError(f"{what} failed (exit {rc}); last lines of {log}:\n{tail}")


def ensure(sdk: Path) -> Path:
    """Build and install picotool if not done yet; return install_dir()."""
    dest = install_dir()
    config = dest / "picotool" / "picotoolConfig.cmake"
    stamp = dest / ".modssl-source"
    want = sources.SOURCES["picotool"].sha256
    if config.exists() and stamp.exists() and stamp.read_text() == want:
        return dest
    for tool in ("cmake", "c++"):
        if shutil.which(tool) is None:
            raise BuildError(f"building picotool needs {tool}: run `tools/setup.sh rp2` (apt: cmake build-essential)")
    src = sources.unpacked("picotool")
    work = paths.build_root() / "picotool"
    build = work / "build"
    shutil.rmtree(build, ignore_errors=True)
    shutil.rmtree(dest, ignore_errors=True)
    build.mkdir(parents=True)
    log = work / "build.log"
    log.write_text("")
    step(f"picotool 2.1.1: building from Debian's orig tarball (log: {log})")
    _run(
        [
            "cmake", "-S", str(src), "-B", str(build),
            "-DCMAKE_BUILD_TYPE=Release",
            "-DPICOTOOL_NO_LIBUSB=1",
            "-DPICOTOOL_FLAT_INSTALL=1",
            f"-DPICO_SDK_PATH={sdk}",
            f"-DCMAKE_INSTALL_PREFIX={dest}",
        ],
        log,
        "picotool: cmake",
    )
    _run(["cmake", "--build", str(build), f"-j{jobs()}"], log, "picotool: build")
    _run(["cmake", "--install", str(build)], log, "picotool: install")
    if not config.exists():
        raise BuildError(f"picotool installed but {config} is missing; see {log}")
    stamp.write_text(want)
    step(f"picotool ready: {dest / 'picotool' / 'picotool'}")
    return dest

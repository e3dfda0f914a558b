"""The emulated Pico: rp2 firmware under rp2040js, its USB serial on a pty.

- The ROM is modssl's own (tools/emu/rom/, built here with the ARM toolchain):
  no Raspberry Pi ROM image is used or needed.
- rp2040js comes from the npm registry, pinned by tools/emu/package-lock.json
  and installed with `npm ci` into tools/emu/node_modules.
- tools/emu/pico_runner.mjs runs the firmware and carries the USB CDC serial
  on its stdin/stdout; this module puts a pty in front of it, so mpremote and
  the harness talk to /dev/pts/N exactly as to a board's /dev/ttyACM0.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import threading
import time
import tty
from pathlib import Path

from . import paths
from .build import BuildError
from .progress import step

EMU_DIR = paths.REPO / "tools" / "emu"
ROM_DIR = EMU_DIR / "rom"
ROM_SOURCES = ("rom_start.S", "rom_mem.c", "rom_float.c")
ROM_CFLAGS = [
    "-mcpu=cortex-m0plus", "-mthumb", "-Os", "-ffreestanding", "-fno-builtin",
    "-fno-tree-loop-distribute-patterns", "-ffunction-sections", "-fdata-sections",
    "-Wall", "-Wextra", "-Werror",
]
RUNNER = EMU_DIR / "pico_runner.mjs"
BOOT_TIMEOUT = 120  # real seconds until the firmware's USB serial is up


class EmulatorError(RuntimeError):
    pass


def _digest(files: list[Path], extra: str = "") -> str:
    h = hashlib.sha256(extra.encode())
    for f in files:
        h.update(f.name.encode() + b"\0" + f.read_bytes())
    return h.hexdigest()


def build_rom() -> Path:
    """tools/emu/rom/*.{S,c} -> <build>/emu-rom/rom.bin, rebuilt when a source changes."""
    gcc = shutil.which("arm-none-eabi-gcc")
    objcopy = shutil.which("arm-none-eabi-objcopy")
    if gcc is None or objcopy is None:
        raise BuildError("the emulator ROM needs the ARM toolchain: run `tools/setup.sh rp2`")
    out = paths.build_root() / "emu-rom"
    rom = out / "rom.bin"
    sources = [ROM_DIR / s for s in ROM_SOURCES] + [ROM_DIR / "rom.ld"]
    stamp = out / "sources.sha256"
    digest = _digest(sources, " ".join(ROM_CFLAGS))
    if rom.exists() and stamp.exists() and stamp.read_text() == digest:
        return rom
    out.mkdir(parents=True, exist_ok=True)
    objects = []
    for src in ROM_SOURCES:
        obj = out / (src + ".o")
        _tool([gcc, *ROM_CFLAGS, "-c", str(ROM_DIR / src), "-o", str(obj)])
        objects.append(str(obj))
    elf = out / "rom.elf"
    _tool([gcc, "-mcpu=cortex-m0plus", "-mthumb", "-nostdlib", "-T", str(ROM_DIR / "rom.ld"),
           "-Wl,--gc-sections", *objects, "-lgcc", "-o", str(elf)])
    _tool([objcopy, "-O", "binary", str(elf), str(rom)])
    stamp.write_text(digest)
    step(f"emulator ROM built: {rom} ({rom.stat().st_size} bytes)")
    return rom


def _tool(cmd: list[str]) -> None:
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise BuildError(f"building the emulator ROM: {' '.join(cmd[:2])} ... failed:\n{proc.stdout}{proc.stderr}")


def node_binary() -> str:
    for name in ("node", "nodejs"):
        found = shutil.which(name)
        if found:
            return found
    raise EmulatorError("the emulated Pico needs Node.js: run `tools/setup.sh rp2` (apt: nodejs npm)")


def ensure_node_modules() -> None:
    """`npm ci` from the lockfile, once per lockfile version."""
    lock = EMU_DIR / "package-lock.json"
    stamp = EMU_DIR / "node_modules" / ".modssl-lock.sha256"
    digest = _digest([lock])
    if stamp.exists() and stamp.read_text() == digest:
        return
    npm = shutil.which("npm")
    if npm is None:
        raise EmulatorError("the emulated Pico needs npm: run `tools/setup.sh rp2` (apt: nodejs npm)")
    step("emulator: npm ci (rp2040js, pinned by tools/emu/package-lock.json)")
    proc = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=EMU_DIR, capture_output=True, text=True)
    if proc.returncode != 0:
        raise EmulatorError(f"npm ci failed in {EMU_DIR}:\n{proc.stdout}{proc.stderr}")
    stamp.write_text(digest)


class PicoEmulator:
    """One emulated Pico running `uf2`; `tty` is its USB serial port."""

    def __init__(self, uf2: Path, flash_image: Path | None = None) -> None:
        if not uf2.exists():
            raise EmulatorError(f"{uf2} does not exist: build it with `make firmware-rp2`")
        self.uf2 = uf2
        self.flash_image = flash_image
        self.log: list[str] = []
        self.proc: subprocess.Popen | None = None
        self._connected = threading.Event()
        self._master = self._slave = -1
        self.tty = ""

    def __enter__(self) -> PicoEmulator:
        try:
            self.start()
        except BaseException:  # a failed or interrupted boot leaves no runner behind
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        rom = build_rom()
        ensure_node_modules()
        cmd = [node_binary(), str(RUNNER), "--rom", str(rom), "--uf2", str(self.uf2)]
        if self.flash_image:
            cmd += ["--flash-image", str(self.flash_image)]
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)
        self.tty = os.ttyname(self._slave)
        # TZ=UTC: rp2040js's RTC turns register values into dates in local time.
        env = dict(os.environ, TZ="UTC")
        self.proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, bufsize=0
        )
        for target in (self._to_pty, self._from_pty, self._read_log):
            threading.Thread(target=target, daemon=True).start()
        if not self._connected.wait(BOOT_TIMEOUT):
            self.stop()
            raise EmulatorError("the emulated Pico's USB serial did not come up:\n" + "\n".join(self.log[-20:]))
        # The REPL banner follows the USB connection; mpremote interrupts
        # whatever it finds, so a short settle is enough.
        time.sleep(0.5)

    def _to_pty(self) -> None:
        assert self.proc and self.proc.stdout
        while chunk := os.read(self.proc.stdout.fileno(), 4096):
            try:
                os.write(self._master, chunk)
            except OSError:  # the pty went away: we are stopping
                return

    def _from_pty(self) -> None:
        assert self.proc and self.proc.stdin
        while self.proc.poll() is None:
            try:
                chunk = os.read(self._master, 4096)
            except OSError:  # the pty went away: we are stopping
                return
            try:
                self.proc.stdin.write(chunk)
                self.proc.stdin.flush()
            except (BrokenPipeError, ValueError):
                return

    def _read_log(self) -> None:
        assert self.proc and self.proc.stderr
        for raw in self.proc.stderr:
            line = raw.decode(errors="replace").rstrip()
            self.log.append(line)
            if "USB CDC connected" in line:
                self._connected.set()

    def stop(self) -> None:
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.terminate()  # the runner saves the flash image on SIGTERM
                try:
                    self.proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
            self.proc = None
        for fd in (self._master, self._slave):
            if fd >= 0:
                os.close(fd)
        self._master = self._slave = -1

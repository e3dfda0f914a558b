"""`emu`: boot the emulated Pico and keep it running, for mpremote by hand.

    python -m modssl_harness emu            # prints the serial port, e.g. /dev/pts/5
    mpremote connect /dev/pts/5 repl        # in another terminal

Ctrl-C stops it.  With --flash-image the board's flash (its filesystem)
is saved on exit and restored on the next start.
"""

from __future__ import annotations

from pathlib import Path

from .. import paths
from ..emulator import PicoEmulator


def register(sub) -> None:
    p = sub.add_parser("emu", help="boot the emulated Pico (rp2040js) and print its serial port for mpremote")
    p.add_argument("--uf2", type=Path, default=None, help="firmware to run (default: the built MODSSL_PICO UF2)")
    p.add_argument("--flash-image", type=Path, default=None, help="keep the board's flash in this file across runs")
    p.set_defaults(func=run)


def run(args) -> int:
    uf2 = args.uf2 or paths.firmware_path("rp2", "modssl")
    with PicoEmulator(uf2, flash_image=args.flash_image) as emu:
        print(f"emulated Pico running {uf2}")
        print(f"serial port: {emu.tty}   (e.g. mpremote connect {emu.tty} repl; Ctrl-C here stops it)", flush=True)
        try:
            emu.proc.wait()
        except KeyboardInterrupt:
            pass
        if emu.proc is not None and emu.proc.returncode not in (None, 0):
            print("\n".join(emu.log[-10:]))
            return 1
    return 0

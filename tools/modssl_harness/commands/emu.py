"""`emu`: boot the emulated Pico and keep it running, for mpremote by hand.

    python -m modssl_harness emu            # prints the serial port, e.g. /dev/pts/5
    mpremote connect /dev/pts/5 repl        # in another terminal

Ctrl-C stops it.  With --flash-image the board's flash (its filesystem)
is saved on exit and restored on the next start.  With --share PORT its
serial port is also shared over the network by ser2net (RFC 2217), as a
board farm shares a real board (0: a port ser2net picks; the URL is printed):

    python -m modssl_harness emu --share 0  # prints rfc2217://127.0.0.1:PORT?ign_set_control
    pytest host_tests/test_device_scripts.py --target 'rfc2217://127.0.0.1:PORT?ign_set_control' --link
"""

from __future__ import annotations

import contextlib
import signal
from pathlib import Path

from .. import paths
from ..emulator import PicoEmulator
from ..ser2net import Ser2net


def register(sub) -> None:
    p = sub.add_parser("emu", help="boot the emulated Pico (rp2040js) and print its serial port for mpremote")
    p.add_argument("--uf2", type=Path, default=None, help="firmware to run (default: the built MODSSL_PICO UF2)")
    p.add_argument("--flash-image", type=Path, default=None, help="keep the board's flash in this file across runs")
    p.add_argument("--share", type=int, default=None, metavar="PORT",
                   help="also share the serial port over the network with ser2net (RFC 2217) on this TCP port "
                   "(0: one ser2net picks)")
    p.add_argument("--bind", default="127.0.0.1", help="--share: the address ser2net listens on")
    p.set_defaults(func=run)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def run(args) -> int:
    uf2 = args.uf2 or paths.firmware_path("rp2", "modssl")
    # Stopped by a signal (kill, a service manager, a closed terminal) as by
    # Ctrl-C, whenever it comes: the with blocks stop the emulator and
    # ser2net, not left running.
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGHUP, _interrupt)
    try:
        with PicoEmulator(uf2, flash_image=args.flash_image) as emu, contextlib.ExitStack() as stack:
            print(f"emulated Pico running {uf2}")
            print(f"serial port: {emu.tty}   (e.g. mpremote connect {emu.tty} repl; Ctrl-C here stops it)", flush=True)
            if args.share is not None:
                shared = stack.enter_context(Ser2net(emu.tty, args.bind, args.share))
                print(f"shared by ser2net: {shared.url}   (--target '{shared.url}' --link)", flush=True)
            emu.proc.wait()
            # The emulator ended by itself.
            if emu.proc.returncode != 0:
                print("\n".join(emu.log[-10:]))
                return 1
    except KeyboardInterrupt:
        pass
    return 0

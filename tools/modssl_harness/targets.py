"""Targets: where device scripts run (model: mpremote's Transport).

A Target has a few primitives, and everything else is written once on top
of them (parameters bound into a script, the device test scripts, the
benchmark scripts):

- put(files):               copy files next to the scripts on the device;
- run(script, params):      run a script to its end, return what it printed;
- start(script, params):    start a long-running script, read its lines;
- stop():                   release the device (stop an emulator, close files).

Implementations:

- UnixTarget        the unix firmware as a process (the board stand-in for CI);
- SerialTarget      a board on a serial port, driven with mpremote's raw REPL;
                    `rfc2217://host:port` is a board shared over the network
                    (ser2net, a labgrid exporter), opened by pyserial the same way;
- EmulatedPicoTarget the rp2 firmware under rp2040js, its USB serial on a pty.

A board with its own network reaches the host servers over sockets
(transport "socket"); one without (a plain Pico, the emulated one) runs TLS
over memory BIOs and sends the ciphertext over its console (transport
"link", hostlink.py): `endpoints` name the host servers it may open.

open_target() turns a --target value into one of these.
"""

from __future__ import annotations

import os
import queue
import subprocess
import tempfile
import textwrap
import threading
from dataclasses import dataclass
from pathlib import Path

from . import paths

# For the sanitizer build: overflows and UB abort the process; leaks are
# checked by the heap tests instead, since the unix port exits without
# collecting its GC heap (LeakSanitizer would report every live object).
SANITIZER_ENV = {
    "ASAN_OPTIONS": "detect_leaks=0:abort_on_error=1:detect_stack_use_after_return=0:verify_asan_link_order=0",
    "UBSAN_OPTIONS": "print_stacktrace=1:halt_on_error=1",
}


class TargetError(RuntimeError):
    """The target could not be reached or the script could not run."""


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str

    @property
    def lines(self) -> list[str]:
        return self.stdout.splitlines()


def bind(script: str, params: dict) -> str:
    """The script with `params` bound as globals (repr'd into a prelude)."""
    prelude = "".join(f"{k} = {v!r}\n" for k, v in params.items())
    return prelude + textwrap.dedent(script)


class Running:
    """A script started with Target.start(): read its lines as it prints them."""

    first_line: str = ""

    def readline(self, timeout: float | None = None) -> str:
        """The next line it printed ("" once it ended)."""
        raise NotImplementedError

    def finish(self, timeout: float = 60) -> Result:
        """Wait for it to end; what it printed after the lines already read."""
        raise NotImplementedError

    def kill(self) -> None:
        raise NotImplementedError


class Target:
    """The primitives every target has; see the module docstring."""

    name = "target"
    transport = "socket"  # "socket": the board has a network; "link": over its console
    host_address = "127.0.0.1"  # the host servers' address as the board sees it
    endpoints: dict[str, tuple[str, int]]  # link: host servers by name ("tcp"|"udp", port)

    def put(self, files: dict[str, bytes]) -> None:
        raise NotImplementedError

    def run(self, script: str, params: dict | None = None, timeout: float | None = None, **options) -> Result:
        """timeout None: the target's own (boards and emulators are slower)."""
        raise NotImplementedError

    def start(self, script: str, params: dict | None = None, **options) -> Running:
        raise NotImplementedError

    def stop(self) -> None:
        pass

    # -- written once, on top of the primitives ---------------------------------

    def run_file(self, path: Path, params: dict | None = None, timeout: float | None = None, **options) -> Result:
        return self.run(path.read_text(), params, timeout, **options)

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


# ---- the unix port ------------------------------------------------------------------


class _Process(Running):
    def __init__(self, proc: subprocess.Popen) -> None:
        self.proc = proc
        self.first_line = self.readline()
        if not self.first_line:
            out = self.finish(timeout=10)
            raise TargetError(f"the script printed nothing (exit {out.returncode}); stderr:\n{out.stderr}")

    def readline(self, timeout: float | None = None) -> str:
        assert self.proc.stdout is not None
        return self.proc.stdout.readline().rstrip("\n")

    def finish(self, timeout: float = 60) -> Result:
        out, err = self.proc.communicate(timeout=timeout)
        return Result(self.proc.returncode, out, err)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.communicate()


class UnixTarget(Target):
    """The unix firmware, one process per script, run in `workdir` (files
    put there are importable, as is every directory of `path`)."""

    def __init__(self, exe: Path, workdir: Path | None = None, path: tuple[Path, ...] = (), heapsize: str = "8M",
                 name: str = "unix") -> None:
        if not exe.exists():
            raise TargetError(f"{exe} does not exist: build it with `make firmware`")
        self.exe = exe.resolve()  # the process runs in workdir
        self.name = name
        self._tmp = None if workdir else tempfile.TemporaryDirectory(prefix="modssl-target-")
        self.workdir = workdir or Path(self._tmp.name)
        self.path = path
        self.heapsize = heapsize
        self.running: list[_Process] = []
        self.endpoints = {}

    def put(self, files: dict[str, bytes]) -> None:
        for name, data in files.items():
            (self.workdir / name).write_bytes(data)

    def _command(self, script: str, params: dict | None, name: str, heapsize: str | None,
                 prefix: tuple[str, ...]) -> tuple[list[str], dict]:
        path = self.workdir / name
        path.write_text(bind(script, params or {}))
        micropypath = ":".join([".frozen", str(self.workdir), *map(str, self.path)])
        env = dict(os.environ, **SANITIZER_ENV, MICROPYPATH=micropypath)
        return [*prefix, str(self.exe), "-X", f"heapsize={heapsize or self.heapsize}", str(path)], env

    def run(self, script: str, params: dict | None = None, timeout: float | None = None, *,
            prefix: tuple[str, ...] = (), heapsize: str | None = None, name: str = "script.py") -> Result:
        """prefix: a command to run the firmware under (e.g. faketime)."""
        cmd, env = self._command(script, params, name, heapsize, prefix)
        proc = subprocess.run(cmd, cwd=self.workdir, env=env, capture_output=True, text=True,
                              timeout=timeout or 300)
        return Result(proc.returncode, proc.stdout, proc.stderr)

    def start(self, script: str, params: dict | None = None, *, heapsize: str | None = None,
              name: str = "background.py") -> _Process:
        """Start a script that prints a first line (e.g. its port) and keeps running."""
        cmd, env = self._command(script, params, name, heapsize, ())
        proc = subprocess.Popen(cmd, cwd=self.workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
        running = _Process(proc)
        self.running.append(running)
        return running

    def stop(self) -> None:
        for running in self.running:
            running.kill()
        self.running.clear()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None


# ---- serial boards ------------------------------------------------------------------


class _SerialRun(Running):
    """A script running on a serial board, served by a thread (hostlink)."""

    def __init__(self, target: SerialTarget, script: str, timeout: float) -> None:
        self.lines: queue.Queue = queue.Queue()
        self.cancel = threading.Event()
        self.result: Result | None = None
        self.error: BaseException | None = None
        self._target = target
        self._thread = threading.Thread(target=self._serve, args=(script, timeout), daemon=True)
        self._thread.start()
        self.first_line = self.readline(timeout)
        if not self.first_line:
            self._thread.join(10)
            raise TargetError(f"the script printed nothing on {target.name}: {self.error or self.result}")

    def _serve(self, script: str, timeout: float) -> None:
        try:
            self.result = self._target._run_serving(script, timeout, on_line=self.lines.put, cancel=self.cancel)
        except BaseException as exc:  # noqa: BLE001 -- handed to the reader
            self.error = exc
        finally:
            self.lines.put(None)

    def readline(self, timeout: float | None = None) -> str:
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            raise TargetError(f"no line from {self._target.name} in {timeout} s") from None
        if line is None:
            self.lines.put(None)  # stays at the end
            return ""
        return line.rstrip("\r\n")

    def finish(self, timeout: float = 60) -> Result:
        self._thread.join(timeout)
        if self._thread.is_alive():
            self.kill()
            raise TargetError(f"the script on {self._target.name} did not finish in {timeout:.0f} s")
        if self.error is not None:
            raise TargetError(f"on {self._target.name}: {self.error}") from self.error
        rest = []
        while (line := self.lines.get()) is not None:
            rest.append(line)
        assert self.result is not None
        return Result(self.result.returncode, "".join(rest), self.result.stderr)

    def kill(self) -> None:
        self.cancel.set()
        self._thread.join(10)


class SerialTarget(Target):
    """A board on a serial port (/dev/ttyACM0, or rfc2217://host:port for a
    board shared over the network), driven through mpremote's raw REPL."""

    def __init__(self, port: str, host_address: str = "127.0.0.1", transport: str = "socket",
                 timeout: float = 600) -> None:
        self.port = port
        self.host_address = host_address
        self.transport = transport
        self.timeout = timeout
        self.endpoints = {}

    @property
    def name(self) -> str:
        return self.port

    def alive(self) -> bool:
        """Whether the board can still answer (a real board: always assumed)."""
        return True

    def last_words(self) -> str:
        """What the board's side said before a failure, for the error message."""
        return ""

    def connect(self) -> str:
        """The port to open (an emulator boots here)."""
        return self.port

    def put(self, files: dict[str, bytes]) -> None:
        from . import hostlink

        try:
            hostlink.put_files(self.connect(), files)
        except Exception as exc:  # mpremote's TransportError, timeouts
            raise TargetError(f"copying files to {self.name}: {exc}{self.last_words()}") from exc

    def _run_serving(self, script: str, timeout: float, on_line=None, cancel=None) -> Result:
        from . import hostlink

        try:
            out, err = hostlink.run_script(self.connect(), script, self.endpoints, timeout, self.alive, on_line=on_line,
                                           cancel=cancel)
        except Exception as exc:  # mpremote's TransportError, timeouts, protocol errors
            raise TargetError(f"on {self.name}: {exc}{self.last_words()}") from exc
        # The raw REPL reports an uncaught exception as the error section.
        return Result(1 if err.strip() else 0, out, err)

    def run(self, script: str, params: dict | None = None, timeout: float | None = None, **options) -> Result:
        if options:
            raise TargetError(f"{self.name}: {', '.join(options)} only on the unix port")
        return self._run_serving(bind(script, params or {}), timeout or self.timeout)

    def start(self, script: str, params: dict | None = None, **options) -> Running:
        if options:
            raise TargetError(f"{self.name}: {', '.join(options)} only on the unix port")
        return _SerialRun(self, bind(script, params or {}), self.timeout)


class EmulatedPicoTarget(SerialTarget):
    """The rp2 firmware on an emulated Pico; booted on first use, stopped by stop()."""

    def __init__(self, firmware: Path, timeout: float = 900) -> None:
        from .emulator import PicoEmulator

        super().__init__(port="", host_address="127.0.0.1", transport="link", timeout=timeout)
        self.emulator = PicoEmulator(firmware)

    @property
    def name(self) -> str:
        return "emu:rp2"

    def connect(self) -> str:
        """Boot the emulator if it is not running; returns its serial port (a pty)."""
        if not self.alive():  # not started yet, or it stopped (a crash, machine.bootloader())
            self.emulator.stop()
            self.emulator.start()
            self.port = self.emulator.tty
        return self.port

    start_board = connect

    def alive(self) -> bool:
        return self.emulator.proc is not None and self.emulator.proc.poll() is None

    def last_words(self) -> str:
        return "\nemulator log:\n" + "\n".join(self.emulator.log[-15:])

    def stop(self) -> None:
        self.emulator.stop()


def open_target(spec: str, host_address: str | None = None, flavour: str = "modssl", link: bool = False) -> Target:
    """A --target value: 'unix', 'unix:/path/to/micropython', 'emu:rp2', a serial
    port, or rfc2217://host:port (link=True: a board without a network, over
    the host link)."""
    if spec == "unix" or spec.startswith("unix:"):
        exe = Path(spec[5:]) if spec.startswith("unix:") else paths.firmware_path("unix", flavour)
        return UnixTarget(exe, name=spec)
    if spec.startswith("emu:"):
        if spec != "emu:rp2":
            raise TargetError(f"{spec}: the emulated board is emu:rp2 (a Raspberry Pi Pico)")
        return EmulatedPicoTarget(paths.firmware_path("rp2", flavour))
    if link:
        return SerialTarget(spec, "127.0.0.1", transport="link")
    if host_address is None:
        raise TargetError(
            f"{spec}: a board reaches the host over the network; pass --host-address with this machine's "
            "address on the board's network, or --link"
        )
    return SerialTarget(spec, host_address)

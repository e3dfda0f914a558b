"""Runs a script on a serial board (real or emulated) through the raw REPL,
and, while it runs, serves the host link: forwards the TLS/DTLS ciphertext
of a board that has no network of its own.

A board without a network (a plain Pico, or the emulated one) runs the TLS
engine itself over memory BIOs and sends the ciphertext as request lines on
its console (device_tests/hostlink.py documents the protocol).  Here each
request is served against the same host servers the networked devices use:
a TCP connection for TLS, a connected UDP socket for DTLS (one datagram per
message).  Everything else the script prints is its output.

The script runs through MicroPython's raw REPL (mpremote's SerialTransport),
so this works the same on a real board's /dev/ttyACM0 and on the emulator's pty.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import select
import socket
import threading
import time
from collections.abc import Callable

MARK = b"\x1eL "
END_OF_OUTPUT = b"\x04"

# name -> ("tcp" | "udp", port on 127.0.0.1)
Endpoints = dict[str, tuple[str, int]]


class LinkProtocolError(RuntimeError):
    """The board sent a request the bridge does not understand."""


class LinkBridge:
    """Serves link requests; one socket per channel the board opened."""

    def __init__(self, endpoints: Endpoints, host: str = "127.0.0.1") -> None:
        self.endpoints = endpoints
        self.host = host
        self.channels: dict[str, socket.socket] = {}
        self.next_id = 1
        self.bytes_up = 0
        self.bytes_down = 0

    def close(self) -> None:
        for sock in self.channels.values():
            sock.close()
        self.channels.clear()

    def handle(self, request: bytes) -> bytes:
        """One request line (without MARK) -> one reply line (without newline)."""
        words = request.decode("ascii", "replace").split()
        if not words:
            raise LinkProtocolError("empty link request")
        op, args = words[0], words[1:]
        try:
            if op == "open" and len(args) == 2:
                return self._open(*args)
            if op == "send" and len(args) in (1, 2):
                return self._send(args[0], args[1] if len(args) == 2 else "")
            if op == "recv" and len(args) == 2:
                return self._recv(args[0], int(args[1]))
            if op == "close" and len(args) == 1:
                sock = self.channels.pop(args[0], None)
                if sock is not None:
                    sock.close()
                return b"OK"
        except OSError as exc:
            return f"ERR {exc}".encode()
        raise LinkProtocolError(f"bad link request {request[:80]!r}")

    def _open(self, kind: str, name: str) -> bytes:
        if name not in self.endpoints:
            return f"ERR no host server named {name}".encode()
        want_kind, port = self.endpoints[name]
        if kind != want_kind:
            return f"ERR {name} is a {want_kind} server, not {kind}".encode()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM if kind == "tcp" else socket.SOCK_DGRAM)
        sock.settimeout(10)
        try:
            sock.connect((self.host, port))
        except OSError:
            sock.close()
            raise
        channel = str(self.next_id)
        self.next_id += 1
        self.channels[channel] = sock
        return f"OK {channel}".encode()

    def _channel(self, channel: str) -> socket.socket:
        if channel not in self.channels:
            raise OSError(f"no open channel {channel}")
        return self.channels[channel]

    def _send(self, channel: str, b64: str) -> bytes:
        sock = self._channel(channel)
        try:
            data = base64.b64decode(b64, validate=True)
        except binascii.Error as exc:
            raise LinkProtocolError(f"channel {channel}: bad base64 ({exc})") from None
        self.bytes_up += len(data)
        if sock.type == socket.SOCK_STREAM:
            sock.sendall(data)
        else:
            sock.send(data)
        return b"OK"

    def _recv(self, channel: str, timeout_ms: int) -> bytes:
        sock = self._channel(channel)
        ready, _, _ = select.select([sock], [], [], max(timeout_ms, 0) / 1000)
        if not ready:
            return b"D "
        try:
            data = sock.recv(65536)
        except ConnectionError:
            data = b""
        if not data and sock.type == socket.SOCK_STREAM:
            return b"EOF"
        self.bytes_down += len(data)
        return b"D " + base64.b64encode(data)


def rtc_tuple(now: datetime.datetime | None = None) -> tuple[int, ...]:
    """machine.RTC().datetime() order: year, month, day, weekday, h, m, s, subseconds."""
    now = now or datetime.datetime.now(datetime.timezone.utc)
    return (now.year, now.month, now.day, now.weekday(), now.hour, now.minute, now.second, 0)


class ScriptTimeout(RuntimeError):
    pass


class BoardGone(RuntimeError):
    """The board stopped answering for good (the emulator exited)."""


def put_files(port: str, files: dict[str, bytes]) -> None:
    """Copy `files` to the board's filesystem (next to the scripts)."""
    if not files:
        return
    from mpremote.transport_serial import SerialTransport

    transport = SerialTransport(port, baudrate=115200)
    try:
        transport.enter_raw_repl(soft_reset=False, timeout_overall=60)
        for name, data in files.items():
            transport.fs_writefile(name, data)
        transport.exit_raw_repl()
    finally:
        transport.close()


def run_script(
    port: str, script: str, endpoints: Endpoints, timeout: float = 600,
    alive: Callable[[], bool] | None = None, on_line: Callable[[str], None] | None = None,
    cancel: threading.Event | None = None,
) -> tuple[str, str]:
    """Set the board's clock, run `script` while serving the link; return
    what the script printed and its error text (an uncaught exception).
    `alive`, if given, is asked while the board is silent: False ends the
    wait.  `on_line` gets each line as it comes (then it is not in the
    returned output); `cancel`, once set, interrupts the script."""
    from mpremote.transport_serial import SerialTransport

    transport = SerialTransport(port, baudrate=115200)
    bridge = LinkBridge(endpoints)
    try:
        # A soft reset gives each script fresh modules, as a separate run would.
        transport.enter_raw_repl(soft_reset=True, timeout_overall=60)
        # Certificates are valid from yesterday only: the board's clock must be right.
        transport.exec(f"import machine; machine.RTC().datetime({rtc_tuple()!r})")
        transport.exec_raw_no_follow(script.encode())
        transport.serial.timeout = 1
        output, errors = _serve(transport.serial, bridge, timeout, alive, on_line, cancel)
        transport.exit_raw_repl()
    finally:
        bridge.close()
        transport.close()
    return output, errors


class Cancelled(RuntimeError):
    """The script was interrupted (Running.kill())."""


def _serve(serial, bridge: LinkBridge, timeout: float, alive: Callable[[], bool] | None,
           on_line: Callable[[str], None] | None = None, cancel: threading.Event | None = None) -> tuple[str, str]:
    """Read the running script's output line by line, answering link requests,
    until the raw REPL's two end markers (output, then errors)."""
    deadline = time.monotonic() + timeout
    sections: list[bytes] = []
    buf = b""
    current = bytearray()
    while len(sections) < 2:
        if cancel is not None and cancel.is_set():
            serial.write(b"\x03")  # Ctrl-C: the script ends, the raw REPL stays
            raise Cancelled("interrupted")
        if time.monotonic() > deadline:
            raise ScriptTimeout(f"the script did not finish in {timeout:.0f} s; output so far:\n{current.decode(errors='replace')}")
        chunk = serial.read(serial.in_waiting or 1)
        if not chunk:
            if alive is not None and not alive():
                raise BoardGone(f"the board went away mid-script; output so far:\n{current.decode(errors='replace')}")
            continue
        buf += chunk
        while True:
            # End markers may arrive mid-line; requests are always whole lines.
            cut = buf.find(END_OF_OUTPUT)
            line_end = buf.find(b"\n")
            if cut != -1 and (line_end == -1 or cut < line_end):
                current += buf[:cut]
                sections.append(bytes(current))
                current = bytearray()
                buf = buf[cut + 1:]
                continue
            if line_end == -1:
                break
            line, buf = buf[: line_end + 1], buf[line_end + 1:]
            if line.startswith(MARK):
                reply = bridge.handle(line[len(MARK):].strip())
                serial.write(reply + b"\n")
            elif on_line is not None and not sections:
                on_line(line.decode(errors="replace").replace("\r\n", "\n"))
            else:
                current += line
    # Whatever followed the second marker is the prompt ('>').
    return sections[0].decode(errors="replace"), sections[1].decode(errors="replace")

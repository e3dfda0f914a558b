"""`openssl s_server` and `s_client` as peers, driven by their output.

The server binds a port itself (`-accept 127.0.0.1:0`) and is ready when it
prints its "ACCEPT 127.0.0.1:PORT" line; nothing is handed a port that was
free a moment ago.  A thread collects each process's output lines, so a test
waits for the words it expects (`wait_for`) instead of sleeping, and
`stop()` ends the process whichever side closed first.
"""

from __future__ import annotations

import array
import fcntl
import subprocess
import termios
import threading
import time

from .procnet import wait_bound_port


class PeerError(AssertionError):
    """The peer did not start, or never printed what was waited for."""


class OpensslPeer:
    """One openssl process; stdout and stderr merged into `lines`."""

    def __init__(self, argv: list[str], timeout: float = 60, stdin: int = subprocess.PIPE) -> None:
        self.argv = argv
        self.proc = subprocess.Popen(
            argv, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
        )
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self._eof = False
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        # No peer outlives its test by much, whatever the test does.
        self._bound = threading.Timer(timeout, self.proc.kill)
        self._bound.daemon = True
        self._bound.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            with self._changed:
                self.lines.append(line.rstrip("\n"))
                self._changed.notify_all()
        with self._changed:
            self._eof = True
            self._changed.notify_all()

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_for(self, word: str, count: int = 1, timeout: float = 30) -> str:
        """Block until `count` lines contain `word` (returns the last); fail
        with everything printed so far if the process ends or time runs out."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [line for line in self.lines if word in line]
                if len(found) >= count:
                    return found[count - 1]
                left = deadline - time.monotonic()
                if self._eof or left <= 0:
                    why = "ended" if self._eof else f"went {timeout:.0f} s"
                    raise PeerError(f"{self.argv[1]} {why} without printing {word!r}:\n{self.output}")
                self._changed.wait(left)

    def send(self, text: str) -> None:
        """Write to its stdin (s_server/s_client send it over the connection)."""
        assert self.proc.stdin is not None
        self.proc.stdin.write(text)
        self.proc.stdin.flush()

    def send_alone(self, text: str, timeout: float = 30) -> None:
        """Send `text` so that the process reads it alone (s_server takes a
        command, such as 'k', only alone in its read): returns once it has
        read it, the pipe being empty again (Linux FIONREAD on the pipe)."""
        self.send(text)
        assert self.proc.stdin is not None
        fd = self.proc.stdin.fileno()
        waiting = array.array("i", [0])
        deadline = time.monotonic() + timeout
        while True:
            fcntl.ioctl(fd, termios.FIONREAD, waiting)
            if waiting[0] == 0:
                return
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise PeerError(f"{self.argv[1]} did not read {text!r}:\n{self.output}")
            time.sleep(0.005)  # polls the pipe: an event, not a guess at the peer's speed

    def close_input(self) -> None:
        if self.proc.stdin and not self.proc.stdin.closed:
            try:
                self.proc.stdin.close()
            except BrokenPipeError:  # unflushed input, and it ended first
                pass

    def wait(self, timeout: float = 30) -> str:
        """Wait for the process to end by itself; its whole output."""
        self.proc.wait(timeout=timeout)
        self._reader.join(timeout=5)
        self._bound.cancel()
        return self.output

    def stop(self) -> str:
        """End it now if it still runs; its whole output."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self._reader.join(timeout=5)
        self._bound.cancel()
        self.close_input()
        return self.output

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class OpensslServer(OpensslPeer):
    """`openssl s_server ARGS` on 127.0.0.1, on a port it picked; `port` once it accepts.

    Under -quiet s_server prints nothing, not even ACCEPT: its port is then
    read from the kernel's socket table once the process has bound one."""

    def __init__(self, args: list[str], timeout: float = 60, stdin: int = subprocess.PIPE) -> None:
        super().__init__(["openssl", "s_server", "-accept", "127.0.0.1:0", *args], timeout, stdin)
        try:
            self.port = self._bound_port() if "-quiet" in args else self._accept_line_port()
        except PeerError:
            self.stop()
            raise

    def _accept_line_port(self) -> int:
        line = self.wait_for("ACCEPT")
        _, _, port = line.rpartition(":")
        if not port.isdigit():
            raise PeerError(f"s_server's ACCEPT line names no port: {line!r}")
        return int(port)

    def _bound_port(self, timeout: float = 30) -> int:
        port = wait_bound_port(self.proc, timeout)
        if port is None:
            raise PeerError(f"s_server bound no port:\n{self.output}")
        return port


class OpensslClient(OpensslPeer):
    """`openssl s_client -connect 127.0.0.1:PORT ARGS`."""

    def __init__(self, port: int, args: list[str], timeout: float = 60) -> None:
        super().__init__(["openssl", "s_client", "-connect", f"127.0.0.1:{port}", *args], timeout)


def s_client(port: int, args: list[str], input: str = "", timeout: float = 60) -> str:
    """Run s_client to its end with `input` on stdin; its stdout and stderr."""
    with OpensslClient(port, args, timeout) as client:
        try:
            client.send(input)
        except BrokenPipeError:
            pass  # it ended first (a refused handshake): its output says why
        client.close_input()
        try:
            return client.wait(timeout)
        except subprocess.TimeoutExpired:
            raise PeerError(f"s_client did not finish in {timeout:.0f} s:\n{client.stop()}") from None

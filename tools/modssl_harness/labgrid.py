"""A board shared through labgrid: its coordinator, exporter and client.

labgrid (PyPI) is a board farm's bookkeeping on top of ser2net: an exporter
on the machine a board is plugged into publishes the board's serial port to
a coordinator, and a client anywhere creates a *place*, matches the port to
it and acquires it, so that one user at a time has the board.  The serial
port travels as a NetworkSerialPort (host and port of an RFC 2217 server,
ser2net's), which is what `--target rfc2217://HOST:PORT` opens.

`make test` runs this path on the emulated Pico
(test_emulated_pico.py::test_board_suite_through_labgrid): the exporter
publishes the port the ser2net of ser2net.py serves, and the board suite runs
on the URL the client reads back from the coordinator.  Only labgrid's own
programs run (`labgrid-coordinator`, `labgrid-exporter`, `labgrid-client`),
as a user runs them by hand (README, "Several boards, and boards on other
machines").

The coordinator binds port 0 and prints the port it got; the exporter's
resources are known to the coordinator once it logs `set_resource` for them.
Both are waited for on their output, not on a clock.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path


class LabgridError(RuntimeError):
    pass


def _program(name: str) -> list[str]:
    """labgrid's console scripts are `python -m labgrid.remote.NAME`: run them
    with this Python, so that the venv's labgrid is the one used."""
    return [sys.executable, "-m", f"labgrid.remote.{name}"]


class _Program:
    """A labgrid program in the foreground; its output (stdout and stderr) is
    collected line by line and can be waited on."""

    def __init__(self, cmd: list[str], cwd: Path, what: str) -> None:
        self.what = what
        self._lines: list[str] = []
        self._cond = threading.Condition()
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            with self._cond:
                self._lines.append(line)
                self._cond.notify_all()
        with self._cond:
            self._lines.append("")  # end of output
            self._cond.notify_all()

    @property
    def output(self) -> str:
        with self._cond:
            return "".join(self._lines)

    def wait_for(self, pattern: str, timeout: float = 60) -> re.Match:
        """The first output line matching `pattern` (waits for it)."""
        regex = re.compile(pattern)
        seen = 0
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for line in self._lines[seen:]:
                    if line == "":
                        raise LabgridError(f"{self.what} ended before printing /{pattern}/:\n{self.output}")
                    match = regex.search(line)
                    if match:
                        return match
                seen = len(self._lines)
                left = deadline - time.monotonic()
                if left <= 0:
                    raise LabgridError(f"{self.what} did not print /{pattern}/ in {timeout} s:\n{self.output}")
                self._cond.wait(left)

    def stop(self) -> str:
        """SIGTERM (both shut down cleanly on it), SIGKILL if that hangs; the output."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._reader.join(timeout=10)
        return self.output


class Coordinator(_Program):
    """`labgrid-coordinator` on HOST, port 0: `address` is where it listens.
    Its state (places.yaml, resources.yaml) goes to `workdir`."""

    def __init__(self, workdir: Path, host: str = "127.0.0.1") -> None:
        super().__init__([*_program("coordinator"), "--listen", f"{host}:0"], workdir, "labgrid-coordinator")
        try:
            port = int(self.wait_for(r"^listening on .*:(\d+)$").group(1))
        except LabgridError:
            self.stop()
            raise
        self.address = f"{host}:{port}"

    def wait_resource(self, group: str, cls: str, timeout: float = 60) -> None:
        """Until an exporter has published GROUP/CLS (the coordinator logs it
        before any client request can see it: one asyncio loop)."""
        self.wait_for(rf"set_resource {re.escape(group)} {re.escape(cls)} path", timeout)

    def __enter__(self) -> "Coordinator":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def exporter_config(group: str, host: str, port: int) -> str:
    """An exporter's resources: one serial port served over RFC 2217 at HOST:PORT."""
    return f"{group}:\n  NetworkSerialPort:\n    host: {host}\n    port: {port}\n"


class Exporter(_Program):
    """`labgrid-exporter NAME` publishing GROUP's NetworkSerialPort HOST:PORT."""

    def __init__(self, coordinator: Coordinator, workdir: Path, name: str, group: str, host: str,
                 port: int) -> None:
        config = workdir / f"exporter-{name}.yaml"
        config.write_text(exporter_config(group, host, port))
        super().__init__([*_program("exporter"), "--coordinator", coordinator.address, "--name", name,
                          "--hostname", host, str(config)], workdir, "labgrid-exporter")
        self.name = name
        self.group = group
        try:
            coordinator.wait_resource(group, "NetworkSerialPort")
        except LabgridError as e:
            self.stop()
            raise LabgridError(f"{e}\nexporter:\n{self.output}") from None

    @property
    def match(self) -> str:
        """The place match (EXPORTER/GROUP/CLASS) for this serial port."""
        return f"{self.name}/{self.group}/NetworkSerialPort"

    def __enter__(self) -> "Exporter":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def client(address: str, place: str, *args: str, user: str | None = None) -> str:
    """`labgrid-client -x ADDRESS -p PLACE ARGS...` (as USER: LG_USERNAME);
    its output, or LabgridError."""
    env = dict(os.environ, LG_USERNAME=user) if user else None
    proc = subprocess.run([*_program("client"), "-x", address, "-p", place, *args], capture_output=True,
                          text=True, timeout=120, stdin=subprocess.DEVNULL, env=env)
    if proc.returncode != 0:
        raise LabgridError(f"labgrid-client -p {place} {' '.join(args)} failed ({proc.returncode}):\n"
                           f"{proc.stdout}{proc.stderr}")
    return proc.stdout


def place_url(address: str, place: str) -> str:
    """rfc2217://HOST:PORT of the acquired PLACE's serial port, from the
    environment `labgrid-client env` writes for it."""
    import yaml  # PyYAML: a dependency of labgrid

    env = yaml.safe_load(client(address, place, "env"))
    for resource in env["targets"][place]["resources"]:
        if "NetworkSerialPort" in resource:
            port = resource["NetworkSerialPort"]
            return f"rfc2217://{port['host']}:{port['port']}"
    raise LabgridError(f"place {place} has no NetworkSerialPort: {env}")


class Place:
    """A labgrid place holding one exporter's serial port, acquired for the
    `with` block (created, matched, acquired; released after)."""

    def __init__(self, coordinator: Coordinator, name: str, match: str) -> None:
        self.address = coordinator.address
        self.name = name
        self.match = match

    def __enter__(self) -> "Place":
        client(self.address, self.name, "create")
        try:
            client(self.address, self.name, "add-match", self.match)
            client(self.address, self.name, "acquire")
        except LabgridError:
            client(self.address, self.name, "delete")
            raise
        return self

    @property
    def url(self) -> str:
        return place_url(self.address, self.name)

    def __exit__(self, *exc: object) -> None:
        client(self.address, self.name, "release")

"""The port a process bound, read from the kernel's socket tables (Linux /proc).

For servers that bind port 0 and do not say which port they got (`openssl
s_server -quiet`, ser2net): the port is the one the serving process holds,
so no port travels from a test to a server, and nothing can take it between.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path


def bound_port(pid: int) -> int | None:
    """The local port of a TCP or UDP socket process `pid` has bound, if any."""
    inodes = set()
    try:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            target = os.readlink(fd)
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
        tables = [Path(f"/proc/{pid}/net/{t}").read_text() for t in ("tcp", "udp")]
    except OSError:  # it ended, or closed an fd while we looked
        return None
    for table in tables:
        for row in table.splitlines()[1:]:
            fields = row.split()
            port = int(fields[1].rpartition(":")[2], 16)
            if fields[9] in inodes and port:
                return port
    return None


def wait_bound_port(proc: subprocess.Popen, timeout: float = 30) -> int | None:
    """Wait for `proc` to bind a port; None if it ends or time runs out first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        port = bound_port(proc.pid)
        if port:
            return port
        time.sleep(0.005)  # polls the socket table: an event, not a guess at its speed
    return None

"""Progress lines for long steps, flushed at once so CI logs show them live."""

from __future__ import annotations

import sys
import time

_START = time.monotonic()


def step(message: str) -> None:
    elapsed = time.monotonic() - _START
    print(f"[{elapsed:6.1f}s] {message}", file=sys.stderr, flush=True)

"""Figures: min / median / max of repeated runs, and their ratios."""

from __future__ import annotations

import statistics
from dataclasses import dataclass


@dataclass
class Stat:
    """Repeated measurements of one figure, in `unit`."""

    values: list[float]
    unit: str

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    def __str__(self) -> str:
        lo, med, hi = min(self.values), self.median, max(self.values)
        return f"{fmt(lo)} / **{fmt(med)}** / {fmt(hi)}"


@dataclass
class Single:
    """One measurement (sizes, instruction counts, heap bytes)."""

    value: float
    unit: str

    @property
    def median(self) -> float:
        return self.value

    def __str__(self) -> str:
        return fmt(self.value)


@dataclass
class Missing:
    """A figure that cannot be measured, and why (shown in the table)."""

    why: str

    def __str__(self) -> str:
        return self.why


Cell = Stat | Single | Missing


def fmt(x: float) -> str:
    if x == 0:
        return "0"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def ratio(a: Cell | None, b: Cell | None) -> str:
    """a / b of medians, or an em dash when either is missing."""
    if isinstance(a, (Stat, Single)) and isinstance(b, (Stat, Single)) and b.median:
        return f"{a.median / b.median:.2f}x"
    return "—"


def ms(us: list[int]) -> Stat:
    return Stat([u / 1000 for u in us], "ms")


def mbps(size: int, us: list[int]) -> Stat:
    """Throughput in MB/s (10^6 bytes) from transfer times."""
    return Stat([size / u for u in us if u > 0], "MB/s")

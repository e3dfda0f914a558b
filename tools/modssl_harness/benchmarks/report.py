"""The results: sections of rows, rendered as a markdown table and a chart."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .stats import Cell, Missing, Stat, ratio


@dataclass
class Row:
    name: str
    cells: dict[str, Cell]
    note: str = ""


@dataclass
class Section:
    title: str
    unit: str
    columns: list[str]
    ratios: list[tuple[str, str]] = field(default_factory=list)  # (numerator, denominator) columns
    rows: list[Row] = field(default_factory=list)
    text: str = ""

    def add(self, name: str, note: str = "", **cells: Cell) -> None:
        # Column names contain no spaces or slashes, so keywords work;
        # "cpython" is shown as "CPython".
        self.rows.append(Row(name, {k: v for k, v in cells.items()}, note))

    def header(self) -> list[str]:
        ratios = [f"{label(a)}/{label(b)}" for a, b in self.ratios]
        return ["figure"] + [label(c) for c in self.columns] + ratios + ["note"]

    def table_rows(self) -> list[list[str]]:
        out = []
        for r in self.rows:
            cells = [str(r.cells.get(c, Missing("—"))) for c in self.columns]
            ratios = [ratio(r.cells.get(a), r.cells.get(b)) for a, b in self.ratios]
            out.append([r.name] + cells + ratios + [r.note])
        return out


LABELS = {"emu": "emulated Pico", "ours": "modssl", "ours-libc": "modssl-libc", "stock": "stock", "cpython": "CPython", "ceiling": "ceiling"}


def label(column: str) -> str:
    return LABELS.get(column, column)


def markdown(sections: list[Section], preamble: str = "") -> str:
    lines = [preamble.rstrip(), ""] if preamble else []
    for s in sections:
        lines += [f"## {s.title} ({s.unit})", ""]
        if s.text:
            lines += [s.text, ""]
        head = s.header()
        lines.append("| " + " | ".join(head) + " |")
        lines.append("|" + "---|" * len(head))
        for row in s.table_rows():
            lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
        lines.append("")
    return "\n".join(lines)


def chart(sections: list[Section], path: Path) -> None:
    """Medians of the timed sections (one bar per implementation) and the
    steady heap of the memory controls."""
    import matplotlib

    matplotlib.use("Agg")  # no display on the bench machines
    import matplotlib.pyplot as plt

    timed = [s for s in sections if any(isinstance(c, Stat) for r in s.rows for c in r.cells.values())]
    memory = [s for s in sections if "steady" in s.columns]
    panels = timed + memory
    fig, axes = plt.subplots(len(panels), 1, figsize=(11, 4.4 * max(1, len(panels))), squeeze=False)
    for ax, s in zip(axes[:, 0], timed):
        _bars(ax, s, [c for c in s.columns if c in COLOURS])
        if s.title.startswith("Handshake latency"):
            ax.set_yscale("log")  # resumed (<1 ms) and Nagle (~50 ms) rows on one axis
    for ax, s in zip(axes[len(timed):, 0], memory):
        _bars(ax, s, ["steady", "peak"])
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)


COLOURS = {"emu": "#9467bd", "ours": "#1f77b4", "stock": "#ff7f0e", "cpython": "#2ca02c", "ceiling": "#7f7f7f",
           "steady": "#1f77b4", "peak": "#aec7e8"}


def _bars(ax, s: Section, cols: list[str]) -> None:
    rows = [r for r in s.rows if any(hasattr(r.cells.get(c), "median") for c in cols)]
    width = 0.8 / max(1, len(cols))
    for i, c in enumerate(cols):
        xs, ys = [], []
        for j, r in enumerate(rows):
            cell = r.cells.get(c)
            if hasattr(cell, "median"):
                xs.append(j + (i - (len(cols) - 1) / 2) * width)
                ys.append(cell.median)
        ax.bar(xs, ys, width, label=label(c), color=COLOURS[c])
    ax.set_xticks(range(len(rows)))
    ax.set_xticklabels([r.name for r in rows], rotation=25, ha="right", fontsize=7)
    ax.set_ylabel(s.unit.split(",")[0])  # the unit, without the table's "min / median / max"
    ax.set_title(s.title + (" (median)" if "median" in s.unit else ""))
    ax.legend(fontsize=8)

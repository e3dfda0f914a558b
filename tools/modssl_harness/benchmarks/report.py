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
        return ["figure"] + [label(c) for c in self.columns] + [f"{label(a)}/{label(b)}" for a, b in self.ratios] + ["note"]

    def table_rows(self) -> list[list[str]]:
        out = []
        for r in self.rows:
            cells = [str(r.cells.get(c, Missing("—"))) for c in self.columns]
            ratios = [ratio(r.cells.get(a), r.cells.get(b)) for a, b in self.ratios]
            out.append([r.name] + cells + ratios + [r.note])
        return out


LABELS = {"ours": "modssl", "ours-libc": "modssl-libc", "stock": "stock", "cpython": "CPython", "ceiling": "ceiling"}


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
    """Medians of the timed sections, one bar per implementation."""
    import matplotlib

    matplotlib.use("Agg")  # no display on the bench machines
    import matplotlib.pyplot as plt

    timed = [s for s in sections if s.rows and any(isinstance(c, Stat) for r in s.rows for c in r.cells.values())]
    fig, axes = plt.subplots(len(timed), 1, figsize=(11, 4.2 * max(1, len(timed))), squeeze=False)
    colours = {"ours": "#1f77b4", "stock": "#ff7f0e", "cpython": "#2ca02c", "ceiling": "#7f7f7f"}
    for ax, s in zip(axes[:, 0], timed):
        cols = [c for c in s.columns if c in colours]
        width = 0.8 / max(1, len(cols))
        for i, c in enumerate(cols):
            xs, ys = [], []
            for j, r in enumerate(s.rows):
                cell = r.cells.get(c)
                if isinstance(cell, Stat) or (c == "ceiling" and hasattr(cell, "median")):
                    xs.append(j + (i - (len(cols) - 1) / 2) * width)
                    ys.append(cell.median)
            ax.bar(xs, ys, width, label=label(c), color=colours[c])
        ax.set_xticks(range(len(s.rows)))
        ax.set_xticklabels([r.name for r in s.rows], rotation=25, ha="right", fontsize=7)
        ax.set_ylabel(s.unit)
        ax.set_title(s.title + " — median")
        ax.legend(fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)

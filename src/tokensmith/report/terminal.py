"""A compact table for the terminal: the headline measures, one column per tokenizer."""

from __future__ import annotations

import textwrap

from .tables import best_index, build_tables

HEADLINE = {
    "compression": ("bytes / token", "tokens / word (fertility)", "words split into >1 token",
                    "unknown tokens"),
    "parity": ("median premium", "worst premium", "worst languages", "INVALID",
               "unknown tokens, all languages", "lines decoded exactly"),
    "vocabulary": ("vocabulary used",),
    "audit": ("unreachable", "undecodable bytes"),
    "numbers": ("digit grouping", "consistency of digit splitting"),
    "morphology": ("boundary F1",),
    "robustness": ("typos: words re-segmented", "case: words re-segmented", "no_space: words re-segmented"),
}


def render_terminal(data: dict, full: bool = False, width: int = 44) -> str:
    rows, notes = [], []
    for table in build_tables(data):
        kept = 0
        for cells, raw, better in zip(table.rows, table.raw, table.better):
            label = cells[0]
            keep = full or label.startswith(HEADLINE.get(table.key, ())) or label.startswith("Rényi efficiency")
            if keep:
                best = best_index(raw, better, cells[1:])
                rows.append([label] + [c + (" *" if i in best else "") for i, c in enumerate(cells[1:])])
                kept += 1
        if kept and table.note:
            notes.append(table.note)
    names = [r["name"] for r in data["tokenizers"]]
    header = ["measure"] + names
    widths = [max(len(r[i]) for r in rows + [header]) for i in range(len(header))]
    widths[0] = min(widths[0], width)
    lines = []
    for k, row in enumerate([header] + rows):
        cells = [row[0][:widths[0]].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:])]
        lines.append("  ".join(cells).rstrip())
        if k == 0:
            lines.append("  ".join("─" * w for w in widths))
    if len(names) > 1:
        lines.append("* best of the row")
    lines += [textwrap.fill(note, 100) for note in notes]
    return "\n".join(lines)

"""Hand-written SVG charts: small, crisp at any zoom, styled by the page's CSS, no dependency.

Every chart is a function ``(...) -> str`` returning one ``<svg>`` element with a ``<title>`` on
each mark (hover tooltips without JavaScript). Colours come from ``palette(i)``, the Okabe-Ito
set, which stays distinguishable for colour-blind readers.
"""

from __future__ import annotations

import math
from html import escape
from typing import Sequence

PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#8C6D31", "#444444"]
FONT = 12


def palette(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def _fmt(v: float) -> str:
    if v == 0:
        return "0"
    if abs(v) >= 100:
        return f"{v:,.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


def _svg(width: float, height: float, body: list[str], label: str) -> str:
    return (f'<svg class="chart" role="img" aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg" '
            f'viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}">'
            + "".join(body) + "</svg>")


def _nice_ticks(top: float, count: int = 5) -> list[float]:
    if top <= 0:
        return [0.0]
    raw = top / count
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    return [i * step for i in range(int(top / step + 1e-9) + 1)]


LOG_TICKS = [0.5, 0.75, 1, 1.5, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64]


def dot_plot(rows: Sequence[tuple[str, Sequence[float | None]]], series: Sequence[str], *,
             label: str, reference: float = 1.0, unit: str = "×", width: int = 1000,
             row_height: int = 15, label_width: int = 230,
             invalid: Sequence[Sequence[str | None]] | None = None) -> str:
    """One row per label and one dot per series on a log scale (premiums are ratios).

    ``rows[i] = (label, values)`` with ``values[j]`` for ``series[j]`` (None: missing). A thin
    line joins a row's dots so the gap between tokenizers reads at a glance. ``invalid[i][j]``,
    when given, says why value ``j`` of row ``i`` must not be plotted (e.g. "48% unknown
    tokens"): it is drawn as a cross in the series' colour in an INVALID column on the right.
    """
    flags = [list(f) for f in invalid] if invalid else [[None] * len(vs) for _, vs in rows]
    values = [v for (_, vs), fs in zip(rows, flags) for v, f in zip(vs, fs)
              if v is not None and v > 0 and f is None]
    lo = min(values + [reference]) * 0.9
    hi = max(values + [reference]) * 1.1
    crosses = any(f is not None for fs in flags for f in fs)
    column = 22 + 14 * len(series) if crosses else 0
    left, right, top = label_width, 24 + column, 30
    plot_w = width - left - right
    height = top + row_height * len(rows) + 26

    def x(v: float) -> float:
        return left + plot_w * (math.log(v) - math.log(lo)) / (math.log(hi) - math.log(lo))

    body = [f'<rect class="band" x="0" y="{top + row_height * r}" width="{width}" height="{row_height}"/>'
            for r in range(0, len(rows), 2)]
    for t in (t for t in LOG_TICKS if lo <= t <= hi):
        body.append(f'<line class="grid" x1="{x(t):.1f}" x2="{x(t):.1f}" y1="{top - 6}" y2="{height - 22}"/>')
        body.append(f'<text class="tick" x="{x(t):.1f}" y="{top - 10}" text-anchor="middle">{t:g}{unit}</text>')
        body.append(f'<text class="tick" x="{x(t):.1f}" y="{height - 8}" text-anchor="middle">{t:g}{unit}</text>')
    body.append(f'<line class="reference" x1="{x(reference):.1f}" x2="{x(reference):.1f}" '
                f'y1="{top - 6}" y2="{height - 22}"/>')
    first_cross = width - column + 4  # x of series 0's cross; series j is 14 px further
    if crosses:
        body.append(f'<text class="tick invalid" x="{first_cross + 7 * (len(series) - 1):.1f}" '
                    f'y="{top - 10}" text-anchor="middle">INVALID</text>')
    for r, ((name, vs), fs) in enumerate(zip(rows, flags)):
        cy = top + row_height * r + row_height / 2
        shown = name if len(name) <= 34 else name[:33] + "…"
        body.append(f'<text class="label" x="{left - 8}" y="{cy + 4:.1f}" text-anchor="end">{escape(shown)}'
                    f'<title>{escape(name)}</title></text>')
        present = [v for v, f in zip(vs, fs) if v is not None and v > 0 and f is None]
        if len(present) > 1:
            body.append(f'<line class="span" x1="{x(min(present)):.1f}" x2="{x(max(present)):.1f}" '
                        f'y1="{cy:.1f}" y2="{cy:.1f}"/>')
        for j, (v, why) in enumerate(zip(vs, fs)):
            if why is not None:
                body.append(_cross(first_cross + 14 * j, cy, palette(j),
                                   f"{name} · {series[j]}: INVALID ({why}), not ranked"))
                continue
            if v is None or v <= 0:
                continue
            body.append(f'<circle cx="{x(v):.1f}" cy="{cy:.1f}" r="4.2" fill="{palette(j)}">'
                        f'<title>{escape(name)} · {escape(series[j])}: {v:.2f}{unit}</title></circle>')
    return _svg(width, height, body, label)


def _cross(cx: float, cy: float, color: str, title: str, r: float = 3.8) -> str:
    """An × mark (INVALID), with a tooltip."""
    return (f'<g class="cross" stroke="{color}"><title>{escape(title)}</title>'
            f'<line x1="{cx - r:.1f}" y1="{cy - r:.1f}" x2="{cx + r:.1f}" y2="{cy + r:.1f}"/>'
            f'<line x1="{cx - r:.1f}" y1="{cy + r:.1f}" x2="{cx + r:.1f}" y2="{cy - r:.1f}"/></g>')


def bar_rows(rows: Sequence[tuple[str, float | None]], *, label: str, colors: Sequence[str] | None = None,
             width: int = 360, row_height: int = 22, label_width: int = 110,
             fmt=_fmt, higher_is_better: bool | None = None, marks: dict[int, str] | None = None) -> str:
    """Horizontal bars, one per row, value printed at the bar's end (a small-multiple panel).

    A None value draws no bar and prints "–"; rows in ``marks`` show their mark after the value
    and are never the bold best.
    """
    marks = marks or {}
    numbers = [v for _, v in rows if v is not None]
    top_value = max(numbers + [0]) or 1.0
    left, right, top = label_width, 56, 4
    plot_w = width - left - right
    height = top + row_height * len(rows) + 4
    best = None
    ranked = [i for i, (_, v) in enumerate(rows) if v is not None and i not in marks]
    if higher_is_better is not None and ranked:
        pick = max if higher_is_better else min
        best = pick(ranked, key=lambda i: rows[i][1])
    body = []
    for i, (name, v) in enumerate(rows):
        y = top + i * row_height
        w = max(plot_w * v / top_value, 1.0) if v is not None else 0.0
        color = colors[i] if colors else palette(i)
        text = ("–" if v is None else fmt(v)) + (f" {marks[i]}" if i in marks else "")
        body.append(f'<text class="label" x="{left - 8}" y="{y + row_height / 2 + 4:.1f}" text-anchor="end">{escape(name)}</text>')
        if v is not None:
            body.append(f'<rect x="{left}" y="{y + 3}" width="{w:.1f}" height="{row_height - 6}" rx="3" fill="{color}">'
                        f'<title>{escape(name)}: {escape(text)}</title></rect>')
        weight = ' font-weight="700"' if i == best else ""
        body.append(f'<text class="value" x="{left + w + 6:.1f}" y="{y + row_height / 2 + 4:.1f}"{weight}>{escape(text)}</text>')
    return _svg(width, height, body, label)


def grouped_columns(categories: Sequence[str], series: Sequence[tuple[str, Sequence[float]]], *,
                    label: str, width: int = 1000, height: int = 260, percent: bool = True) -> str:
    """Vertical bars grouped by category (one colour per series), e.g. a histogram per tokenizer."""
    left, right, top, bottom = 46, 12, 12, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = max([v for _, vs in series for v in vs] + [0]) or 1.0
    ticks = _nice_ticks(top_value * 1.05)
    scale_top = max(ticks[-1], top_value)
    group_w = plot_w / max(len(categories), 1)
    bar_w = max((group_w - 6) / max(len(series), 1), 1.0)
    body = []
    for t in ticks:
        y = top + plot_h * (1 - t / scale_top)
        body.append(f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}"/>')
        text = f"{t * 100:.0f}%" if percent else _fmt(t)
        body.append(f'<text class="tick" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{text}</text>')
    for c, cat in enumerate(categories):
        gx = left + c * group_w + 3
        body.append(f'<text class="tick" x="{gx + (group_w - 6) / 2:.1f}" y="{height - bottom + 16}" '
                    f'text-anchor="middle">{escape(cat)}</text>')
        for s, (name, vs) in enumerate(series):
            v = vs[c]
            h = plot_h * v / scale_top
            shown = f"{v * 100:.1f}%" if percent else _fmt(v)
            body.append(f'<rect x="{gx + s * bar_w:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w - 1:.1f}" '
                        f'height="{h:.1f}" fill="{palette(s)}"><title>{escape(name)} · {escape(cat)}: {shown}</title></rect>')
    body.append(f'<line class="axis" x1="{left}" x2="{width - right}" y1="{top + plot_h}" y2="{top + plot_h}"/>')
    return _svg(width, height, body, label)

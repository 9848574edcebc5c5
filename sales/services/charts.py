"""Bar charts as inline SVG, drawn on the server: no script, no external font; the
viewBox scales to the page's width (phone or desktop)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import mark_safe

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 8, 28, 40
COLORS = ["#2563eb", "#16a34a", "#dc2626", "#9333ea"]


def _nice_max(value: float) -> float:
    """The axis top: 1, 2 or 5 times a power of ten, at least `value`."""
    if value <= 0:
        return 1
    power = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 or value == int(value) else f"{value:,.2f}"


def bars(title: str, labels: list[str], series: list[tuple[str, list]]) -> str:
    """A grouped bar chart: one group per label, one bar per series (name, values)."""
    values = [float(v or 0) for _, vs in series for v in vs]
    top = _nice_max(max([v for v in values if v > 0], default=0))
    low = min(min(values, default=0), 0)
    span = top - low or 1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    group = plot_w / max(len(labels), 1)
    bar = max(group * 0.8 / max(len(series), 1), 1)

    def y(v: float) -> float:
        return TOP + plot_h * (top - v) / span

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-label="{escape(title)}" class="chart" '
        'style="width:100%;height:auto;font-family:sans-serif;font-size:11px">',
        f'<title>{escape(title)}</title>',
        # A phone shows the 720-unit drawing about half size: larger text, fewer labels.
        '<style>@media (max-width: 600px) { svg.chart text { font-size: 20px; } '
        'svg.chart .minor { display: none; } }</style>',
        f'<text x="{LEFT}" y="16" font-size="13" font-weight="bold">{escape(title)}</text>',
    ]
    for tick in (low, (low + top) / 2 if low < 0 else top / 2, top):
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(tick):.1f}" '
                     f'y2="{y(tick):.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{LEFT - 4}" y="{y(tick) + 4:.1f}" text-anchor="end">'
                     f'{_fmt(tick)}</text>')
    every = max(1, round(len(labels) / 10))  # at most ~10 labels fit under the axis
    for i, label in enumerate(labels):
        x0 = LEFT + i * group + group * 0.1
        for j, (name, vs) in enumerate(series):
            v = float(vs[i] or 0)
            top_y, base = (y(v), y(0)) if v >= 0 else (y(0), y(v))
            parts.append(
                f'<rect x="{x0 + j * bar:.1f}" y="{top_y:.1f}" width="{bar:.1f}" '
                f'height="{max(base - top_y, 0):.1f}" fill="{COLORS[j % len(COLORS)]}">'
                f'<title>{escape(label)} · {escape(name)}: {_fmt(v)}</title></rect>')
        if i % every == 0:
            minor = ' class="minor"' if (i // every) % 3 else ""
            parts.append(f'<text x="{LEFT + (i + 0.5) * group:.1f}" y="{HEIGHT - BOTTOM + 18}" '
                         f'text-anchor="middle"{minor}>{escape(label)}</text>')
    for j, (name, _) in enumerate(series):
        x = LEFT + j * 200
        parts.append(f'<rect x="{x}" y="{HEIGHT - 14}" width="10" height="10" '
                     f'fill="{COLORS[j % len(COLORS)]}"/>'
                     f'<text x="{x + 14}" y="{HEIGHT - 5}">{escape(name)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above went through escape()


def money(values) -> list[float]:
    return [float(v) if isinstance(v, Decimal) else v for v in values]

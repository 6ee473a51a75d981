"""Charts drawn on the server as SVG: no script, readable at 360 px, each beside a table of its numbers.

The drawing is 300 units wide, about the width it gets on a 360 px phone, so its 13-unit text shows
at 12 px or more there (a wider drawing would be scaled down, and its labels with it)."""
from __future__ import annotations

from markupsafe import Markup, escape

from webapp.i18n import format_number

WIDTH = 300
FONT = 13  # every label; never smaller
MEN, WOMEN, BAR, EMPTY = "#1d4ed8", "#be185d", "#9d174d", "#d1d5db"


def _svg(title: str, height: int, body: list[str]) -> Markup:
    """Wrap drawing commands in an SVG that scales to its container."""
    head = (f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}" '
            f'xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif" font-size="{FONT}">')
    return Markup(head + f"<title>{escape(title)}</title>" + "".join(body) + "</svg>")


def stacked_columns(title: str, rows: list[tuple[str, int, int]], legend: tuple[str, str]) -> Markup:
    """Vertical columns of men (below) and women (on top), one per label (a month)."""
    height, top, bottom, left = 240, 28, 34, 48
    plot_h = height - top - bottom
    peak = max([men + women for _label, men, women in rows] + [1])
    step = (WIDTH - left - 6) / max(1, len(rows))
    bar_w = max(4.0, step * 0.7)
    body = [f'<rect x="{left}" y="6" width="10" height="10" fill="{MEN}"/>',
            f'<text x="{left + 14}" y="16">{escape(legend[0])}</text>',
            f'<rect x="{left + 120}" y="6" width="10" height="10" fill="{WOMEN}"/>',
            f'<text x="{left + 134}" y="16">{escape(legend[1])}</text>',
            f'<line x1="{left}" y1="{top + plot_h}" x2="{WIDTH - 4}" y2="{top + plot_h}" stroke="#6b7280"/>',
            f'<text x="{left - 4}" y="{top + 8}" text-anchor="end">{format_number(peak)}</text>',
            f'<text x="{left - 4}" y="{top + plot_h}" text-anchor="end">0</text>']
    for index, (label, men, women) in enumerate(rows):
        x = left + index * step + (step - bar_w) / 2
        men_h = plot_h * men / peak
        women_h = plot_h * women / peak
        base = top + plot_h
        body.append(f'<rect x="{x:.1f}" y="{base - men_h:.1f}" width="{bar_w:.1f}" height="{men_h:.1f}" '
                    f'fill="{MEN}"><title>{escape(label)}: {format_number(men)}</title></rect>')
        body.append(f'<rect x="{x:.1f}" y="{base - men_h - women_h:.1f}" width="{bar_w:.1f}" '
                    f'height="{women_h:.1f}" fill="{WOMEN}"><title>{escape(label)}: {format_number(women)}</title></rect>')
        short = label.split("/")[0] if len(rows) > 4 else label
        body.append(f'<text x="{x + bar_w / 2:.1f}" y="{base + 16}" text-anchor="middle">'
                    f'{escape(short)}</text>')
    return _svg(title, height, body)


def horizontal_bars(title: str, rows: list[tuple[str, int]]) -> Markup:
    """One bar per label, longest first as given; a zero shows as an empty grey bar."""
    row_h, top, label_w = 28, 6, 140
    height = top * 2 + row_h * max(1, len(rows))
    peak = max([value for _label, value in rows] + [1])
    plot_w = WIDTH - label_w - 44
    body = []
    for index, (label, value) in enumerate(rows):
        y = top + index * row_h
        width = plot_w * value / peak
        text = label if len(label) <= 18 else label[:17] + "…"
        body.append(f'<text x="{label_w - 6}" y="{y + 18}" text-anchor="end">{escape(text)}</text>')
        if value:
            body.append(f'<rect x="{label_w}" y="{y + 4}" width="{width:.1f}" height="{row_h - 8}" fill="{BAR}">'
                        f'<title>{escape(label)}: {format_number(value)}</title></rect>')
        else:
            body.append(f'<rect x="{label_w}" y="{y + 4}" width="6" height="{row_h - 8}" fill="{EMPTY}"/>')
        body.append(f'<text x="{label_w + max(width, 6) + 4:.1f}" y="{y + 18}">{format_number(value)}</text>')
    return _svg(title, height, body)

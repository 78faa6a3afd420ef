"""The figures page's chart: horizontal bars drawn as SVG on the server.

Horizontal, because department names are long and a phone is narrow; SVG, because it is a few
hundred bytes of text, sharp at any size, and needs no script or image library.
"""

from __future__ import annotations

from collections.abc import Sequence

from handlers.web.html import h

WIDTH = 360  # a phone's width: the chart is drawn at the size it is read
LABEL_HEIGHT = 18
BAR = 14
GAP = 10
COLOURS = ("#a61b1b", "#1d6b2a")


def bars(title: str, series: Sequence[str], rows: Sequence[tuple[str, Sequence[int]]]) -> str:
    """One group per row: its label, then one bar per series, with the value at its end.
    `title` names the chart for screen readers; the page shows it as a heading above."""
    largest = max((v for _, values in rows for v in values), default=0) or 1
    scale = (WIDTH - 60) / largest
    y = 0
    parts = []
    for label, values in rows:
        y += LABEL_HEIGHT
        parts.append(f'<text x="0" y="{y - 4}" font-size="14">{h(label)}</text>')
        for colour, value in zip(COLOURS, values, strict=False):
            length = round(value * scale)
            parts.append(
                f'<rect x="0" y="{y}" width="{length}" height="{BAR}" fill="{colour}"/>'
                f'<text x="{length + 4}" y="{y + BAR - 2}" font-size="13">{value}</text>'
            )
            y += BAR + 2
        y += GAP
    legend = "".join(
        f'<rect x="{i * 150}" y="{y}" width="12" height="12" fill="{colour}"/>'
        f'<text x="{i * 150 + 16}" y="{y + 11}" font-size="13">{h(name)}</text>'
        for i, (colour, name) in enumerate(zip(COLOURS, series, strict=False))
    )
    height = y + 20
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-label="{h(title)}">'
        f"{''.join(parts)}{legend}</svg>"
    )

"""Bar charts drawn on the server as inline SVG: no script, no CDN, nothing to load.

Horizontal bars, one group per label (the label on a line above its bars) and one bar per series,
each with its value written at its end, so the numbers can be read without the axis. The SVG is an image (role="img") named by its
<title>; the page puts a table saying the same next to it for screen readers and for copying.
Colours are presentation attributes, not style attributes: the site's Content-Security-Policy
allows no inline styles.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

# Dark enough against white for text and bars alike (contrast ≥ 4.5:1), and told apart by the legend.
PALETTE = ("#1f4e79", "#a34700", "#2e6b30", "#6b2c91")
BAR = 18  # height of one bar
GAP = 12  # between two groups
LABEL_LINE = 18  # each group's label is a line of its own above its bars: the bars get the width
VALUE_WIDTH = 100
LEGEND = 26
MAX_LABEL = 48  # characters; a longer label is shortened (the table has it in full)
WIDTH = 400  # drawn narrow enough to stay legible when a phone scales it down (site.css)


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[int]


def _short(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1].rstrip() + "…"


def bar_chart(
    chart_id: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    value_text: Callable[[int], str] = str,
    width: int = WIDTH,
) -> Markup:
    """An SVG bar chart; empty Markup when there is nothing to draw."""
    if not labels or not series:
        return Markup("")
    for s in series:
        if len(s.values) != len(labels):
            raise ValueError(f"series {s.name!r} has {len(s.values)} values for {len(labels)} labels")
    top = LEGEND if len(series) > 1 else 4
    group = LABEL_LINE + BAR * len(series) + GAP
    height = top + group * len(labels)
    most = max((v for s in series for v in s.values), default=0) or 1
    room = width - VALUE_WIDTH
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'aria-labelledby="{chart_id}-title" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'font-family="sans-serif" font-size="13">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
    ]
    if len(series) > 1:
        x = 0
        for index, s in enumerate(series):
            colour = PALETTE[index % len(PALETTE)]
            out.append(f'<rect x="{x}" y="6" width="12" height="12" fill="{colour}"/>')
            out.append(f'<text x="{x + 16}" y="16" fill="#222">{escape(s.name)}</text>')
            x += 24 + 8 * len(s.name)
    for row, label in enumerate(labels):
        y = top + row * group
        out.append(f'<text x="0" y="{y + LABEL_LINE - 5}" fill="#222">{escape(_short(label))}</text>')
        for index, s in enumerate(series):
            value = s.values[row]
            length = round(room * max(value, 0) / most, 1)
            bar_y = y + LABEL_LINE + index * BAR
            colour = PALETTE[index % len(PALETTE)]
            out.append(f'<rect x="0" y="{bar_y}" width="{length:g}" height="{BAR - 3}" fill="{colour}"/>')
            out.append(
                f'<text x="{length + 4:g}" y="{bar_y + BAR - 6}" fill="#222">{escape(value_text(value))}</text>'
            )
    out.append("</svg>")
    return Markup("".join(out))  # noqa: S704 - every piece of text above went through escape()

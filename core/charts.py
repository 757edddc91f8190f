"""Server-rendered SVG charts: no JavaScript, no external assets.

Every chart is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` and is meant to sit
next to a table or text with the same figures (the chart is never the only place they appear).
All text from the caller is escaped; coordinates are written with a dot, whatever the language.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

FONT_SIZE = 12
LABEL_CHARS = 36


@dataclass(frozen=True)
class Bar:
    """One bar: ``value`` None means "keine Angaben" (no bar, the text says so)."""

    label: str
    value: Decimal | int | float | None
    text: str = ""
    alt: bool = False


@dataclass(frozen=True)
class Point:
    """One point of a series; ``label`` is shown under the axis (e.g. "2011")."""

    label: str
    value: Decimal | int | float | None
    text: str = ""


def _num(value: float) -> str:
    """A coordinate: at most one decimal, always a dot."""
    return f"{value:.1f}".rstrip("0").rstrip(".") or "0"


def _short(label: str, limit: int = LABEL_CHARS) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _open_svg(width: float, height: float, id_prefix: str, title: str, description: str):
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="{}" height="{}" '
        'role="img" aria-labelledby="{}-title {}-desc" font-family="system-ui, sans-serif" '
        'font-size="{}"><title id="{}-title">{}</title><desc id="{}-desc">{}</desc>',
        _num(width),
        _num(height),
        _num(width),
        _num(height),
        id_prefix,
        id_prefix,
        FONT_SIZE,
        id_prefix,
        title,
        id_prefix,
        description,
    )


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    description: str = "",
    id_prefix: str = "chart",
    width: int = 720,
    label_width: int = 270,
    bar_height: int = 20,
    gap: int = 8,
) -> SafeString:
    """A horizontal bar chart; bar lengths are proportional to the values (0 at the left).

    A missing value draws no bar and says "keine Angaben"; if all values are 0 or missing,
    no bar has a length.
    """
    text_room = 130  # room right of the longest bar for the value's text
    plot_width = max(width - label_width - text_room, 10)
    values = [float(bar.value) for bar in bars if bar.value is not None]
    largest = max(values, default=0.0)
    height = max(len(bars), 1) * (bar_height + gap) + gap
    parts = [_open_svg(width, height, id_prefix, title, description)]
    for index, bar in enumerate(bars):
        top = gap + index * (bar_height + gap)
        middle = top + bar_height / 2 + FONT_SIZE * 0.35
        if bar.value is None:
            length = 0.0
        else:
            length = float(bar.value) / largest * plot_width if largest > 0 else 0.0
        text = bar.text or (_("keine Angaben") if bar.value is None else str(bar.value))
        short = _short(bar.label)
        parts.append(
            format_html(
                '<g><text x="{}" y="{}" text-anchor="end">{}{}</text>',
                _num(label_width - 8),
                _num(middle),
                format_html("<title>{}</title>", bar.label) if short != bar.label else "",
                short,
            )
        )
        if bar.value is not None:
            parts.append(
                format_html(
                    '<rect class="{}" x="{}" y="{}" width="{}" height="{}" fill="{}"/>',
                    "bar-alt" if bar.alt else "bar",
                    _num(label_width),
                    _num(top),
                    _num(length),
                    _num(bar_height),
                    "#8a4b00" if bar.alt else "#005a8c",
                )
            )
        parts.append(
            format_html(
                '<text x="{}" y="{}"{}>{}</text></g>',
                _num(label_width + length + 6),
                _num(middle),
                mark_safe(' font-style="italic"') if bar.value is None else "",
                text,
            )
        )
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(parts))


def line_chart(
    points: Sequence[Point],
    *,
    title: str,
    description: str = "",
    id_prefix: str = "series",
    width: int = 420,
    height: int = 180,
) -> SafeString:
    """A small series chart: points evenly spaced, the y axis from 0 to the largest value.

    Missing values leave a gap in the line and are marked "keine Angaben" at the axis.
    """
    left, right, top, bottom = 12, 12, 24, 28
    plot_width = width - left - right
    plot_height = height - top - bottom
    values = [float(point.value) for point in points if point.value is not None]
    largest = max(values, default=0.0)
    step = plot_width / (len(points) - 1) if len(points) > 1 else 0
    parts = [_open_svg(width, height, id_prefix, title, description)]
    baseline = top + plot_height
    parts.append(
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#5b6670" stroke-width="1"/>',
            _num(left),
            _num(baseline),
            _num(width - right),
            _num(baseline),
        )
    )
    coordinates = []
    segments: list[list[tuple[float, float]]] = [[]]
    for index, point in enumerate(points):
        x = left + index * step if len(points) > 1 else left + plot_width / 2
        anchor = "start" if index == 0 and len(points) > 1 else "middle"
        if index == len(points) - 1 and len(points) > 1:
            anchor = "end"
        if point.value is None:
            segments.append([])
            coordinates.append((x, None, anchor, point))
            continue
        share = float(point.value) / largest if largest > 0 else 0.0
        y = baseline - share * plot_height
        segments[-1].append((x, y))
        coordinates.append((x, y, anchor, point))
    for segment in segments:
        if len(segment) > 1:
            parts.append(
                format_html(
                    '<polyline class="line" fill="none" stroke="#005a8c" stroke-width="2" '
                    'points="{}"/>',
                    " ".join(f"{_num(x)},{_num(y)}" for x, y in segment),
                )
            )
    for x, y, anchor, point in coordinates:
        text = point.text or (_("keine Angaben") if point.value is None else str(point.value))
        if y is not None:
            parts.append(
                format_html(
                    '<circle class="bar" cx="{}" cy="{}" r="4" fill="#005a8c">'
                    "<title>{}: {}</title></circle>"
                    '<text x="{}" y="{}" text-anchor="{}">{}</text>',
                    _num(x),
                    _num(y),
                    point.label,
                    text,
                    _num(x),
                    _num(max(y - 8, FONT_SIZE)),
                    anchor,
                    text,
                )
            )
        else:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="{}" font-style="italic">{}</text>',
                    _num(x),
                    _num(baseline - 6),
                    anchor,
                    text,
                )
            )
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="{}">{}</text>',
                _num(x),
                _num(height - 8),
                anchor,
                point.label,
            )
        )
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(parts))

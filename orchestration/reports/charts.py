"""Hand-written inline SVG charts: a trend line with target steps, ranked bars, score bars.

Hand-written rather than matplotlib: the charts are simple, the page must open offline
with nothing external, and the text in them (Vietnamese labels, ``95,3%``) stays text a
reader can select and a test can parse. A NULL figure is a gap or a "no data" note,
never drawn as 0.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from orchestration.reports.numbers import fmt_decimal, fmt_percent

SERIES_COLOUR = "#1f5f99"
TARGET_COLOURS = ("#c0392b", "#d35400", "#7d3c98")
GRID_COLOUR = "#d9dde3"
TEXT_COLOUR = "#333"
NO_DATA_TEXT = "không có số liệu"


@dataclass(frozen=True)
class TargetLine:
    label: str  # legend text, e.g. "Mục tiêu BD-KH-3809: ≥ 50%"
    values: Sequence[float | None]  # per x position; None where the target does not apply


def _fmt(percent: bool) -> Callable[[float | None], str]:
    return (lambda v: fmt_percent(v, 0)) if percent else (lambda v: fmt_decimal(v, 0))


def _value_text(percent: bool, v: float | None) -> str:
    return fmt_percent(v) if percent else fmt_decimal(v)


_STEPS = (0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)


def _y_axis(values: Sequence[float], percent: bool) -> tuple[float, float, float]:
    """(low, high, tick step) on round numbers, at most six grid steps."""
    if percent:
        # Rates sit in 0..1; start the axis below the lowest figure, not at 0, so a change
        # from 91% to 96% is visible; the top stays at 100%.
        low, high = max(0.0, min(values, default=0.0) - 0.05), 1.0
    else:
        low, high = 0.0, max(max(values, default=0.0) * 1.15, 5.0)
    step = next((s for s in _STEPS if (high - low) / s <= 6), _STEPS[-1])
    return math.floor(low / step) * step, math.ceil(high / step - 1e-9) * step, step


def line_chart(
    *,
    chart_id: str,
    title: str,
    x_labels: Sequence[str],
    values: Sequence[float | None],
    targets: Sequence[TargetLine] = (),
    percent: bool = True,
    series_label: str = "Toàn tỉnh",
    indicator: str = "",
) -> str:
    legend_lines = 1 + len(targets)
    width, left, right, top, bottom = 440, 48, 14, 14, 34 + 16 * legend_lines
    height = 164 + top + bottom
    plot_w, plot_h = width - left - right, height - top - bottom
    known = [v for v in values if v is not None]
    known += [v for t in targets for v in t.values if v is not None]
    y0, y1, tick = _y_axis(known, percent)
    step = plot_w / max(len(x_labels), 1)

    def x(i: float) -> float:
        return left + step * (i + 0.5)

    def y(v: float) -> float:
        v = min(max(v, y0), y1)
        return top + plot_h * (1 - (v - y0) / (y1 - y0))

    fmt_tick = _fmt(percent)
    parts = [
        f'<svg class="chart trend" id="{escape(chart_id)}" data-indicator="{escape(indicator)}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for k in range(round((y1 - y0) / tick) + 1):  # horizontal grid with y labels
        v = y0 + tick * k
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" '
            f'stroke="{GRID_COLOUR}" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="{TEXT_COLOUR}">{escape(fmt_tick(v))}</text>'
        )
    for i, label in enumerate(x_labels):
        parts.append(
            f'<text x="{x(i):.1f}" y="{top + plot_h + 16}" text-anchor="middle" '
            f'font-size="11" fill="{TEXT_COLOUR}">{escape(label)}</text>'
        )
    for n, target in enumerate(targets):
        colour = TARGET_COLOURS[n % len(TARGET_COLOURS)]
        parts += _target_steps(target, x, y, step, colour)
    parts += _series(values, x, y, percent, x_labels)
    if not [v for v in values if v is not None]:
        parts.append(
            f'<text x="{left + plot_w / 2:.1f}" y="{top + plot_h / 2:.1f}" text-anchor="middle" '
            f'font-size="13" fill="#888">{NO_DATA_TEXT}</text>'
        )
    parts += _legend(series_label, targets, left, top + plot_h + 32)
    parts.append("</svg>")
    return "".join(parts)


def _series(
    values: Sequence[float | None],
    x: Callable[[float], float],
    y: Callable[[float], float],
    percent: bool,
    x_labels: Sequence[str],
) -> list[str]:
    parts: list[str] = []
    run: list[str] = []  # consecutive known points; a NULL breaks the line
    for i, v in enumerate([*values, None]):
        if v is None:
            if len(run) > 1:
                parts.append(
                    f'<polyline points="{" ".join(run)}" fill="none" '
                    f'stroke="{SERIES_COLOUR}" stroke-width="2"/>'
                )
            run = []
            continue
        run.append(f"{x(i):.1f},{y(v):.1f}")
    for i, v in enumerate(values):
        if v is None:
            continue
        parts.append(
            f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3" fill="{SERIES_COLOUR}">'
            f"<title>{escape(x_labels[i])}: {escape(_value_text(percent, v))}</title></circle>"
        )
    last = next((i for i in range(len(values) - 1, -1, -1) if values[i] is not None), None)
    if last is not None:
        v = values[last]
        assert v is not None
        parts.append(
            f'<text x="{x(last):.1f}" y="{y(v) - 8:.1f}" text-anchor="middle" font-size="11" '
            f'font-weight="bold" fill="{SERIES_COLOUR}">{escape(_value_text(percent, v))}</text>'
        )
    return parts


def _target_steps(
    target: TargetLine,
    x: Callable[[float], float],
    y: Callable[[float], float],
    step: float,
    colour: str,
) -> list[str]:
    """One dashed segment per run of quarters with the same target (targets are per year)."""
    parts = []
    i, values = 0, list(target.values)
    while i < len(values):
        v = values[i]
        j = i
        while j + 1 < len(values) and values[j + 1] == v:
            j += 1
        if v is not None:
            x1, x2 = x(i) - step / 2, x(j) + step / 2
            parts.append(
                f'<line class="target" x1="{x1:.1f}" x2="{x2:.1f}" y1="{y(v):.1f}" '
                f'y2="{y(v):.1f}" stroke="{colour}" stroke-width="2" stroke-dasharray="6 4">'
                f"<title>{escape(target.label)}</title></line>"
            )
        i = j + 1
    return parts


def _legend(series_label: str, targets: Sequence[TargetLine], x0: float, y0: float) -> list[str]:
    parts = [
        f'<line x1="{x0}" x2="{x0 + 18}" y1="{y0}" y2="{y0}" stroke="{SERIES_COLOUR}" '
        f'stroke-width="2"/><text x="{x0 + 24}" y="{y0 + 4}" font-size="11" '
        f'fill="{TEXT_COLOUR}">{escape(series_label)}</text>'
    ]
    for n, target in enumerate(targets):
        colour = TARGET_COLOURS[n % len(TARGET_COLOURS)]
        ly = y0 + 16 * (n + 1)
        parts.append(
            f'<line x1="{x0}" x2="{x0 + 18}" y1="{ly}" y2="{ly}" stroke="{colour}" '
            f'stroke-width="2" stroke-dasharray="6 4"/><text x="{x0 + 24}" y="{ly + 4}" '
            f'font-size="11" fill="{TEXT_COLOUR}">{escape(target.label)}</text>'
        )
    return parts


def bar_chart(
    *,
    chart_id: str,
    title: str,
    bars: Sequence[tuple[str, float | None]],
    percent: bool = True,
    target: float | None = None,
    target_label: str = "",
    skipped: tuple[int, int] | None = None,
) -> str:
    """Horizontal bars, one per row (already ranked by the caller).

    ``skipped`` = (position, count): a row saying that ``count`` entries were left out
    before bar ``position`` (a long ranking shows its top and bottom only).
    """
    label_w, bar_w, value_w, row_h, top = 300, 250, 110, 22, 8
    rows: list[tuple[str, float | None] | None] = list(bars)
    if skipped is not None:
        rows.insert(skipped[0], None)
    width = label_w + bar_w + value_w
    height = top * 2 + row_h * max(len(rows), 1) + (18 if target is not None else 0)
    known = [v for _, v in bars if v is not None]
    scale_max = 1.0 if percent else max([*known, target or 0.0, 1.0])
    parts = [
        f'<svg class="chart" id="{escape(chart_id)}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for n, row in enumerate(rows):
        y = top + n * row_h
        if row is None:
            assert skipped is not None
            parts.append(
                f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end" font-size="12" '
                f'fill="#888">… {skipped[1]} đơn vị khác …</text>'
            )
            continue
        name, v = row
        # About 6.6 px a character at 12 px: cut long names, keep the full one as a tooltip.
        short = name if len(name) <= 42 else name[:41] + "…"
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end" font-size="12" '
            f'fill="{TEXT_COLOUR}"><title>{escape(name)}</title>{escape(short)}</text>'
        )
        if v is None:
            parts.append(
                f'<text x="{label_w + 4}" y="{y + 15}" font-size="12" fill="#888">'
                f"{NO_DATA_TEXT}</text>"
            )
            continue
        length = bar_w * min(max(v / scale_max, 0.0), 1.0)
        parts.append(
            f'<rect x="{label_w}" y="{y + 4}" width="{length:.1f}" height="{row_h - 8}" '
            f'fill="{SERIES_COLOUR}"/><text x="{label_w + length + 6:.1f}" y="{y + 15}" '
            f'font-size="12" fill="{TEXT_COLOUR}">{escape(_value_text(percent, v))}</text>'
        )
    if target is not None:
        tx = label_w + bar_w * min(target / scale_max, 1.0)
        bottom = top + row_h * len(rows)
        parts.append(
            f'<line class="target" x1="{tx:.1f}" x2="{tx:.1f}" y1="{top}" y2="{bottom}" '
            f'stroke="{TARGET_COLOURS[0]}" stroke-width="2" stroke-dasharray="6 4"/>'
            f'<text x="{tx:.1f}" y="{bottom + 14}" text-anchor="middle" font-size="11" '
            f'fill="{TARGET_COLOURS[0]}">{escape(target_label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def score_bar(points: float | None, max_points: float | None, width: int = 160) -> str:
    """A small gauge of points out of the maximum; an empty hatched gauge when not measured."""
    height = 12
    parts = [
        f'<svg class="gauge" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-hidden="true">',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#eef1f5" stroke="#c5ccd6"/>',
    ]
    if points is not None and max_points:
        filled = width * min(max(points / max_points, 0.0), 1.0)
        parts.append(f'<rect x="0" y="0" width="{filled:.1f}" height="{height}" fill="#2e8b57"/>')
    parts.append("</svg>")
    return "".join(parts)

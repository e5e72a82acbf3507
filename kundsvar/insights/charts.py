"""Server-rendered SVG charts: no script, no CDN, no build step.

Each chart is an <svg role="img"> with a <title> and a <desc> saying in words what it
shows; the page puts the same figures in a table next to it (and the CSV). Bars and cells
are links to the cases behind them when the caller gives a `href`."""

from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

COLOURS = ["#2563eb", "#16a34a", "#d97706", "#9333ea", "#dc2626", "#0891b2", "#4b5563"]


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    href: str = ""
    note: str = ""  # shown after the value, e.g. "n = 12"


def _svg(uid: str, title: str, desc: str, width: int, height: int, body: list[str]) -> SafeString:
    # Every text in it went through escape(); numbers are formatted by us.
    return mark_safe(  # noqa: S308
        f'<svg class="chart" role="img" aria-labelledby="{uid}-t {uid}-d" '
        f'viewBox="0 0 {width} {height}" preserveAspectRatio="xMinYMin meet" '
        f'xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{uid}-t">{escape(title)}</title><desc id="{uid}-d">{escape(desc)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def _link(href: str, inner: str, label: str) -> str:
    if not href:
        return f"<g>{inner}</g>"
    return f'<a href="{escape(href)}" aria-label="{escape(label)}">{inner}</a>'


def _number(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def bars(uid: str, title: str, items: list[Bar], unit: str = "", maximum: float = 0) -> SafeString:
    """Horizontal bars, one row per item, the value written at the bar's end."""
    row, label_w, width = 26, 170, 640
    top = max([maximum, *(b.value for b in items), 1])
    body = []
    for i, b in enumerate(items):
        y = 6 + i * row
        w = max(1.0, (width - label_w - 110) * b.value / top) if b.value else 0
        text = f"{_number(b.value)}{unit}" + (f" ({b.note})" if b.note else "")
        inner = (
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" class="lbl">'
            f"{escape(b.label)}</text>"
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{row - 8}" '
            f'fill="{COLOURS[0]}"/>'
            f'<text x="{label_w + w + 6:.1f}" y="{y + 15}" class="val">{escape(text)}</text>'
        )
        body.append(_link(b.href, inner, f"{b.label}: {text}"))
    words = "; ".join(f"{b.label}: {_number(b.value)}{unit}" for b in items) or "—"
    return _svg(uid, title, words, width, 12 + row * max(1, len(items)), body)


def columns(uid: str, title: str, labels: list[str], values: list[float], hrefs=None,
            unit: str = "") -> SafeString:  # fmt: skip
    """Vertical columns (a distribution, or a value per day)."""
    width, height, left, bottom = 640, 220, 40, 40
    n = max(1, len(values))
    slot = (width - left - 10) / n
    top = max([*values, 1])
    body = [
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - 10}" y2="{height - bottom}" '
        f'class="axis"/>',
        f'<text x="{left - 4}" y="14" text-anchor="end" class="lbl">{_number(top)}</text>',
    ]
    step = max(1, round(n / 12))
    for i, value in enumerate(values):
        h = (height - bottom - 20) * value / top
        x = left + i * slot
        inner = (
            f'<rect x="{x + 1:.1f}" y="{height - bottom - h:.1f}" width="{max(1, slot - 2):.1f}" '
            f'height="{h:.1f}" fill="{COLOURS[0]}"/>'
        )
        body.append(_link((hrefs or [""] * n)[i], inner, f"{labels[i]}: {_number(value)}{unit}"))
        if i % step == 0:
            body.append(
                f'<text x="{x + slot / 2:.1f}" y="{height - bottom + 14}" text-anchor="middle" '
                f'class="lbl small">{escape(labels[i])}</text>'
            )
    words = "; ".join(f"{lbl}: {_number(v)}{unit}" for lbl, v in zip(labels, values, strict=True))
    return _svg(uid, title, words or "—", width, height, body)


def lines(uid: str, title: str, labels: list[str], series: dict[str, list[float]]) -> SafeString:
    """One line per series over the same labels (days), with a legend."""
    width, height, left, bottom = 640, 240, 40, 56
    n = max(2, len(labels))
    top = max([1, *(v for values in series.values() for v in values)])
    x = lambda i: left + (width - left - 10) * i / (n - 1)  # noqa: E731
    y = lambda v: height - bottom - (height - bottom - 20) * v / top  # noqa: E731
    body = [
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - 10}" y2="{height - bottom}" '
        f'class="axis"/>',
        f'<text x="{left - 4}" y="24" text-anchor="end" class="lbl">{_number(top)}</text>',
    ]
    step = max(1, round(len(labels) / 8))
    for i, label in enumerate(labels):
        if i % step == 0:
            body.append(
                f'<text x="{x(i):.1f}" y="{height - bottom + 14}" text-anchor="middle" '
                f'class="lbl small">{escape(label)}</text>'
            )
    words = []
    for k, (name, values) in enumerate(series.items()):
        colour = COLOURS[k % len(COLOURS)]
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
        body.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>')
        lx = left + (k % 4) * 150
        ly = height - 18 + (k // 4) * 0
        body.append(
            f'<rect x="{lx}" y="{ly - 9}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{lx + 14}" y="{ly}" class="lbl">{escape(name)}</text>'
        )
        words.append(f"{name}: total {_number(sum(values))}, highest {_number(max(values or [0]))}")
    return _svg(uid, title, "; ".join(words) or "—", width, height, body)


def heatmap(uid: str, title: str, days: list[str], cells: list[int], hrefs=None) -> SafeString:
    """7 × 24: arrivals per hour of the week, darker is more."""
    cell, left, top_pad = 24, 44, 18
    width, height = left + 24 * cell + 4, top_pad + 7 * cell + 4
    top = max([*cells, 1])
    body = []
    for hour in range(0, 24, 3):
        body.append(
            f'<text x="{left + hour * cell + cell / 2}" y="12" text-anchor="middle" '
            f'class="lbl small">{hour:02d}</text>'
        )
    for d, day in enumerate(days):
        body.append(f'<text x="{left - 6}" y="{top_pad + d * cell + 16}" text-anchor="end" '
                    f'class="lbl">{escape(day)}</text>')  # fmt: skip
        for hour in range(24):
            value = cells[d * 24 + hour]
            shade = 0.06 + 0.94 * value / top if value else 0.0
            inner = (
                f'<rect x="{left + hour * cell}" y="{top_pad + d * cell}" width="{cell - 2}" '
                f'height="{cell - 2}" fill="{COLOURS[0]}" fill-opacity="{shade:.2f}" '
                f'stroke="#e5e7eb"/>'
            )
            body.append(
                _link(
                    (hrefs or [""] * 168)[d * 24 + hour] if value else "",
                    inner,
                    f"{day} {hour:02d}: {value}",
                )
            )
    busiest = sorted(range(168), key=lambda i: -cells[i])[:3]
    words = ", ".join(f"{days[i // 24]} {i % 24:02d}: {cells[i]}" for i in busiest if cells[i])
    return _svg(uid, title, f"Busiest hours: {words or '—'}", width, height, body)

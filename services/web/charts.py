"""Charts drawn on the server as SVG (no script, no library): horizontal bars, one a row.  Accessible:
``role="img"`` with ``<title>`` and ``<desc>``; the page puts a table of the same rows beside it, whose
figures link to the cases they count (a link inside ``role="img"`` would be hidden from assistive technology).  Colours are presentation attributes, not ``style`` (the pages' CSP allows no inline
style)."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import count

from markupsafe import Markup, escape

WIDTH, LABEL, BAR_H, GAP, TOP = 540, 180, 22, 8, 8
COLOURS = ("#0b5cad", "#1a7f37", "#8a5300", "#b3261e", "#6639ba", "#0a7a8a")
_ids = count(1)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None: not applicable (nothing to divide by)
    text: str | None = None  # the value as shown (e.g. "85.0%（17/20）"); default the number


def bars(title: str, desc: str, rows: list[Bar], *, maximum: float | None = None, colour: int = 0) -> Markup:
    """One horizontal bar chart; ``maximum`` the full scale (1.0 for rates), else the largest value."""
    uid = f"chart-{next(_ids)}"
    top = maximum if maximum else max([r.value or 0 for r in rows] + [1])
    height = TOP * 2 + max(len(rows), 1) * (BAR_H + GAP)
    span = WIDTH - LABEL - 140
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
             f'aria-labelledby="{uid}-t {uid}-d" xmlns="http://www.w3.org/2000/svg">',
             f'<title id="{uid}-t">{escape(title)}</title><desc id="{uid}-d">{escape(desc)}</desc>']
    fill = COLOURS[colour % len(COLOURS)]
    if not rows:
        parts.append(f'<text x="{LABEL}" y="{TOP + 16}" fill="#57606a" font-size="14">暂无数据</text>')
    for n, row in enumerate(rows):
        y = TOP + n * (BAR_H + GAP)
        w = 0 if not row.value else max(2, round(span * row.value / top))
        shown = row.text if row.text is not None else ("不适用" if row.value is None else _number(row.value))
        label = escape(row.label if len(row.label) <= 12 else row.label[:11] + "…")
        bar = (f'<text x="{LABEL - 8}" y="{y + 16}" text-anchor="end" font-size="14" fill="#1f2328">{label}</text>'
               f'<rect x="{LABEL}" y="{y}" width="{w}" height="{BAR_H}" rx="3" fill="{fill}"/>'
               f'<text x="{LABEL + w + 6}" y="{y + 16}" font-size="14" fill="#1f2328">{escape(shown)}</text>')
        parts.append(bar)
    parts.append("</svg>")
    return Markup("".join(parts))


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"

"""``python -m bench.chart FIGURES.jsonl OUT.svg``: each reporting query's p95 against the number of cases.

Reads what ``python -m bench scale --cases N … --json`` printed (one object per size) and draws one line per
query on log–log axes, with the 100 ms line the goal sets, as a self-contained SVG (no script, no font
download: it opens in any browser and on GitHub).
"""

from __future__ import annotations

import html
import json
import math
from pathlib import Path
import sys

WIDTH, HEIGHT = 760, 420
LEFT, RIGHT, TOP, BOTTOM = 70, 210, 40, 50
COLOURS = ("#c0392b", "#2471a3", "#229954", "#b9770e", "#7d3c98", "#17a589", "#566573")
GOAL_MS = 100


def _ticks(low: float, high: float) -> list[float]:
    """Powers of ten (and their 2× and 5×) spanning [low, high]."""
    ticks, exponent = [], math.floor(math.log10(low))
    while 10 ** exponent <= high * 10:
        for m in (1, 2, 5):
            value = m * 10 ** exponent
            if low <= value <= high:
                ticks.append(value)
        exponent += 1
    return ticks


def _label(value: float) -> str:
    return f"{value:,.0f}" if value >= 1 else f"{value:g}"


def svg(results: list[dict]) -> str:
    results = sorted(results, key=lambda r: r["cases"])
    queries = list(results[0]["query_ms"])
    xs = [r["cases"] for r in results]
    ys = [r["query_ms"][q]["p95"] for r in results for q in queries] + [GOAL_MS]
    x_lo, x_hi = min(xs) / 1.3, max(xs) * 1.3
    y_lo, y_hi = max(min(ys) / 1.5, 0.1), max(ys) * 1.5
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def px(x: float) -> float:
        return LEFT + plot_w * (math.log10(x) - math.log10(x_lo)) / (math.log10(x_hi) - math.log10(x_lo))

    def py(y: float) -> float:
        return TOP + plot_h * (1 - (math.log10(y) - math.log10(y_lo)) / (math.log10(y_hi) - math.log10(y_lo)))

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
           f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">',
           '<rect width="100%" height="100%" fill="#fff"/>',
           f'<text x="{LEFT}" y="22" font-size="14" font-weight="bold">reporting queries: p95 (ms) against cases '
           f'(python -m bench scale)</text>']
    for x in _ticks(x_lo, x_hi):
        out.append(f'<line x1="{px(x):.1f}" y1="{TOP}" x2="{px(x):.1f}" y2="{TOP + plot_h}" stroke="#eee"/>'
                   f'<text x="{px(x):.1f}" y="{TOP + plot_h + 16}" text-anchor="middle">{_label(x)}</text>')
    for y in _ticks(y_lo, y_hi):
        out.append(f'<line x1="{LEFT}" y1="{py(y):.1f}" x2="{LEFT + plot_w}" y2="{py(y):.1f}" stroke="#eee"/>'
                   f'<text x="{LEFT - 6}" y="{py(y) + 4:.1f}" text-anchor="end">{_label(y)}</text>')
    out.append(f'<line x1="{LEFT}" y1="{py(GOAL_MS):.1f}" x2="{LEFT + plot_w}" y2="{py(GOAL_MS):.1f}" '
               f'stroke="#000" stroke-dasharray="6 4"/>'
               f'<text x="{LEFT + plot_w - 4}" y="{py(GOAL_MS) - 5:.1f}" text-anchor="end">goal: {GOAL_MS} ms</text>')
    out.append(f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#999"/>'
               f'<text x="{LEFT + plot_w / 2}" y="{HEIGHT - 12}" text-anchor="middle">cases in the read store</text>')
    for k, query in enumerate(queries):
        colour = COLOURS[k % len(COLOURS)]
        points = " ".join(f"{px(r['cases']):.1f},{py(r['query_ms'][query]['p95']):.1f}" for r in results)
        out.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>')
        out.extend(f'<circle cx="{px(r["cases"]):.1f}" cy="{py(r["query_ms"][query]["p95"]):.1f}" r="3" fill="{colour}"/>'
                   for r in results)
        ly = TOP + 10 + 20 * k
        out.append(f'<line x1="{WIDTH - RIGHT + 15}" y1="{ly}" x2="{WIDTH - RIGHT + 40}" y2="{ly}" stroke="{colour}" '
                   f'stroke-width="2"/><text x="{WIDTH - RIGHT + 46}" y="{ly + 4}">{html.escape(query)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    lines = [line for line in Path(argv[0]).read_text(encoding="utf-8").splitlines() if line.strip()]
    results = [json.loads(line) for line in lines]
    if not results:
        print(f"{argv[0]}: no figures", file=sys.stderr)
        return 1
    Path(argv[1]).write_text(svg(results), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

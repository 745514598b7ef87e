"""Charts drawn on the server as SVG: no script to read them, a title and a description for
screen readers (role="img", aria-labelledby), and the same numbers in a table beside each (the
template's job). Colours from the Okabe-Ito palette, told apart by dash pattern too.
"""

import math
from xml.sax.saxutils import escape

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

WIDTH = 640
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#8A6100", "#3A7CA5")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "4 4", "1 2")
MAX_LABEL = 28


def _text(value) -> str:
    return escape(str(value), {'"': "&quot;"})


def _short(label: str) -> str:
    label = str(label)
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def _nice_ceiling(value: float, ticks: int = 4) -> float:
    """The axis's top: `ticks` times the smallest step of 1, 2 or 5 times a power of ten
    (whole numbers at least) that reaches value, so every gridline is a round number."""
    wanted = max(value / ticks, 1)
    power = 10 ** math.floor(math.log10(wanted))
    return ticks * next(step * power for step in (1, 2, 5, 10) if step * power >= wanted)


def _number(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


def _frame(chart_id: str, title: str, description: str, height: int, body: list[str]) -> str:
    return mark_safe(  # noqa: S308 (every text in it is escaped above)
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'class="chart" font-family="sans-serif" font-size="12">'
        f'<title id="{chart_id}-title">{_text(title)}</title>'
        f'<desc id="{chart_id}-desc">{_text(description)}</desc>' + "".join(body) + "</svg>"
    )


def bars(chart_id: str, title: str, rows: list[dict], value: str) -> str:
    """Horizontal bars, one a category, largest first as given."""
    rows = rows[:25]
    top = max([row[value] or 0 for row in rows] + [0])
    ceiling = _nice_ceiling(top)
    left, bar, gap = 210, 18, 6
    span = WIDTH - left - 70
    height = max(40, 20 + len(rows) * (bar + gap))
    body = []
    for i, row in enumerate(rows):
        y = 10 + i * (bar + gap)
        width = (row[value] or 0) / ceiling * span
        body.append(
            f'<text x="{left - 6}" y="{y + 13}" text-anchor="end">{_text(_short(row["label"]))}'
            f"</text>"
            f'<rect x="{left}" y="{y}" width="{width:.1f}" height="{bar}" fill="{PALETTE[0]}"/>'
            f'<text x="{left + width + 4:.1f}" y="{y + 13}">{_number(row[value])}</text>'
        )
    if not rows:
        body.append(f'<text x="10" y="24">{_text(_("Nothing to show yet."))}</text>')
    leaders = ", ".join(f"{row['label']}: {_number(row[value])}" for row in rows[:5])
    description = (
        _("Bar chart of %(n)d categories. Largest: %(leaders)s.")
        % {"n": len(rows), "leaders": leaders}
        if rows
        else _("No data yet.")
    )
    return _frame(chart_id, title, description, height, body)


# Long: axes, grid, one path per series and the legend, drawn in one pass for one SVG.
def lines(chart_id: str, title: str, rows: list[dict], columns: list[tuple[str, str]]) -> str:
    """Months along the bottom: columns when one series is drawn, lines when several."""
    left, right, top_margin, plot_height = 56, 16, 12, 180
    legend_rows = math.ceil(len(columns) / 3) if len(columns) > 1 else 0
    height = top_margin + plot_height + 40 + legend_rows * 18
    span = WIDTH - left - right
    top = max([row[name] or 0 for row in rows for name, _label in columns] + [0])
    ceiling = _nice_ceiling(top)
    step = span / max(1, len(rows))
    body = []
    for tick in range(5):
        value = ceiling * tick / 4
        y = top_margin + plot_height - plot_height * tick / 4
        body.append(
            f'<line x1="{left}" x2="{WIDTH - right}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#ccc" stroke-width="1"/>'
            f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{_number(value)}</text>'
        )
    every = max(1, math.ceil(len(rows) / 6))
    for i, row in enumerate(rows):
        if i % every == 0:
            x = left + step * (i + 0.5)
            body.append(
                f'<text x="{x:.1f}" y="{top_margin + plot_height + 16}" text-anchor="middle">'
                f"{_text(row['month'])}</text>"
            )

    def y_of(v) -> float:
        return top_margin + plot_height - plot_height * (v or 0) / ceiling

    if len(columns) == 1:
        name = columns[0][0]
        for i, row in enumerate(rows):
            y = y_of(row[name])
            body.append(
                f'<rect x="{left + step * i + step * 0.15:.1f}" y="{y:.1f}" '
                f'width="{step * 0.7:.1f}" height="{top_margin + plot_height - y:.1f}" '
                f'fill="{PALETTE[0]}"><title>{_text(row["month"])}: {_number(row[name])}</title>'
                f"</rect>"
            )
    else:
        for n, (name, label) in enumerate(columns):
            points = " ".join(
                f"{left + step * (i + 0.5):.1f},{y_of(row[name]):.1f}" for i, row in enumerate(rows)
            )
            colour, dash = PALETTE[n % len(PALETTE)], DASHES[n % len(DASHES)]
            body.append(
                f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"'
                + (f' stroke-dasharray="{dash}"' if dash else "")
                + "/>"
            )
            lx = left + (n % 3) * 190
            ly = top_margin + plot_height + 34 + (n // 3) * 18
            body.append(
                f'<line x1="{lx}" x2="{lx + 24}" y1="{ly - 4}" y2="{ly - 4}" stroke="{colour}" '
                f'stroke-width="2"' + (f' stroke-dasharray="{dash}"' if dash else "") + "/>"
                f'<text x="{lx + 30}" y="{ly}">{_text(_short(label))}</text>'
            )
    totals = ", ".join(
        f"{label}: {_number(sum(row[name] or 0 for row in rows))}" for name, label in columns
    )
    description = (
        _("Chart by month from %(first)s to %(last)s. Totals over the period: %(totals)s.")
        % {"first": rows[0]["month"], "last": rows[-1]["month"], "totals": totals}
        if rows
        else _("No data yet.")
    )
    return _frame(chart_id, title, description, height, body)


def chart_for(spec, rows: list[dict]) -> str:
    """The chart a series is drawn as; empty for a table."""
    chart_id = f"chart-{spec.name}"
    if spec.kind == "categories":
        return bars(chart_id, str(spec.title), rows, spec.columns[-1].name)
    if spec.kind == "monthly":
        drawn = [
            (c.name, str(c.label)) for c in spec.columns if c.unit == "count" and c.name != "total"
        ]
        return lines(chart_id, str(spec.title), rows, drawn)
    return ""

"""Server-rendered SVG charts: the geometry here, the markup in templates/dashboard/chart.html.

No JavaScript and nothing from a CDN: a chart is a list of rectangles and labels in a viewBox
that scales with the page. Each chart also carries its numbers as a table, for screen readers
and for anyone who would rather read than look.
"""

from dataclasses import dataclass, field

PALETTE_SIZE = 8  # CSS classes .s0 … .s7 in static/css/dashboard.css


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    css: str
    title: str


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    anchor: str = "middle"
    css: str = ""


@dataclass
class Chart:
    label: str
    width: int
    height: int
    rects: list[Rect] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)
    lines: list[tuple[float, float, float, float, str]] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    rows: list[list] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.rows


def nice_max(value: float) -> float:
    """A round axis maximum at or above `value` (1, 2 or 5 times a power of ten)."""
    if value <= 0:
        return 1
    magnitude = 1
    while magnitude * 10 <= value:
        magnitude *= 10
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


def stacked_columns(
    label: str,
    categories: list[str],
    series: list[tuple[str, list[int]]],
    *,
    width: int = 640,
    height: int = 220,
    max_labels: int = 10,
) -> Chart:
    """Columns per category, stacked by series (e.g. per day: automated, to a human)."""
    left, right, top, bottom = 36, 8, 8, 24
    chart = Chart(label, width, height)
    chart.legend = [(f"s{i % PALETTE_SIZE}", name) for i, (name, _) in enumerate(series)]
    chart.headers = ["", *(name for name, _ in series)]
    totals = [sum(values[i] for _, values in series) for i in range(len(categories))]
    chart.rows = [
        [category, *(values[i] for _, values in series)]
        for i, category in enumerate(categories)
        if totals[i]
    ]
    top_value = nice_max(max(totals, default=0))
    plot_w, plot_h = width - left - right, height - top - bottom
    for fraction in (0, 0.5, 1):
        y = top + plot_h * (1 - fraction)
        chart.lines.append((left, y, width - right, y, "grid"))
        chart.texts.append(Text(left - 4, y + 4, f"{top_value * fraction:g}", "end", "axis"))
    if not categories:
        return chart
    slot = plot_w / len(categories)
    bar = max(slot * 0.75, 1)
    every = max(1, -(-len(categories) // max_labels))
    for i, category in enumerate(categories):
        x = left + i * slot + (slot - bar) / 2
        y = top + plot_h
        for s, (name, values) in enumerate(series):
            value = values[i]
            if not value:
                continue
            h = plot_h * value / top_value
            y -= h
            chart.rects.append(
                Rect(
                    round(x, 1),
                    round(y, 1),
                    round(bar, 1),
                    round(h, 1),
                    f"s{s % PALETTE_SIZE}",
                    f"{category}: {name} {value}",
                )
            )
        if i % every == 0:
            chart.texts.append(Text(round(x + bar / 2, 1), height - 6, category, "middle", "axis"))
    return chart


def horizontal_bars(
    label: str,
    items: list[tuple[str, int]],
    *,
    width: int = 420,
    row_height: int = 26,
    value_label: str = "",
) -> Chart:
    """One bar per item, longest first as given (e.g. the backlog per state)."""
    left, right = 130, 40
    height = max(row_height * len(items), row_height)
    chart = Chart(label, width, height)
    chart.headers = ["", value_label]
    chart.rows = [[name, value] for name, value in items]
    top_value = nice_max(max((value for _, value in items), default=0))
    plot_w = width - left - right
    for i, (name, value) in enumerate(items):
        y = i * row_height
        w = plot_w * value / top_value
        chart.texts.append(Text(left - 6, y + row_height * 0.65, name, "end", "axis"))
        chart.rects.append(
            Rect(left, y + 4, round(max(w, 0), 1), row_height - 8, f"s{i % PALETTE_SIZE}", name)
        )
        chart.texts.append(Text(round(left + w + 4, 1), y + row_height * 0.65, str(value), "start"))
    return chart


def share_bar(
    label: str, parts: list[tuple[str, int]], *, width: int = 420, height: int = 28
) -> Chart:
    """One bar split into shares (e.g. customers: accepted, declined, no answer)."""
    chart = Chart(label, width, height)
    total = sum(value for _, value in parts)
    chart.headers = ["", "n", "%"]
    chart.rows = [
        [name, value, round(100 * value / total) if total else 0] for name, value in parts
    ]
    chart.legend = [(f"s{i % PALETTE_SIZE}", name) for i, (name, _) in enumerate(parts)]
    if not total:
        chart.rows = []
        return chart
    x = 0.0
    for i, (name, value) in enumerate(parts):
        w = width * value / total
        if w:
            chart.rects.append(
                Rect(
                    round(x, 1),
                    0,
                    round(w, 1),
                    height,
                    f"s{i % PALETTE_SIZE}",
                    f"{name}: {value} ({100 * value / total:.0f} %)",
                )
            )
        x += w
    return chart


@dataclass(frozen=True)
class IntervalMarks:
    """An agreement rate with its interval on a 0 to 100 % scale of `width` pixels."""

    width: int
    low: float
    point: float
    high: float
    target: float


def interval_marks(agreement, *, target: float, width: int = 160) -> IntervalMarks | None:
    if not agreement.total:
        return None
    low, high = agreement.interval
    return IntervalMarks(
        width,
        round(low * width, 1),
        round(agreement.rate * width, 1),
        round(high * width, 1),
        round(target * width, 1),
    )

"""
Charts drawn on the server as inline SVG: no JavaScript, readable without CSS, and the
numbers always stand in a table beside them.
"""

from dataclasses import dataclass

WIDTH, HEIGHT = 640, 260
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 72, 16, 16, 32


def svg_number(value):
    """A coordinate as the SVG writes it, to a tenth of a unit and never localized."""
    return f"{value:.1f}"


@dataclass
class ChartPoint:
    x: float
    y: float
    label: str
    value_label: str

    @property
    def cx(self):
        return svg_number(self.x)

    @property
    def cy(self):
        return svg_number(self.y)


@dataclass
class LineChart:
    points: list
    x_ticks: list
    y_ticks: list
    width: int = WIDTH
    height: int = HEIGHT
    left: int = MARGIN_LEFT
    bottom: int = HEIGHT - MARGIN_BOTTOM
    # Where the ticks' labels stand: left of the vertical axis, under the horizontal one.
    y_label_x: int = MARGIN_LEFT - 6
    x_label_y: int = HEIGHT - 10

    @property
    def polyline(self):
        return " ".join(f"{point.cx},{point.cy}" for point in self.points)

    @property
    def right(self):
        return self.width - MARGIN_RIGHT


def line_chart(series, lower_is_better, format_value):
    """
    `series` is [(year, value)], oldest first. Better marks are drawn higher: for times the
    axis runs downwards, so a faster season climbs as a reader expects.
    """
    if not series:
        return None
    years = [year for year, _value in series]
    values = [value for _year, value in series]
    first_year, last_year = min(years), max(years)
    low, high = min(values), max(values)
    if low == high:
        low, high = low - 1, high + 1
    plot_width = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_height = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM

    def x_of(year):
        if first_year == last_year:
            return MARGIN_LEFT + plot_width / 2
        return MARGIN_LEFT + (year - first_year) / (last_year - first_year) * plot_width

    def y_of(value):
        share = (value - low) / (high - low)
        if not lower_is_better:
            share = 1 - share
        return MARGIN_TOP + share * plot_height

    points = [
        ChartPoint(x_of(year), y_of(value), str(year), format_value(value))
        for year, value in series
    ]
    step = max(1, round((last_year - first_year) / 8))
    # Ticks as (coordinate written for the SVG, label).
    x_ticks = [
        (svg_number(x_of(year)), str(year)) for year in range(first_year, last_year + 1, step)
    ]
    y_ticks = [
        (svg_number(y_of(value)), format_value(value))
        for value in sorted({low, high, *values})[:: max(1, len(values) // 4)]
    ]
    return LineChart(points=points, x_ticks=x_ticks, y_ticks=y_ticks)

"""Monthly bar charts of /stats, drawn by the server as inline SVG (templates/stats/_chart.html),
each with a text alternative and its data table: no chart library, no JavaScript."""

from dataclasses import dataclass
from datetime import date

from django.utils.formats import number_format

from chauffage.formatting import MONTHS

CHART_MONTHS = 24
WIDTH = 720
LABEL_WIDTH = 150
BAR_MAX = 470
ROW_HEIGHT = 24
BAR_HEIGHT = 16


def month_label(month: date) -> str:
    return f"{MONTHS[month.month - 1]} {month.year}"


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    y: int
    width: float

    @property
    def text_y(self) -> int:
        return self.y + BAR_HEIGHT - 3

    @property
    def value_x(self) -> float:
        return LABEL_WIDTH + self.width + 6

    @property
    def value_label(self) -> str:
        return number_format(self.value, force_grouping=True)


@dataclass(frozen=True)
class MonthlyChart:
    slug: str
    title: str
    bars: list[Bar]

    width = WIDTH
    label_width = LABEL_WIDTH
    bar_height = BAR_HEIGHT

    @property
    def height(self) -> int:
        return max(len(self.bars), 1) * ROW_HEIGHT

    @property
    def total(self) -> int:
        return sum(bar.value for bar in self.bars)

    @property
    def total_label(self) -> str:
        return number_format(self.total, force_grouping=True)

    @property
    def summary(self) -> str:
        parts = "; ".join(f"{bar.label} : {bar.value_label}" for bar in self.bars)
        return f"{self.title}, par mois. {parts}."


def monthly_chart(slug: str, title: str, series: list[dict], key: str) -> MonthlyChart:
    """A bar per month (the last CHART_MONTHS months), zeros included."""
    rows = series[-CHART_MONTHS:]
    biggest = max([row[key] for row in rows] + [1])
    bars = [
        Bar(
            label=month_label(row["month"]),
            value=row[key],
            y=index * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) // 2,
            width=round(BAR_MAX * row[key] / biggest, 1),
        )
        for index, row in enumerate(rows)
    ]
    return MonthlyChart(slug=slug, title=title, bars=bars)

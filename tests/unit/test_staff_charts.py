"""The overview's SVG charts: room for every label, bars scaled, weeks as columns."""
from __future__ import annotations

from staff.charts import CHAR_WIDTH, bar_chart, column_chart


def test_the_label_room_fits_the_longest_label():
    long = "Overlast door jongeren, drugs of drank op straat"
    chart = bar_chart([(long, 3, "/signalen?x=1"), ("kort", 1, None)])
    assert chart.label_width >= len(long) * CHAR_WIDTH
    assert chart.bars[0].href == "/signalen?x=1" and chart.bars[1].href is None
    assert chart.bars[0].width > chart.bars[1].width > 0
    assert all(bar.x + bar.width + 50 <= chart.width for bar in chart.bars)


def test_weeks_are_vertical_columns_left_to_right():
    chart = column_chart([("wk 1", 0, None), ("wk 2", 4, None), ("wk 3", 2, None)])
    assert chart.vertical
    xs = [bar.x for bar in chart.bars]
    assert xs == sorted(xs) and chart.bars[0].height == 0
    assert chart.bars[1].height == 2 * chart.bars[2].height
    assert all(bar.y + bar.height <= chart.height for bar in chart.bars)

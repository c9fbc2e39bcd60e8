"""Bar charts as inline SVG, drawn on the server: pictures without any JavaScript.

Each bar links to the list filtered on what it counts; each chart also gets a data table
in the page (its text alternative). Label room is measured from the longest label, so
no label is cut off.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

BAR_ROOM = 340  # horizontal chart: room for the longest bar and its value
BAR_HEIGHT = 22
GAP = 8
# A generous width per character at 14 px (capitals and wide letters included), so
# the measured room is never too small.
CHAR_WIDTH = 8.6
MAX_LABEL_WIDTH = 420
# Vertical chart (weeks)
COLUMN_WIDTH = 44
COLUMN_GAP = 12
COLUMN_ROOM = 160
COLUMN_LABEL_ROOM = 40
VALUE_ROOM = 20

Row = Tuple[str, int, Optional[str]]  # label, value, link to the filtered list (or None)


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: int
    y: int
    width: int
    height: int
    href: Optional[str] = None


@dataclass(frozen=True)
class BarChart:
    bars: List[Bar]
    width: int
    height: int
    label_width: int = 0
    vertical: bool = False

    @property
    def total(self) -> int:
        return sum(bar.value for bar in self.bars)


def label_width(labels: Sequence[str]) -> int:
    longest = max((len(label) for label in labels), default=0)
    return min(MAX_LABEL_WIDTH, round(longest * CHAR_WIDTH) + 16)


def bar_chart(rows: Sequence[Row]) -> BarChart:
    """Horizontal bars, for long labels (topics, gebieden, statuses)."""
    rows = [(row[0], row[1], row[2] if len(row) > 2 else None) for row in rows]
    room = label_width([label for label, _, _ in rows])
    biggest = max((value for _, value, _ in rows), default=0) or 1
    bars = [Bar(label=label, value=value, x=room, y=GAP + i * (BAR_HEIGHT + GAP),
                width=round((BAR_ROOM - 50) * value / biggest), height=BAR_HEIGHT, href=href)
            for i, (label, value, href) in enumerate(rows)]
    return BarChart(bars=bars, width=room + BAR_ROOM, label_width=room,
                    height=GAP + len(bars) * (BAR_HEIGHT + GAP))


def column_chart(rows: Sequence[Row]) -> BarChart:
    """Vertical bars, for a time line (weeks left to right)."""
    biggest = max((value for _, value, _ in rows), default=0) or 1
    bars = []
    for i, (label, value, href) in enumerate(rows):
        height = round(COLUMN_ROOM * value / biggest)
        bars.append(Bar(label=label, value=value, x=COLUMN_GAP + i * (COLUMN_WIDTH + COLUMN_GAP),
                        y=VALUE_ROOM + COLUMN_ROOM - height, width=COLUMN_WIDTH,
                        height=height, href=href))
    return BarChart(bars=bars, vertical=True,
                    width=COLUMN_GAP + len(bars) * (COLUMN_WIDTH + COLUMN_GAP),
                    height=VALUE_ROOM + COLUMN_ROOM + COLUMN_LABEL_ROOM)

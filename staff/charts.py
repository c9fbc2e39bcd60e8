"""Bar charts as inline SVG, drawn on the server: pictures without any JavaScript.

Each chart also gets a data table in the page (its text alternative).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import List, Sequence, Tuple

WIDTH = 640
LABEL_WIDTH = 250
BAR_HEIGHT = 22
GAP = 8
VALUE_ROOM = 50


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    y: int
    width: int


@dataclass(frozen=True)
class BarChart:
    bars: List[Bar]
    height: int
    label_width: int = LABEL_WIDTH
    width: int = WIDTH

    @property
    def total(self) -> int:
        return sum(bar.value for bar in self.bars)


def bar_chart(rows: Sequence[Tuple[str, int]]) -> BarChart:
    biggest = max((value for _, value in rows), default=0) or 1
    room = WIDTH - LABEL_WIDTH - VALUE_ROOM
    bars = [Bar(label=label, value=value, y=GAP + i * (BAR_HEIGHT + GAP),
                width=round(room * value / biggest))
            for i, (label, value) in enumerate(rows)]
    return BarChart(bars=bars, height=GAP + len(bars) * (BAR_HEIGHT + GAP))

"""Anonymous question counts for the wijkakkoord: how many questions residents and
wijkraad members asked the chat, per ISO week, gebied, topic and kind of question.

Only counts are stored: no text, no conversation id, no sender, and no time finer than
the week. The Rasa server counts once per user turn (bot/channel.py calls
`count_turn` after the message is processed); the widget never counts. A count under
`SMALL` is shown as "< 5" everywhere it is shown (page, CSV, command line), so a rare
question cannot be traced back to one person. The counts hold nothing personal, so the
retention command (wijkveiligheid/retention.py) leaves them alone: they are kept apart
from conversations and signals.

What counts as a question: a turn the NLU read as one of the topics (TOPIC_IDS); a
follow-up question ("en mogen wij daar iets over zeggen?") about the topic the
conversation is on; and a topic question that got 112 first (the topic kept in entity
`onderwerp`). Greetings, answers in the signal form and out-of-scope messages are not
counted. The gebied is the one named in this message, else the last one the same
conversation named before (wijkveiligheid.wijken.match_location), else none.
"""
from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from sqlalchemy import Column, Integer, String, UniqueConstraint, func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from wijkveiligheid.knowledge import FOLLOW_UP_INTENT, QUESTION_KINDS, TOPIC_IDS
from wijkveiligheid.models import Base
from wijkveiligheid.wijken import match_location

logger = logging.getLogger(__name__)

SMALL = 5  # counts below this are shown as "< 5"
NO_GEBIED = ""  # stored when the conversation named no gebied
NO_KIND = ""
EMERGENCY = "noodgeval"
CSV_COLUMNS = ["week", "gebied", "onderwerp", "vraagsoort", "aantal"]


class QuestionCount(Base):
    """How many questions of one kind about one topic came from one gebied in one week."""

    __tablename__ = "vraag_tellingen"
    __table_args__ = (UniqueConstraint("week", "gebied", "onderwerp", "vraagsoort",
                                       name="uq_vraag_tellingen_sleutel"),)

    id = Column(Integer, primary_key=True)
    week = Column(String(8), nullable=False, index=True)  # ISO week, "2026-W49"
    gebied = Column(String(80), nullable=False, default=NO_GEBIED)
    onderwerp = Column(String(40), nullable=False)
    vraagsoort = Column(String(20), nullable=False, default=NO_KIND)
    aantal = Column(Integer, nullable=False, default=0)


@dataclass(frozen=True)
class Question:
    onderwerp: str
    vraagsoort: str = NO_KIND
    gebied: str = NO_GEBIED


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def local_today(moment: Optional[datetime] = None) -> date:
    """The day in Rotterdam, so a week starts at Monday midnight there."""
    moment = moment or datetime.now(timezone.utc)
    try:
        from zoneinfo import ZoneInfo

        return moment.astimezone(ZoneInfo("Europe/Amsterdam")).date()
    except Exception:  # no time-zone data on this machine
        return moment.date()


def gebied_named(texts: Sequence[str]) -> str:
    """The gebied the last of these texts that names one names, else NO_GEBIED."""
    for text in reversed(texts):
        location = match_location(text)
        if location is not None:
            return location.gebied
    return NO_GEBIED


def question_in_turn(intent: Optional[str], entities: Iterable[Dict], texts: Sequence[str],
                     topic_slot: Optional[str] = None, in_form: bool = False
                     ) -> Optional[Question]:
    """What to count for one user turn, or None when it was no question to count.

    intent and entities: the NLU's reading of the turn; texts: the conversation's user
    messages up to and including this one (only to find the gebied); topic_slot: the
    topic the conversation is on; in_form: the turn answered the signal form."""
    if in_form:
        return None
    found = {e.get("entity"): e.get("value") for e in entities or []}
    topic = None
    if intent in TOPIC_IDS:
        topic = intent
    elif intent == EMERGENCY and found.get("onderwerp") in TOPIC_IDS:
        topic = found["onderwerp"]  # a topic question that got 112 first
    elif intent == FOLLOW_UP_INTENT and topic_slot in TOPIC_IDS:
        topic = topic_slot
    if topic is None:
        return None
    kind = found.get("vraagsoort")
    return Question(onderwerp=topic, vraagsoort=kind if kind in QUESTION_KINDS else NO_KIND,
                    gebied=gebied_named(texts))


def add(engine: Engine, question: Question, week: Optional[str] = None) -> None:
    """Adds one to the count of this week, gebied, topic and kind (works on SQLite and
    PostgreSQL; two servers counting at once both count)."""
    key = dict(week=week or iso_week(local_today()), gebied=question.gebied,
               onderwerp=question.onderwerp, vraagsoort=question.vraagsoort)
    match = [getattr(QuestionCount, name) == value for name, value in key.items()]
    for _attempt in range(3):
        with engine.begin() as connection:
            done = connection.execute(update(QuestionCount).where(*match)
                                      .values(aantal=QuestionCount.aantal + 1))
            if done.rowcount:
                return
        try:
            with engine.begin() as connection:
                connection.execute(QuestionCount.__table__.insert().values(aantal=1, **key))
            return
        except IntegrityError:
            continue  # another server inserted the row just now: add to it
    raise RuntimeError("De telling kon niet worden bijgewerkt.")


# -- reading -------------------------------------------------------------------------
@dataclass(frozen=True)
class Row:
    week: str
    gebied: str
    onderwerp: str
    vraagsoort: str
    aantal: int


def rows(engine: Engine, first_week: str = "", last_week: str = "",
         gebied: Optional[str] = None) -> List[Row]:
    """The counts, newest week first; weeks as "2026-W49" (they sort as text)."""
    query = select(QuestionCount.week, QuestionCount.gebied, QuestionCount.onderwerp,
                   QuestionCount.vraagsoort, QuestionCount.aantal)
    if first_week:
        query = query.where(QuestionCount.week >= first_week)
    if last_week:
        query = query.where(QuestionCount.week <= last_week)
    if gebied is not None:
        query = query.where(QuestionCount.gebied == gebied)
    query = query.order_by(QuestionCount.week.desc(), QuestionCount.onderwerp,
                           QuestionCount.gebied, QuestionCount.vraagsoort)
    with engine.connect() as connection:
        return [Row(*r) for r in connection.execute(query)]


def total(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.coalesce(func.sum(QuestionCount.aantal), 0))
                                  ).scalar_one()


def shown(count: int) -> str:
    """A count as people see it: below SMALL only "< 5"."""
    return f"< {SMALL}" if count < SMALL else str(count)


def per_topic_and_week(found: Iterable[Row]) -> Dict[str, List[Tuple[str, int]]]:
    """topic -> [(week, count)], oldest week first: the data of the chart per topic."""
    sums: Dict[str, Dict[str, int]] = {}
    for row in found:
        weeks = sums.setdefault(row.onderwerp, {})
        weeks[row.week] = weeks.get(row.week, 0) + row.aantal
    return {topic: sorted(weeks.items()) for topic, weeks in sorted(sums.items())}


def labels(row: Row, topic_names: Dict[str, str]) -> List[str]:
    return [row.week, row.gebied or "geen gebied genoemd",
            topic_names.get(row.onderwerp, row.onderwerp), row.vraagsoort or "onbekend",
            shown(row.aantal)]


def write_csv(found: Iterable[Row], out, topic_names: Dict[str, str]) -> None:
    """The table, `;`-separated as Dutch spreadsheets expect, counts under 5 as "< 5"."""
    writer = csv.writer(out, delimiter=";")
    writer.writerow(CSV_COLUMNS)
    for row in found:
        writer.writerow(labels(row, topic_names))


def csv_text(found: Iterable[Row], topic_names: Dict[str, str]) -> str:
    out = io.StringIO()
    write_csv(found, out, topic_names)
    return out.getvalue()

"""Finding signals: one filter for the page, the CSV export and the command line."""
from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from typing import Dict, Iterable, List, Mapping, Optional, Tuple

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from wijkveiligheid.models import OPEN_STATUSES, STATUSES, Signal, as_utc

PAGE_SIZE = 25
REPORTER_ROLES = ("bewoner", "ondernemer", "wijkraadslid", "anders")
MAX_SEARCH = 100
# Dates outside these cannot hold a signal, and near date.min/max the time-zone
# arithmetic overflows: a filter gets a Dutch message instead.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)


@lru_cache(maxsize=1)
def topic_names() -> Dict[str, str]:
    """Topic id -> its Dutch name, from the knowledge files (one source of truth)."""
    from wijkveiligheid.knowledge import TOPIC_IDS, knowledge

    kb = knowledge()
    return {topic_id: kb.topic(topic_id).naam for topic_id in TOPIC_IDS}


@lru_cache(maxsize=1)
def gebieden() -> Tuple[str, ...]:
    from wijkveiligheid.wijken import all_gebieden

    return tuple(all_gebieden())


@lru_cache(maxsize=1)
def wijken_per_gebied() -> Dict[str, Tuple[str, ...]]:
    from wijkveiligheid.wijken import all_wijken

    return {gebied: tuple(all_wijken(gebied)) for gebied in gebieden()}


def topic_name(topic_id: str) -> str:
    return topic_names().get(topic_id, topic_id)


@dataclass
class SignalFilter:
    onderwerp: str = ""
    gebied: str = ""
    wijk: str = ""
    status: str = ""
    rol: str = ""
    van: Optional[date] = None
    tot: Optional[date] = None  # inclusive
    zoek: str = ""
    errors: List[str] = field(default_factory=list, compare=False)

    @classmethod
    def parse(cls, values: Mapping[str, str]) -> "SignalFilter":
        """Reads the filter from form or command-line values; unknown values become errors."""
        result = cls()
        get = lambda name: (values.get(name) or "").strip()  # noqa: E731
        # A signal's wijk is the gebied's name when only the gebied was known.
        all_wijken = gebieden() + tuple(w for ws in wijken_per_gebied().values() for w in ws)
        choices = {"onderwerp": tuple(topic_names()), "gebied": gebieden(), "wijk": all_wijken,
                   "status": STATUSES + ("open",), "rol": REPORTER_ROLES}
        unknown = {"onderwerp": "Onbekend onderwerp", "gebied": "Onbekend gebied",
                   "wijk": "Onbekende wijk",
                   "status": "Onbekende status", "rol": "Onbekende rol"}
        for name, allowed in choices.items():
            value = get(name)
            if value and value not in allowed:
                result.errors.append(f"{unknown[name]}: kies er een uit de lijst.")
            elif value:
                setattr(result, name, value)
        for name, label in (("van", "Vanaf"), ("tot", "Tot en met")):
            value = get(name)
            if value:
                try:
                    day = date.fromisoformat(value) if value.isascii() else None
                except ValueError:
                    day = None
                if day is None:
                    result.errors.append(f"{label}: schrijf de datum als jjjj-mm-dd.")
                elif not FIRST_DAY <= day <= LAST_DAY:
                    result.errors.append(f"{label}: kies een datum tussen "
                                         f"{FIRST_DAY:%d-%m-%Y} en {LAST_DAY:%d-%m-%Y}.")
                else:
                    setattr(result, name, day)
        if result.van and result.tot and result.van > result.tot:
            result.errors.append("De begindatum ligt na de einddatum.")
        zoek = " ".join(get("zoek").split())  # tabs, newlines, odd spaces: one space
        if len(zoek) > MAX_SEARCH:
            result.errors.append(f"Zoektekst: maximaal {MAX_SEARCH} tekens.")
        elif not zoek.isprintable():  # control characters; PostgreSQL refuses NUL
            result.errors.append("Zoektekst: gebruik alleen letters, cijfers en leestekens.")
        else:
            result.zoek = zoek
        return result

    def as_params(self) -> Dict[str, str]:
        """The filter as query-string values (for paging and export links)."""
        params = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if item.name != "errors" and value:
                params[item.name] = value.isoformat() if isinstance(value, date) else value
        return params

    def apply(self, query):
        if self.onderwerp:
            query = query.where(Signal.onderwerp == self.onderwerp)
        if self.gebied:
            query = query.where(Signal.gebied == self.gebied)
        if self.wijk:
            query = query.where(Signal.wijk == self.wijk)
        if self.status == "open":
            query = query.where(Signal.status.in_(OPEN_STATUSES))
        elif self.status:
            query = query.where(Signal.status == self.status)
        if self.rol:
            query = query.where(Signal.rol == self.rol)
        if self.van:
            query = query.where(Signal.aangemaakt_op >= _start_of(self.van))
        if self.tot:
            query = query.where(Signal.aangemaakt_op < _start_of(self.tot + timedelta(days=1)))
        if self.zoek:
            query = query.where(or_(
                Signal.beschrijving.ilike(f"%{_escape(self.zoek)}%", escape="\\"),
                Signal.referentie.ilike(f"%{_escape(self.zoek)}%", escape="\\"),
                Signal.wijk.ilike(f"%{_escape(self.zoek)}%", escape="\\")))
        return query


PAGE_PATTERN = re.compile(r"[0-9]{1,9}")


def page_number(value: Optional[str], pages: int) -> Tuple[int, Optional[str]]:
    """The page asked for, or page 1 and a Dutch message when it does not exist."""
    value = (value or "1").strip()
    if PAGE_PATTERN.fullmatch(value) and 1 <= int(value) <= pages:
        return int(value), None
    return 1, f"Pagina: kies een pagina van 1 tot en met {pages}."


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _start_of(day: date) -> datetime:
    # Days are Dutch days: a signal at 00:30 in Rotterdam belongs to that date.
    return datetime.combine(day, time.min, tzinfo=local_zone()).astimezone(timezone.utc)


@lru_cache(maxsize=1)
def local_zone():
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo("Europe/Amsterdam")
    except Exception:  # no time-zone data on this machine
        return timezone.utc


def local(moment: Optional[datetime]) -> Optional[datetime]:
    return as_utc(moment).astimezone(local_zone()) if moment else None


def count(session: Session, signal_filter: SignalFilter) -> int:
    query = signal_filter.apply(select(func.count(Signal.id)))
    return session.execute(query).scalar_one()


def find(session: Session, signal_filter: SignalFilter, page: int = 1,
         page_size: Optional[int] = PAGE_SIZE) -> List[Signal]:
    """Signals matching the filter, newest first; page_size None gives them all."""
    query = signal_filter.apply(select(Signal)).order_by(Signal.aangemaakt_op.desc(),
                                                         Signal.id.desc())
    if page_size:
        query = query.limit(page_size).offset((max(page, 1) - 1) * page_size)
    return list(session.execute(query).scalars())


def by_reference(session: Session, reference: str) -> Optional[Signal]:
    return session.execute(select(Signal).where(Signal.referentie == reference)).scalar_one_or_none()


# -- CSV ----------------------------------------------------------------------
CSV_COLUMNS = ["referentie", "aangemaakt_op", "onderwerp", "wijk", "gebied", "rol", "status",
               "beschrijving", "contact_toestemming"]


def _safe_cell(value: str) -> str:
    # A cell that starts with = + - @ runs as a formula in a spreadsheet (CSV injection).
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def write_csv(signals: Iterable[Signal], out, with_contact: bool) -> int:
    columns = CSV_COLUMNS + (["contact"] if with_contact else [])
    writer = csv.writer(out, delimiter=";")  # Dutch spreadsheets expect a semicolon
    writer.writerow(columns)
    rows = 0
    for signal in signals:
        values = {
            "referentie": signal.referentie, "aangemaakt_op": local(signal.aangemaakt_op)
            .isoformat(timespec="minutes"), "onderwerp": topic_name(signal.onderwerp),
            "wijk": signal.wijk or "", "gebied": signal.gebied or "", "rol": signal.rol,
            "status": signal.status, "beschrijving": signal.beschrijving,
            "contact_toestemming": "ja" if signal.contact_toestemming else "nee",
            "contact": (signal.contact or "") if signal.contact_toestemming else "",
        }
        writer.writerow([_safe_cell(str(values[c])) for c in columns])
        rows += 1
    return rows


def csv_text(signals: Iterable[Signal], with_contact: bool) -> str:
    out = io.StringIO()
    write_csv(signals, out, with_contact)
    return out.getvalue()


# -- the overview ---------------------------------------------------------------
def per_topic(session: Session) -> List[Tuple[str, int]]:
    rows = session.execute(select(Signal.onderwerp, func.count(Signal.id))
                           .group_by(Signal.onderwerp)).all()
    return sorted(((topic_name(t), n) for t, n in rows), key=lambda r: (-r[1], r[0]))


def per_gebied(session: Session) -> List[Tuple[str, int]]:
    rows = session.execute(select(Signal.gebied, func.count(Signal.id))
                           .group_by(Signal.gebied)).all()
    return sorted(((g or "onbekend", n) for g, n in rows), key=lambda r: (-r[1], r[0]))


def per_week(session: Session, weeks: int = 12, today: Optional[date] = None) -> List[Tuple[str, int]]:
    """Signals per ISO week for the last `weeks` weeks, oldest first, empty weeks included."""
    today = today or datetime.now(local_zone()).date()
    monday = today - timedelta(days=today.weekday())
    first = monday - timedelta(weeks=weeks - 1)
    moments = session.execute(select(Signal.aangemaakt_op)
                              .where(Signal.aangemaakt_op >= _start_of(first))).scalars()
    counted = Counter(local(m).date().isocalendar()[:2] for m in moments)
    result = []
    for i in range(weeks):
        year, week, _ = (first + timedelta(weeks=i)).isocalendar()
        result.append((f"week {week} ({year})", counted.get((year, week), 0)))
    return result


def workload(session: Session) -> List[Tuple[str, int]]:
    rows = dict(session.execute(select(Signal.status, func.count(Signal.id))
                                .where(Signal.status.in_(OPEN_STATUSES))
                                .group_by(Signal.status)).all())
    return [(status, rows.get(status, 0)) for status in OPEN_STATUSES]

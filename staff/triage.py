"""Ownership and duplicates: who handles a signal, how urgent it is, and which signals
report the same thing. Every change goes into the audit log, like a status change."""
from __future__ import annotations

from datetime import date, datetime, time, timezone
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from staff.models import audit
from staff.queries import FIRST_DAY, LAST_DAY, local, local_zone
from wijkveiligheid.models import PRIORITIES, Signal


class TriageError(ValueError):
    """A change that cannot be made; the message is Dutch, for the user."""


def assign(session: Session, signal: Signal, username: Optional[str], door: str) -> None:
    if signal.toegewezen_aan == username:
        return
    signal.toegewezen_aan = username
    audit(session, door, "toegewezen", f"aan {username}" if username else "aan niemand",
          signal.referentie)


def deadline_from(day_text: str) -> datetime:
    """A date from the form as the end of that day in Rotterdam."""
    try:
        day = date.fromisoformat(day_text.strip()) if day_text.strip().isascii() else None
    except ValueError:
        day = None
    if day is None:
        raise TriageError("Deadline: schrijf de datum als jjjj-mm-dd.")
    if not FIRST_DAY <= day <= LAST_DAY:
        raise TriageError(f"Deadline: kies een datum tussen {FIRST_DAY:%d-%m-%Y} en "
                          f"{LAST_DAY:%d-%m-%Y}.")
    return datetime.combine(day, time(23, 59), tzinfo=local_zone()).astimezone(timezone.utc)


def set_priority_and_deadline(session: Session, signal: Signal, priority: str,
                              deadline_text: str, door: str) -> None:
    if priority not in PRIORITIES:
        raise TriageError(f"Prioriteit: kies {' of '.join(PRIORITIES)}.")
    deadline = deadline_from(deadline_text) if deadline_text.strip() else signal.deadline
    changes = []
    if priority != signal.prioriteit:
        changes.append(f"prioriteit {signal.prioriteit} -> {priority}")
        signal.prioriteit = priority
    if deadline_text.strip() and (signal.deadline is None
                                  or local(deadline).date() != local(signal.deadline).date()):
        changes.append(f"deadline {local(deadline):%d-%m-%Y}")
        signal.deadline = deadline
    if changes:
        audit(session, door, "triage", ", ".join(changes), signal.referentie)


def link_duplicate(session: Session, signal: Signal, other_reference: Optional[str],
                   door: str) -> None:
    """Marks `signal` as a duplicate of another, or (None) undoes that."""
    if other_reference is None:
        if signal.duplicaat_van is not None:
            signal.duplicaat_van = None
            audit(session, door, "dubbel ontkoppeld", "", signal.referentie)
        return
    other = session.execute(select(Signal).where(
        Signal.referentie == other_reference)).scalar_one_or_none()
    if other is None or other.id == signal.id:
        raise TriageError("Kies een ander signaal dat bestaat.")
    if other.duplicaat_van == signal.id:
        raise TriageError(f"{other.referentie} is al een dubbel van dit signaal.")
    signal.duplicaat_van = other.id
    audit(session, door, "dubbel gekoppeld", f"dubbel van {other.referentie}",
          signal.referentie)

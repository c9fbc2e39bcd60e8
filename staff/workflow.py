"""The status workflow of a signal: which changes are allowed, and recording them.

    nieuw -> in behandeling -> doorgestuurd naar wijkmanager -> afgehandeld

A signal can be closed from any open status, sent back from the wijkmanager to
`in behandeling`, and reopened after `afgehandeld` (with a reason). It never goes back
to `nieuw`: that status means nobody has looked at it yet.
"""
from __future__ import annotations

from typing import Dict, Optional, Tuple

from sqlalchemy.orm import Session

from staff.models import audit
from wijkveiligheid.models import (
    DONE,
    FORWARDED,
    IN_PROGRESS,
    NEW,
    OPEN_STATUSES,  # noqa: F401 - staff.queries imports it from here
    STATUSES,
    Signal,
    StatusNote,
    now,
)

TRANSITIONS: Dict[str, Tuple[str, ...]] = {
    NEW: (IN_PROGRESS, FORWARDED, DONE),
    IN_PROGRESS: (FORWARDED, DONE),
    FORWARDED: (IN_PROGRESS, DONE),
    DONE: (IN_PROGRESS,),
}
# Closing or reopening without a word of explanation leaves colleagues guessing.
NOTE_REQUIRED_FOR = {DONE}
MAX_NOTE = 2000


class WorkflowError(ValueError):
    """A change that the workflow does not allow; the message is Dutch, for the user."""


def allowed_next(status: str) -> Tuple[str, ...]:
    return TRANSITIONS.get(status, ())


def change(session: Session, signal: Signal, new_status: Optional[str], note: str,
           door: str) -> StatusNote:
    """Changes the status and/or adds a note, and records both in the audit log.

    `new_status` None (or the current status) means: only add the note.
    """
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise WorkflowError(f"De notitie is te lang: maximaal {MAX_NOTE} tekens.")
    old = signal.status
    if new_status in (None, "", old):
        if not note:
            raise WorkflowError("Kies een nieuwe status of schrijf een notitie.")
        entry = StatusNote(signaal=signal, door=door, notitie=note, op=now())
        session.add(entry)
        audit(session, door, "notitie", "notitie toegevoegd", signal.referentie)
        return entry
    if new_status not in STATUSES:
        raise WorkflowError("Deze status bestaat niet.")
    if new_status not in allowed_next(old):
        raise WorkflowError(f"Van '{old}' kan een signaal niet naar '{new_status}'.")
    if (new_status in NOTE_REQUIRED_FOR or old == DONE) and not note:
        raise WorkflowError("Schrijf in de notitie waarom je deze status kiest.")
    signal.status = new_status
    entry = StatusNote(signaal=signal, door=door, van_status=old, naar_status=new_status,
                       notitie=note or None, op=now())
    session.add(entry)
    audit(session, door, "status", f"{old} -> {new_status}", signal.referentie)
    return entry

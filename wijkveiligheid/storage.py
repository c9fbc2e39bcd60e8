"""Signals in SQL: the table, one transaction per signal, and a durable outbox.

The tables are in ``wijkveiligheid.models``. The database URL comes from ``DATABASE_URL`` (an SQLite file under ``var/`` by
default, PostgreSQL in production). A signal is written exactly once per form
submission: its ``idempotentie_sleutel`` (a hash of conversation id and submission)
is unique, so a retried action finds the stored row instead of adding a second one.
When the database cannot be reached, the signal is written to a local outbox folder
(one JSON file per signal, fsync'ed) and stored when the database is back.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import List, Optional

from sqlalchemy import create_engine, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from sqlalchemy.orm import sessionmaker

from wijkveiligheid.knowledge import TOPIC_IDS
from wijkveiligheid.models import NEW, REPORTER_ROLES, Signal
from wijkveiligheid.settings import settings
from wijkveiligheid.wijken import load_locations

logger = logging.getLogger(__name__)

# The chat channels a signal can come from: ours (bot/channel.py, name "rest"), Rasa's
# shell for developers, and "chat" when Rasa does not know the channel.
CHANNELS = ("rest", "chat", "cmdline")
MAX_DESCRIPTION = 2000
MAX_CONTACT = 254
_HEX64 = re.compile(r"[0-9a-f]{64}")
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]{1,251}\.[^@\s]{2,63}")
_PHONE = re.compile(r"\+[1-9]\d{7,14}")  # E.164, as the form writes it


class InvalidSignal(ValueError):
    """A field of a signal is not one the form can produce; nothing is written."""


def check_signal(new: "NewSignal") -> None:
    """Checks every field again, whoever called the store: raises InvalidSignal."""
    def refuse(field_name: str, why: str) -> None:
        raise InvalidSignal(f"Signaal geweigerd: {field_name} {why}.")

    if new.onderwerp not in TOPIC_IDS:
        refuse("onderwerp", "is geen bekend onderwerp")
    gebieden = load_locations().gebieden
    if new.gebied not in gebieden:
        refuse("gebied", "staat niet in de lijst van gebieden")
    if new.wijk is not None and new.wijk != new.gebied and new.wijk not in gebieden[new.gebied]:
        refuse("wijk", "hoort niet bij dit gebied")
    if new.rol not in REPORTER_ROLES:
        refuse("rol", "is geen bekende rol")
    if new.kanaal not in CHANNELS:
        refuse("kanaal", "is geen bekend kanaal")
    if not isinstance(new.beschrijving, str) or not new.beschrijving.strip():
        refuse("beschrijving", "is leeg")
    if len(new.beschrijving) > MAX_DESCRIPTION:
        refuse("beschrijving", f"is langer dan {MAX_DESCRIPTION} tekens")
    if not isinstance(new.contact_toestemming, bool):
        refuse("contact_toestemming", "is geen ja of nee")
    if new.contact is not None:
        if not new.contact_toestemming:
            refuse("contact", "is gegeven zonder toestemming")
        if not (isinstance(new.contact, str) and len(new.contact) <= MAX_CONTACT
                and (_EMAIL.fullmatch(new.contact) or _PHONE.fullmatch(new.contact))):
            refuse("contact", "is geen e-mailadres of telefoonnummer (+31...)")
    for name in ("gesprek_hash", "idempotentie_sleutel"):
        if not (isinstance(getattr(new, name), str) and _HEX64.fullmatch(getattr(new, name))):
            refuse(name, "is geen sha256-waarde")
    try:
        datetime.fromisoformat(new.aangemaakt_op)
    except (TypeError, ValueError):
        refuse("aangemaakt_op", "is geen tijdstip")

@dataclass(frozen=True)
class NewSignal:
    """What the conversation collected, ready to store."""

    onderwerp: str
    wijk: Optional[str]
    gebied: Optional[str]
    beschrijving: str
    rol: str
    contact_toestemming: bool
    contact: Optional[str]
    kanaal: str
    gesprek_hash: str
    idempotentie_sleutel: str
    aangemaakt_op: str = field(
        default_factory=lambda: datetime.now(timezone.utc).isoformat()
    )


def hash_conversation(sender_id: str) -> str:
    """The conversation id is never stored; only this salted hash, to group signals."""
    salt = settings().hash_salt
    return hashlib.sha256(f"{salt}:{sender_id}".encode()).hexdigest()


def idempotency_key(sender_id: str, submission: str) -> str:
    return hashlib.sha256(f"{sender_id}:{submission}".encode()).hexdigest()


def reference_for(signal_id: int, created: datetime) -> str:
    return f"SIG-{created.year}-{signal_id:06d}"


def database_url() -> str:
    return settings().database_url


@lru_cache(maxsize=None)
def engine_for(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
        return create_engine(url, connect_args={"timeout": 15}, future=True)
    # Small pool: the action server is one of several processes on the database, and
    # PostgreSQL allows 100 connections in all by default (docs/deploy.md).
    current = settings()
    return create_engine(url, pool_size=current.database_pool_size,
                         max_overflow=current.database_max_overflow,
                         pool_pre_ping=True, pool_timeout=10,
                         connect_args={"connect_timeout": 5}, future=True)


# Where flush_outbox puts files it cannot store (never read again by itself).
UNREADABLE = "onleesbaar"


class DatabaseUnavailable(Exception):
    """The database could not be reached; the caller decides what to do."""


class SignalStore:
    def __init__(self, url: Optional[str] = None, outbox: Optional[Path] = None) -> None:
        self.engine = engine_for(url or database_url())
        self.sessions = sessionmaker(self.engine, future=True, expire_on_commit=False)
        self.outbox = Path(outbox or settings().signal_outbox)

    # -- writing -------------------------------------------------------------
    def store(self, new: NewSignal) -> str:
        """Stores the signal in one transaction and returns its reference.

        Returns the existing reference when this submission was stored before.
        Raises DatabaseUnavailable when the database cannot be reached, InvalidSignal
        when a field is not one the form can produce.
        """
        check_signal(new)
        try:
            with self.sessions() as session, session.begin():
                existing = session.execute(
                    select(Signal.referentie).where(
                        Signal.idempotentie_sleutel == new.idempotentie_sleutel)
                ).scalar_one_or_none()
                if existing:
                    return existing
                values = asdict(new)
                created = datetime.fromisoformat(values.pop("aangemaakt_op"))
                row = Signal(**values, aangemaakt_op=created, status=NEW)
                session.add(row)
                session.flush()  # assigns the id the reference is made from
                row.referentie = reference_for(row.id, created)
                return row.referentie
        except IntegrityError:
            # The same submission was stored concurrently by a retried call.
            with self.sessions() as session:
                return session.execute(
                    select(Signal.referentie).where(
                        Signal.idempotentie_sleutel == new.idempotentie_sleutel)
                ).scalar_one()
        except (OperationalError, InterfaceError) as error:
            raise DatabaseUnavailable(str(error.orig)[:200]) from None

    def store_or_queue(self, new: NewSignal) -> Optional[str]:
        """Stores the signal, or puts it in the outbox; returns the reference or None.

        Raises InvalidSignal (before anything is written) when a field is not valid."""
        check_signal(new)
        self.flush_outbox()
        try:
            return self.store(new)
        except DatabaseUnavailable as error:
            logger.warning("database unavailable, signal queued in outbox: %s", error)
            self.queue(new)
            return None

    # -- the outbox ----------------------------------------------------------
    def queue(self, new: NewSignal) -> Path:
        self.outbox.mkdir(parents=True, exist_ok=True)
        path = self.outbox / f"{new.idempotentie_sleutel}.json"
        temporary = path.with_suffix(".tmp")
        with open(temporary, "w", encoding="utf-8") as handle:
            json.dump(asdict(new), handle, ensure_ascii=False)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)  # atomic: a half-written file is never read
        return path

    def queued(self) -> List[Path]:
        return sorted(self.outbox.glob("*.json")) if self.outbox.exists() else []

    def flush_outbox(self) -> int:
        """Stores what waits in the outbox; stops at the first database failure.

        A file that cannot be read or is not a valid signal (damaged, or written by an
        older version) is moved to ``<outbox>/onleesbaar/`` with a log line, so it never
        blocks the signals after it; an operator can look at it there."""
        stored = 0
        for path in self.queued():
            try:
                new = NewSignal(**json.loads(path.read_text(encoding="utf-8")))
                self.store(new)
            except DatabaseUnavailable:
                break
            except FileNotFoundError:
                continue  # another flush (thread or process) stored it just now
            except (ValueError, TypeError, UnicodeDecodeError, OSError) as error:
                self.set_aside(path, error)
                continue
            path.unlink(missing_ok=True)
            stored += 1
        return stored

    def set_aside(self, path: Path, error: Exception) -> None:
        aside = self.outbox / UNREADABLE
        aside.mkdir(parents=True, exist_ok=True)
        try:
            os.replace(path, aside / path.name)
        except FileNotFoundError:
            return
        logger.error("Outbox file %s is unreadable (%s); moved to %s",
                     path.name, type(error).__name__, aside)

    # -- reading and retention -----------------------------------------------
    def by_reference(self, reference: str) -> Optional[Signal]:
        with self.sessions() as session:
            return session.execute(
                select(Signal).where(Signal.referentie == reference)).scalar_one_or_none()

    def all(self) -> List[Signal]:
        with self.sessions() as session:
            return list(session.execute(select(Signal).order_by(Signal.id)).scalars())

    def delete_older_than(self, days: int, now: Optional[datetime] = None) -> int:
        cutoff = (now or datetime.now(timezone.utc)) - timedelta(days=days)
        with self.sessions() as session, session.begin():
            old = session.execute(
                select(Signal).where(Signal.aangemaakt_op < cutoff)).scalars().all()
            for row in old:
                session.delete(row)
            return len(old)

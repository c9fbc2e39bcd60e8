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
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import List, Optional

from sqlalchemy import create_engine, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from sqlalchemy.orm import sessionmaker

from wijkveiligheid.models import NEW, Signal
from wijkveiligheid.settings import settings

logger = logging.getLogger(__name__)

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
        Raises DatabaseUnavailable when the database cannot be reached.
        """
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
        """Stores the signal, or puts it in the outbox; returns the reference or None."""
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
        """Stores what waits in the outbox; stops at the first database failure."""
        stored = 0
        for path in self.queued():
            try:
                new = NewSignal(**json.loads(path.read_text(encoding="utf-8")))
                self.store(new)
            except DatabaseUnavailable:
                break
            path.unlink()
            stored += 1
        return stored

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

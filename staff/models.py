"""The staff tables, on the same declarative Base as the signals so Alembic sees one schema.

Accounts, server-side sessions, failed-login counters and the audit log. The signal's
own tables (status notes, settings) are in ``wijkveiligheid.models``. Audit rows name a signal by its reference, not by a
foreign key: they outlive the signal when retention deletes it, and hold no signal text.
"""
from __future__ import annotations

from typing import Optional

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    String,
)
from sqlalchemy.orm import Session, relationship

from wijkveiligheid.models import Base, now

ROLES = ("medewerker", "beheerder")


class StaffUser(Base):
    __tablename__ = "medewerkers"

    id = Column(Integer, primary_key=True)
    gebruikersnaam = Column(String(80), nullable=False, unique=True)
    wachtwoord_hash = Column(String(255), nullable=False)
    rol = Column(String(20), nullable=False, default="medewerker")
    actief = Column(Boolean, nullable=False, default=True)
    aangemaakt_op = Column(DateTime(timezone=True), nullable=False, default=now)


class StaffSession(Base):
    """A login. The cookie holds a random token; only its hash is stored here, so
    logging out (deleting the row) ends the session on the server."""

    __tablename__ = "medewerker_sessies"

    token_hash = Column(String(64), primary_key=True)
    medewerker_id = Column(Integer, ForeignKey("medewerkers.id", ondelete="CASCADE"),
                           nullable=False, index=True)
    aangemaakt_op = Column(DateTime(timezone=True), nullable=False, default=now)
    laatst_gezien = Column(DateTime(timezone=True), nullable=False, default=now)

    medewerker = relationship(StaffUser, lazy="joined")


class LoginThrottle(Base):
    """Failed logins per key (a hash of the user name, or of the client address)."""

    __tablename__ = "inlogpogingen"

    sleutel = Column(String(64), primary_key=True)
    mislukt = Column(Integer, nullable=False, default=0)
    geblokkeerd_tot = Column(DateTime(timezone=True))


class AuditEntry(Base):
    """Who did what, when. `details` never holds signal text, notes or contact data."""

    __tablename__ = "auditlog"

    id = Column(Integer, primary_key=True)
    op = Column(DateTime(timezone=True), nullable=False, default=now, index=True)
    door = Column(String(80), nullable=False)
    actie = Column(String(40), nullable=False)
    signaal_referentie = Column(String(20), index=True)
    details = Column(String(500))


def audit(session: Session, door: str, actie: str, details: str = "",
          referentie: Optional[str] = None) -> None:
    session.add(AuditEntry(door=door, actie=actie, details=details[:500],
                           signaal_referentie=referentie, op=now()))

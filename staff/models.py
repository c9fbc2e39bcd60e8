"""The staff tables, on the same declarative Base as the signals so Alembic sees one schema.

Accounts, server-side sessions, failed-login counters, status notes, the audit log and
settings (the retention period). Audit rows name a signal by its reference, not by a
foreign key: they outlive the signal when retention deletes it, and hold no signal text.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Optional

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    select,
)
from sqlalchemy.orm import Session, backref, relationship

from actions.storage import Base, Signal

ROLES = ("medewerker", "beheerder")
RETENTION_SETTING = "bewaartermijn_dagen"


def now() -> datetime:
    return datetime.now(timezone.utc)


def as_utc(moment: Optional[datetime]) -> Optional[datetime]:
    """SQLite gives naive datetimes back; everything here is stored in UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment


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


class StatusNote(Base):
    """A status change or a note on a signal; deleted together with the signal."""

    __tablename__ = "signaal_notities"

    id = Column(Integer, primary_key=True)
    signaal_id = Column(Integer, ForeignKey("signalen.id", ondelete="CASCADE"),
                        nullable=False, index=True)
    op = Column(DateTime(timezone=True), nullable=False, default=now)
    door = Column(String(80), nullable=False)
    van_status = Column(String(40))
    naar_status = Column(String(40))
    notitie = Column(Text)

    # The ORM deletes the notes with the signal (SQLite does not enforce the cascade).
    signaal = relationship(Signal, backref=backref(
        "notities", cascade="all, delete-orphan", order_by="StatusNote.id"))


class AuditEntry(Base):
    """Who did what, when. `details` never holds signal text, notes or contact data."""

    __tablename__ = "auditlog"

    id = Column(Integer, primary_key=True)
    op = Column(DateTime(timezone=True), nullable=False, default=now, index=True)
    door = Column(String(80), nullable=False)
    actie = Column(String(40), nullable=False)
    signaal_referentie = Column(String(20), index=True)
    details = Column(String(500))


class Setting(Base):
    __tablename__ = "instellingen"

    sleutel = Column(String(80), primary_key=True)
    waarde = Column(String(200), nullable=False)


def audit(session: Session, door: str, actie: str, details: str = "",
          referentie: Optional[str] = None) -> None:
    session.add(AuditEntry(door=door, actie=actie, details=details[:500],
                           signaal_referentie=referentie, op=now()))


def retention_days(session: Session) -> Optional[int]:
    """The retention period a beheerder set in the staff page, or None."""
    value = session.execute(
        select(Setting.waarde).where(Setting.sleutel == RETENTION_SETTING)).scalar_one_or_none()
    return int(value) if value else None


def set_retention_days(session: Session, days: int) -> None:
    setting = session.get(Setting, RETENTION_SETTING)
    if setting is None:
        session.add(Setting(sleutel=RETENTION_SETTING, waarde=str(days)))
    else:
        setting.waarde = str(days)

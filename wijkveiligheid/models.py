"""The tables that belong to a signal: the signal itself, its status notes and settings.

Everything that stores, shows or deletes signals (the action server, the staff page, the
purge command, the migrations) shares this one declarative Base. The staff page adds its
own tables (accounts, sessions, audit log) in ``staff.models``, on the same Base.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Optional

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import Session, backref, declarative_base, relationship

Base = declarative_base()

# Who passes on a signal; the form offers these, the store accepts only these.
REPORTER_ROLES = ("bewoner", "ondernemer", "wijkraadslid", "anders")

# A signal's status, in workflow order (staff.workflow holds the allowed changes).
NEW, IN_PROGRESS, FORWARDED, DONE = (
    "nieuw", "in behandeling", "doorgestuurd naar wijkmanager", "afgehandeld")
STATUSES = (NEW, IN_PROGRESS, FORWARDED, DONE)
OPEN_STATUSES = (NEW, IN_PROGRESS, FORWARDED)

RETENTION_SETTING = "bewaartermijn_dagen"


def now() -> datetime:
    return datetime.now(timezone.utc)


def as_utc(moment: Optional[datetime]) -> Optional[datetime]:
    """SQLite gives naive datetimes back; everything here is stored in UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment


class Signal(Base):
    __tablename__ = "signalen"

    id = Column(Integer, primary_key=True)
    referentie = Column(String(20), unique=True)
    aangemaakt_op = Column(DateTime(timezone=True), nullable=False, index=True)
    onderwerp = Column(String(40), nullable=False, index=True)
    wijk = Column(String(80))
    gebied = Column(String(80), index=True)
    beschrijving = Column(Text, nullable=False)  # always redacted before it gets here
    rol = Column(String(20), nullable=False)
    contact_toestemming = Column(Boolean, nullable=False, default=False)
    contact = Column(String(254))  # only with consent
    kanaal = Column(String(20), nullable=False)
    gesprek_hash = Column(String(64), nullable=False, index=True)
    status = Column(String(40), nullable=False, default=NEW, index=True)
    idempotentie_sleutel = Column(String(64), nullable=False, unique=True)


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


class Setting(Base):
    __tablename__ = "instellingen"

    sleutel = Column(String(80), primary_key=True)
    waarde = Column(String(200), nullable=False)


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

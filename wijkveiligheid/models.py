"""The tables that belong to a signal: the signal itself, its status notes and settings.

Everything that stores, shows or deletes signals (the action server, the staff page, the
purge command, the migrations) shares this one declarative Base. The staff page adds its
own tables (accounts, sessions, audit log) in ``staff.models``, on the same Base.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Optional

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import Session, backref, declarative_base, relationship

from wijkveiligheid.settings import settings

Base = declarative_base()

# Who passes on a signal; the form offers these, the store accepts only these.
REPORTER_ROLES = ("bewoner", "ondernemer", "wijkraadslid", "anders")

# A signal's status, in workflow order (staff.workflow holds the allowed changes).
NEW, IN_PROGRESS, FORWARDED, DONE = (
    "nieuw", "in behandeling", "doorgestuurd naar wijkmanager", "afgehandeld")
STATUSES = (NEW, IN_PROGRESS, FORWARDED, DONE)
OPEN_STATUSES = (NEW, IN_PROGRESS, FORWARDED)

RETENTION_SETTING = "bewaartermijn_dagen"

# Triage (staff page): a signal's priority.
NORMAL, HIGH = "normaal", "hoog"
PRIORITIES = (NORMAL, HIGH)


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

    # Triage on the staff page (migration 0003). The deadline is set on arrival from
    # DEADLINE_WORKING_DAYS, so whoever stores a signal need not know about it.
    prioriteit = Column(String(10), nullable=False, default=NORMAL, server_default=NORMAL)
    deadline = Column(DateTime(timezone=True), index=True,
                      default=lambda context: default_deadline(
                          context.get_current_parameters().get("aangemaakt_op")))
    toegewezen_aan = Column(String(80), index=True)  # a staff user name
    duplicaat_van = Column(Integer, ForeignKey("signalen.id", ondelete="SET NULL"))
    # The e-mail about a new signal: NULL until the SMTP server took it (then retried).
    melding_verstuurd_op = Column(DateTime(timezone=True))
    melding_pogingen = Column(Integer, nullable=False, default=0, server_default="0")


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


def add_working_days(moment: datetime, days: int) -> datetime:
    """`days` working days (Monday to Friday, in Rotterdam) after `moment`, at the same
    time of day. Public holidays are not known here and count as working days."""
    from zoneinfo import ZoneInfo

    result = as_utc(moment).astimezone(ZoneInfo("Europe/Amsterdam"))
    while days > 0:
        result += timedelta(days=1)
        if result.weekday() < 5:
            days -= 1
    return result.astimezone(timezone.utc)


def default_deadline(created: Optional[datetime]) -> Optional[datetime]:
    if created is None:
        return None
    return add_working_days(created, settings().deadline_working_days)


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

"""Accounts, passwords (Argon2), login throttling and server-side sessions."""
from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import List, Optional, Tuple

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from staff.models import ROLES, LoginThrottle, StaffSession, StaffUser, audit
from wijkveiligheid.models import as_utc, now

MIN_PASSWORD = 12
MAX_PASSWORD = 256
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")
# The first few mistakes are free; after that each failure doubles the wait, up to 15 min.
FREE_FAILURES = 4
FIRST_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(minutes=15)

hasher = PasswordHasher()  # argon2id with the library's RFC 9106 defaults
# Verified when the user name is unknown, so both cases take the same time.
_DUMMY_HASH = hasher.hash(secrets.token_urlsafe(16))


class AccountError(ValueError):
    """Invalid account input; the message is Dutch, for the user."""


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"Het wachtwoord moet minstens {MIN_PASSWORD} tekens hebben.")
    if len(password) > MAX_PASSWORD:
        raise AccountError(f"Het wachtwoord mag hoogstens {MAX_PASSWORD} tekens hebben.")


def normalise_username(name: str) -> str:
    return (name or "").strip().lower()


def create_user(session: Session, username: str, password: str, role: str,
                door: str) -> StaffUser:
    username = normalise_username(username)
    if not USERNAME.match(username):
        raise AccountError("Een gebruikersnaam heeft 2 tot 80 tekens: kleine letters, cijfers, "
                           "punt, streepje of liggend streepje.")
    if role not in ROLES:
        raise AccountError(f"Kies de rol {' of '.join(ROLES)}.")
    check_password(password)
    if session.execute(select(StaffUser.id).where(StaffUser.gebruikersnaam == username)).first():
        raise AccountError("Deze gebruikersnaam bestaat al.")
    user = StaffUser(gebruikersnaam=username, wachtwoord_hash=hasher.hash(password), rol=role,
                     actief=True, aangemaakt_op=now())
    session.add(user)
    audit(session, door, "account aangemaakt", f"{username} ({role})")
    return user


def set_password(session: Session, user: StaffUser, password: str, door: str) -> None:
    check_password(password)
    user.wachtwoord_hash = hasher.hash(password)
    end_sessions(session, user)
    audit(session, door, "wachtwoord ingesteld", user.gebruikersnaam)


def set_active(session: Session, user: StaffUser, active: bool, door: str) -> None:
    user.actief = active
    if not active:
        end_sessions(session, user)
    audit(session, door, "account geactiveerd" if active else "account gedeactiveerd",
          user.gebruikersnaam)


def end_sessions(session: Session, user: StaffUser) -> None:
    session.execute(delete(StaffSession).where(StaffSession.medewerker_id == user.id))


# -- logging in ---------------------------------------------------------------
def _key(kind: str, value: str) -> str:
    # Hashed: the table never holds a typed user name (it may be a mistyped password).
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


def _keys(username: str, client: str) -> List[str]:
    # Sorted: every transaction locks the rows in the same order, so two never deadlock.
    return sorted({_key("naam", normalise_username(username)), _key("adres", client)})


def _insert_ignoring_existing(session: Session, key: str) -> None:
    """The row for this key, made if missing; a concurrent insert is no error."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        raise RuntimeError(f"database {dialect} wordt niet ondersteund")
    session.execute(insert(LoginThrottle).values(sleutel=key, mislukt=0)
                    .on_conflict_do_nothing(index_elements=["sleutel"]))


def delay_after(failures: int) -> Optional[timedelta]:
    extra = failures - FREE_FAILURES
    return min(FIRST_DELAY * 2 ** (extra - 1), MAX_DELAY) if extra > 0 else None


def reserve_attempt(session: Session, username: str, client: str) -> Optional[timedelta]:
    """Counts this attempt as a failure before the password is checked, atomically.

    Each key's counter goes up in one UPDATE (`mislukt = mislukt + 1`), which holds the
    row lock (PostgreSQL) or the write lock (SQLite) until commit, so parallel attempts
    can neither lose a count nor all slip past the block. Returns how long to wait when
    a key is blocked; then nothing is counted (the caller rolls back).
    A successful login resets the counters afterwards (`authenticate`).
    """
    moment = now()
    counts = []
    for key in _keys(username, client):
        _insert_ignoring_existing(session, key)
        session.execute(update(LoginThrottle).where(LoginThrottle.sleutel == key)
                        .values(mislukt=LoginThrottle.mislukt + 1))
        failures, until = session.execute(
            select(LoginThrottle.mislukt, LoginThrottle.geblokkeerd_tot)
            .where(LoginThrottle.sleutel == key)).one()
        until = as_utc(until)
        if until is not None and until > moment:
            return until - moment
        counts.append((key, failures))
    for key, failures in counts:
        delay = delay_after(failures)
        if delay:
            session.execute(update(LoginThrottle).where(LoginThrottle.sleutel == key)
                            .values(geblokkeerd_tot=moment + delay))
    return None


@dataclass
class LoginResult:
    user: Optional[StaffUser] = None
    wait: Optional[timedelta] = None  # set when the login was refused for too many failures


def authenticate(session: Session, username: str, password: str, client: str) -> LoginResult:
    """Checks the password, counting failures per user name and per client address.

    Commits the counted attempt before the (slow) Argon2 check, so no lock is held
    while hashing; the rest is left for the caller's transaction.
    """
    try:
        wait = reserve_attempt(session, username, client)
        if wait:
            session.rollback()
            return LoginResult(wait=wait)
        session.commit()
    except Exception:
        session.rollback()
        raise
    user = session.execute(select(StaffUser).where(
        StaffUser.gebruikersnaam == normalise_username(username))).scalar_one_or_none()
    ok = False
    try:
        ok = hasher.verify(user.wachtwoord_hash if user else _DUMMY_HASH, password or "")
    except (VerificationError, InvalidHashError):
        ok = False
    if ok and user is not None and user.actief:
        for key in _keys(username, client):
            session.execute(delete(LoginThrottle).where(LoginThrottle.sleutel == key))
        if hasher.check_needs_rehash(user.wachtwoord_hash):
            user.wachtwoord_hash = hasher.hash(password)
        audit(session, user.gebruikersnaam, "ingelogd")
        return LoginResult(user=user)
    # A user name that does not exist is not written down: it may be a mistyped password.
    audit(session, user.gebruikersnaam if user else "onbekend", "inloggen mislukt")
    return LoginResult()


def start_session(session: Session, user: StaffUser) -> str:
    """A new session with a fresh random token (never one the browser brought along)."""
    token = secrets.token_urlsafe(32)
    moment = now()
    session.add(StaffSession(token_hash=_token_hash(token), medewerker_id=user.id,
                             aangemaakt_op=moment, laatst_gezien=moment))
    return token


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def load_session(session: Session, token: str, idle: timedelta,
                 lifetime: timedelta) -> Tuple[Optional[StaffSession], bool]:
    """The live session for this token, or (None, expired?). Touches `laatst_gezien`."""
    row = session.get(StaffSession, _token_hash(token or ""))
    if row is None:
        return None, False
    moment = now()
    if (moment - as_utc(row.laatst_gezien) > idle or moment - as_utc(row.aangemaakt_op) > lifetime
            or not row.medewerker.actief):
        session.delete(row)
        return None, True
    # One write a minute is enough to measure inactivity.
    if moment - as_utc(row.laatst_gezien) > timedelta(minutes=1):
        row.laatst_gezien = moment
    return row, False


def end_session(session: Session, token: str) -> None:
    session.execute(delete(StaffSession).where(StaffSession.token_hash == _token_hash(token)))


def purge_expired(session: Session, idle: timedelta) -> None:
    session.execute(delete(StaffSession).where(StaffSession.laatst_gezien < now() - idle))

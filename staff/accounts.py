"""Accounts, passwords (Argon2), login throttling and server-side sessions."""
from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Optional, Tuple

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
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


def _throttles(session: Session, username: str, client: str):
    keys = [_key("naam", normalise_username(username)), _key("adres", client)]
    rows = {row.sleutel: row for row in session.execute(
        select(LoginThrottle).where(LoginThrottle.sleutel.in_(keys))).scalars()}
    return [rows.get(key) or LoginThrottle(sleutel=key, mislukt=0) for key in keys]


def blocked_until(session: Session, username: str, client: str) -> Optional[datetime]:
    ends = [as_utc(t.geblokkeerd_tot) for t in _throttles(session, username, client)
            if t.geblokkeerd_tot is not None]
    latest = max(ends, default=None)
    return latest if latest and latest > now() else None


@dataclass
class LoginResult:
    user: Optional[StaffUser] = None
    wait: Optional[timedelta] = None  # set when the login was refused for too many failures


def authenticate(session: Session, username: str, password: str, client: str) -> LoginResult:
    """Checks the password, counting failures per user name and per client address."""
    until = blocked_until(session, username, client)
    if until:
        return LoginResult(wait=until - now())
    user = session.execute(select(StaffUser).where(
        StaffUser.gebruikersnaam == normalise_username(username))).scalar_one_or_none()
    ok = False
    try:
        ok = hasher.verify(user.wachtwoord_hash if user else _DUMMY_HASH, password or "")
    except (VerificationError, InvalidHashError):
        ok = False
    throttles = _throttles(session, username, client)
    if ok and user is not None and user.actief:
        for throttle in throttles:
            if throttle in session:
                session.delete(throttle)
        if hasher.check_needs_rehash(user.wachtwoord_hash):
            user.wachtwoord_hash = hasher.hash(password)
        audit(session, user.gebruikersnaam, "ingelogd")
        return LoginResult(user=user)
    for throttle in throttles:
        throttle.mislukt = (throttle.mislukt or 0) + 1
        extra = throttle.mislukt - FREE_FAILURES
        if extra > 0:
            throttle.geblokkeerd_tot = now() + min(FIRST_DELAY * 2 ** (extra - 1), MAX_DELAY)
        session.add(throttle)
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

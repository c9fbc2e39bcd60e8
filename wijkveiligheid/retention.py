"""Retention (AVG): deletes signals and conversation events older than their periods.

    wijkveiligheid-purge                       # signals: the period set in the staff page,
                                               # else RETENTION_DAYS (default 365);
                                               # conversations: CONVERSATION_RETENTION_DAYS
                                               # (default 30)
    wijkveiligheid-purge --days 90 --gesprek-dagen 7

Signals come from DATABASE_URL; conversation events from the Rasa SQL tracker store
at TRACKER_DATABASE_URL (the SQLite file that endpoints.yml names, by default). A contact
that waits for an unfinished signal form (bot/tracker_store.py) is removed after a day.
Run it daily (cron or a systemd timer); it prints what it deleted.
"""
from __future__ import annotations

import argparse
import sys
from datetime import datetime, timedelta, timezone
from typing import Optional

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import OperationalError, ProgrammingError

from wijkveiligheid.models import retention_days
from wijkveiligheid.settings import settings, settings_or_exit
from wijkveiligheid.storage import SignalStore

# Where bot/tracker_store.py keeps the contact of a form that has not ended yet.
PENDING_CONTACT_TABLE = "gesprek_contact"
PENDING_CONTACT_HOURS = 24


def purge_conversations(url: str, days: int, now: Optional[datetime] = None) -> int:
    """Deletes tracker-store events older than `days`; returns how many."""
    engine = create_engine(url, future=True)
    try:
        now = now or datetime.now(timezone.utc)
        tables = inspect(engine)
        deleted = 0
        with engine.begin() as connection:
            if tables.has_table(PENDING_CONTACT_TABLE):
                cutoff = (now - timedelta(hours=PENDING_CONTACT_HOURS)).timestamp()
                connection.execute(text(f"DELETE FROM {PENDING_CONTACT_TABLE} WHERE op < :cutoff"),
                                   {"cutoff": cutoff})
            if tables.has_table("events"):
                cutoff = (now - timedelta(days=days)).timestamp()
                deleted = connection.execute(
                    text("DELETE FROM events WHERE timestamp < :cutoff"),
                    {"cutoff": cutoff}).rowcount
        return deleted
    finally:
        engine.dispose()


def configured_days(store: SignalStore) -> int:
    """The staff page's setting, else RETENTION_DAYS, else 365."""
    try:
        with store.sessions() as session:
            days = retention_days(session)
    except (OperationalError, ProgrammingError):  # schema older than the staff tables
        days = None
    return days or settings().retention_days


def main(argv: Optional[list] = None) -> int:
    parser = argparse.ArgumentParser(description="Delete data older than the retention period.")
    parser.add_argument("--days", type=int, help="signals (default: staff page setting)")
    parser.add_argument("--gesprek-dagen", type=int, dest="conversation_days",
                        help="conversations (default CONVERSATION_RETENTION_DAYS, 30)")
    args = parser.parse_args(argv)
    current = settings_or_exit()
    store = SignalStore()
    if args.days is None:
        args.days = configured_days(store)
    if args.conversation_days is None:
        args.conversation_days = current.conversation_retention_days
    if args.days < 1 or args.conversation_days < 1:
        parser.error("--days en --gesprek-dagen moeten minstens 1 zijn")
    signals = store.delete_older_than(args.days)
    events = purge_conversations(current.tracker_database_url, args.conversation_days)
    print(f"bewaartermijn signalen {args.days} dagen: {signals} signalen verwijderd; "
          f"gesprekken {args.conversation_days} dagen: {events} gespreksregels verwijderd")
    return 0


if __name__ == "__main__":
    sys.exit(main())

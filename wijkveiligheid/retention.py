"""Retention (AVG): deletes signals and conversation events older than the set period.

    python -m wijkveiligheid.retention            # the period set in the staff page, else
                                           # RETENTION_DAYS (default 365)
    python -m wijkveiligheid.retention --days 90

Signals come from DATABASE_URL; conversation events from the Rasa SQL tracker store
at TRACKER_DATABASE_URL (the SQLite file that endpoints.yml names, by default).
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
from wijkveiligheid.settings import settings
from wijkveiligheid.storage import SignalStore


def purge_conversations(url: str, days: int, now: Optional[datetime] = None) -> int:
    """Deletes tracker-store events older than `days`; returns how many."""
    engine = create_engine(url, future=True)
    try:
        if not inspect(engine).has_table("events"):
            return 0
        cutoff = ((now or datetime.now(timezone.utc)) - timedelta(days=days)).timestamp()
        with engine.begin() as connection:
            result = connection.execute(text("DELETE FROM events WHERE timestamp < :cutoff"),
                                        {"cutoff": cutoff})
            return result.rowcount
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
    parser.add_argument("--days", type=int)
    args = parser.parse_args(argv)
    store = SignalStore()
    if args.days is None:
        args.days = configured_days(store)
    if args.days < 1:
        parser.error("--days must be at least 1")
    signals = store.delete_older_than(args.days)
    events = purge_conversations(settings().tracker_database_url, args.days)
    print(f"retention {args.days} days: {signals} signals and {events} conversation events deleted")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Retention (AVG): deletes signals and conversation events older than the set period.

    python -m actions.retention            # uses RETENTION_DAYS (default 365)
    python -m actions.retention --days 90

Signals come from DATABASE_URL; conversation events from the Rasa SQL tracker store
at TRACKER_DATABASE_URL (the SQLite file that endpoints.yml names, by default).
Run it daily (cron or a systemd timer); it prints what it deleted.
"""
from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime, timedelta, timezone
from typing import Optional

from sqlalchemy import create_engine, inspect, text

from actions.storage import ROOT, SignalStore

DEFAULT_TRACKER_URL = f"sqlite:///{ROOT / 'var' / 'tracker.db'}"


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


def main(argv: Optional[list] = None) -> int:
    parser = argparse.ArgumentParser(description="Delete data older than the retention period.")
    parser.add_argument("--days", type=int, default=int(os.environ.get("RETENTION_DAYS", 365)))
    args = parser.parse_args(argv)
    if args.days < 1:
        parser.error("--days must be at least 1")
    signals = SignalStore().delete_older_than(args.days)
    events = purge_conversations(os.environ.get("TRACKER_DATABASE_URL", DEFAULT_TRACKER_URL),
                                 args.days)
    print(f"retention {args.days} days: {signals} signals and {events} conversation events deleted")
    return 0


if __name__ == "__main__":
    sys.exit(main())

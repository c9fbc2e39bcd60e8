"""The retention command deletes old signals and old conversation events, nothing newer."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import create_engine, text

from tests.databases import fresh_sqlite, new_signal
from wijkveiligheid import retention
from wijkveiligheid.storage import SignalStore


def make_tracker_db(url: str, timestamps) -> None:
    engine = create_engine(url, future=True)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, "
                                "type_name TEXT, timestamp FLOAT, data TEXT)"))
        for ts in timestamps:
            connection.execute(text("INSERT INTO events (sender_id, type_name, timestamp, data) "
                                    "VALUES ('x', 'user', :ts, '{}')"), {"ts": ts})
    engine.dispose()


def count_events(url: str) -> int:
    engine = create_engine(url, future=True)
    with engine.connect() as connection:
        count = connection.execute(text("SELECT COUNT(*) FROM events")).scalar_one()
    engine.dispose()
    return count


def test_retention_command_deletes_old_data(tmp_path, monkeypatch, capsys):
    signals_url = fresh_sqlite(tmp_path)
    tracker_url = f"sqlite:///{tmp_path / 'tracker.db'}"
    store = SignalStore(signals_url, outbox=tmp_path / "outbox")
    now = datetime.now(timezone.utc)
    store.store(new_signal("old", aangemaakt_op=(now - timedelta(days=100)).isoformat()))
    store.store(new_signal("new", aangemaakt_op=(now - timedelta(days=10)).isoformat()))
    make_tracker_db(tracker_url, [(now - timedelta(days=d)).timestamp() for d in (200, 95, 1)])

    monkeypatch.setenv("DATABASE_URL", signals_url)
    monkeypatch.setenv("TRACKER_DATABASE_URL", tracker_url)
    monkeypatch.setenv("SIGNAL_OUTBOX", str(tmp_path / "outbox"))
    assert retention.main(["--days", "90"]) == 0

    assert "1 signals and 2 conversation events deleted" in capsys.readouterr().out
    assert len(store.all()) == 1
    assert count_events(tracker_url) == 1


def test_retention_without_tracker_database_is_fine(tmp_path):
    assert retention.purge_conversations(f"sqlite:///{tmp_path / 'leeg.db'}", 30) == 0

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
    make_tracker_db(tracker_url,
                    [(now - timedelta(days=d)).timestamp() for d in (200, 95, 40, 1)])

    monkeypatch.setenv("DATABASE_URL", signals_url)
    monkeypatch.setenv("TRACKER_DATABASE_URL", tracker_url)
    monkeypatch.setenv("SIGNAL_OUTBOX", str(tmp_path / "outbox"))
    assert retention.main(["--days", "90"]) == 0

    # Signals 90 days (asked), conversations 30 days (CONVERSATION_RETENTION_DAYS default).
    out = capsys.readouterr().out
    assert "1 signalen verwijderd" in out and "3 gespreksregels verwijderd" in out
    assert len(store.all()) == 1
    assert count_events(tracker_url) == 1


def test_conversation_retention_is_its_own_setting(tmp_path, monkeypatch):
    tracker_url = f"sqlite:///{tmp_path / 'tracker.db'}"
    now = datetime.now(timezone.utc)
    make_tracker_db(tracker_url, [(now - timedelta(days=d)).timestamp() for d in (20, 5)])
    monkeypatch.setenv("DATABASE_URL", fresh_sqlite(tmp_path))
    monkeypatch.setenv("TRACKER_DATABASE_URL", tracker_url)
    monkeypatch.setenv("CONVERSATION_RETENTION_DAYS", "10")
    assert retention.main([]) == 0
    assert count_events(tracker_url) == 1


def test_a_waiting_contact_is_removed_after_a_day(tmp_path):
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    engine = create_engine(url, future=True)
    now = datetime.now(timezone.utc)
    with engine.begin() as connection:
        connection.execute(text(f"CREATE TABLE {retention.PENDING_CONTACT_TABLE} "
                                "(sender_id TEXT PRIMARY KEY, waarde TEXT, op FLOAT)"))
        for sender, hours in (("oud", 30), ("nieuw", 1)):
            connection.execute(text(f"INSERT INTO {retention.PENDING_CONTACT_TABLE} "
                                    "VALUES (:s, 'a@b.nl', :op)"),
                               {"s": sender, "op": (now - timedelta(hours=hours)).timestamp()})
    retention.purge_conversations(url, 30, now=now)
    with engine.connect() as connection:
        left = connection.execute(
            text(f"SELECT sender_id FROM {retention.PENDING_CONTACT_TABLE}")).scalars().all()
    engine.dispose()
    assert left == ["nieuw"]


def test_retention_without_tracker_database_is_fine(tmp_path):
    assert retention.purge_conversations(f"sqlite:///{tmp_path / 'leeg.db'}", 30) == 0

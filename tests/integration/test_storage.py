"""Signals in a real SQL database: SQLite and a real PostgreSQL server, via the migrations."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from sqlalchemy import inspect

from servers.postgres import postgres_server
from tests.databases import (  # noqa: F401 - postgres_url: fixture
    DATABASES,
    fresh_sqlite,
    migrate,
    migrated_database,
    new_signal,
    postgres_url,
)
from wijkveiligheid.storage import SignalStore, engine_for, hash_conversation


@pytest.fixture(params=DATABASES)
def store(request, tmp_path):
    with migrated_database(request, tmp_path) as url:
        yield SignalStore(url, outbox=tmp_path / "outbox")


def test_migrations_create_the_table(store):
    columns = {c["name"] for c in inspect(store.engine).get_columns("signalen")}
    assert {"referentie", "aangemaakt_op", "onderwerp", "wijk", "gebied", "beschrijving",
            "rol", "contact_toestemming", "contact", "kanaal", "gesprek_hash",
            "status"} <= columns
    assert "sender_id" not in columns and "gesprek_id" not in columns


def test_a_signal_is_stored_with_a_reference(store):
    reference = store.store(new_signal())
    year = datetime.now(timezone.utc).year
    assert reference.startswith(f"SIG-{year}-") and len(reference) == len("SIG-2026-000001")
    row = store.by_reference(reference)
    assert row.status == "nieuw" and row.onderwerp == "overlast_op_straat"
    assert row.gesprek_hash == hash_conversation("gesprek-1") != "gesprek-1"
    assert row.contact is None and row.contact_toestemming is False


def test_a_retried_submission_is_stored_once(store):
    first = store.store(new_signal("abc"))
    again = store.store(new_signal("abc"))
    assert first == again
    assert len(store.all()) == 1


def test_concurrent_retries_store_once(store):
    with ThreadPoolExecutor(max_workers=4) as pool:
        references = set(pool.map(lambda _: store.store(new_signal("same")), range(8)))
    assert len(references) == 1
    assert len(store.all()) == 1


def test_odd_text_is_stored_exactly(store):
    text = "<script>alert(1)</script> '; DROP TABLE signalen; -- 🙂 \u202eabc\u202c " + "x" * 1900
    reference = store.store(new_signal("odd", beschrijving=text))
    assert store.by_reference(reference).beschrijving == text


def test_contact_details_only_with_consent_are_kept(store):
    reference = store.store(new_signal("c", contact_toestemming=True,
                                       contact="naam@voorbeeld.nl"))
    row = store.by_reference(reference)
    assert row.contact_toestemming is True and row.contact == "naam@voorbeeld.nl"


def test_retention_deletes_only_old_signals(store):
    old = (datetime.now(timezone.utc) - timedelta(days=400)).isoformat()
    store.store(new_signal("old", aangemaakt_op=old))
    recent = store.store(new_signal("new"))
    assert store.delete_older_than(days=365) == 1
    assert [s.referentie for s in store.all()] == [recent]


def test_unreachable_database_queues_in_the_outbox_and_flushes_later(tmp_path):
    dead = SignalStore("postgresql+psycopg2://postgres@127.0.0.1:9/none",
                       outbox=tmp_path / "outbox")
    assert dead.store_or_queue(new_signal("queued")) is None
    assert len(dead.queued()) == 1
    alive = SignalStore(fresh_sqlite(tmp_path), outbox=tmp_path / "outbox")
    assert alive.flush_outbox() == 1
    assert alive.queued() == [] and len(alive.all()) == 1
    assert alive.flush_outbox() == 0  # exactly once


def test_database_stopped_mid_conversation_loses_nothing(tmp_path):
    """A real PostgreSQL server stops between two signals and comes back."""
    with postgres_server() as server:
        migrate(server.url)
        store = SignalStore(server.url, outbox=tmp_path / "outbox")
        assert store.store_or_queue(new_signal("before")) is not None
        server.stop()
        assert store.store_or_queue(new_signal("during")) is None  # told: not stored yet
        assert len(store.queued()) == 1
        server.start()
        reference = store.store_or_queue(new_signal("after"))  # flushes the outbox first
        assert reference is not None
        assert store.queued() == []
        stored = store.all()
        assert len(stored) == 3
        assert len({s.idempotentie_sleutel for s in stored}) == 3
        engine_for(server.url).dispose()


@pytest.mark.parametrize("kind", DATABASES)
def test_each_test_database_is_a_fresh_copy_of_the_template(request, tmp_path, kind):
    request = SimpleNamespace(param=kind, getfixturevalue=request.getfixturevalue)
    with migrated_database(request, tmp_path / "a") as first:
        SignalStore(first, outbox=tmp_path / "outbox").store(new_signal("only-here"))
        with migrated_database(request, tmp_path / "b") as second:
            assert first != second
            assert SignalStore(second, outbox=tmp_path / "outbox").all() == []
        assert len(SignalStore(first, outbox=tmp_path / "outbox").all()) == 1

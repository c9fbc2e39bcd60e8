"""The signals database (a real PostgreSQL server) stops in the middle of a conversation."""
from __future__ import annotations

import pytest

from servers.postgres import postgres_server
from servers.runner import action_server, free_port, rasa_server, running
from tests.conftest import LOGS, MODEL, Chat
from tests.databases import migrate
from wijkveiligheid.storage import SignalStore, engine_for

pytestmark = pytest.mark.e2e

ANSWERS = ["ik wil een signaal doorgeven", "Overlast op straat", "Spangen",
           "Er wordt elke nacht met scooters door het park gescheurd", "bewoner", "nee"]


def fill_form(chat: Chat) -> str:
    for answer in ANSWERS:
        chat.text(answer)
    return chat.text("ja")  # the confirmation that stores the signal


def test_signal_survives_a_database_outage(tmp_path):
    with postgres_server() as database:
        migrate(database.url)
        outbox = tmp_path / "outbox"
        action_port = free_port()
        actions = action_server(action_port, env={"DATABASE_URL": database.url,
                                                  "SIGNAL_OUTBOX": str(outbox)})
        rasa = rasa_server(MODEL, port=free_port(), action_port=action_port, work_dir=tmp_path)
        try:
            with running([actions, rasa], LOGS):
                first = Chat(rasa)
                for answer in ANSWERS:
                    first.text(answer)
                database.stop()  # the database goes down just before "ja"
                reply = first.text("ja")
                assert "niet verloren" in reply and "SIG-" not in reply
                store = SignalStore(database.url, outbox=outbox)
                assert len(store.queued()) == 1

                database.start()
                second = fill_form(Chat(rasa))  # the next signal also flushes the outbox
                assert "SIG-" in second
                assert store.queued() == []
                rows = store.all()
                assert len(rows) == 2  # both stored, each exactly once
                assert len({r.idempotentie_sleutel for r in rows}) == 2
        finally:
            engine_for(database.url).dispose()

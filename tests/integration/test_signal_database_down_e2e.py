"""The signals database (a real PostgreSQL server) stops in the middle of a conversation.

Uses the session's Rasa server (the model loads once per test run); only its action
server is swapped for one on PostgreSQL, on the same port, and put back afterwards.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Dict, Iterator

import pytest

from servers.postgres import postgres_server
from servers.runner import Server, action_server, running
from tests.conftest import LOGS, Chat
from tests.databases import migrate
from wijkveiligheid.storage import SignalStore, engine_for

pytestmark = pytest.mark.e2e

ANSWERS = ["ik wil een signaal doorgeven", "Overlast op straat", "Spangen",
           "Er wordt elke nacht met scooters door het park gescheurd", "bewoner", "nee"]


def fill_form(chat: Chat) -> str:
    for answer in ANSWERS:
        chat.text(answer)
    return chat.text("ja")  # the confirmation that stores the signal


@contextmanager
def actions_with(servers: Dict[str, Server], env: Dict[str, str]) -> Iterator[None]:
    """The session's action server runs with `env` added while the block runs."""
    original = servers["actions"]
    original.stop()
    port = int(original.health_url.split(":")[2].split("/")[0])
    swapped = action_server(port, env={**original.env, **env})
    swapped.name = "actions-postgres"
    try:
        with running([swapped], LOGS):
            yield
    finally:
        original.start(LOGS)
        original.wait_until_up(timeout=180)


def test_signal_survives_a_database_outage(servers, tmp_path):
    rasa = servers["rasa"]
    with postgres_server() as database:
        migrate(database.url)
        outbox = tmp_path / "outbox"
        try:
            with actions_with(servers, {"DATABASE_URL": database.url,
                                        "SIGNAL_OUTBOX": str(outbox)}):
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

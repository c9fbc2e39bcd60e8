"""The Rasa server is restarted in the middle of a signal form: with the SQL tracker store
the conversation (slots, form state) continues and the signal is stored once."""
from __future__ import annotations

import pytest

from tests.conftest import LOGS, Chat
from wijkveiligheid.storage import SignalStore

pytestmark = pytest.mark.e2e


def test_a_conversation_continues_after_a_rasa_restart(servers, signals_url, e2e_dir):
    store = SignalStore(signals_url, outbox=e2e_dir / "outbox")
    before = len(store.all())
    rasa = servers["rasa"]
    chat = Chat(rasa)
    assert "Waar gaat je signaal over" in chat.text("ik wil een signaal doorgeven")
    assert "In welke wijk" in chat.text("Horeca")
    assert "Wat is er aan de hand" in chat.text("Spangen")
    slots = chat.slots()

    rasa.stop()
    rasa.start(LOGS)
    rasa.wait_until_up(timeout=300)

    assert chat.slots() == slots  # the same conversation, read back from SQL
    assert slots["signaal_wijk"] == "Spangen" and slots["requested_slot"] == "signaal_beschrijving"
    assert "Wie ben jij" in chat.text("Elke nacht is er lawaai bij het café op de hoek")
    chat.text("bewoner")
    summary = chat.text("nee")
    assert "Klopt dit?" in summary and "Spangen" in summary
    done = chat.text("ja")
    assert "SIG-" in done
    signals = store.all()
    assert len(signals) == before + 1
    assert (signals[-1].onderwerp, signals[-1].wijk) == ("horeca", "Spangen")

"""Question insights counted by the real Rasa server, for chat messages sent over HTTP
through the REST channel as the widget sends them: counts rise, nothing else is kept."""
from __future__ import annotations

import time
from typing import Dict, Tuple

import pytest
import requests
from sqlalchemy import text

from tests.conftest import Chat
from wijkveiligheid import inzichten
from wijkveiligheid.storage import engine_for

pytestmark = pytest.mark.e2e

Key = Tuple[str, str, str]  # gebied, onderwerp, vraagsoort


def counts(url: str) -> Dict[Key, int]:
    """All counts, summed over the weeks (a test may run across Monday midnight)."""
    found: Dict[Key, int] = {}
    for row in inzichten.rows(engine_for(url)):
        key = (row.gebied, row.onderwerp, row.vraagsoort)
        found[key] = found.get(key, 0) + row.aantal
    return found


def settled(url: str, total: int) -> Dict[Key, int]:
    """The counts once their total reached `total`: the server counts after it replied."""
    deadline = time.monotonic() + 60
    while inzichten.total(engine_for(url)) < total and time.monotonic() < deadline:
        time.sleep(0.2)
    return counts(url)


def parse_of_last_turn(chat: Chat) -> Tuple[str, str]:
    tracker = requests.get(f"{chat.base}/conversations/{chat.sender}/tracker",
                           params={"token": chat.api_token}, timeout=30).json()
    parsed = tracker["latest_message"]
    kinds = [e["value"] for e in parsed.get("entities", []) if e["entity"] == "vraagsoort"]
    return parsed["intent"]["name"], kinds[0] if kinds else ""


def test_questions_are_counted_per_gebied_topic_and_kind(chat: Chat, signals_url):
    before = counts(signals_url)
    total = sum(before.values())

    chat.text("hallo")  # small talk: no question
    chat.text("waar hangen allemaal camera's in Delfshaven")
    intent, kind = parse_of_last_turn(chat)
    assert intent == "cameratoezicht"
    asked = ("Delfshaven", "cameratoezicht", kind)
    after = settled(signals_url, total + 1)
    assert sum(after.values()) == total + 1  # the greeting was not counted
    assert after.get(asked, 0) == before.get(asked, 0) + 1

    # A follow-up counts for the same topic, and for the gebied named before.
    chat.text("en mogen wij daar iets over zeggen?")
    intent, kind = parse_of_last_turn(chat)
    assert intent == "vervolgvraag"
    followed = ("Delfshaven", "cameratoezicht", kind)
    after_follow_up = settled(signals_url, total + 2)
    assert sum(after_follow_up.values()) == total + 2
    assert after_follow_up.get(followed, 0) == after.get(followed, 0) + 1


def test_answers_in_the_signal_form_are_not_questions(chat: Chat, signals_url):
    total = inzichten.total(engine_for(signals_url))
    assert "Waar gaat je signaal over" in chat.text("ik wil een signaal doorgeven")
    assert "In welke wijk" in chat.text("Horeca")
    assert "Wat is er aan de hand" in chat.text("Spangen")
    assert "niets opgeslagen" in chat.text("stop")
    chat.text("wat doet een stadsmarinier")  # one question after the form, to wait for
    after = settled(signals_url, total + 1)
    assert sum(after.values()) == total + 1
    assert after.get(("Delfshaven", "stadsmariniers", parse_of_last_turn(chat)[1]), 0) >= 1


def test_no_text_conversation_or_sender_is_stored(chat: Chat, signals_url, e2e_dir):
    question = "mag de wijkraad in Spangen meedenken over de aanpak van intimidatie op straat"
    total = inzichten.total(engine_for(signals_url))
    chat.text(question)
    settled(signals_url, total + 1)
    with engine_for(signals_url).connect() as connection:
        columns = [c[1] for c in connection.execute(text("PRAGMA table_info(vraag_tellingen)"))]
        values = [str(v) for row in connection.execute(text("SELECT * FROM vraag_tellingen"))
                  for v in row]
    assert set(columns) == {"id", "week", "gebied", "onderwerp", "vraagsoort", "aantal"}
    assert not any(chat.sender in v or "intimidatie" in v for v in values)
    # Nor anywhere else in the database file the counts are written to.
    stored = (e2e_dir / "signalen.db").read_bytes()
    assert chat.sender.encode() not in stored and question.encode() not in stored


def test_a_failing_count_never_breaks_the_chat(chat: Chat, signals_url):
    engine = engine_for(signals_url)
    with engine.begin() as connection:  # the counts' table is gone for a moment
        connection.execute(text("ALTER TABLE vraag_tellingen RENAME TO vraag_tellingen_weg"))
    try:
        reply = chat.text("wat doet een stadsmarinier")
        assert "Stadsmariniers" in reply
    finally:
        with engine.begin() as connection:
            connection.execute(text("ALTER TABLE vraag_tellingen_weg RENAME TO vraag_tellingen"))
    total = inzichten.total(engine)
    chat.text("wat doet een stadsmarinier")  # counting works again
    assert sum(settled(signals_url, total + 1).values()) == total + 1

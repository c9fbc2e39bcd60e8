"""The conversation store writes no raw personal data, on SQLite and on PostgreSQL."""
from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.tracker_store import CONTACT_PLACEHOLDER, PrivateSQLTrackerStore
from tests.databases import postgres_url  # noqa: F401 - the module's PostgreSQL server

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = Domain.load(str(ROOT / "domain.yml"))
PHONE, EMAIL, STREET, NAME = "06-12345678", "jan.devries@voorbeeld.nl", "Putselaan 14", "Jan de Vries"


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    if request.param == "sqlite":
        store = PrivateSQLTrackerStore(domain=DOMAIN, dialect="sqlite",
                                       db=str(tmp_path / "tracker.db"))
        store.raw_file = tmp_path / "tracker.db"
    else:
        url = make_url(request.getfixturevalue("postgres_url"))
        store = PrivateSQLTrackerStore(domain=DOMAIN, dialect="postgresql", host=url.host,
                                       port=url.port, db=url.database, username=url.username)
        store.raw_file = None
    yield store
    with store.engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM events")
        connection.exec_driver_sql("DELETE FROM gesprek_contact")
    store.engine.dispose()


def everything_stored(store) -> str:
    """All text the database holds for the conversation tables, as one string."""
    with store.engine.connect() as connection:
        rows = connection.execute(text("SELECT data FROM events")).scalars().all()
        rows += connection.execute(text("SELECT waarde FROM gesprek_contact")).scalars().all()
    return "\n".join(rows)


def save(store, tracker) -> None:
    asyncio.run(store.save(tracker))


def form_conversation(sender: str) -> DialogueStateTracker:
    tracker = DialogueStateTracker.from_events(sender, [ActionExecuted("action_listen")],
                                               slots=DOMAIN.slots)
    description = (f"Mijn buurman {NAME} aan de {STREET} dealt, bel {PHONE} of mail {EMAIL}")
    tracker.update(UserUttered(description, {"name": "signaal_doorgeven", "confidence": 1.0},
                               [{"entity": "x", "value": PHONE, "start": 0, "end": 3}],
                               parse_data={"text": description,
                                           "intent": {"name": "signaal_doorgeven"},
                                           "entities": []}))
    tracker.update(SlotSet("signaal_beschrijving", description))
    tracker.update(SlotSet("requested_slot", "signaal_contact"))
    tracker.update(BotUttered(f"Dit schreef je: {description}"))
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(UserUttered(EMAIL, {"name": "bevestigen"}, parse_data={"text": EMAIL}))
    tracker.update(SlotSet("signaal_contact", EMAIL))
    tracker.update(SlotSet("requested_slot", "signaal_bevestigd"))
    tracker.update(BotUttered(f"Klopt dit? Contact: {EMAIL}"))
    return tracker


def test_nothing_personal_is_written_and_the_contact_comes_back(store):
    tracker = form_conversation("gesprek-1")
    save(store, tracker)
    stored = everything_stored(store)
    for secret in (PHONE, STREET, NAME):
        assert secret not in stored
    events = [json.loads(line) for line in stored.splitlines() if line.startswith("{")]
    assert EMAIL not in json.dumps(events)  # not in any event: only in the waiting row
    assert CONTACT_PLACEHOLDER in json.dumps(events)
    user_texts = [e["text"] for e in events if e["event"] == "user"]
    assert user_texts[1] == CONTACT_PLACEHOLDER and "[telefoonnummer]" in user_texts[0]

    again = asyncio.run(store.retrieve("gesprek-1"))
    assert again.get_slot("signaal_contact") == EMAIL  # the form can still use it
    assert "[adres]" in again.get_slot("signaal_beschrijving")


def test_the_contact_is_gone_once_the_form_ends(store):
    tracker = form_conversation("gesprek-2")
    save(store, tracker)
    tracker = asyncio.run(store.retrieve("gesprek-2"))
    tracker.update(SlotSet("signaal_contact", None))  # what every end of the form does
    save(store, tracker)
    assert EMAIL not in everything_stored(store)
    assert asyncio.run(store.retrieve("gesprek-2")).get_slot("signaal_contact") is None
    if store.raw_file:  # secure_delete: not even in the free pages of the SQLite file
        store.engine.dispose()
        assert EMAIL.encode() not in store.raw_file.read_bytes()
        assert PHONE.encode() not in store.raw_file.read_bytes()


def test_counts_messages_and_knows_the_offered_buttons(store):
    tracker = DialogueStateTracker.from_events("gesprek-3", [ActionExecuted("action_listen")],
                                               slots=DOMAIN.slots)
    tracker.update(UserUttered("hoi", {"name": "begroeting"}))
    tracker.update(BotUttered("Wil je een signaal doorgeven?",
                              data={"buttons": [{"title": "Ja", "payload": "/signaal_doorgeven"}]}))
    tracker.update(UserUttered("ja", {"name": "bevestigen"}))
    save(store, tracker)
    assert asyncio.run(store.user_messages_in_session("gesprek-3")) == 2
    assert asyncio.run(store.offered_payloads("gesprek-3")) == {"/signaal_doorgeven"}
    assert asyncio.run(store.offered_payloads("iemand-anders")) == set()


def test_the_retention_purge_reads_this_store(store, tmp_path):
    from wijkveiligheid.retention import purge_conversations

    save(store, form_conversation("gesprek-4"))
    url = store.engine.url.render_as_string(hide_password=False)
    assert purge_conversations(url, 30) == 0
    engine = create_engine(url, future=True)
    with engine.begin() as connection:
        connection.execute(text("UPDATE events SET timestamp = 0"))
    engine.dispose()
    assert purge_conversations(url, 30) > 0

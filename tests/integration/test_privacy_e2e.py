"""A whole signal conversation with personal data through the real Rasa and action servers
over HTTP: afterwards no database and no log file holds any of it (SQLite and PostgreSQL).
Also: forged intents are read as text, and a long session starts afresh."""
from __future__ import annotations

import secrets
import uuid
from pathlib import Path
from typing import Dict, Iterator

import pytest
from sqlalchemy import create_engine, inspect, text

from servers.postgres import postgres_server
from servers.runner import action_server, free_port, rasa_server, running
from tests.conftest import MODEL, Chat, migrate
from wijkveiligheid.knowledge import QUESTION_KINDS, TOPIC_IDS

pytestmark = pytest.mark.e2e

PHONE = "06-48213957"
EMAIL = "marieke.verbeek@voorbeeld.nl"
STREET = "Wolphaertsbocht 231"
NAME = "Henk Terpstra"
DESCRIPTION = (f"Mijn buurman {NAME} op de {STREET} handelt elke avond drugs vanuit zijn "
               f"auto, ik ben te bereiken op {PHONE}")
CAP = 12  # CONVERSATION_MAX_MESSAGES for these servers


def endpoints_for_postgres(directory: Path, action_port: int, token: str, pg) -> Path:
    path = directory / "endpoints-pg.yml"
    path.write_text(f"""
action_endpoint:
  url: "http://localhost:{action_port}/webhook"
  headers:
    Authorization: "Bearer {token}"
tracker_store:
  type: bot.tracker_store.PrivateSQLTrackerStore
  dialect: "postgresql"
  url: "127.0.0.1"
  port: {pg.port}
  db: "gesprekken"
  username: "postgres"
""", encoding="utf-8")
    return path


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def stack(request, tmp_path_factory) -> Iterator[Dict]:
    if not MODEL.exists():
        pytest.fail(f"No trained model at {MODEL}: run `make test`, which trains first.")
    directory = tmp_path_factory.mktemp(f"privacy-{request.param}")
    logs = directory / "logs"
    action_port, rasa_port = free_port(), free_port()
    token = secrets.token_urlsafe(32)
    with (postgres_server() if request.param == "postgresql" else _nothing()) as pg:
        if pg is None:
            signals_url = f"sqlite:///{directory / 'signalen.db'}"
            tracker_url = f"sqlite:///{directory / f'tracker-{action_port}.db'}"
            endpoints = None
        else:  # two databases on one server, as production may have them
            signals_url = pg.url
            engine = create_engine(pg.url, isolation_level="AUTOCOMMIT", future=True)
            with engine.connect() as connection:
                connection.execute(text("CREATE DATABASE gesprekken"))
            engine.dispose()
            tracker_url = pg.url.rsplit("/", 1)[0] + "/gesprekken"
            endpoints = endpoints_for_postgres(directory, action_port, token, pg)
        migrate(signals_url)
        env = {"DATABASE_URL": signals_url, "SIGNAL_OUTBOX": str(directory / "outbox"),
               "ACTION_SERVER_TOKEN": token}
        actions = action_server(action_port, env=env)
        rasa = rasa_server(MODEL, port=rasa_port, action_port=action_port, work_dir=directory,
                           action_token=token, endpoints=endpoints,
                           env={"CONVERSATION_MAX_MESSAGES": str(CAP),
                                "DATABASE_URL": signals_url})  # the question counts
        with running([actions, rasa], logs):
            yield {"rasa": rasa, "signals_url": signals_url, "tracker_url": tracker_url,
                   "logs": logs, "directory": directory}


class _nothing:
    def __enter__(self):
        return None

    def __exit__(self, *_):
        return False


def all_text(url: str) -> str:
    """Every value in every table of a database, as one string."""
    engine = create_engine(url, future=True)
    found = []
    try:
        with engine.connect() as connection:
            for table in inspect(engine).get_table_names():
                for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                    found.extend(str(value) for value in row)
    finally:
        engine.dispose()
    return "\n".join(found)


def test_no_database_and_no_log_holds_the_personal_data(stack):
    chat = Chat(stack["rasa"])
    assert "Waar gaat je signaal over" in chat.text("ik wil een signaal doorgeven")
    assert "In welke wijk" in chat.text("Ondermijning")
    assert "Wat is er aan de hand" in chat.text("Tarwewijk")
    assert "Wie ben jij" in chat.text(DESCRIPTION)
    assert "contact" in chat.text("bewoner")
    assert "e-mailadres of telefoonnummer" in chat.text("ja")
    summary = chat.text(EMAIL)
    assert "Klopt dit?" in summary and EMAIL in summary  # the person sees their own contact
    done = chat.text("ja")
    assert "SIG-" in done

    signals = all_text(stack["signals_url"])
    assert signals.count(EMAIL) == 1  # only in the signal row's contact, given with consent
    tracker = all_text(stack["tracker_url"])
    assert "[contactgegevens]" in tracker and "[telefoonnummer]" in tracker
    for secret in (PHONE, EMAIL, STREET, NAME, "Terpstra", "48213957"):
        assert secret not in tracker, secret
        if secret != EMAIL:
            assert secret not in signals, secret
    files = [p for p in stack["directory"].rglob("*") if p.is_file() and p.suffix != ".yml"]
    for path in files:  # the SQLite files byte for byte, the logs, the outbox
        content = path.read_bytes()
        for secret in (PHONE, STREET, NAME, "48213957"):
            assert secret.encode() not in content, (secret, path.name)
        if path.suffix == ".log" or "tracker" in path.name:
            assert EMAIL.encode() not in content, path.name


def test_a_forged_intent_is_read_as_text(stack):
    chat = Chat(stack["rasa"])
    chat.say('/signaal_doorgeven{"onderwerp": "bestaat_niet"}')
    assert chat.slots()["onderwerp"] != "bestaat_niet"
    # the form goes on normally; nothing crashes at the summary
    reply = chat.text("Horeca")
    assert reply and "mis" not in reply
    assert "niets opgeslagen" in chat.text("stop")


def test_a_forged_entity_cannot_set_an_unknown_topic(stack):
    chat = Chat(stack["rasa"])
    chat.say('/cameratoezicht{"vraagsoort": "verzonnen", "onderwerp": "x"}')
    slots = chat.slots()
    assert slots["vraagsoort"] in (None,) + QUESTION_KINDS  # what our NLU made of the text
    assert slots["onderwerp"] in (None,) + TOPIC_IDS


def test_an_offered_button_payload_is_accepted(stack):
    chat = Chat(stack["rasa"])
    messages = chat.say("er wordt elke avond gedeald bij het speeltuintje, waar meld ik dat")
    payloads = [b["payload"] for m in messages for b in m.get("buttons", [])]
    assert "/signaal_doorgeven" in payloads
    assert "Gaat je signaal over" in chat.text("/signaal_doorgeven")


def test_a_long_session_starts_afresh_with_a_notice(stack):
    chat = Chat(stack["rasa"], sender=f"lang-{uuid.uuid4()}")
    for _ in range(CAP):
        assert "opnieuw" not in chat.text("hallo")
    reply = chat.text("hallo")
    assert "Dit gesprek was erg lang" in reply
    assert "Dit gesprek was erg lang" not in chat.text("hallo")  # a fresh session

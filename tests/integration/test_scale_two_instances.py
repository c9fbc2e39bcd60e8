"""Two Rasa servers share PostgreSQL and Redis: one conversation may hop between them.

The production set-up (endpoints.production.yml, settings from the environment) on one
machine: a throwaway PostgreSQL 15 holds the conversations and the signals, a Redis
server the conversation locks. The messages of one conversation go alternately to two
Rasa servers; halfway through the signal form one of them is stopped and started again.
The conversation must go on as if there were one server, and the signal must be
stored exactly once.
"""
from __future__ import annotations

import uuid
from typing import Dict, List

import pytest
import requests

from servers.production_stack import PRODUCTION_ENDPOINTS, production_stack
from servers.runner import Server, action_server, free_port, rasa_server, running
from tests.conftest import LOGS, MODEL
from wijkveiligheid.storage import hash_conversation

pytestmark = pytest.mark.e2e


class SharedConversation:
    """One person whose messages a load balancer spreads over several Rasa servers."""

    def __init__(self) -> None:
        self.sender = f"scale-{uuid.uuid4()}"
        self.sent: List[str] = []

    def text(self, server: Server, message: str) -> str:
        response = requests.post(server.public_url, timeout=120,
                                 json={"sender": self.sender, "message": message})
        assert response.status_code == 200, response.text
        self.sent.append(message)
        replies = response.json()
        assert replies, f"no reply to {message!r} from {server.name}"
        return "\n".join(m.get("text", "") for m in replies)

    def tracker(self, server: Server) -> Dict:
        base = server.health_url.split("/webhooks")[0]
        response = requests.get(f"{base}/conversations/{self.sender}/tracker",
                                params={"token": server.api_token}, timeout=60)
        assert response.status_code == 200, response.text
        return response.json()

    def form(self, server: Server) -> tuple:
        """(active form, slot it asks for) as this server sees the conversation."""
        tracker = self.tracker(server)
        return ((tracker.get("active_loop") or {}).get("name"),
                tracker["slots"].get("requested_slot"))

    def user_messages(self, server: Server) -> List[str]:
        return [e["text"] for e in self.tracker(server)["events"] if e["event"] == "user"]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    if not MODEL.exists():
        pytest.fail(f"No trained model at {MODEL}: run `make test`, which trains first.")
    work = tmp_path_factory.mktemp("scale")
    with production_stack() as stack:
        action_port = free_port()
        actions = action_server(action_port, env=stack.action_env(work / "outbox"))
        actions.name = "scale-actions"
        rasas = []
        for name in ("scale-rasa-a", "scale-rasa-b"):
            rasa = rasa_server(MODEL, port=free_port(), work_dir=work,
                               endpoints=PRODUCTION_ENDPOINTS,
                               env=stack.rasa_env(action_port))
            rasa.name = name
            rasas.append(rasa)
        with running([actions, *rasas], LOGS, timeout=300):
            yield stack, rasas[0], rasas[1]


def test_one_conversation_over_two_servers_survives_a_restart(cluster):
    stack, a, b = cluster
    stack.redis.client().config_resetstat()
    chat = SharedConversation()

    # A topic question on A, the follow-up on B: B knows the topic A found.
    assert "camera" in chat.text(a, "hoe werkt cameratoezicht eigenlijk?").lower()
    assert chat.tracker(b)["slots"]["onderwerp"] == "cameratoezicht"
    # The influence answer ends with the wijkmanager as the route for thinking along.
    assert "wijkmanager" in chat.text(b, "en mogen wij daar iets over zeggen?")
    slots = chat.tracker(a)["slots"]
    assert (slots["onderwerp"], slots["vraagsoort"]) == ("cameratoezicht", "invloed")

    # The signal form, each answer to the other server.
    assert "Gaat je signaal over: Cameratoezicht?" in chat.text(a, "ik wil een signaal doorgeven")
    assert chat.form(b) == ("signaal_form", "signaal_onderwerp")
    assert "In welke wijk" in chat.text(b, "ja")
    assert chat.tracker(a)["slots"]["signaal_onderwerp"] == "cameratoezicht"
    assert "Wat is er aan de hand" in chat.text(a, "carnise")
    assert chat.form(b) == ("signaal_form", "signaal_beschrijving")

    # A stops in the middle of the form; B carries on alone, then A comes back.
    a.stop()
    assert "Wie ben jij" in chat.text(
        b, "Er hangt al weken een kapotte camera bij het metrostation")
    a.start(LOGS)
    a.wait_until_up(timeout=300)
    assert chat.user_messages(a) == chat.sent  # nothing lost while A was away
    slots = chat.tracker(a)["slots"]
    assert (slots["signaal_wijk"], slots["signaal_gebied"]) == ("Carnisse", "Charlois")
    assert "kapotte camera" in slots["signaal_beschrijving"]
    assert chat.form(a) == ("signaal_form", "signaal_rol")

    assert "contact" in chat.text(a, "bewoner")
    summary = chat.text(b, "nee")
    assert "Klopt dit?" in summary and "Carnisse (Charlois)" in summary
    done = chat.text(a, "ja")
    assert "SIG-" in done

    # Stored exactly once, in PostgreSQL, with what the conversation collected.
    conversation = hash_conversation(chat.sender)
    assert stack.count("SELECT count(*) FROM signalen WHERE gesprek_hash = :h",
                       h=conversation) == 1
    assert stack.count("SELECT count(*) FROM signalen WHERE gesprek_hash = :h AND "
                       "onderwerp = 'cameratoezicht' AND wijk = 'Carnisse' AND "
                       "rol = 'bewoner' AND contact IS NULL AND :done LIKE "
                       "'%' || referentie || '%'", h=conversation, done=done) == 1
    # Both servers see the finished form and the whole conversation.
    for server in (a, b):
        assert chat.form(server) == (None, None)
        assert chat.tracker(server)["slots"]["signaal_wijk"] is None
        assert chat.user_messages(server) == chat.sent
    # Every message took the conversation lock in Redis.
    calls = stack.redis.client().info("commandstats")["cmdstat_set"]["calls"]
    assert calls >= len(chat.sent)

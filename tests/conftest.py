"""Shared fixtures: the knowledge, the trained model and the real servers over HTTP."""
from __future__ import annotations

import socket
import uuid
from pathlib import Path
from typing import Dict, Iterator, List

import pytest
import requests

from bot.knowledge import Knowledge, load_knowledge
from bot.servers import Server, action_server, rasa_server

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "veiligheid.tar.gz"
LOGS = ROOT / "results" / "server-logs"


@pytest.fixture(scope="session")
def kb() -> Knowledge:
    return load_knowledge()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Chat:
    """A person chatting through the REST channel, as the website widget does."""

    def __init__(self, rasa: Server, sender: str | None = None) -> None:
        self.url = rasa.public_url
        self.base = rasa.health_url.split("/webhooks")[0]
        self.sender = sender or f"test-{uuid.uuid4()}"

    def say(self, text: str) -> List[Dict]:
        response = requests.post(self.url, json={"sender": self.sender, "message": text},
                                 timeout=60)
        assert response.status_code == 200, response.text
        return response.json()

    def text(self, text: str) -> str:
        return "\n".join(m.get("text", "") for m in self.say(text))

    def slots(self) -> Dict:
        tracker = requests.get(f"{self.base}/conversations/{self.sender}/tracker",
                               timeout=30).json()
        return tracker["slots"]


@pytest.fixture(scope="session")
def servers() -> Iterator[Dict[str, Server]]:
    if not MODEL.exists():
        pytest.fail(f"No trained model at {MODEL}: run `make test`, which trains first.")
    action_port, rasa_port = free_port(), free_port()
    actions = action_server(action_port)
    rasa = rasa_server(MODEL, port=rasa_port, action_port=action_port)
    started = [actions, rasa]
    try:
        for server in started:
            server.start(LOGS)
        for server in started:
            server.wait_until_up(timeout=240)
        yield {"actions": actions, "rasa": rasa}
    finally:
        for server in reversed(started):
            server.stop()


@pytest.fixture
def chat(servers) -> Chat:
    if not servers["actions"].is_up():  # a test may have stopped it
        servers["actions"].start(LOGS)
        servers["actions"].wait_until_up(timeout=120)
    return Chat(servers["rasa"])

"""Shared fixtures: the knowledge, the trained model and the real servers over HTTP."""
from __future__ import annotations

import secrets
import uuid
from pathlib import Path
from typing import Dict, Iterator, List

import pytest
import requests

from servers.runner import Server, action_server, free_port, rasa_server, running
from tests.chromium import browser  # noqa: F401 - the one real-browser fixture for all page tests
from tests.databases import fresh_sqlite, migrate  # noqa: F401 - migrate: for older imports
from wijkveiligheid.knowledge import Knowledge, load_knowledge
from wijkveiligheid.settings import settings

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "veiligheid.tar.gz"
LOGS = ROOT / "results" / "server-logs"


@pytest.fixture(scope="session")
def kb() -> Knowledge:
    return load_knowledge()


class Chat:
    """A person chatting through the REST channel, as the website widget does."""

    def __init__(self, rasa: Server, sender: str | None = None) -> None:
        self.url = rasa.public_url
        self.api_token = rasa.api_token
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
                               params={"token": self.api_token}, timeout=30).json()
        return tracker["slots"]


@pytest.fixture(scope="session")
def e2e_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("e2e")


@pytest.fixture(scope="session")
def signals_url(e2e_dir) -> str:
    return fresh_sqlite(e2e_dir)


@pytest.fixture(scope="session")
def widget_port() -> int:
    """The port of the demo website the widget's browser tests serve (at localhost and
    127.0.0.1): the session's Rasa server allows both origins, so those tests need no
    Rasa server of their own."""
    return free_port()


@pytest.fixture(scope="session")
def servers(e2e_dir, signals_url, widget_port) -> Iterator[Dict[str, Server]]:
    if not MODEL.exists():
        pytest.fail(f"No trained model at {MODEL}: run `make test`, which trains first.")
    action_port, rasa_port = free_port(), free_port()
    action_token = secrets.token_urlsafe(32)  # Rasa sends it, the action server checks it
    actions = action_server(action_port, env={"DATABASE_URL": signals_url,
                                              "SIGNAL_OUTBOX": str(e2e_dir / "outbox"),
                                              "ACTION_SERVER_TOKEN": action_token})
    origins = [*settings().widget_origin_list, f"http://localhost:{widget_port}",
               f"http://127.0.0.1:{widget_port}"]
    # DATABASE_URL: the channel counts questions there (wijkveiligheid/inzichten.py)
    rasa = rasa_server(MODEL, port=rasa_port, action_port=action_port, work_dir=e2e_dir,
                       cors=origins, action_token=action_token,
                       env={"DATABASE_URL": signals_url})
    with running([actions, rasa], LOGS):
        yield {"actions": actions, "rasa": rasa}


@pytest.fixture
def chat(servers) -> Chat:
    if not servers["actions"].is_up():  # a test may have stopped it
        servers["actions"].start(LOGS)
        servers["actions"].wait_until_up(timeout=120)
    return Chat(servers["rasa"])

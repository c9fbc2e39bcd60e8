"""The action server as it starts for real (`rasa run actions`): production without its
secrets stops with the reason, errors are answered without echoing the request, and the
outbox is emptied at start and every few seconds. Also the other processes' starts."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest
import requests

from servers.runner import BIN, ROOT, action_server, free_port, running
from tests.conftest import migrate
from tests.databases import new_signal
from wijkveiligheid.storage import SignalStore

SECRET_ENV = ("CONVERSATION_HASH_SALT", "STAFF_SECRET_KEY", "ACTION_SERVER_TOKEN",
              "RASA_API_TOKEN")
PHONE = "06-39571846"


def without_secrets() -> dict:
    env = {k: v for k, v in os.environ.items() if k not in SECRET_ENV}
    env["APP_ENV"] = "productie"
    return env


@pytest.mark.parametrize("command", [
    [str(BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", "0"],
    [sys.executable, "-m", "servers", "--model", "geen-model"],
    [sys.executable, "-m", "staff", "lijst"],
    [str(BIN / "wijkveiligheid-purge")],
], ids=["action-server", "runner", "staff", "purge"])
def test_production_without_secrets_does_not_start(command):
    result = subprocess.run(command, cwd=ROOT, env=without_secrets(), capture_output=True,
                            text=True, timeout=180)
    assert result.returncode == 2, result.stderr[-2000:]
    assert "APP_ENV=productie" in result.stderr and "ACTION_SERVER_TOKEN" in result.stderr


def wait_for(condition, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return False


@pytest.fixture
def signals(tmp_path):
    url = f"sqlite:///{tmp_path / 'signalen.db'}"
    migrate(url)
    return SignalStore(url, outbox=tmp_path / "outbox")


def test_errors_are_answered_without_the_request_and_logged_without_values(signals, tmp_path):
    token = "t" * 40
    server = action_server(free_port(), env={"DATABASE_URL": str(signals.engine.url),
                                             "SIGNAL_OUTBOX": str(signals.outbox),
                                             "ACTION_SERVER_TOKEN": token,
                                             "LOG_LEVEL": "INFO"})
    # events that are not objects make the action fail while it reads them
    call = {"next_action": "action_signaal_opslaan", "version": "3.6.21",
            "tracker": {"sender_id": "s", "events": [f"bel {PHONE}"],
                        "slots": {"signaal_bevestigd": True, "signaal_beschrijving": PHONE},
                        "latest_message": {"text": f"mijn nummer is {PHONE}"}},
            "domain": {}}
    with running([server], tmp_path / "logs"):
        response = requests.post(server.public_url, json=call, timeout=30,
                                 headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 500
    assert PHONE not in response.text and "request_body" not in response.text
    log = (tmp_path / "logs" / "actions.log").read_text(encoding="utf-8")
    assert "action_signaal_opslaan failed" in log
    assert PHONE not in log and "39571846" not in log


def test_the_outbox_is_emptied_at_start_and_periodically(signals, tmp_path):
    signals.queue(new_signal("was-waiting"))
    server = action_server(free_port(), env={"DATABASE_URL": str(signals.engine.url),
                                             "SIGNAL_OUTBOX": str(signals.outbox),
                                             "ACTION_SERVER_TOKEN": "t" * 40,
                                             "OUTBOX_FLUSH_SECONDS": "1"})
    with running([server], tmp_path / "logs"):
        assert wait_for(lambda: len(signals.all()) == 1)  # no signal had to arrive first
        (signals.outbox / "kapot.json").write_text("{", encoding="utf-8")
        signals.queue(new_signal("later"))
        assert wait_for(lambda: len(signals.all()) == 2)
        assert wait_for(lambda: (signals.outbox / "onleesbaar" / "kapot.json").exists())
    assert signals.queued() == []


def test_rasa_itself_stops_at_start_without_secrets(tmp_path):
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(json.dumps({}), encoding="utf-8")
    result = subprocess.run(
        [str(BIN / "rasa"), "run", "--model", str(ROOT / "models" / "veiligheid.tar.gz"),
         "--port", str(free_port()), "--interface", "127.0.0.1",
         "--credentials", str(ROOT / "credentials.yml"), "--endpoints", str(endpoints)],
        cwd=ROOT, env=without_secrets(), capture_output=True, text=True, timeout=300)
    assert result.returncode == 2, (result.stdout[-1500:], result.stderr[-1500:])
    assert "ACTION_SERVER_TOKEN" in result.stderr

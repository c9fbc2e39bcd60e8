"""The HTTP API and the action server refuse calls without their token (real servers)."""
from __future__ import annotations

import socket
from typing import Optional

import pytest
import requests

from servers.runner import action_server, free_port, running
from tests.conftest import LOGS, Chat
from wijkveiligheid.tokens import development_header

pytestmark = pytest.mark.e2e

ACTION_CALL = {"next_action": "action_vergeet_onderwerp", "version": "3.6.21",
               "tracker": {"sender_id": "test-token", "slots": {"onderwerp": "horeca"}},
               "domain": {}}


def api_base(servers) -> str:
    return servers["rasa"].health_url.split("/webhooks")[0]


def non_loopback_address() -> Optional[str]:
    """An address of this machine that other machines could reach, if it has one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))  # a documentation address: nothing is sent
            address = s.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


@pytest.fixture
def conversation(servers) -> Chat:
    chat = Chat(servers["rasa"])
    assert chat.say("hallo")
    return chat


@pytest.mark.parametrize("method, path", [
    ("GET", "/conversations/{sender}/tracker"),
    ("GET", "/status"),
    ("POST", "/conversations/{sender}/tracker/events"),
    ("PUT", "/model"),
    ("POST", "/model/parse"),
])
def test_the_http_api_refuses_calls_without_the_token(servers, conversation, method, path):
    url = api_base(servers) + path.format(sender=conversation.sender)
    for params in ({}, {"token": "wrong"}):
        response = requests.request(method, url, params=params, json={"text": "hallo"},
                                    timeout=30)
        assert response.status_code in (401, 403), (method, path, response.status_code)


def test_the_http_api_answers_with_the_token(servers, conversation):
    base, token = api_base(servers), servers["rasa"].api_token
    tracker = requests.get(f"{base}/conversations/{conversation.sender}/tracker",
                           params={"token": token}, timeout=30)
    assert tracker.status_code == 200
    assert tracker.json()["latest_message"]["text"] == "hallo"
    parse = requests.post(f"{base}/model/parse", params={"token": token},
                          json={"text": "hallo"}, timeout=30)
    assert parse.status_code == 200 and parse.json()["intent"]["name"]


def test_the_http_api_listens_on_localhost_only(servers):
    address = non_loopback_address()
    if address is None:
        pytest.skip("this machine has no non-loopback address")
    port = int(servers["rasa"].health_url.split(":")[2].split("/")[0])
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://{address}:{port}/status", timeout=10)


def test_the_action_server_refuses_calls_without_the_token(servers):
    actions = servers["actions"]
    token = actions.env["ACTION_SERVER_TOKEN"]
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": token},
                    {"Authorization": development_header()}):
        response = requests.post(actions.public_url, json=ACTION_CALL, headers=headers,
                                 timeout=30)
        assert response.status_code == 401, headers
    listing = requests.get(actions.public_url.replace("/webhook", "/actions"), timeout=30)
    assert listing.status_code == 401
    assert requests.get(actions.health_url, timeout=30).status_code == 200  # stays open


def test_the_action_server_runs_an_action_with_the_token(servers):
    actions = servers["actions"]
    headers = {"Authorization": f"Bearer {actions.env['ACTION_SERVER_TOKEN']}"}
    response = requests.post(actions.public_url, json=ACTION_CALL, headers=headers, timeout=30)
    assert response.status_code == 200
    assert {"event": "slot", "name": "onderwerp"}.items() <= response.json()["events"][0].items()


def test_a_whole_signal_conversation_works_with_the_tokens_on(chat: Chat):
    # Each step is validated by the action server, so each answer proves an accepted call.
    assert "Waar gaat je signaal over" in chat.text("ik wil een signaal doorgeven")
    assert "In welke wijk" in chat.text("Horeca")
    assert "Wat is er aan de hand" in chat.text("Spangen")
    assert chat.slots()["signaal_wijk"] == "Spangen"
    assert "niets opgeslagen" in chat.text("stop")


def test_without_a_configured_token_only_local_calls_with_the_development_token_pass(tmp_path):
    address = non_loopback_address()
    if address is None:
        pytest.skip("this machine has no non-loopback address")
    port = free_port()
    # As a developer runs it: no ACTION_SERVER_TOKEN, listening on every interface.
    actions = action_server(port, env={"SANIC_HOST": "0.0.0.0", "ACTION_SERVER_TOKEN": "",
                                       "DATABASE_URL": f"sqlite:///{tmp_path / 's.db'}"})
    headers = {"Authorization": development_header()}
    with running([actions], LOGS, timeout=180):
        local = requests.post(f"http://127.0.0.1:{port}/webhook", json=ACTION_CALL,
                              headers=headers, timeout=30)
        assert local.status_code == 200
        remote = requests.post(f"http://{address}:{port}/webhook", json=ACTION_CALL,
                               headers=headers, timeout=30)
        assert remote.status_code == 401

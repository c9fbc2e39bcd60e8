"""The public REST channel checks and limits what it gets (real Rasa server)."""
from __future__ import annotations

import uuid

import pytest
import requests

from bot.channel import MAX_BODY_BYTES, MAX_MESSAGE_CHARS, failure_text, too_long_text
from tests.conftest import Chat
from wijkveiligheid import settings

pytestmark = pytest.mark.e2e


def events(chat: Chat):
    response = requests.get(f"{chat.base}/conversations/{chat.sender}/tracker",
                            params={"token": chat.api_token}, timeout=30)
    return response.json()["events"]


def user_texts(chat: Chat):
    return [e.get("text") for e in events(chat) if e["event"] == "user"]


def test_a_too_long_message_gets_a_dutch_reply_and_is_not_processed(chat: Chat):
    long = "Er staat al weken een auto zonder kenteken in onze straat. " * 20
    assert len(long) > MAX_MESSAGE_CHARS
    assert chat.say(long) == [{"recipient_id": chat.sender, "text": too_long_text()}]
    assert "te lang" in too_long_text()
    assert user_texts(chat) == []  # never reached the assistant or its tracker


def test_a_message_at_the_limit_is_processed(chat: Chat):
    text = ("wat doet een stadsmarinier " * 40)[:MAX_MESSAGE_CHARS]
    reply = chat.text(text)
    assert reply and reply != failure_text() and reply != too_long_text()
    assert user_texts(chat) == [text]


def test_a_body_over_the_limit_is_refused_with_413(servers):
    body = '{"sender": "test-big", "message": "' + "a" * MAX_BODY_BYTES + '"}'
    response = requests.post(servers["rasa"].public_url, data=body,
                             headers={"Content-Type": "application/json"}, timeout=60)
    assert response.status_code == 413


@pytest.mark.parametrize("body", [
    b"",
    b"not json",
    b'{"sender": "x", "message": ',
    b"[]",
    b'"hallo"',
    b'{"message": "hallo"}',
    b'{"sender": "", "message": "hallo"}',
    b'{"sender": "x", "message": 12}',
    b'{"sender": "x", "message": null}',
    b'{"sender": "x", "message": ["hallo"]}',
    b'{"sender": 12, "message": "hallo"}',
    b'{"sender": "a\\nb", "message": "hallo"}',
    ('{"sender": "%s", "message": "hallo"}' % ("s" * 129)).encode(),
    b'{"sender": "x", "message": "\xff\xfe"}',
    b'{"sender": "x", "message": "\\ud800"}',
    b"[" * 100_000,
])
def test_unreadable_requests_get_a_400_with_a_dutch_explanation(servers, body):
    response = requests.post(servers["rasa"].public_url, data=body,
                             headers={"Content-Type": "application/json"}, timeout=30)
    assert response.status_code == 400
    assert "kon ik niet lezen" in response.json()[0]["text"]


def test_client_metadata_and_stream_are_ignored(chat: Chat):
    response = requests.post(chat.url, params={"stream": "true"},
                             json={"sender": chat.sender, "message": "hallo",
                                   "metadata": {"ip": "10.0.0.1", "naam": "Jan"},
                                   "input_channel": "admin"}, timeout=60)
    assert response.status_code == 200 and response.json()
    user = [e for e in events(chat) if e["event"] == "user"][0]
    metadata = user.get("metadata") or {}
    assert "naam" not in metadata and "ip" not in metadata
    assert user["input_channel"] == "rest"


def test_the_website_url_still_works_with_a_form_body(servers):
    # Wrong content type, but a valid JSON text: read like the widget's JSON.
    sender = f"test-{uuid.uuid4()}"
    response = requests.post(servers["rasa"].public_url,
                             data=f'{{"sender": "{sender}", "message": "hallo"}}',
                             headers={"Content-Type": "text/plain"}, timeout=60)
    assert response.status_code == 200 and response.json()


def test_the_channel_tells_any_widget_the_one_message_limit(servers):
    # The widget reads its limit here, so the page, the channel and the form agree.
    base = servers["rasa"].health_url.rstrip("/")
    answer = requests.get(f"{base}/instellingen", headers={"Origin": "http://127.0.0.1:8000"},
                          timeout=30)
    assert answer.json() == {"max_lengte": MAX_MESSAGE_CHARS}
    assert MAX_MESSAGE_CHARS == settings.MAX_MESSAGE_CHARS  # the core's limit, not a copy
    assert answer.headers["Access-Control-Allow-Origin"] == "http://127.0.0.1:8000"

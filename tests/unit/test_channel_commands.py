"""The public channel lets through only the intent messages the assistant offered."""
from __future__ import annotations

import asyncio
from typing import Set

import pytest

from bot.channel import ALLOWED_COMMANDS, checked_command, conversation_store, session_is_full


class Store:
    """Answers what bot.tracker_store.PrivateSQLTrackerStore answers, from memory."""

    def __init__(self, offered: Set[str] = frozenset(), messages: int = 0) -> None:
        self.offered, self.messages = set(offered), messages

    async def offered_payloads(self, sender: str) -> Set[str]:
        return self.offered

    async def user_messages_in_session(self, sender: str) -> int:
        return self.messages


def check(text: str, store) -> str:
    return asyncio.run(checked_command(text, store, "iemand"))


@pytest.mark.parametrize("forged", [
    '/signaal_doorgeven{"onderwerp":"x"}', "/cameratoezicht", '/bevestigen{"vraagsoort":"y"}',
    "/nlu_fallback", "//restart", " /stoppen",
])
def test_a_forged_intent_becomes_plain_text(forged):
    assert check(forged, Store()) == forged.strip().lstrip("/")


def test_an_offered_payload_and_the_allow_list_pass():
    assert check("/horeca_melden", Store({"/horeca_melden"})) == "/horeca_melden"
    for command in ALLOWED_COMMANDS:
        assert check(command, Store()) == command
    # offered without entities does not allow the same intent with entities
    assert check('/horeca_melden{"onderwerp":"x"}', Store({"/horeca_melden"})) == \
        'horeca_melden{"onderwerp":"x"}'


def test_ordinary_text_is_untouched_and_a_store_without_answers_is_safe():
    assert check("waar meld ik overlast / geluid", Store()) == "waar meld ik overlast / geluid"
    assert check("/horeca", object()) == "horeca"  # a store that cannot tell: refuse


class Broken(Store):
    async def offered_payloads(self, sender: str) -> Set[str]:
        raise ConnectionError("database down")

    async def user_messages_in_session(self, sender: str) -> int:
        raise ConnectionError("database down")


def test_a_failing_store_refuses_and_does_not_cap():
    assert check("/horeca", Broken()) == "horeca"
    assert asyncio.run(session_is_full(Broken(), "iemand")) is False


def test_the_session_is_full_at_the_configured_number(monkeypatch):
    monkeypatch.setenv("CONVERSATION_MAX_MESSAGES", "50")
    assert asyncio.run(session_is_full(Store(messages=49), "x")) is False
    assert asyncio.run(session_is_full(Store(messages=50), "x")) is True
    assert asyncio.run(session_is_full(object(), "x")) is False


def test_the_store_is_found_inside_rasas_wrapper():
    inner = Store()

    class Wrapper:
        _tracker_store = inner

    class Agent:
        tracker_store = Wrapper()

    assert conversation_store(Agent()) is inner
    assert conversation_store(None) is None

"""The action server stops in the middle of conversations: nobody is left in silence."""
from __future__ import annotations

import pytest

from bot.channel import failure_text
from tests.conftest import LOGS, Chat

pytestmark = pytest.mark.e2e

# A greeting, topic questions, and every step of the signal form.
MESSAGES = ["hallo", "wat doet een stadsmarinier", "mogen wij meebeslissen over camera's?",
            "ik wil een signaal doorgeven", "Overlast op straat", "Spangen",
            "Er wordt elke nacht met scooters door het park gescheurd", "bewoner", "nee", "ja",
            "doei"]

DUTCH_WORDS = {"de", "het", "een", "je", "ik", "bel", "is", "wat", "en", "van"}


def looks_dutch(text: str) -> bool:
    words = {w.strip(".,:;!?*()").lower() for w in text.split()}
    return len(words & DUTCH_WORDS) >= 2


def test_every_message_gets_a_dutch_reply_while_the_action_server_is_down(servers):
    actions = servers["actions"]
    actions.stop()
    try:
        chat = Chat(servers["rasa"])
        replies = {}
        for message in MESSAGES:
            reply = chat.say(message)
            replies[message] = "\n".join(m.get("text", "") for m in reply)
            print(f"{message!r} -> {replies[message][:100]!r}")
            assert reply and replies[message].strip(), f"silence after {message!r}"
            assert looks_dutch(replies[message]), (message, replies[message])
        # Topic answers need no action server; the signal form does: the person is told.
        assert "Stadsmariniers" in replies["wat doet een stadsmarinier"]
        assert failure_text() in replies["ik wil een signaal doorgeven"]
    finally:
        actions.start(LOGS)
        actions.wait_until_up(timeout=180)


def test_once_the_action_server_is_back_conversations_work_again(servers):
    actions = servers["actions"]
    actions.stop()
    chat = Chat(servers["rasa"])
    try:
        chat.say("ik wil een signaal doorgeven")
    finally:
        actions.start(LOGS)
        actions.wait_until_up(timeout=180)
    # The same person, and someone new, can pass on a signal from the start.
    for person in (chat, Chat(servers["rasa"])):
        person.text("stop")
        assert "Waar gaat je signaal over" in person.text("ik wil een signaal doorgeven")
        assert "In welke wijk" in person.text("Horeca")
        assert "Wat is er aan de hand" in person.text("Spangen")
        assert person.slots()["signaal_wijk"] == "Spangen"
        assert "niets opgeslagen" in person.text("stop")

"""Custom actions, run as the action server runs them."""
from __future__ import annotations

import asyncio

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.onderwerp import ActionVergeetOnderwerp


def tracker(slots: dict) -> Tracker:
    return Tracker.from_dict({"sender_id": "t", "slots": slots, "events": [],
                              "latest_message": {"intent": {"name": "buiten_bereik"}}})


def test_forgets_the_topic_after_an_off_topic_question():
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionVergeetOnderwerp().run(
        dispatcher, tracker({"onderwerp": "cameratoezicht"}), {}))
    assert events == [SlotSet("onderwerp", None)]
    assert dispatcher.messages == []  # the answer itself is a response, sent before

"""Slots an entity can fill are checked against their values; actions cope with unknown ones."""
from __future__ import annotations

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.signaal import AskSignaalBevestigd, ValidateSignaalForm
from actions.slots import ValidateSlotMappings
from wijkveiligheid.knowledge import QUESTION_KINDS, TOPIC_IDS


def tracker_after(slots: dict) -> Tracker:
    """A tracker where Rasa has just set `slots` from the latest message."""
    events = [{"event": "user", "text": "x", "parse_data": {"intent": {"name": "begroeting"}}}]
    events += [{"event": "slot", "name": name, "value": value} for name, value in slots.items()]
    return Tracker.from_dict({"sender_id": "t", "slots": slots, "events": events,
                              "latest_message": {"intent": {"name": "begroeting"}}})


def run(action, tracker, domain=None):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, domain or {
        "slots": {"onderwerp": {}, "vraagsoort": {}}, "forms": {}}))
    return events, dispatcher.messages


@pytest.mark.parametrize("slot, value", [
    ("onderwerp", "bestaat_niet"), ("onderwerp", "x" * 500), ("onderwerp", 12),
    ("vraagsoort", "verzonnen"), ("vraagsoort", ["uitleg"]),
])
def test_an_unknown_value_is_emptied(slot, value):
    events, _ = run(ValidateSlotMappings(), tracker_after({slot: value}))
    assert SlotSet(slot, None) in events


@pytest.mark.parametrize("slot, value", [("onderwerp", TOPIC_IDS[0]),
                                         ("vraagsoort", QUESTION_KINDS[-1])])
def test_a_known_value_stays(slot, value):
    events, _ = run(ValidateSlotMappings(), tracker_after({slot: value}))
    assert SlotSet(slot, value) in events


def test_the_summary_copes_with_an_unknown_topic():
    tracker = Tracker.from_dict({"sender_id": "t", "events": [], "latest_message": {},
                                 "slots": {"signaal_onderwerp": "bestaat_niet",
                                           "signaal_wijk": "Carnisse"}})
    _, messages = run(AskSignaalBevestigd(), tracker)
    assert messages[0]["response"] == "utter_signaal_samenvatting"
    assert messages[0]["onderwerp_naam"] == "onbekend onderwerp"


def test_a_forged_topic_is_not_confirmed_in_the_form():
    tracker = Tracker.from_dict({"sender_id": "t", "events": [],
                                 "latest_message": {"text": "ja", "intent": {"name": "bevestigen"}},
                                 "slots": {"onderwerp": "bestaat_niet"}})
    result = ValidateSignaalForm().validate_signaal_onderwerp(
        "ja", CollectingDispatcher(), tracker, {})
    assert result.get("signaal_onderwerp") != "bestaat_niet"


def test_storing_a_forged_signal_is_refused_politely(monkeypatch, tmp_path):
    from actions.signaal import ActionSignaalOpslaan

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'leeg.db'}")
    monkeypatch.setenv("SIGNAL_OUTBOX", str(tmp_path / "outbox"))
    tracker = Tracker.from_dict({
        "sender_id": "t", "latest_message": {},
        "events": [{"event": "user", "timestamp": 1.0}],
        "slots": {"signaal_bevestigd": True, "signaal_onderwerp": "bestaat_niet",
                  "signaal_wijk": "Carnisse", "signaal_gebied": "Charlois",
                  "signaal_beschrijving": "iets aan de hand", "signaal_rol": "bewoner"}})
    events, messages = run(ActionSignaalOpslaan(), tracker)
    assert messages[0]["response"] == "utter_signaal_niet_opgeslagen"
    assert SlotSet("signaal_onderwerp", None) in events
    assert not (tmp_path / "outbox").exists()  # not queued either

"""Slots an entity can fill only get known values; actions cope with unknown ones anyway."""
from __future__ import annotations

import asyncio
import json

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.signaal import AskSignaalBevestigd, ValidateSignaalForm
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


def test_the_nlu_fills_topic_and_kind_slots_only_with_known_values(kb):
    """Entities that fill `onderwerp` and `vraagsoort` come only from our components, whose
    values are fixed sets, and from button payloads the assistant itself offered (the
    channel refuses any other "/" command): checked here instead of by an action-server
    call after every message, which doubled the time per message (docs/security.md)."""
    from bot.antwoorden import KIND_PAYLOADS, SIGNAL_PAYLOAD
    from bot.noodgeval import MAY_HIDE_AN_EMERGENCY
    from bot.responses import build_responses
    from bot.vraagsoort import NO_KIND

    assert set(TOPIC_IDS) <= MAY_HIDE_AN_EMERGENCY  # keep_topic only ever keeps a topic id
    payloads = [KIND_PAYLOADS[k] for k in KIND_PAYLOADS] + [SIGNAL_PAYLOAD]
    for response in build_responses(kb).values():
        for variation in response:
            payloads += [b["payload"] for b in variation.get("buttons", [])]
    for payload in payloads:
        if "{" in payload:
            values = json.loads(payload[payload.index("{"):])
            assert values.get("onderwerp", TOPIC_IDS[0]) in TOPIC_IDS
            assert values.get("vraagsoort", QUESTION_KINDS[0]) in QUESTION_KINDS
    assert NO_KIND not in QUESTION_KINDS  # "geen" never becomes an entity


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

"""What the conversation store makes of an event before writing it (bot/tracker_store.py)."""
from __future__ import annotations

from bot.tracker_store import CONTACT_PLACEHOLDER, offered_payloads, private_event


def test_a_user_message_is_redacted_in_text_parse_data_and_entities():
    text = "Mijn buurman Jan de Vries belt 06-12345678"
    event = {"event": "user", "text": text, "metadata": {"x": text},
             "parse_data": {"text": text, "intent": {"name": "woonoverlast"},
                            "entities": [{"entity": "x", "value": "06-12345678"}]}}
    stored = private_event(event, contact_requested=False)
    assert "06-12345678" not in str(stored) and "Jan de Vries" not in str(stored)
    assert stored["parse_data"]["intent"]["name"] == "woonoverlast"
    assert event["text"] == text  # the event in memory is left alone


def test_the_answer_to_the_contact_question_and_the_contact_slot_are_hidden():
    answer = {"event": "user", "text": "bel me op 010 - 1234 567 na zessen",
              "parse_data": {"text": "bel me op 010 - 1234 567 na zessen"}}
    assert private_event(answer, contact_requested=True)["text"] == CONTACT_PLACEHOLDER
    slot = {"event": "slot", "name": "signaal_contact", "value": "+31101234567"}
    assert private_event(slot, False)["value"] == CONTACT_PLACEHOLDER
    emptied = {"event": "slot", "name": "signaal_contact", "value": None}
    assert private_event(emptied, False)["value"] is None


def test_a_bot_text_repeating_the_contact_is_hidden_even_in_a_form_redact_misses():
    bot = {"event": "bot", "text": "Klopt dit? Contact: x_y+z@sub.voorbeeld.co.nl"}
    stored = private_event(bot, False, contacts=["x_y+z@sub.voorbeeld.co.nl"])
    assert "voorbeeld" not in stored["text"] and CONTACT_PLACEHOLDER in stored["text"]


def test_other_slots_are_redacted_and_ids_stay():
    assert private_event({"event": "slot", "name": "signaal_beschrijving",
                          "value": "auto AB-123-C"}, False)["value"] == "auto [kenteken]"
    for value in ("overlast_op_straat", "SIG-2026-000123", True, 3, None):
        assert private_event({"event": "slot", "name": "s", "value": value}, False)["value"] == value


def test_offered_payloads_come_from_bot_buttons():
    events = [{"data": {"buttons": [{"payload": "/signaal_doorgeven"}, {"payload": "ja"}]}},
              {"data": None}, {"data": {"buttons": ["kapot"]}}]
    assert offered_payloads(events) == {"/signaal_doorgeven", "ja"}


def test_a_server_that_loses_the_race_to_create_the_contact_table_starts_all_the_same(monkeypatch):
    # Two servers starting at once on a new PostgreSQL database: the loser's CREATE TABLE
    # fails with a duplicate type although the table now exists.
    import pytest
    import sqlalchemy as sa

    from bot import tracker_store
    engine = sa.create_engine("sqlite://")
    tracker_store.PendingBase.metadata.create_all(engine)  # the winner's table

    def loses_the_race(*args, **kwargs):
        raise sa.exc.IntegrityError("CREATE TABLE gesprek_contact", {}, Exception("duplicate"))

    monkeypatch.setattr(tracker_store.PendingBase.metadata, "create_all", loses_the_race)
    tracker_store.create_pending_table(engine)  # no error: the table is there
    with pytest.raises(sa.exc.IntegrityError):
        tracker_store.create_pending_table(sa.create_engine("sqlite://"))  # no table: fails

"""The signal form's checks, run as the action server runs them."""
from __future__ import annotations

import asyncio
from typing import Any, Dict, Optional

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.signaal import (
    MAX_FAILURES,
    ValidateSignaalForm,
    match_role,
    match_topic,
    valid_contact,
    yes_or_no,
)
from wijkveiligheid.settings import MAX_MESSAGE_CHARS


def tracker(slots: Optional[Dict[str, Any]] = None, intent: str = "") -> Tracker:
    return Tracker.from_dict({"sender_id": "t", "slots": slots or {}, "events": [],
                              "latest_message": {"intent": {"name": intent}, "text": ""}})


def validate(slot: str, value: Any, slots=None, intent: str = ""):
    dispatcher = CollectingDispatcher()
    method = getattr(ValidateSignaalForm(), f"validate_{slot}")
    return method(value, dispatcher, tracker(slots, intent), {}), dispatcher.messages


@pytest.mark.parametrize("text, expected", [
    ("ja", True), ("Ja graag!", True), ("klopt", True), ("nee", False),
    ("Nee, liever niet", False), ("misschien", None), ("", None), (None, None)])
def test_yes_or_no(text, expected):
    assert yes_or_no(text) is expected


def test_topic_is_confirmed_from_the_conversation():
    result, _ = validate("signaal_onderwerp", "ja", {"onderwerp": "horeca"})
    assert result["signaal_onderwerp"] == "horeca"


def test_topic_no_asks_again_with_all_topics():
    result, _ = validate("signaal_onderwerp", "nee", {"onderwerp": "horeca"})
    assert result == {"signaal_onderwerp": None, "onderwerp": None}


@pytest.mark.parametrize("text, topic", [
    ("Cameratoezicht", "cameratoezicht"), ("demonstraties", "demonstraties"),
    ("cameratoezich", "cameratoezicht")])
def test_topic_from_a_button_or_typed(text, topic):
    assert match_topic(text, None) == topic


@pytest.mark.parametrize("text", ["a", "de", "ho", "voe"])
def test_a_very_short_answer_is_no_topic(text):
    assert match_topic(text, None) is None


def test_topic_from_what_the_nlu_understood():
    assert match_topic("er wordt gedeald op het plein", "overlast_op_straat") == "overlast_op_straat"
    assert match_topic("iets onduidelijks", "begroeting") is None


@pytest.mark.parametrize("text, wijk, gebied", [
    ("oud mathenesse", "Oud-Mathenesse", "Delfshaven"), ("Carnise", "Carnisse", "Charlois")])
def test_wijk_is_matched_forgivingly(text, wijk, gebied):
    result, _ = validate("signaal_wijk", text)
    assert (result["signaal_wijk"], result["signaal_gebied"]) == (wijk, gebied)


def test_unknown_wijk_gets_an_explanation_and_a_second_chance():
    result, messages = validate("signaal_wijk", "Amsterdam")
    assert result["signaal_wijk"] is None and result["signaal_mislukt"] == 1
    assert messages[0]["response"] == "utter_signaal_wijk_onbekend"


def test_repeated_failures_end_the_form_politely():
    result, messages = validate("signaal_wijk", "xyz", {"signaal_mislukt": MAX_FAILURES - 1})
    assert result["signaal_afgebroken"] is True
    assert messages[0]["response"] == "utter_signaal_te_vaak_mislukt"
    slots = asyncio.run(ValidateSignaalForm().required_slots(
        [], CollectingDispatcher(), tracker({"signaal_afgebroken": True}), {}))
    assert slots == []


@pytest.mark.parametrize("text", ["", "   ", "kapot", "te kort"])
def test_description_needs_a_few_words(text):
    result, messages = validate("signaal_beschrijving", text)
    assert result["signaal_beschrijving"] is None and messages


def test_description_is_limited_to_one_chat_message():
    # The channel's one limit: a longer description could never arrive in one message.
    result, messages = validate("signaal_beschrijving", "woord " * (MAX_MESSAGE_CHARS // 5))
    assert result["signaal_beschrijving"] is None
    assert messages[0]["response"] == "utter_signaal_beschrijving_te_lang"


def test_description_is_redacted_and_the_user_is_told():
    result, messages = validate(
        "signaal_beschrijving", "De man van 06-12345678 dealt elke avond bij het plein")
    assert "06-12345678" not in result["signaal_beschrijving"]
    assert "[telefoonnummer]" in result["signaal_beschrijving"]
    assert messages[0]["response"] == "utter_signaal_persoonsgegevens_weggehaald"


def test_odd_text_in_the_description_is_kept_as_text():
    text = "<img src=x onerror=alert(1)> '; DROP TABLE signalen; -- 🙂 bij het plein"
    result, _ = validate("signaal_beschrijving", text)
    assert result["signaal_beschrijving"] == text


@pytest.mark.parametrize("text, role", [
    ("bewoner", "bewoner"), ("Ik ben wijkraadslid", "wijkraadslid"), ("ondernemr", "ondernemer"),
    ("iets anders", "anders"), ("xyz", None)])
def test_roles(text, role):
    assert match_role(text) == role


@pytest.mark.parametrize("text, contact", [
    ("naam@voorbeeld.nl", "naam@voorbeeld.nl"), ("06 12345678", "+31612345678"),
    ("010-1234567", "+31101234567"), ("+31 6 1234 5678", "+31612345678"),
    ("geen idee", None), ("naam@", None), ("12345", None)])
def test_contact_details_are_validated(text, contact):
    assert valid_contact(text) == contact


def test_contact_is_only_asked_after_consent():
    form = ValidateSignaalForm()
    asked = asyncio.run(form.required_slots([], CollectingDispatcher(),
                                            tracker({"signaal_contact_toestemming": False}), {}))
    assert "signaal_contact" not in asked
    asked = asyncio.run(form.required_slots([], CollectingDispatcher(),
                                            tracker({"signaal_contact_toestemming": True}), {}))
    assert "signaal_contact" in asked


def test_changing_ones_mind_about_contact_stores_none():
    result, _ = validate("signaal_contact", "nee", {"signaal_contact_toestemming": True})
    assert result["signaal_contact_toestemming"] is False and result["signaal_contact"] is None


def test_cancel_words_stop_the_form_even_when_not_understood_as_stop():
    dispatcher = CollectingDispatcher()
    stopping = Tracker.from_dict({
        "sender_id": "t", "slots": {"requested_slot": "signaal_rol"}, "events": [],
        "latest_message": {"intent": {"name": "ontkennen"}, "text": "Laat maar!"},
        "active_loop": {"name": "signaal_form"}})
    events = asyncio.run(ValidateSignaalForm().run(dispatcher, stopping, {}))
    assert SlotSet("signaal_afgebroken", True) in events
    assert SlotSet("requested_slot", None) in events  # ends the form
    assert dispatcher.messages[0]["response"] == "utter_signaal_gestopt"


@pytest.mark.parametrize("text", ["neeltje.jansen@gmail.com", "Neeltje@voorbeeld.nl",
                                  "neem maar contact met me op", "neem het maar op"])
def test_words_that_only_start_with_nee_are_no_no(text):
    assert yes_or_no(text) is not False


def test_an_e_mail_address_is_kept_as_the_contact():
    result, _ = validate("signaal_contact", "neeltje.jansen@gmail.com",
                         {"signaal_contact_toestemming": True})
    assert result["signaal_contact"] == "neeltje.jansen@gmail.com"


def waiting_for(slot: str, text: str, intent: str = "horeca", kind: Optional[str] = "invloed",
                read: Optional[Dict[str, Any]] = None) -> Tracker:
    """The form asks for `slot`; `read` are the slot values the message itself filled."""
    entities = [{"entity": "vraagsoort", "value": kind}] if kind else []
    events = [{"event": "user", "text": text}] + [
        {"event": "slot", "name": name, "value": value} for name, value in (read or {}).items()]
    return Tracker.from_dict({
        "sender_id": "t", "slots": {"requested_slot": slot, "onderwerp": "horeca", **(read or {})},
        "events": events, "active_loop": {"name": "signaal_form"},
        "latest_message": {"intent": {"name": intent}, "text": text, "entities": entities}})


QUESTION = "kan er iemand van de gemeente bij ons in de vergadering uitleg geven over het horecabeleid?"


def test_a_question_typed_while_the_form_waits_for_a_choice_is_answered_and_asked_again():
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ValidateSignaalForm().run(
        dispatcher, waiting_for("signaal_onderwerp", QUESTION,
                                read={"signaal_onderwerp": QUESTION}), {}))
    # Not taken as the answer, and the same question is asked again.
    assert events == [SlotSet("signaal_onderwerp", None),
                      SlotSet("requested_slot", "signaal_onderwerp")]
    assert dispatcher.messages[0]["response"] == "utter_antwoord"


def test_a_wijk_named_in_a_question_during_the_form_is_checked_as_usual():
    # A wijk without its gebied would make the stored signal fail later.
    text = "kan iemand bij ons in Carnisse uitleg komen geven over het horecabeleid?"
    events = asyncio.run(ValidateSignaalForm().run(
        CollectingDispatcher(), waiting_for("signaal_bevestigd", text, read={
            "signaal_wijk": "Carnisse", "signaal_bevestigd": text}), {}))
    assert SlotSet("signaal_wijk", "Carnisse") in events
    assert SlotSet("signaal_gebied", "Charlois") in events
    assert events[-2:] == [SlotSet("signaal_bevestigd", None),
                           SlotSet("requested_slot", "signaal_bevestigd")]


@pytest.mark.parametrize("slot, text, intent, kind", [
    ("signaal_beschrijving", QUESTION, "horeca", "invloed"),  # a description may ask
    ("signaal_onderwerp", "ja, klopt dat niet dan?", "horeca", "invloed"),
    ("signaal_onderwerp", "gaat het over horeca?", "horeca", "invloed"),  # too short
    ("signaal_onderwerp", QUESTION.rstrip("?"), "horeca", "invloed"),
    ("signaal_wijk", "hoort katendrecht eigenlijk bij feijenoord of niet?", "buiten_bereik",
     "uitleg"),
])
def test_answers_are_no_question_of_their_own(slot, text, intent, kind):
    from actions.signaal import asks_a_question
    assert not asks_a_question(waiting_for(slot, text, intent, kind))


def test_where_to_report_asked_during_the_form_is_answered_too():
    from actions.signaal import asks_a_question
    assert asks_a_question(waiting_for("signaal_onderwerp", "moet ik het daarnaast nog ergens "
                                       "anders melden?", "overlast_op_straat", "melden"))


def test_a_follow_up_about_the_signals_topic_during_the_form_is_answered_too():
    # The NLU reads it as a follow-up (no topic named): it is about the form's topic.
    from actions.signaal import asks_a_question
    assert asks_a_question(waiting_for("signaal_onderwerp", "moet ik het daarnaast nog ergens "
                                       "anders melden?", "vervolgvraag", "melden"))


def test_a_follow_up_at_another_step_is_no_topic_question():
    from actions.signaal import asks_a_question
    assert not asks_a_question(waiting_for("signaal_contact_toestemming", "wie krijgt mijn "
                                           "telefoonnummer dan te zien bij de gemeente?",
                                           "vervolgvraag", "uitleg"))


@pytest.mark.parametrize("text, intent, kind", [
    ("wie beslist er eigenlijk over camera's op straat?", "cameratoezicht", "uitleg"),
    ("en waar moet ik dat verder nog melden?", "vervolgvraag", "melden"),
    ("hoe vaak wordt de wijkraad om advies gevraagd?", "horeca", "invloed"),
])
def test_a_short_question_instead_of_the_description_is_answered(text, intent, kind):
    from actions.signaal import asks_a_question
    assert asks_a_question(waiting_for("signaal_beschrijving", text, intent, kind))


@pytest.mark.parametrize("text", [
    "waarom staan er elke avond jongeren bij de school te blowen?",
    "wie laat er nou elke nacht om drie uur zijn scooter voor mijn deur ronken, met harde "
    "muziek erbij?",
    "er wordt gedeald bij de speeltuin, kan de gemeente daar iets aan doen?",
    "hoe kan het dat er elke avond bij de speeltuin gedeald wordt?",
    "hoe komt het dat die jongens elke nacht bij ons portiek staan?",
    "wie beslist er eigenlijk over camera's op straat",
])
def test_a_description_worded_as_a_question_stays_the_description(text):
    from actions.signaal import asks_a_question
    assert not asks_a_question(waiting_for("signaal_beschrijving", text, "overlast_op_straat",
                                           "uitleg"))

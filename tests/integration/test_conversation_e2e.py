"""Whole conversations through the real Rasa server and action server, over HTTP."""
from __future__ import annotations

import pytest
import requests

from tests.conftest import LOGS, Chat

pytestmark = pytest.mark.e2e


def from_topic(answer: str, topic) -> bool:
    """The answer is one of the topic's answers: a question item's or a short one."""
    texts = [item.antwoord for item in topic.vragen]
    texts += [t for t in (topic.kort.uitleg, topic.kort.invloed, topic.kort.melden,
                          topic.kort.signaal) if t]
    return any(text in answer for text in texts)


def test_topic_question_sets_topic_and_kind(chat: Chat, kb):
    answer = chat.text("mogen wij als wijkraad meebeslissen over camera's in onze wijk?")
    assert from_topic(answer, kb.topic("cameratoezicht")) and "wijkmanager" in answer
    assert chat.slots()["onderwerp"] == "cameratoezicht"
    assert chat.slots()["vraagsoort"] == "invloed"


def test_described_topic_is_recognised(chat: Chat, kb):
    answer = chat.text("er is deze week twee keer ingebroken in onze straat")
    assert from_topic(answer, kb.topic("high_impact_crimes"))
    assert chat.slots()["onderwerp"] == "high_impact_crimes"


def test_follow_up_keeps_the_topic(chat: Chat, kb):
    chat.text("hoe werkt cameratoezicht eigenlijk?")
    answer = chat.text("en mogen wij daar iets over zeggen?")
    assert from_topic(answer, kb.topic("cameratoezicht")) and "wijkmanager" in answer
    assert chat.slots()["onderwerp"] == "cameratoezicht"
    assert chat.slots()["vraagsoort"] == "invloed"


def test_nuisance_report_goes_to_the_veiligheidsloket(chat: Chat, kb):
    answer = chat.text("er wordt elke avond gedeald bij het speeltuintje waar kan ik dat melden")
    assert kb.contacts.veiligheidsloket.url in answer
    assert chat.slots()["vraagsoort"] == "melden"


def test_housing_nuisance_goes_to_the_meldpunt(chat: Chat, kb):
    answer = chat.text("mijn bovenburen maken elke nacht herrie, waar meld ik dat?")
    assert kb.contacts.meldpunt_woonoverlast.url in answer


def test_emergency_gets_112_first(chat: Chat):
    chat.text("hoe werkt cameratoezicht")
    messages = chat.say("help er wordt nu ingebroken bij mijn buren")
    assert messages[0]["text"].startswith("**Bel nu 112**")


def trigger(chat: Chat, intent: str, entities: dict) -> list:
    """Sends an intent as the NLU would give it, through Rasa's HTTP API (token only):
    the public channel refuses forged "/" commands."""
    response = requests.post(f"{chat.base}/conversations/{chat.sender}/trigger_intent",
                             params={"token": chat.api_token, "output_channel": "latest"},
                             json={"name": intent, "entities": entities}, timeout=60)
    assert response.status_code == 200, response.text
    return [m.get("text", "") for m in response.json()["messages"]]


def test_a_topic_question_that_may_be_an_emergency_gets_112_then_the_answer(chat: Chat, kb):
    # What bot.noodgeval makes of a topic message with a plausible emergency score.
    both = trigger(chat, "noodgeval", {"onderwerp": "high_impact_crimes", "vraagsoort": "melden"})
    assert chat.slots()["onderwerp"] == "high_impact_crimes"
    # A plain emergency gets 112 alone, not the previous topic's answer again.
    emergency = trigger(chat, "noodgeval", {})
    assert emergency[0].startswith("**Bel nu 112**")
    assert both[:len(emergency)] == emergency
    assert from_topic("\n".join(both[len(emergency):]), kb.topic("high_impact_crimes"))


def test_out_of_scope_is_honest_and_clears_the_topic(chat: Chat):
    chat.text("wat doet een stadsmarinier")
    answer = chat.text("wanneer wordt het grofvuil opgehaald?")
    assert "niet mee helpen" in answer and "14 010" in answer
    assert chat.slots()["onderwerp"] is None


def test_influence_over_something_else_points_to_the_wijkmanager(chat: Chat):
    answer = chat.text("mogen wij meebeslissen over de kleur van de nieuwe bankjes?")
    assert "alleen bij de veiligheidsonderwerpen" in answer and "wijkmanager" in answer
    assert chat.slots()["onderwerp"] is None


def test_what_can_i_ask_offers_topic_buttons_that_work(chat: Chat, kb):
    messages = chat.say("wat kan ik vragen?")
    buttons = messages[0]["buttons"]
    assert len(buttons) == 14
    answer = "\n".join(m["text"] for m in chat.say(buttons[5]["payload"]))
    assert from_topic(answer, kb.topic("voetbal"))
    assert chat.slots()["onderwerp"] == "voetbal"


def test_robot_question_is_answered_plainly(chat: Chat):
    assert "computerprogramma" in chat.text("ben jij een robot?")


@pytest.mark.parametrize(
    "message",
    ["", "   ", "x" * 10_000, "🙂🚨🏠", "<script>alert(1)</script>",
     "'; DROP TABLE events; --", "\u202eevil\u202c text", "\x00\x01 controle"],
)
def test_odd_input_always_gets_a_reply(chat: Chat, message):
    messages = chat.say(message)
    assert messages, f"no reply to {message[:30]!r}"
    assert all(m.get("text") for m in messages)


def test_malformed_request_is_refused_cleanly(servers):
    url = servers["rasa"].public_url
    response = requests.post(url, data="{not json", headers={"Content-Type": "application/json"},
                             timeout=30)
    assert 400 <= response.status_code < 500


def test_answers_still_come_when_the_action_server_is_down(servers, kb):
    servers["actions"].stop()
    try:
        chat = Chat(servers["rasa"])
        answer = chat.text("wat doet de gemeente aan overlast op straat?")
        assert from_topic(answer, kb.topic("overlast_op_straat"))
        # Even where the off-topic flow calls a custom action, the reply comes first.
        assert "niet mee helpen" in chat.text("hoe vraag ik een paspoort aan")
    finally:
        servers["actions"].start(LOGS)
        servers["actions"].wait_until_up(timeout=120)


def test_a_wijk_follow_up_answers_for_that_wijk(chat: Chat, kb):
    chat.text("wat doet een stadsmarinier eigenlijk?")
    answer = chat.text("en bij ons in carnise?")  # a typo, lower case
    assert answer.startswith("Ja, in Carnisse werkt een stadsmarinier")
    assert chat.slots()["onderwerp"] == "stadsmariniers"
    assert (chat.slots()["wijk"], chat.slots()["gebied"]) == ("Carnisse", "Charlois")
    assert "Hillesluis" in chat.text("en in welke wijken zitten ze?")
    other = chat.text("en bij ons in Ommoord?")
    assert other.startswith("Nee, in Ommoord werkt geen stadsmarinier")


def test_a_plain_signal_wish_starts_the_form_with_topic_and_wijk(chat: Chat, kb):
    chat.text("wij zijn wijkraad Spangen")
    reply = chat.say("ik wil doorgeven dat er elke avond gedeald wordt bij het speeltuintje")
    assert chat.slots()["requested_slot"] == "signaal_onderwerp"
    assert "Gaat je signaal over: Overlast op straat?" in reply[0]["text"]
    chat.text("ja")
    # The wijk named earlier is not asked again: the form goes on to the description.
    assert chat.slots()["signaal_wijk"] == "Spangen"
    assert chat.slots()["requested_slot"] == "signaal_beschrijving"


def test_a_follow_up_not_understood_alone_is_answered_in_the_topic_and_ja_starts_the_form(
        chat: Chat, kb):
    chat.text("welke regels gelden er eigenlijk voor demonstraties?")
    answer = chat.text("wie toetst die aanvraag")
    assert from_topic(answer, kb.topic("demonstraties"))
    assert "Wet openbare manifestaties" in answer or "Wom" in answer
    assert chat.slots()["onderwerp"] == "demonstraties"
    assert chat.slots()["vraagsoort"] == "uitleg"
    # The answer was the assistant's own offer: "ja" takes it up.
    chat.text("ja graag")
    assert chat.slots().get("requested_slot") is not None


def test_after_the_introduction_a_follow_up_is_answered_from_it(chat: Chat, kb):
    chat.text("wat betekent het wijkakkoord voor de veiligheid in onze wijk?")
    answer = chat.text("en wie moet ik bellen als ik meer wil weten")
    assert "wijkmanager" in answer and "14 010" in answer


def test_a_question_typed_during_the_form_is_answered_and_the_form_asks_again(chat: Chat, kb):
    chat.text("wat kan de wijkraad met het horecagebiedsplan?")
    opening = kb.say(kb.teksten.gesprek.signaal_opening)
    assert opening in chat.text("ja graag")
    assert chat.slots()["requested_slot"] == "signaal_onderwerp"
    reply = chat.text("kan er iemand van de gemeente bij ons in de vergadering uitleg geven "
                      "over het horecabeleid?")
    assert from_topic(reply, kb.topic("horeca"))
    slots = chat.slots()
    assert slots["requested_slot"] == "signaal_onderwerp" and slots["signaal_onderwerp"] is None
    assert "Horeca" in reply.splitlines()[-1]  # the form's question again,
    assert opening not in reply                # without its opening line


def test_a_place_named_first_is_noted_and_bij_ons_means_it(chat: Chat):
    noted = chat.text("wij zijn de wijkraad van hoek van holland")
    assert "Hoek van Holland" in noted and "begrijp" not in noted
    reply = chat.text("is er grenzenstellend jongerenwerk bij ons?")
    assert reply.startswith("Nee, in Hoek van Holland werkt geen grenzenstellend jongerenwerk")
    assert chat.slots()["onderwerp"] == "jongerenwerk"

"""Turns the topic knowledge into the assistant's responses (Rasa domain ``responses``).

The texts are composed here from ``wijkveiligheid/kennis`` and nowhere else, so every fact the
assistant states comes from the knowledge files. Topic answers are one response,
``utter_antwoord``, with a conditional variation per (onderwerp, vraagsoort): Rasa picks
it from the slots, so answers do not depend on the action server being reachable.
"""
from __future__ import annotations

from typing import Any, Dict, List

from bot.antwoorden import Turn, compose
from wijkveiligheid.knowledge import QUESTION_KINDS, Knowledge, Topic, knowledge

Response = Dict[str, Any]


def topic_button(topic: Topic) -> Dict[str, str]:
    # The payload sets intent and kind directly, so a click never needs the NLU.
    return {"title": topic.naam, "payload": f'/{topic.id}{{"vraagsoort": "uitleg"}}'}


def topic_answer(topic: Topic, kind: str, kb: Knowledge) -> Response:
    """The topic's short answer for a kind, as bot.antwoorden gives it without a question
    item: used when the Rasa server runs without bot.nlg (an Agent without endpoints)."""
    turn = Turn(topic=topic.id, kind=kind, intent=topic.id, text="")
    answer = compose(kb, None, turn)
    return {"text": answer["text"], "buttons": answer["buttons"], "condition": [
        {"type": "slot", "name": "onderwerp", "value": topic.id},
        {"type": "slot", "name": "vraagsoort", "value": kind},
    ]}


def topic_answers(kb: Knowledge) -> List[Response]:
    variations: List[Response] = [
        topic_answer(topic, kind, kb)
        for topic in kb.topics.values()
        for kind in QUESTION_KINDS
    ]
    # No topic known yet (a follow-up without context): ask which topic is meant.
    variations.append(
        {
            "text": kb.say(kb.teksten.antwoord.welk_onderwerp),
            "buttons": [topic_button(t) for t in kb.topics.values()],
        }
    )
    return variations


def overview_influence(kb: Knowledge) -> str:
    lines = [
        f"- {topic.naam}: **{topic.invloed.niveau.label}**"
        for topic in kb.topics.values()
    ]
    # The brochure's general answer first: the municipality carries out safety, the
    # wijkraad thinks along; then the level per topic.
    texts = kb.teksten.gesprek
    return "\n".join([kb.introduction.kort.invloed, texts.overzicht_invloed, *lines,
                      texts.overzicht_invloed_verder])


# The topic question asked again, after a question answered in between (actions/signaal.py).
ASKED_AGAIN = [{"type": "slot", "name": "requested_slot", "value": "signaal_onderwerp"}]


def first_and_again(kb: Knowledge, question: str, buttons: List[Dict[str, str]]
                    ) -> List[Response]:
    """The form's first question opens with what happens to the signal; asked again, not."""
    opening = kb.say(kb.teksten.gesprek.signaal_opening)
    return [{"text": question, "buttons": buttons, "condition": ASKED_AGAIN},
            {"text": f"{opening}\n{question}", "buttons": buttons}]


def build_responses(kb: Knowledge | None = None) -> Dict[str, List[Response]]:
    """All responses that carry facts from the knowledge files (the texts themselves are
    in wijkveiligheid/kennis: onderwerpen.yml, contactpunten.yml and teksten.yml)."""
    kb = kb or knowledge()
    texts = kb.teksten.gesprek
    topic_buttons = [topic_button(t) for t in kb.topics.values()]
    return {
        "utter_antwoord": topic_answers(kb),
        "utter_overzicht_invloed": [{"text": overview_influence(kb)}],
        # Each thing once: call 112 now, get safe, and where to go when it is not urgent.
        "utter_noodgeval": [{"text": kb.say(texts.noodgeval)}],
        "utter_wat_kan_ik_vragen": [{"text": kb.say(texts.wat_kan_ik_vragen),
                                     "buttons": topic_buttons}],
        "utter_buiten_bereik": [
            {"text": kb.say(texts.buiten_bereik_invloed),
             "condition": [{"type": "slot", "name": "vraagsoort", "value": "invloed"}]},
            {"text": kb.say(texts.buiten_bereik)},
        ],
        "utter_fallback": [{"text": kb.say(texts.niet_begrepen)}],
        # {plek} is filled in by bot.nlg: the wijk or gebied the message named.
        "utter_plek_genoteerd": [{"text": kb.say(texts.plek_genoteerd, plek="{plek}"),
                                  "buttons": topic_buttons}],
        "utter_begroeting": [{"text": kb.say(texts.begroeting)}],
        "utter_afscheid": [{"text": kb.say(texts.afscheid)}],
        "utter_ben_een_programma": [{"text": kb.say(texts.ben_een_programma)}],
        "utter_signaal_onderwerp_kiezen": first_and_again(
            kb, kb.say(texts.signaal_onderwerp_kiezen),
            [{"title": t.naam, "payload": t.naam} for t in kb.topics.values()]),
        "utter_signaal_onderwerp_bevestigen": first_and_again(
            kb, kb.say(texts.signaal_onderwerp_bevestigen, onderwerp_naam="{onderwerp_naam}"),
            [{"title": kb.teksten.knoppen.ja, "payload": "ja"},
             {"title": kb.teksten.knoppen.ander_onderwerp, "payload": "nee"}]),
        "utter_signaal_te_vaak_mislukt": [{"text": kb.say(texts.signaal_te_vaak_mislukt)}],
    }

"""Turns the topic knowledge into the assistant's responses (Rasa domain ``responses``).

The texts are composed here from ``wijkveiligheid/kennis`` and nowhere else, so every fact the
assistant states comes from the knowledge files. Topic answers are one response,
``utter_antwoord``, with a conditional variation per (onderwerp, vraagsoort): Rasa picks
it from the slots, so answers do not depend on the action server being reachable.
"""
from __future__ import annotations

from typing import Any, Dict, List

from bot.antwoorden import Turn, compose, contact_line
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
    return {**answer, "condition": [
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
            "text": "Over welk onderwerp gaat je vraag? Kies hieronder een onderwerp.",
            "buttons": [topic_button(t) for t in kb.topics.values()],
        }
    )
    return variations


def overview_influence(kb: Knowledge) -> str:
    lines = [
        f"- {topic.naam}: **{topic.invloed.niveau.label}**"
        for topic in kb.topics.values()
    ]
    return (
        "Dit is de invloed van de wijkraad per veiligheidsonderwerp:\n"
        + "\n".join(lines)
        + "\nVraag gerust verder, bijvoorbeeld: "
        "\"Mogen wij meebeslissen over cameratoezicht?\""
    )


def emergency(kb: Knowledge) -> str:
    # Each thing once: call 112 now, get safe, and where to go when it is not urgent.
    return (
        f"**Bel nu {kb.contacts.noodnummer.telefoon}** bij direct gevaar, of als iemand nu "
        "hulp nodig heeft. Ben je zelf in gevaar? Ga eerst naar een veilige plek.\n"
        f"{contact_line(kb.contacts.politie)}"
    )


def what_can_i_ask(kb: Knowledge) -> Response:
    return {
        "text": (
            "Ik beantwoord vragen over veiligheid in je wijk. Bijvoorbeeld: wat doet "
            "de gemeente, wie beslist er, wat kan de wijkraad doen en waar meld je iets. "
            "Kies een onderwerp of stel je vraag in je eigen woorden."
        ),
        "buttons": [topic_button(t) for t in kb.topics.values()],
    }


def out_of_scope(kb: Knowledge) -> List[Response]:
    elsewhere = contact_line(kb.contacts.gemeente)
    return [
        {
            "text": (
                "Ik help alleen bij de veiligheidsonderwerpen uit het wijkakkoord. "
                "Over dit onderwerp kan ik niets zeggen over de invloed van de wijkraad. "
                f"Vraag het aan de wijkmanager. {contact_line(kb.contacts.wijkmanager)}"
            ),
            "condition": [{"type": "slot", "name": "vraagsoort", "value": "invloed"}],
        },
        {
            "text": (
                "Daar kan ik je helaas niet mee helpen. Ik beantwoord alleen vragen over "
                "veiligheid in je wijk, zoals overlast, inbraak of cameratoezicht. "
                f"{elsewhere}"
            ),
        },
    ]


def fallback(kb: Knowledge) -> str:
    return (
        "Sorry, dat begrijp ik niet goed. Ik beantwoord vragen over veiligheid in je "
        "wijk. Typ bijvoorbeeld \"wat kan ik vragen?\" voor een overzicht.\n"
        f"Is er nu gevaar? Bel 112. {contact_line(kb.contacts.gemeente)}"
    )


def greeting(kb: Knowledge) -> str:
    return (
        "Hallo! Ik ben de digitale veiligheidsassistent van de gemeente Rotterdam. "
        "Ik ben een computerprogramma. Stel je vraag over veiligheid in je wijk, "
        "of typ \"wat kan ik vragen?\".\n"
        f"Is er nu gevaar? {contact_line(kb.contacts.noodnummer)}"
    )


def goodbye(kb: Knowledge) -> str:
    return f"Dag! Is er ooit direct gevaar? {contact_line(kb.contacts.noodnummer)}"


def i_am_a_program(kb: Knowledge) -> str:
    return (
        "Ik ben een computerprogramma, geen mens. Mijn antwoorden komen uit informatie "
        "van de gemeente Rotterdam over veiligheid in de wijk. Wil je een mens "
        f"spreken? {contact_line(kb.contacts.wijkmanager)}"
    )


def build_responses(kb: Knowledge | None = None) -> Dict[str, List[Response]]:
    """All responses that carry facts from the knowledge files."""
    kb = kb or knowledge()
    return {
        "utter_antwoord": topic_answers(kb),
        "utter_overzicht_invloed": [{"text": overview_influence(kb)}],
        "utter_noodgeval": [{"text": emergency(kb)}],
        "utter_wat_kan_ik_vragen": [what_can_i_ask(kb)],
        "utter_buiten_bereik": out_of_scope(kb),
        "utter_fallback": [{"text": fallback(kb)}],
        "utter_begroeting": [{"text": greeting(kb)}],
        "utter_afscheid": [{"text": goodbye(kb)}],
        "utter_ben_een_programma": [{"text": i_am_a_program(kb)}],
        "utter_signaal_onderwerp_kiezen": [{
            "text": "Waar gaat je signaal over? Kies een onderwerp.",
            "buttons": [{"title": t.naam, "payload": t.naam} for t in kb.topics.values()]}],
        "utter_signaal_te_vaak_mislukt": [{"text": (
            "Het lukt nu niet om je signaal op te nemen. Er is niets opgeslagen. "
            f"Probeer het later nog eens, of neem contact op met de wijkmanager. "
            f"{contact_line(kb.contacts.wijkmanager)}")}],
    }

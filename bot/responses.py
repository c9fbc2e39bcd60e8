"""Turns the topic knowledge into the assistant's responses (Rasa domain ``responses``).

The texts are composed here from ``wijkveiligheid/kennis`` and nowhere else, so every fact the
assistant states comes from the knowledge files. Topic answers are one response,
``utter_antwoord``, with a conditional variation per (onderwerp, vraagsoort): Rasa picks
it from the slots, so answers do not depend on the action server being reachable.
"""
from __future__ import annotations

from typing import Any, Dict, List

from wijkveiligheid.knowledge import (
    QUESTION_KINDS,
    Contact,
    Knowledge,
    ReportTo,
    Topic,
    knowledge,
)

Response = Dict[str, Any]


def contact_line(contact: Contact) -> str:
    """One line with how to reach a contact point: explanation, link and phone. The link is
    markdown, so the widget shows readable link text instead of a bare address."""
    parts = [contact.uitleg]
    if contact.url:
        parts.append(f"[Naar de website van {contact.naam}]({contact.url}).")
    if contact.telefoon and contact.telefoon not in contact.uitleg:
        parts.append(f"Telefoon: {contact.telefoon}.")
    return " ".join(parts)


def bullets(items: List[str]) -> str:
    return "\n".join(f"- {item}" for item in items)


def topic_button(topic: Topic) -> Dict[str, str]:
    # The payload sets intent and kind directly, so a click never needs the NLU.
    return {"title": topic.naam, "payload": f'/{topic.id}{{"vraagsoort": "uitleg"}}'}


def explain(topic: Topic, kb: Knowledge) -> str:
    text = f"**{topic.naam}**\n\n{topic.uitleg}\n\n**Wie beslist?** {topic.wie_beslist}"
    if topic.wijkfeiten:
        text += f"\n\n**Goed om te weten:**\n{bullets(topic.wijkfeiten)}"
    return text


def influence(topic: Topic, kb: Knowledge) -> str:
    return (
        f"**{topic.naam}: wat kan de wijkraad?**\n\n"
        f"Invloed van de wijkraad: **{topic.invloed.niveau.label}**.\n\n"
        f"Dit kan de wijkraad wel:\n{bullets(topic.invloed.wel)}\n\n"
        f"Dit kan de wijkraad niet:\n{bullets(topic.invloed.niet)}\n\n"
        f"**Wie beslist?** {topic.wie_beslist}"
    )


def report(topic: Topic, kb: Knowledge) -> str:
    contact = kb.contacts.for_report(topic.melden.waar)
    return (
        f"**{topic.naam}: melden**\n\n"
        f"Is er nu gevaar? {contact_line(kb.contacts.noodnummer)}\n\n"
        f"{topic.melden.tekst}\n\n"
        f"**Waar meld je het?** {contact_line(contact)}"
    )


def signal(topic: Topic, kb: Knowledge) -> str:
    text = (
        f"**{topic.naam}: een signaal doorgeven**\n\n"
        f"{topic.signalen}\n\n"
        f"Signalen gaan naar {kb.contacts.wijkmanager.naam}. "
        f"{contact_line(kb.contacts.wijkmanager)}"
    )
    if topic.melden.waar != ReportTo.wijkmanager:
        contact = kb.contacts.for_report(topic.melden.waar)
        text += (
            f"\n\nWil je een probleem officieel melden? {contact_line(contact)}"
        )
    return text


ANSWER_BY_KIND = {
    "uitleg": explain,
    "invloed": influence,
    "melden": report,
    "signaal": signal,
}


# After a report or signal answer the assistant offers to take the signal itself.
OFFER_SIGNAL = "Wil je dit ook als signaal doorgeven aan de wijkmanager? Dat kan hier."
OFFER_BUTTONS = [
    {"title": "Ja, signaal doorgeven", "payload": "/signaal_doorgeven"},
    {"title": "Nee, dank je", "payload": "/ontkennen"},
]
KINDS_WITH_OFFER = ("melden", "signaal")


def topic_answer(topic: Topic, kind: str, kb: Knowledge) -> Response:
    answer: Response = {
        "text": ANSWER_BY_KIND[kind](topic, kb),
        "condition": [
            {"type": "slot", "name": "onderwerp", "value": topic.id},
            {"type": "slot", "name": "vraagsoort", "value": kind},
        ],
    }
    if kind in KINDS_WITH_OFFER:
        answer["text"] += f"\n\n{OFFER_SIGNAL}"
        answer["buttons"] = OFFER_BUTTONS
    return answer


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
        "Dit is de invloed van de wijkraad per veiligheidsonderwerp:\n\n"
        + "\n".join(lines)
        + "\n\nVraag gerust verder, bijvoorbeeld: "
        "\"Mogen wij meebeslissen over cameratoezicht?\""
    )


def emergency(kb: Knowledge) -> str:
    return (
        f"**Bel nu 112.** {kb.contacts.noodnummer.uitleg}\n\n"
        "Ben je zelf in gevaar? Ga eerst naar een veilige plek.\n\n"
        f"Is het geen spoed? {contact_line(kb.contacts.politie)}"
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
        "wijk. Typ bijvoorbeeld \"wat kan ik vragen?\" voor een overzicht.\n\n"
        f"Is er nu gevaar? Bel 112. {contact_line(kb.contacts.gemeente)}"
    )


def greeting(kb: Knowledge) -> str:
    return (
        "Hallo! Ik ben de digitale veiligheidsassistent van de gemeente Rotterdam. "
        "Ik ben een computerprogramma. Stel je vraag over veiligheid in je wijk, "
        "of typ \"wat kan ik vragen?\".\n\n"
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
        "utter_signaal_te_vaak_mislukt": [{"text": (
            "Het lukt nu niet om je signaal op te nemen. Er is niets opgeslagen. "
            f"Probeer het later nog eens, of neem contact op met de wijkmanager. "
            f"{contact_line(kb.contacts.wijkmanager)}")}],
    }

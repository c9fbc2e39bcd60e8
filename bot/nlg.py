"""The assistant's response generator: the domain's responses, plus the composed answer.

Named in the endpoints files (``nlg: type: bot.nlg.KnowledgeNLG``), so Rasa creates it
in its own process next to the model: answers never depend on the action server.
``utter_antwoord`` is put together per turn by ``bot.antwoorden.compose`` from the
knowledge files (question item, wijk, next step, quick replies); every other response
comes from the domain as usual. A message in English gets a short English note first.
Without this generator (an Agent loaded without endpoints) ``utter_antwoord`` falls back
to the domain's variations: the topic's short answer per kind.
"""
from __future__ import annotations

from typing import Any, Dict, Optional, Text, Tuple

from rasa.core.channels.channel import OutputChannel
from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.antwoorden import (
    FOLLOW_UP_INTENTS,
    Turn,
    compose,
    english_note,
    is_english,
    question_ranker,
    refers_to_own_place,
)
from bot.gesprek import heard, without_follow_up
from wijkveiligheid.knowledge import INTRODUCTION_INTENT, knowledge
from wijkveiligheid.wijken import all_wijken

ANSWER = "utter_antwoord"
# "Ik woon in Carnisse": the place is noted, the person is asked what they want to know.
PLACE_NOTED = "utter_plek_genoteerd"
# Responses that get the English note when the message was in English.
NOT_UNDERSTOOD = ("utter_fallback", "utter_buiten_bereik")


def entity_value(tracker: DialogueStateTracker, name: str) -> Optional[str]:
    for entity in tracker.latest_message.entities if tracker.latest_message else []:
        if entity.get("entity") == name and isinstance(entity.get("value"), str):
            return entity["value"]
    return None


def place_of(tracker: DialogueStateTracker, text: str) -> Tuple[Optional[str], Optional[str]]:
    """The wijk and gebied the message names, or for "bij ons" the ones named before."""
    wijk, gebied = entity_value(tracker, "wijk"), entity_value(tracker, "gebied")
    if wijk or gebied or not refers_to_own_place(text):
        return wijk, gebied
    wijk, gebied = tracker.get_slot("wijk"), tracker.get_slot("gebied")
    if wijk and gebied and wijk not in all_wijken(gebied):
        wijk = None  # only the gebied was named last; the wijk is from before
    return wijk, gebied


def turn_of(tracker: DialogueStateTracker) -> Turn:
    message = tracker.latest_message
    text = (message.text if message else "") or ""
    intent = (message.intent or {}).get("name") if message else None
    if intent in FOLLOW_UP_INTENTS:
        # Answered from the introduction after it ("en wie moet ik bellen?"), or at the
        # start when bot.gesprek found the introduction meant: the same rule, run again.
        before = heard(tracker)
        if before is not None and (before.subject == INTRODUCTION_INTENT or without_follow_up(
                question_ranker(), before) == INTRODUCTION_INTENT):
            intent = INTRODUCTION_INTENT
    wijk, gebied = place_of(tracker, text)
    return Turn(
        topic=tracker.get_slot("onderwerp"),
        kind=tracker.get_slot("vraagsoort"),
        intent=intent,
        text=text if not text.startswith("/") else "",  # a button's payload is no question
        wijk=wijk,
        gebied=gebied,
        question=entity_value(tracker, "vraag"),
        english=is_english(text),
    )


class KnowledgeNLG(TemplatedNaturalLanguageGenerator):
    """Rasa's own generator for the domain's responses (a subclass, so Rasa hands it the
    model's responses when it loads a model), plus the composed topic answer."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None,
                 domain: Optional[Domain] = None) -> None:
        super().__init__((domain or Domain.empty()).responses)
        self.kb = knowledge()
        self.ranker = question_ranker()

    async def generate(self, utter_action: Text, tracker: DialogueStateTracker,
                       output_channel: Text | OutputChannel, **kwargs: Any
                       ) -> Optional[Dict[Text, Any]]:
        turn = turn_of(tracker)
        if utter_action == ANSWER:
            composed = compose(self.kb, self.ranker, turn)
            if composed is not None:
                # Keys beyond Rasa's own end up in the bot event's metadata.
                return {"text": composed["text"], "buttons": composed["buttons"],
                        "image": None, "elements": [], "attachment": None, "custom": None,
                        "beantwoord": composed["beantwoord"]}
        if utter_action == PLACE_NOTED:
            kwargs = {**kwargs, "plek": turn.wijk or turn.gebied}
        response = await super().generate(utter_action, tracker, output_channel, **kwargs)
        if response and turn.english and utter_action in NOT_UNDERSTOOD:
            response = {**response, "text": english_note(self.kb, understood=False)}
        return response

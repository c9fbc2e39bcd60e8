"""A plain wish to pass something on starts the signal form at once.

"Ik wil doorgeven dat er elke avond gedeald wordt bij het plein" is a topic message of
kind `signaal`, but the person does not ask how: they want to pass it on. Such a
message becomes intent `signaal_doorgeven` (a rule starts the form), and its topic is
kept as entity `onderwerp`, so the form starts with the topic filled in. A question
about signals ("hoe geef ik een signaal door over camera's?") keeps its topic answer.
Runs after the kind classifier (bot/vraagsoort.py).
"""
from __future__ import annotations

import re
from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.noodgeval import EMERGENCY_INTENT, keep_topic
from bot.vraagsoort import INFLUENCE, set_kind
from wijkveiligheid.knowledge import FOLLOW_UP_INTENT, TOPIC_IDS

SIGNAL_INTENT = "signaal_doorgeven"
# "ik wil ... doorgeven/melden/laten weten", "dit wil ik doorgeven", "geef dit door".
WISH = re.compile(
    r"\b(ik wil|wil ik|ik zou graag|ik wou|wij willen|we willen|willen wij|willen we)\b"
    r".{0,80}\b(doorgeven|door te geven|laten weten|signaal|signaleren|op de hoogte)\b"
    r"|\bgeef (dit|dat|het) (maar )?door\b|\bneem (dit|dat|mijn signaal) (maar )?op\b")
# "ik wil (echt) dat de gemeente weet hoe erg het hier is", "ik wil dat jullie weten ...":
# a wish for them to know, not to know oneself.
WANTS_THEM_TO_KNOW = re.compile(
    r"\b(ik wil|wij willen|we willen)( \w+){0,2} dat (de gemeente|jullie|de wijkmanager)"
    r"( \w+){0,3} (weet|weten|hoort|horen)\b"
    # "we horen positieve dingen over de nieuwe cafés, willen jullie dat weten?": an offer
    # (not "waarom willen jullie dat weten?")
    r"|(^|[.,!?]\s*)((en|maar) )?willen jullie (dat|dit|het)( \w+)? (weten|horen)\b")
# "kan ik dit als signaal doorgeven?" asks to pass on what was just said, and "kun je / wil
# je aan de wijkmanager doorgeven dat ..." asks the assistant to: wishes too.
THIS = re.compile(r"\b(kan|mag) ik (dit|dat|het)\b.{0,40}\b(doorgeven|melden)\b"
                  r"|\b(kan|mag) ik (die|deze|mijn|zo n|zon) \w+ (\w+ ){0,3}doorgeven\b"
                  # "kan ik die zorgen dan vooraf via jou aan de gemeente doorgeven?"
                  r"|\b(kan|mag) ik\b.{0,40}\bvia (jou|de chat|deze chat)\b.{0,40}"
                  r"\b(doorgeven|door te geven)\b"
                  r"|\b(kun|kan|kunt|kunnen|wil|wilt|willen) (je|jij|u|jullie)\b.{0,60}"
                  r"\b(doorgeven|door te geven)\b"
                  # "ja graag doorgeven aan de wijkmanager", also when nothing was offered
                  r"|^\W*(ja|graag|oke|oké|ok|prima|goed)\b.{0,40}"
                  r"\b(doorgeven|door te geven|geef (het |dit |dat )?maar door)\b")
# A question, or a wish that is not one: a message that opens with a question word, a
# wish said no to ("ik wil geen signaal ..."; a "niet" later on, as in "mensen voelen
# zich niet veilig", is what is passed on), "ik wil weten ..." ("laten weten" is the wish
# itself), or a question how it works.
DECLINED = re.compile(r"\b(wil|willen|wou)( \w+){0,2} (niet|geen)\b")
NOT_A_WISH = re.compile(r"^\W*(hoe|waar|wat|wie|waarom|wanneer|welke)\b|" + DECLINED.pattern
                        + r"|(?<!laten )\bweten\b|\bhoe (werkt|gaat|doe)\b")
# "Kan de wijkraad zulke signalen doorgeven?" asks what the wijkraad (or residents) can
# do, not to pass something on now: a follow-up of kind invloed, however sure the NLU was
# of the form's intent.
ASKS_WHAT_OTHERS_CAN = re.compile(
    r"^\W*((en|maar|oke|ok|dus) )?(kan|kunnen|mag|mogen) (de |een |onze |ook )*"
    r"(wijkraad\w*|wijkraden|bewoners|buurtbewoners|ondernemers|inwoners)\b[^?]*"
    r"\b(signal\w*|doorgeven|door te geven|melden)\b[^?]*\?")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
REPORTING = re.compile(r"\bmeld\w*")
# "Kan de wijkraad dit signaal doorgeven?" is about this signal: a wish after all.
THIS_SIGNAL = re.compile(r"\b(dit|dat|deze|het|mijn|ons|onze) (signaal|melding|probleem"
                         r"|verhaal|idee)\b|\b(dit|dat|het) (maar )?(door|doorgeven)\b")
# Below this the topic is a wild guess: the conversation's topic stays. Above it the
# form still asks to confirm the topic it starts with.
SURE_OF_TOPIC = 0.3
# What the NLU may have made of a wish: a topic, a follow-up, a yes, or the form's own
# intent.
MAY_BE_A_WISH = frozenset(TOPIC_IDS) | {FOLLOW_UP_INTENT, "bevestigen", "nlu_fallback",
                                         SIGNAL_INTENT}


def is_plain_wish(text: str) -> bool:
    lowered = (text or "").lower()
    if WANTS_THEM_TO_KNOW.search(lowered) and not DECLINED.search(lowered):
        return True
    return bool(THIS.search(lowered) or WISH.search(lowered)) \
        and not NOT_A_WISH.search(lowered)


# "kun je dat doorgeven aan de gemeente?", "kan ik dit als signaal doorgeven?": the
# assistant is asked to pass it on ("kan ik dat ergens melden?" asks where to report).
ASKS_TO_PASS_IT_ON = re.compile(
    r"\b(kun|kan|kunt|wil|wilt) (je|jij|u) (dit|dat|het) (\w+ ){0,2}(doorgeven|door te geven)\b"
    r"(?! aan de (politie|wijkagent))|\b(kan|mag) ik (dit|dat|het) als signaal\b")


def asks_to_pass_it_on(text: str) -> bool:
    lowered = (text or "").lower()
    return bool(ASKS_TO_PASS_IT_ON.search(lowered)) and not NOT_A_WISH.search(lowered)


def asks_what_others_can(text: str) -> bool:
    """"Kan de wijkraad zulke signalen doorgeven?": a question, not this person's wish,
    also after a first sentence ("nee laat maar. kan de wijkraad ...?")."""
    lowered = (text or "").lower()
    last_sentence = SENTENCE_END.split(lowered.strip())[-1]
    return bool(ASKS_WHAT_OTHERS_CAN.search(last_sentence)) \
        and not THIS_SIGNAL.search(lowered) and not is_plain_wish(lowered)


def kind_of(message: Message) -> str:
    return next((e.get("value") for e in message.get(ENTITIES, [])
                 if e.get("entity") == "vraagsoort"), "")


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class SignaalWens(GraphComponent):
    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage,
               resource: Resource, execution_context: ExecutionContext) -> "SignaalWens":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            understood = intent.get(INTENT_NAME_KEY)
            # Whatever the NLU made of it ("nee laat maar. kan de wijkraad ...?" read as a no),
            # but "kunnen bewoners overlast van de kroeg ook melden?" asks where to report.
            text = message.get(TEXT) or ""
            if understood != EMERGENCY_INTENT and asks_what_others_can(text) and (
                    understood == SIGNAL_INTENT or not REPORTING.search(text.lower())):
                if understood not in TOPIC_IDS:  # a topic read stays: its answer, of influence
                    message.set(INTENT, {INTENT_NAME_KEY: FOLLOW_UP_INTENT,
                                         PREDICTED_CONFIDENCE_KEY: 1.0}, add_to_output=True)
                set_kind(message, INFLUENCE, type(self).__name__)
                continue
            # A wish to pass on where to report nuisance ("ik wil doorgeven dat er gedeald
            # wordt", kind melden) gets the answer where to report it instead; asking the
            # assistant to pass it on ("kun je dat doorgeven aan de gemeente?") starts the form.
            if understood in MAY_BE_A_WISH and is_plain_wish(text) and (
                    kind_of(message) != "melden" or asks_to_pass_it_on(text)):
                # Sure by its words, however unsure the topic was: no fallback.
                message.set(INTENT, {INTENT_NAME_KEY: SIGNAL_INTENT,
                                     PREDICTED_CONFIDENCE_KEY: 1.0}, add_to_output=True)
                if understood in TOPIC_IDS and \
                        intent.get(PREDICTED_CONFIDENCE_KEY, 0.0) >= SURE_OF_TOPIC:
                    keep_topic(message, understood)
        return messages

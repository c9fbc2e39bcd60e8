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

from bot.noodgeval import keep_topic
from wijkveiligheid.knowledge import TOPIC_IDS

SIGNAL_INTENT = "signaal_doorgeven"
# "ik wil ... doorgeven/melden/laten weten", "dit wil ik doorgeven", "geef dit door".
WISH = re.compile(
    r"\b(ik wil|wil ik|ik zou graag|ik wou|wij willen|we willen|willen wij|willen we)\b"
    r".{0,80}\b(doorgeven|door te geven|laten weten|signaal|signaleren)\b"
    r"|\bgeef (dit|dat|het) (maar )?door\b|\bneem (dit|dat|mijn signaal) (maar )?op\b")
# A question, or a wish that is not one ("ik wil weten ...", "ik wil geen signaal ..."):
# "laten weten" is the wish itself.
QUESTION = re.compile(r"\b(hoe|waar|wat|wie|kan ik|kun je|mag ik|moet ik|geen|niet)\b"
                      r"|(?<!laten )\bweten\b|\?\s*$")
# "kan ik dit als signaal doorgeven?" asks to pass on what was just said: a wish too.
THIS = re.compile(r"\b(kan|mag) ik (dit|dat|het)\b.{0,40}\b(doorgeven|melden)\b")


def is_plain_wish(text: str) -> bool:
    lowered = (text or "").lower()
    return bool(THIS.search(lowered)) or (
        bool(WISH.search(lowered)) and not QUESTION.search(lowered))


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
            topic = intent.get(INTENT_NAME_KEY)
            if (topic in TOPIC_IDS and kind_of(message) == "signaal"
                    and is_plain_wish(message.get(TEXT) or "")):
                message.set(INTENT, {INTENT_NAME_KEY: SIGNAL_INTENT,
                                     PREDICTED_CONFIDENCE_KEY: intent.get(
                                         PREDICTED_CONFIDENCE_KEY, 1.0)}, add_to_output=True)
                keep_topic(message, topic)
        return messages

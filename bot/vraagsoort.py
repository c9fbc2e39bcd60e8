"""Classifies the *kind* of question (uitleg, invloed, melden, signaal) next to the topic.

The topic is the intent (DIETClassifier blended with bot/onderwerp.py). The kind is a
second, independent label on the same message, so it gets its own classifier of the
same linear kind (bot/lineair.py). A message labelled `geen` names no kind: a bare topic
switch keeps the kind of the previous question. Its labels come from the intent-level metadata in
``bot/data/nlu.yml`` (``metadata: {vraagsoort: ...}``). The result is added as entity
``vraagsoort`` spanning the whole message, so Rasa's own slot mapping (``from_entity``)
fills slot ``vraagsoort`` and test stories can state the expected kind with an ordinary
entity annotation.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text, Tuple

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    METADATA,
    METADATA_INTENT,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.lineair import LinearTextClassifier

ENTITY_NAME = "vraagsoort"
# A training label, not a kind: the message names no kind ("en over demonstraties?"), so
# no entity is set and slot `vraagsoort` keeps the kind of the previous question.
NO_KIND = "geen"


def label_of(message: Message) -> Optional[Text]:
    """The kind of question a training example is labelled with, if any."""
    metadata = message.get(METADATA) or {}
    return (metadata.get(METADATA_INTENT) or {}).get(ENTITY_NAME)


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=True
)
class VraagsoortClassifier(LinearTextClassifier):
    """Predicts the kind of question for messages whose intent carries one."""

    def label_of(self, example: Message) -> Optional[Text]:
        return label_of(example)

    def remember(self, training_data: TrainingData) -> Dict[Text, Any]:
        return {"intents": sorted({example.get(INTENT) for example in training_data.intent_examples
                                   if label_of(example) is not None})}

    def wants(self, message: Message) -> bool:
        intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        return intent in self.extra.get("intents", [])

    def use(self, message: Message, ranking: List[Tuple[Text, float]]) -> None:
        if not ranking:
            return
        kind, confidence = ranking[0]
        entities = [e for e in message.get(ENTITIES, []) if e.get("entity") != ENTITY_NAME]
        if kind == NO_KIND:
            message.set(ENTITIES, entities, add_to_output=True)
            return
        entity = {
            "entity": ENTITY_NAME,
            "value": kind,
            "start": 0,
            "end": len(message.get(TEXT) or ""),
            "confidence_entity": confidence,
            "extractor": type(self).__name__,
        }
        message.set(ENTITIES, entities + [entity], add_to_output=True)

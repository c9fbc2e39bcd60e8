"""Classifies the topic: the intent (one of the fourteen topics, small talk, follow-up,
out of scope or emergency), with a calibrated confidence for every intent.

A measured alternative to DIETClassifier (scripts/config_lineair.yml), not in the
product's pipeline: see bot/lineair.py.
"""
from __future__ import annotations

from typing import List, Optional, Text, Tuple

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers import LABEL_RANKING_LENGTH
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
)
from rasa.shared.nlu.training_data.message import Message

from bot.lineair import LinearTextClassifier


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True
)
class OnderwerpClassifier(LinearTextClassifier, IntentClassifier):
    def label_of(self, example: Message) -> Optional[Text]:
        return example.get(INTENT)

    def use(self, message: Message, ranking: List[Tuple[Text, float]]) -> None:
        ranked = [{INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence}
                  for name, confidence in ranking[:LABEL_RANKING_LENGTH]]
        best = ranked[0] if ranked else {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0}
        message.set(INTENT, best, add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranked, add_to_output=True)

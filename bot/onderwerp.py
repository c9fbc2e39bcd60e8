"""Classifies the topic: the intent (one of the fourteen topics, small talk, follow-up,
out of scope or emergency), with a calibrated confidence for every intent.

In the product's pipeline it runs after DIETClassifier and blends the two rankings:
each intent's confidence becomes `share` times this classifier's probability plus the
rest times DIET's. On three folds of the training data the blend (share 0.7) got more
topics right and gave fewer wrong topic answers than either classifier alone, and
caught more emergencies (docs/nlu-data.md, round seven). With share 1.0 (or nothing
ranked before it) it is the topic classifier on its own (scripts/config_lineair.yml).
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text, Tuple

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
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # share: this classifier's weight in the blend with an earlier ranking (DIET's).
        return {**LinearTextClassifier.get_default_config(), "share": 1.0}

    def label_of(self, example: Message) -> Optional[Text]:
        return example.get(INTENT)

    def use(self, message: Message, ranking: List[Tuple[Text, float]]) -> None:
        earlier = message.get(INTENT_RANKING_KEY) or []
        if not ranking and earlier:
            return  # nothing to add (an empty message): the earlier ranking stands
        blended = blend(earlier, ranking, float(self._config["share"]))
        ranked = [{INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence}
                  for name, confidence in blended[:LABEL_RANKING_LENGTH]]
        best = ranked[0] if ranked else {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0}
        message.set(INTENT, best, add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranked, add_to_output=True)


def blend(earlier: List[Dict[Text, Any]], ranking: List[Tuple[Text, float]],
          share: float) -> List[Tuple[Text, float]]:
    """Weighted sum of an earlier intent ranking and this one, by falling confidence. An
    intent missing from a ranking counts as 0 there; no earlier ranking: this one alone."""
    if not earlier:
        share = 1.0
    confidences: Dict[Text, float] = {}
    for ranked in earlier:
        name = ranked[INTENT_NAME_KEY]
        confidences[name] = (1.0 - share) * float(ranked[PREDICTED_CONFIDENCE_KEY] or 0.0)
    for name, probability in ranking:
        confidences[name] = confidences.get(name, 0.0) + share * probability
    return sorted(confidences.items(), key=lambda item: -item[1])

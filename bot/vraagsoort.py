"""Classifies the *kind* of question (uitleg, invloed, melden, signaal) next to the topic.

The topic is the intent (DIETClassifier). The kind is a second, independent label on
the same message, so it gets its own small classifier. Its labels come from the
intent-level metadata in ``bot/data/nlu.yml`` (``metadata: {vraagsoort: ...}``) and it
reuses the sparse features that the featurizers earlier in the pipeline computed.
The result is added as entity ``vraagsoort`` spanning the whole message, so Rasa's
own slot mapping (``from_entity``) fills slot ``vraagsoort`` and test stories can
state the expected kind with an ordinary entity annotation.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

import joblib
import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
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
from sklearn.linear_model import LogisticRegression

logger = logging.getLogger(__name__)

ENTITY_NAME = "vraagsoort"
MODEL_FILE = "vraagsoort.joblib"


def label_of(message: Message) -> Optional[Text]:
    """The kind of question a training example is labelled with, if any."""
    metadata = message.get(METADATA) or {}
    return (metadata.get(METADATA_INTENT) or {}).get(ENTITY_NAME)


def sentence_features(message: Message) -> Optional[scipy.sparse.spmatrix]:
    """The sparse sentence-level features of the message text (1 x D)."""
    sequence, sentence = message.get_sparse_features(TEXT)
    if sentence is not None:
        return sentence.features.tocsr()
    if sequence is not None:
        return scipy.sparse.csr_matrix(sequence.features.sum(axis=0))
    return None


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=True
)
class VraagsoortClassifier(GraphComponent):
    """Predicts the kind of question for messages whose intent carries one."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # C: inverse regularisation strength of the logistic regression.
        return {"C": 10.0}

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: Optional[LogisticRegression] = None,
        intents_with_kind: Optional[List[Text]] = None,
    ) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self._model = model
        self._intents_with_kind = set(intents_with_kind or [])

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "VraagsoortClassifier":
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        rows, labels, intents = [], [], set()
        for example in training_data.intent_examples:
            label = label_of(example)
            features = sentence_features(example)
            if label is None or features is None:
                continue
            rows.append(features)
            labels.append(label)
            intents.add(example.get(INTENT))

        if len(set(labels)) < 2:
            logger.warning("VraagsoortClassifier: fewer than two kinds labelled.")
            return self._resource

        model = LogisticRegression(
            C=self._config["C"], class_weight="balanced", max_iter=2000
        )
        model.fit(scipy.sparse.vstack(rows), labels)
        with self._model_storage.write_to(self._resource) as directory:
            joblib.dump(
                {"model": model, "intents": sorted(intents)}, directory / MODEL_FILE
            )
        self._model, self._intents_with_kind = model, intents
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "VraagsoortClassifier":
        try:
            with model_storage.read_from(resource) as directory:
                saved = joblib.load(directory / MODEL_FILE)
        except (ValueError, FileNotFoundError):
            logger.warning("VraagsoortClassifier: no trained model found.")
            return cls(config, model_storage, resource)
        return cls(config, model_storage, resource, saved["model"], saved["intents"])

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._add_kind(message)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def _add_kind(self, message: Message) -> None:
        intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        if self._model is None or intent not in self._intents_with_kind:
            return
        features = sentence_features(message)
        if features is None:
            return
        probabilities = self._model.predict_proba(features)[0]
        best = int(np.argmax(probabilities))
        text = message.get(TEXT) or ""
        entity = {
            "entity": ENTITY_NAME,
            "value": str(self._model.classes_[best]),
            "start": 0,
            "end": len(text),
            "confidence_entity": float(probabilities[best]),
            "extractor": self.__class__.__name__,
        }
        entities = [e for e in message.get(ENTITIES, []) if e.get("entity") != ENTITY_NAME]
        message.set(ENTITIES, entities + [entity], add_to_output=True)

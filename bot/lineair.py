"""A linear classifier on the sparse count vectors, for the kind of question and the
topic.

A linear SVM on tf-idf-weighted word-pair and character n-gram counts, with its scores
calibrated into probabilities (scikit-learn's CalibratedClassifierCV). On three folds of
the training data it got more kinds of question right than a logistic regression on the
plain counts. For the topic it got more right than DIETClassifier but also answered more
out-of-scope questions as a topic; blended with DIET it beat both (docs/nlu-data.md,
rounds six and seven). It trains in seconds.

Subclasses say which label a training example has and what to do with a prediction.
"""
from __future__ import annotations

import inspect
import logging
import sys
from typing import Any, Dict, List, Optional, Text, Tuple

import joblib
import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.svm import LinearSVC

logger = logging.getLogger(__name__)

MODEL_FILE = "model.joblib"
CALIBRATION_FOLDS = 5


def sentence_features(message: Message, featurizers: Optional[List[Text]] = None
                      ) -> Optional[scipy.sparse.spmatrix]:
    """The sparse sentence-level features of the message text (1 x D), from the named
    featurizers (their `alias`) or from all."""
    sequence, sentence = message.get_sparse_features(TEXT, featurizers or None)
    if sentence is not None:
        return sentence.features.tocsr()
    if sequence is not None:
        return scipy.sparse.csr_matrix(sequence.features.sum(axis=0))
    return None


def linear_model(C: float, smallest_class: int) -> Pipeline:
    """tf-idf (sublinear: a word said twice is not twice the evidence), then the SVM."""
    svm = LinearSVC(C=C, class_weight="balanced", random_state=1)
    # ensemble=False: one SVM on all examples, calibrated on cross-validated scores.
    folds = min(CALIBRATION_FOLDS, smallest_class)
    return make_pipeline(TfidfTransformer(sublinear_tf=True),
                         CalibratedClassifierCV(svm, cv=folds, ensemble=False))


class LinearTextClassifier(GraphComponent):
    """Trains, stores and applies one linear model; subclasses pick labels and output."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # C: inverse regularisation strength of the SVM (scikit-learn's default).
        # featurizers: aliases of the featurizers to use; empty: all of them.
        return {"C": 1.0, "featurizers": []}

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage,
                 resource: Resource, model: Optional[Pipeline] = None,
                 extra: Optional[Dict[Text, Any]] = None) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._model = model
        self.extra = extra or {}

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[str]:
        # Rasa's training cache fingerprints only the subclass's own source: without
        # this, a change in this module would reuse models trained by the old code.
        return inspect.getsource(sys.modules[__name__])

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage,
               resource: Resource, execution_context: ExecutionContext
               ) -> "LinearTextClassifier":
        return cls(config, model_storage, resource)

    # What subclasses decide.
    def label_of(self, example: Message) -> Optional[Text]:
        raise NotImplementedError

    def remember(self, training_data: TrainingData) -> Dict[Text, Any]:
        """Anything besides the model that `use` needs at inference time."""
        return {}

    def use(self, message: Message, ranking: List[Tuple[Text, float]]) -> None:
        """Puts the prediction (labels by falling probability, maybe none) on the message."""
        raise NotImplementedError

    def wants(self, message: Message) -> bool:
        return True

    def train(self, training_data: TrainingData) -> Resource:
        rows, labels = [], []
        for example in training_data.intent_examples:
            label = self.label_of(example)
            features = sentence_features(example, self._config["featurizers"])
            if label is not None and features is not None:
                rows.append(features)
                labels.append(label)
        # An array, not a list: scikit-learn 1.1 counts the examples per class with `y == c`.
        labels = np.asarray(labels)
        counts = np.unique(labels, return_counts=True)[1]
        if len(counts) < 2 or counts.min() < 2:
            logger.warning("%s: too few labelled examples to train.", type(self).__name__)
            return self._resource
        model = linear_model(self._config["C"], int(counts.min()))
        model.fit(scipy.sparse.vstack(rows), labels)
        extra = self.remember(training_data)
        with self._model_storage.write_to(self._resource) as directory:
            joblib.dump({"model": model, "extra": extra}, directory / MODEL_FILE)
        self._model, self.extra = model, extra
        return self._resource

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "LinearTextClassifier":
        try:
            with model_storage.read_from(resource) as directory:
                saved = joblib.load(directory / MODEL_FILE)
        except (ValueError, FileNotFoundError):
            logger.warning("%s: no trained model found.", cls.__name__)
            return cls(config, model_storage, resource)
        return cls(config, model_storage, resource, saved["model"], saved["extra"])

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if not self.wants(message):
                continue
            features = sentence_features(message, self._config["featurizers"])
            if self._model is None or features is None:
                self.use(message, [])  # not trained, or an empty message: nothing to rank
                continue
            probabilities = self._model.predict_proba(features)[0]
            order = np.argsort(-probabilities)
            self.use(message, [(str(self._model.classes_[i]), float(probabilities[i]))
                               for i in order])
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

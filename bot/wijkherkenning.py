"""Recognises a wijk or gebied in every message, as entities `wijk` and `gebied`.

"En bij ons in Feijenoord?", "wijkraad charlois hier", "in de afrikaanderwijk": the one
wijken list (``wijkveiligheid/kennis/wijken.yml``) with its typo-forgiving matching
(``wijkveiligheid.wijken.find_location``). The entities fill slots `wijk` and `gebied`, so
a wijk named once is remembered for the answers and pre-filled in the signal form. Staff
can edit the list; the Rasa server reads an edited file on the next message.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from wijkveiligheid.wijken import find_location

WIJK, GEBIED = "wijk", "gebied"


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False
)
class WijkHerkenning(GraphComponent):
    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage,
               resource: Resource, execution_context: ExecutionContext) -> "WijkHerkenning":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith("/"):
                continue  # a button payload names no place
            location = find_location(text)
            if location is None:
                continue
            found = [(WIJK, location.wijk), (GEBIED, location.gebied)]
            entities = [e for e in message.get(ENTITIES, []) if e.get("entity") not in (WIJK, GEBIED)]
            entities += [{"entity": name, "value": value, "start": 0, "end": len(text),
                          "extractor": type(self).__name__} for name, value in found if value]
            message.set(ENTITIES, entities, add_to_output=True)
        return messages

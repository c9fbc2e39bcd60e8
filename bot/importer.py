"""Rasa training-data importer: adds what the knowledge file defines to domain and rules.

Named in ``config.yml`` under ``importers``, so ``rasa train``, ``rasa test``, ``rasa data
validate`` and ``rasa shell`` all see the same assistant: ``domain.yml`` and
``bot/data`` plus, generated from ``wijkveiligheid/kennis`` (each topic id written once,
in ``onderwerpen.yml``):

- the responses (``bot.responses``);
- one intent per topic, and the slot ``onderwerp`` with those ids as its values, filled
  from the topic intent or from the entity that ``bot.noodgeval`` keeps;
- the rule that a topic question, a follow-up or a question about the wijkakkoord gets
  ``utter_antwoord``.

A change in ``wijkveiligheid/kennis`` changes the domain and therefore triggers a retrain.
"""
from __future__ import annotations

from typing import Any, Dict, Optional

from rasa.shared.core.domain import Domain
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.core.training_data.structures import StoryGraph
from rasa.shared.importers.rasa import RasaFileImporter

from bot.responses import build_responses
from wijkveiligheid.knowledge import (
    FOLLOW_UP_INTENT,
    INTRODUCTION_INTENT,
    Knowledge,
    load_knowledge,
)

TOPIC_SLOT = "onderwerp"


def topic_domain(kb: Knowledge) -> Dict[str, Any]:
    ids = list(kb.topics)
    return {
        "intents": ids + [INTRODUCTION_INTENT],
        "slots": {
            TOPIC_SLOT: {
                "type": "categorical",
                "influence_conversation": False,
                "values": ids,
                "mappings": [{"type": "from_intent", "intent": topic, "value": topic}
                             for topic in ids]
                + [{"type": "from_entity", "entity": TOPIC_SLOT}],
            },
        },
        "responses": build_responses(kb),
    }


def topic_rules(kb: Knowledge) -> Dict[str, Any]:
    asked = [*kb.topics, FOLLOW_UP_INTENT, INTRODUCTION_INTENT]
    return {"version": "3.1", "rules": [{
        "rule": "Een vraag over een veiligheidsonderwerp of het wijkakkoord krijgt het antwoord",
        "steps": [{"or": [{"intent": intent} for intent in asked]},
                  {"action": "utter_antwoord"}],
    }]}


class KnowledgeImporter(RasaFileImporter):
    _knowledge: Optional[Knowledge] = None

    @property
    def kb(self) -> Knowledge:
        if self._knowledge is None:
            self._knowledge = load_knowledge()
        return self._knowledge

    def get_domain(self) -> Domain:
        return super().get_domain().merge(Domain.from_dict(topic_domain(self.kb)))

    def get_stories(self, exclusion_percentage: Optional[int] = None) -> StoryGraph:
        reader = YAMLStoryReader(self.get_domain())
        generated = StoryGraph(reader.read_from_parsed_yaml(topic_rules(self.kb)))
        return super().get_stories(exclusion_percentage).merge(generated)

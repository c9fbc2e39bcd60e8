"""Rasa training-data importer that adds the responses built from the topic knowledge.

Named in ``config.yml`` under ``importers``, so ``rasa train``, ``rasa test`` and
``rasa data validate`` all see the same domain: ``domain.yml`` plus these responses.
A change in ``wijkveiligheid/kennis`` changes the domain and therefore triggers a retrain.
"""
from __future__ import annotations

from rasa.shared.core.domain import Domain
from rasa.shared.importers.rasa import RasaFileImporter

from bot.responses import build_responses
from wijkveiligheid.knowledge import load_knowledge


class KnowledgeImporter(RasaFileImporter):
    def get_domain(self) -> Domain:
        generated = Domain.from_dict({"responses": build_responses(load_knowledge())})
        return super().get_domain().merge(generated)

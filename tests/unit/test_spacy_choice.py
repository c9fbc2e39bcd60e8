"""The Dutch spaCy pipeline: nl_core_news_sm when installed, else the built fallback."""
from __future__ import annotations

import json

import spacy
import yaml

from scripts.build_spacy import FALLBACK_NAME, FULL_MODEL, build, choose_model, full_model_installed
from tests.conftest import ROOT


def test_full_model_is_chosen_when_installed():
    assert choose_model(True) == FULL_MODEL
    assert choose_model(False) == FALLBACK_NAME


def test_config_loads_the_built_pipeline_folder():
    config = yaml.safe_load((ROOT / "config.yml").read_text())
    spacy_nlp = next(c for c in config["pipeline"] if c["name"] == "SpacyNLP")
    assert spacy_nlp["model"] == "build/spacy_nl"


def test_built_pipeline_matches_what_is_installed():
    meta = json.loads((ROOT / "build" / "spacy_nl" / "meta.json").read_text())
    assert meta["name"] == choose_model(full_model_installed())


def test_fallback_pipeline_gives_dutch_lemmas(tmp_path):
    build(FALLBACK_NAME).to_disk(tmp_path / "nl")
    nlp = spacy.load(tmp_path / "nl")
    lemmas = {t.text: t.lemma_ for t in nlp("camera's gedeald wijkraden")}
    assert lemmas == {"camera's": "camera", "gedeald": "dealen", "wijkraden": "wijkraad"}


def test_an_unchanged_choice_leaves_the_pipeline_alone(tmp_path, monkeypatch):
    """So that `make` does not retrain when nothing changed."""
    import sys

    from scripts import build_spacy

    output = tmp_path / "spacy_nl"
    monkeypatch.setattr(sys, "argv", ["build_spacy.py", str(output)])
    monkeypatch.setattr(build_spacy, "full_model_installed", lambda: False)
    assert build_spacy.main() == 0
    first = (output / "meta.json").stat().st_mtime_ns
    assert build_spacy.main() == 0
    assert (output / "meta.json").stat().st_mtime_ns == first

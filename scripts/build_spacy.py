"""Builds the Dutch spaCy pipeline that config.yml loads from ``build/spacy_nl``.

Uses ``nl_core_news_sm`` when it is installed. Otherwise it saves a blank Dutch
pipeline with the lookup lemmatizer from ``spacy-lookups-data`` (no vectors, no
tagger), which gives Rasa Dutch tokens and lemmas ("camera's" -> "camera").
The pipeline's name is written to ``build/spacy_nl/meta.json``; the Makefile retrains
when it changes, because Rasa fingerprints the spaCy model by its path only.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import sys
from pathlib import Path

import spacy

FULL_MODEL = "nl_core_news_sm"
FALLBACK_NAME = "blank_nl_lookup_lemmas"


def choose_model(full_model_installed: bool) -> str:
    """Which pipeline to build: the full model when installed, else the fallback."""
    return FULL_MODEL if full_model_installed else FALLBACK_NAME


def full_model_installed() -> bool:
    return importlib.util.find_spec(FULL_MODEL) is not None


def build(choice: str) -> "spacy.language.Language":
    if choice == FULL_MODEL:
        return spacy.load(FULL_MODEL)
    nlp = spacy.blank("nl")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()  # loads the lookup tables from spacy-lookups-data
    nlp.meta["name"] = FALLBACK_NAME
    nlp.meta["description"] = "Blank Dutch pipeline with lookup lemmatizer (no vectors)"
    return nlp


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("output", type=Path, nargs="?", default=Path("build/spacy_nl"))
    args = parser.parse_args()

    choice = choose_model(full_model_installed())
    meta = args.output / "meta.json"
    if meta.exists() and json.loads(meta.read_text()).get("name") == choice:
        # Unchanged: leave the folder (and its timestamp) alone, so nothing retrains.
        print(f"spaCy pipeline for Rasa: {choice} (unchanged, {args.output})")
        return 0
    nlp = build(choice)
    if args.output.exists():
        shutil.rmtree(args.output)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(args.output)
    print(f"spaCy pipeline for Rasa: {choice} (saved to {args.output})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

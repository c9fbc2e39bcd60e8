"""The held-out sets measure the assistant on messages it has never seen, so no held-out
message may also be a training example (an accidental copy would inflate the figures)."""
from pathlib import Path

import pytest
import yaml

from bot.antwoorden import normalise
from scripts import nlu_data

ROOT = Path(__file__).resolve().parents[2]
HELDOUT_SETS = sorted((ROOT / "tests" / "heldout").glob("nlu*.yml"))


def messages(path: Path) -> set:
    """A file's examples as compared: capitals, accents, punctuation and spacing do not
    make a message another."""
    return {normalise(example.text) for example in nlu_data.read(path)}


def test_there_are_heldout_sets():
    assert len(HELDOUT_SETS) >= 5


@pytest.mark.parametrize("heldout", HELDOUT_SETS, ids=lambda p: p.name)
def test_no_heldout_message_is_a_training_example(heldout):
    copied = messages(heldout) & messages(ROOT / "bot" / "data" / "nlu.yml")
    assert not copied, f"{heldout.name} messages also in bot/data/nlu.yml: {sorted(copied)}"


@pytest.mark.parametrize("heldout", HELDOUT_SETS, ids=lambda p: p.name)
def test_every_heldout_block_has_messages(heldout):
    for block in yaml.safe_load(heldout.read_text(encoding="utf-8"))["nlu"]:
        assert block.get("examples", "").strip(), f"{heldout.name}: empty block {block['intent']}"


ANSWER_SETS = ROOT / "tests" / "heldout" / "antwoorden"


def answer_set_texts(folder: Path = ANSWER_SETS) -> set:
    """The questions and conversation turns of an answer set, as written."""
    questions = yaml.safe_load((folder / "vragen_v1.yml").read_text(encoding="utf-8"))
    talks = yaml.safe_load((folder / "gesprekken_v1.yml").read_text(encoding="utf-8"))
    found = {q["vraag"] for q in questions["vragen"]}
    return found | {turn["bericht"] for talk in talks["gesprekken"] for turn in talk["beurten"]}


def trained_on(kb) -> set:
    """Every NLU example and every question item's phrasing in the knowledge file."""
    phrasings = {normalise(text) for subject in [*kb.topics.values(), kb.introduction]
                 for item in subject.vragen for text in item.voorbeelden}
    return phrasings | messages(ROOT / "bot" / "data" / "nlu.yml")


def test_the_answer_sets_are_big_enough():
    questions = yaml.safe_load((ANSWER_SETS / "vragen_v1.yml").read_text(encoding="utf-8"))
    talks = yaml.safe_load((ANSWER_SETS / "gesprekken_v1.yml").read_text(encoding="utf-8"))
    assert len(questions["vragen"]) >= 150 and len(talks["gesprekken"]) >= 20
    assert all(q.get("feiten") is not None for q in questions["vragen"])


def test_no_answer_set_message_is_trained_on(kb):
    """Neither an NLU example nor a question item's phrasing in the knowledge file."""
    # Short replies ("ja", "nee", "ja graag") are everyday words, not copies.
    held = {normalise(text) for text in answer_set_texts() if len(text.split()) > 3}
    copied = held & trained_on(kb)
    assert not copied, f"held-out answer-set messages that are trained on: {sorted(copied)}"


def newest_blind_round() -> Path:
    """The last blind round (tests/heldout/antwoorden/rondeN): the one measured last."""
    return max(ANSWER_SETS.glob("ronde*"), key=lambda folder: int(folder.name[len("ronde"):]))


def test_the_newest_blind_round_is_not_trained_on(kb):
    """Writers who never saw the training data can still write the same short question
    ("wat is een stedelijke opgave?"); a longer message found in the training data was
    copied into it, and would inflate the one measurement the round is for."""
    folder = newest_blind_round()
    held = {normalise(text) for text in answer_set_texts(folder) if len(text.split()) > 6}
    copied = held & trained_on(kb)
    assert len(held) > 200 and not copied, f"{folder.name} messages trained on: {sorted(copied)}"

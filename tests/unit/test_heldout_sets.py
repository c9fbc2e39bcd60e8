"""The held-out sets measure the assistant on messages it has never seen, so no held-out
message may also be a training example (an accidental copy would inflate the figures)."""
from pathlib import Path

import pytest
import yaml

from scripts import nlu_data

ROOT = Path(__file__).resolve().parents[2]
HELDOUT_SETS = sorted((ROOT / "tests" / "heldout").glob("nlu*.yml"))


def messages(path: Path) -> set:
    return {" ".join(example.text.lower().split()) for example in nlu_data.read(path)}


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

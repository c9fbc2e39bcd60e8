"""scripts/nlu_data.py: the scripts' one NLU reader and one fold scheme."""
from __future__ import annotations

from pathlib import Path

import pytest
from rasa.shared.nlu.training_data.loading import load_data

from scripts import nlu_data
from scripts.nlu_data import Example

ROOT = Path(__file__).resolve().parents[2]
FILES = [ROOT / "bot" / "data" / "nlu.yml", *sorted((ROOT / "tests" / "heldout").glob("nlu*.yml"))]

SAMPLE = """version: "3.1"
nlu:
- intent: cameratoezicht
  metadata:
    vraagsoort: uitleg
  examples: |
    - hoe werkt cameratoezicht
    -   wie kijkt er naar de beelden?
    - hoe werkt cameratoezicht
- intent: begroeting
  examples: |
    - hallo
- synonym: Rotterdam
  examples: |
    - rdam
"""


def rasa_examples(path: Path) -> list:
    data = load_data(str(path))
    return [Example(m.get("text"), m.get("intent"),
                    ((m.get("metadata") or {}).get("intent") or {}).get("vraagsoort", ""))
            for m in data.intent_examples]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_reads_every_file_as_rasa_does(path):
    assert nlu_data.read(path) == rasa_examples(path)


def test_reads_kind_order_and_drops_exact_repeats_and_synonyms():
    assert nlu_data.parse(SAMPLE) == [
        Example("hoe werkt cameratoezicht", "cameratoezicht", "uitleg"),
        Example("wie kijkt er naar de beelden?", "cameratoezicht", "uitleg"),
        Example("hallo", "begroeting", ""),
    ]


def test_written_file_reads_back_the_same_in_the_same_order(tmp_path):
    examples = [Example("a b", "x", "uitleg"), Example("c", "x", "uitleg"),
                Example("d: e", "y", ""), Example("f", "x", "uitleg"), Example("g", "x", "melden")]
    nlu_data.write(tmp_path / "nlu.yml", examples)
    assert nlu_data.read(tmp_path / "nlu.yml") == examples
    assert rasa_examples(tmp_path / "nlu.yml") == examples


def test_a_fold_depends_on_the_text_alone():
    text = "wie kijkt er naar de beelden"
    assert nlu_data.fold_of(text, 3) == nlu_data.fold_of(text, 3)
    # the scheme noodgeval_drempel.py measured with: SHA-256 of the text, modulo folds
    assert nlu_data.fold_of("hallo", 3) == int(
        "d3751d33f9cd5049c4af2b462735457e4d3baf130bcbb87f389e349fbaeb20b9", 16) % 3


def test_folds_split_the_file_into_parts_that_cover_it_once():
    examples = nlu_data.read(nlu_data.NLU)
    tests = [nlu_data.split(examples, fold, 3)[1] for fold in range(3)]
    assert sorted(e for part in tests for e in part) == sorted(examples)
    assert all(len(part) > len(examples) / 5 for part in tests)


def test_no_test_text_is_trained_on_not_even_in_other_case_or_intent():
    examples = [Example(f"vraag {i}", "a") for i in range(40)]
    held = next(e for e in examples if nlu_data.fold_of(e.text, 3) == 0)
    examples += [Example(held.text.upper(), "a"), Example(held.text, "b")]
    train, test = nlu_data.split(examples, 0, 3)
    assert held in test and Example(held.text, "b") in test
    trained = {e.text.lower() for e in train}
    assert not trained & {e.text.lower() for e in test}
    assert len(train) + len(test) == len(examples) - 1  # the upper-case copy is left out


def test_a_reference_fixes_the_test_set_while_examples_are_added():
    reference = [Example(f"vraag {i}", "a") for i in range(30)]
    added = reference + [Example(f"nieuw {i}", "a") for i in range(30)]
    train, test = nlu_data.split(added, 1, 5, reference=reference)
    assert test == nlu_data.split(reference, 1, 5)[1]
    # new examples always train, whatever their fold
    assert [e for e in added if e.text.startswith("nieuw")] == \
        [e for e in train if e.text.startswith("nieuw")]


def test_an_impossible_fold_is_refused():
    with pytest.raises(ValueError):
        nlu_data.split([Example("a", "b")], 3, 3)

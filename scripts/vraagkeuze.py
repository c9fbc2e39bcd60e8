"""How well bot.antwoorden.QuestionRanker picks the question item, on the items' own examples.

Each example phrasing in ``wijkveiligheid/kennis/onderwerpen.yml`` is left out in turn and
ranked against its topic's items (the others' examples and answers). Printed per
threshold and kind bonus: right item, wrong item, and no item (then the topic's short
general answer is given, which is not wrong, only less specific). The tf-idf vocabulary
is fitted on all texts once, so the left-out phrasing's words are known: a small
optimism that is the same for every setting compared.

    .venv/bin/python scripts/vraagkeuze.py
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.antwoorden import QuestionRanker  # noqa: E402
from wijkveiligheid.knowledge import load_knowledge  # noqa: E402

THRESHOLDS = (0.0, 0.1, 0.15, 0.2, 0.25, 0.3)


def main() -> int:
    ranker = QuestionRanker(load_knowledge())
    kinds = {(key, item.id): item.vraagsoort.value
             for key, subject in ranker.subjects.items() for item in subject.vragen}
    examples = []
    row = 0
    for key, subject in ranker.subjects.items():
        for item in subject.vragen:
            for text in item.voorbeelden:
                examples.append((row, key, item.id, text))
                row += 1
            row += 1  # the answer's row is not an example
    print(f"{len(examples)} example phrasings, {len(kinds)} question items, "
          f"{len(ranker.subjects)} subjects")
    # The kind is the item's own: the kind classifier is right for about 96% of messages.
    scored = [(item_id, ranker.scores(key, text, kinds[(key, item_id)], leave_out=row))
              for row, key, item_id, text in examples]
    print(f"{'threshold':>9} {'right':>7} {'wrong':>7} {'none':>7}  (right item among the "
          "topic's items of the same kind)")
    for threshold in THRESHOLDS:
        right = wrong = none = 0
        for item_id, ranked in scored:
            if not ranked or max(entry[2] for entry in ranked) < threshold:
                none += 1
            elif ranked[0][0].id == item_id:
                right += 1
            else:
                wrong += 1
        n = len(scored)
        print(f"{threshold:9.2f} {right / n:7.1%} {wrong / n:7.1%} {none / n:7.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Where the NLU training data is weak: a fixed train/test split of bot/data/nlu.yml.

The held-out set (tests/heldout) stays unseen; this script only looks at the training
data. A reference version of nlu.yml (a git revision, default the current file) decides
which messages are test messages: those in fold `--fold` of `--folds` (the one fold
scheme of scripts/nlu_data.py). Every other message of the *current* nlu.yml is used
for training. So the test messages stay the same when examples are added, and
before/after figures compare like with like. Prints per-topic and per-kind accuracy,
emergencies found, out-of-scope never answered as a topic, and the errors.

    .venv/bin/python scripts/split_eval.py --reference 24c41c0 --fold 0
    .venv/bin/python scripts/split_eval.py --reference 24c41c0 --train-revision 24c41c0 --fold 0
"""
from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Dict, List, Tuple

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))
from scripts import nlu_data  # noqa: E402
from scripts.evaluate import NOT_A_TOPIC, TOPICS, load_agent  # noqa: E402


async def predict(model: Path, texts: List[str]) -> List[Tuple[str, str, float]]:
    agent = load_agent(model)
    out = []
    for text in texts:
        parsed = await agent.parse_message(text)
        kinds = [e["value"] for e in parsed.get("entities", []) if e["entity"] == "vraagsoort"]
        out.append((parsed["intent"]["name"], kinds[0] if kinds else "",
                    parsed["intent"].get("confidence", 0.0)))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reference", help="git revision whose nlu.yml fixes the test set")
    parser.add_argument("--train-revision",
                        help="train on this git revision's nlu.yml instead of the current file")
    parser.add_argument("--fold", type=int, default=0)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--config", type=Path, default=ROOT / "config.yml")
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "split")
    args = parser.parse_args()

    train, test = nlu_data.split(nlu_data.read_revision(args.train_revision), args.fold,
                                 args.folds, reference=nlu_data.read_revision(args.reference))

    args.out.mkdir(parents=True, exist_ok=True)
    nlu_data.write(args.out / "train.yml", train)
    subprocess.run(
        [BIN / "rasa", "train", "nlu", "--config", args.config, "--nlu", args.out / "train.yml",
         "--out", args.out, "--fixed-model-name", "split"],
        check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    predictions = asyncio.run(predict(args.out / "split.tar.gz", [e.text for e in test]))

    hits: Dict[str, List[bool]] = defaultdict(list)
    confusions: Counter = Counter()
    errors = []
    for (text, intent, kind), (got, got_kind, conf) in zip(test, predictions, strict=True):
        if intent in TOPICS:
            hits["onderwerp: alle"].append(got == intent)
            hits[f"onderwerp: {intent}"].append(got == intent)
            if got != intent:
                confusions[(intent, got)] += 1
        if kind and intent not in NOT_A_TOPIC:
            hits["vraagsoort: alle"].append(got_kind == kind)
            hits[f"vraagsoort: {kind}"].append(got_kind == kind)
            if got_kind != kind:
                confusions[(kind, got_kind)] += 1
        if intent == "noodgeval":
            hits["noodgeval herkend"].append(got == "noodgeval")
        if intent == "buiten_bereik":
            hits["buiten bereik nooit als onderwerp"].append(got not in TOPICS)
        if intent not in TOPICS and intent not in ("noodgeval", "buiten_bereik"):
            hits["overige intents"].append(got == intent)
        hits["intent (alle)"].append(got == intent)
        if got != intent or (kind and intent not in NOT_A_TOPIC and got_kind != kind):
            errors.append(f"- {text!r} | {intent}/{kind or '-'} | {got}/{got_kind or '-'} {conf:.2f}")

    print(f"\nfold {args.fold} van {args.folds}: {len(test)} testberichten, "
          f"{len(train)} trainingsberichten\n")
    summary = ["onderwerp: alle", "vraagsoort: alle", "noodgeval herkend",
               "buiten bereik nooit als onderwerp", "overige intents", "intent (alle)"]
    for key in summary + sorted(k for k in hits if k not in summary):
        v = hits[key]
        print(f"{key:40} {100 * sum(v) / len(v):5.1f}% ({sum(v)}/{len(v)})")
    print("\nverwarringen (verwacht -> voorspeld):")
    for (a, b), n in confusions.most_common(25):
        print(f"  {n:3} {a} -> {b}")
    print("\nfouten (tekst | verwacht | voorspeld):")
    print("\n".join(errors))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Chooses the NoodgevalVoorrang threshold on the training data only (k-fold).

Each fold trains the NLU on the other folds of bot/data/nlu.yml and parses its own
examples; for every candidate threshold it prints how many emergencies get 112 first,
how many other messages lose their answer to the 112 text (the classifier picked the
emergency itself, or overrode something that is not a topic) and how many topic
questions get a needless 112 line before their answer. The rule, fixed before it was
first applied: the lowest threshold at which at most 3% of the other messages lose
their answer. Held-out sets are never used here. The decision is the product's own
(bot.noodgeval.answers_with_112), and the folds are those of scripts/nlu_data.py.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import List, NamedTuple, Optional, Tuple

import yaml

from bot.noodgeval import EMERGENCY_INTENT as EMERGENCY
from bot.noodgeval import answers_with_112
from wijkveiligheid.knowledge import TOPIC_IDS

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from scripts import nlu_data  # noqa: E402
from scripts.evaluate import load_agent  # noqa: E402

BIN = Path(sys.executable).parent
OUT_OF_SCOPE = "buiten_bereik"
THRESHOLDS = (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4)
MAX_ANSWERS_LOST = 0.03
RESULTS = ROOT / "results" / "noodgeval-drempel.json"
RANKED = 5


class Result(NamedTuple):
    intent: str  # true intent
    top: str  # the classifier's intent (after FallbackClassifier)
    emergency: float  # the classifier's confidence in noodgeval
    text: str
    # The classifier's own ranking (name, confidence), to try decision rules on the folds.
    ranking: Tuple[Tuple[str, float], ...] = ()
    kind: Optional[str] = None  # true kind of question, if the intent has one
    predicted_kind: Optional[str] = None


async def emergency_scores(model: Path, texts: List[str]
                           ) -> List[Tuple[str, float, List[Tuple[str, float]], Optional[str]]]:
    agent = load_agent(model)
    scores = []
    for text in texts:
        parsed = await agent.parse_message(text)
        ranking = [(r["name"], round(r["confidence"], 4)) for r in parsed.get("intent_ranking", [])
                   if r["name"] != "nlu_fallback"]
        # Trained without NoodgevalVoorrang: this is the intent it would see.
        kinds = [e["value"] for e in parsed.get("entities", []) if e["entity"] == "vraagsoort"]
        scores.append((parsed["intent"]["name"], dict(ranking).get(EMERGENCY, 0.0),
                       ranking[:RANKED], kinds[0] if kinds else None))
    return scores


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--only-fold", type=int, metavar="N",
                        help="test on fold N only: a first look at a slow pipeline")
    parser.add_argument("--nlu", type=Path, default=nlu_data.NLU)
    parser.add_argument("--config", type=Path, default=ROOT / "config.yml",
                        help="pipeline to measure (to compare a variant)")
    parser.add_argument("--show-missed", action="store_true",
                        help="print the training examples missed at the chosen threshold")
    parser.add_argument("--from-results", action="store_true",
                        help="report the last run again from the results file")
    parser.add_argument("--results", type=Path, default=RESULTS,
                        help=f"results file (default {RESULTS.relative_to(ROOT)})")
    args = parser.parse_args()
    if args.from_results:
        results = [Result(*r) for r in json.loads(args.results.read_text())]
    else:
        results = cross_validate(args)
        args.results.parent.mkdir(exist_ok=True)
        args.results.write_text(json.dumps(results))
    folds = (f"fold {args.only_fold} van {args.folds}" if args.only_fold is not None
             else f"{args.folds} folds")
    report(results, folds, args.show_missed)
    return 0


def cross_validate(args: argparse.Namespace) -> List[Result]:
    examples = nlu_data.read(args.nlu)
    results: List[Result] = []
    with tempfile.TemporaryDirectory() as tmp:
        config = yaml.safe_load(args.config.read_text(encoding="utf-8"))
        config["pipeline"] = [c for c in config["pipeline"]
                              if c["name"] != "bot.noodgeval.NoodgevalVoorrang"]
        config_file = Path(tmp) / "config.yml"
        config_file.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
        for fold in ([args.only_fold] if args.only_fold is not None else range(args.folds)):
            train_file = Path(tmp) / f"train-{fold}.yml"
            train, held = nlu_data.split(examples, fold, args.folds)
            nlu_data.write(train_file, train)
            subprocess.run([BIN / "rasa", "train", "nlu", "--nlu", train_file, "--config", config_file,
                            "--out", tmp,
                            "--fixed-model-name", f"fold-{fold}"], check=True, cwd=ROOT,
                           stdout=subprocess.DEVNULL)
            scored = asyncio.run(emergency_scores(Path(tmp) / f"fold-{fold}.tar.gz",
                                                  [t for t, *_ in held]))
            results += [Result(intent, top, conf, text, ranking, kind, predicted_kind)
                        for (text, intent, kind), (top, conf, ranking, predicted_kind)
                        in zip(held, scored, strict=True)]

    return results


def report(results: List[Result], folds: str, show_missed: bool) -> None:
    emergencies = [r for r in results if r.intent == EMERGENCY]
    others = [r for r in results if r.intent != EMERGENCY]
    # The classifier alone, to compare pipelines on the same folds.
    topics = [r for r in others if r.intent in TOPIC_IDS]
    out_of_scope = [r for r in others if r.intent == OUT_OF_SCOPE]
    right = sum(r.top == r.intent for r in topics)
    print(f"onderwerp goed: {right}/{len(topics)} ({right / len(topics):.1%}); "
          f"buiten bereik als onderwerp: {sum(r.top in TOPIC_IDS for r in out_of_scope)}"
          f"/{len(out_of_scope)}")
    with_kind = [r for r in results if r.kind]
    if with_kind and with_kind[0].predicted_kind is not None:
        kind_right = sum(r.predicted_kind == r.kind for r in with_kind)
        print(f"soort vraag goed: {kind_right}/{len(with_kind)} "
              f"({kind_right / len(with_kind):.1%})")
    print(f"\n{len(emergencies)} noodgevallen en {len(others)} andere berichten, {folds}")
    print("drempel | 112 bij noodgeval | antwoord kwijt | antwoord na onnodige 112")
    chosen = None
    for threshold in (1.01,) + THRESHOLDS[::-1]:  # 1.01: the classifier alone
        caught = sum(answers_with_112(r.top, r.emergency, threshold, r.text) for r in emergencies)
        wrong = [r.top for r in others if answers_with_112(r.top, r.emergency, threshold, r.text)]
        lost = sum(top not in TOPIC_IDS for top in wrong)
        if lost <= MAX_ANSWERS_LOST * len(others):
            chosen = threshold
        label = "geen" if threshold > 1 else f"{threshold:.2f}"
        print(f"{label:>7} | {caught}/{len(emergencies)} | {lost} ({lost / len(others):.1%}) "
              f"| {len(wrong) - lost}")
    print(f"regel (hoogstens {MAX_ANSWERS_LOST:.0%} antwoorden kwijt): drempel {chosen}")
    if show_missed and chosen is not None:
        print(f"\nbij drempel {chosen}: gemist")
        for r in emergencies:
            if not answers_with_112(r.top, r.emergency, chosen, r.text):
                print(f"  {r.emergency:.2f} {r.top:20} {r.text}")
        print("onterecht 112")
        for r in others:
            if answers_with_112(r.top, r.emergency, chosen, r.text):
                print(f"  {r.emergency:.2f} {r.intent:20} {r.text}")


if __name__ == "__main__":
    sys.exit(main())

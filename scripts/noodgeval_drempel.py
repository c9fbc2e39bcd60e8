"""Chooses the NoodgevalVoorrang threshold on the training data only (k-fold).

Each fold trains the NLU on the other folds of bot/data/nlu.yml and parses its own
examples; for every candidate threshold it prints how many emergencies get 112 first,
how many other messages lose their answer to the 112 text (the classifier picked the
emergency itself, or overrode something that is not a topic) and how many topic
questions get a needless 112 line before their answer. The rule, fixed before it was
first applied: the lowest threshold at which at most 3% of the other messages lose
their answer. Held-out sets are never used here.
"""
from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import List, Tuple

import yaml

from bot.knowledge import TOPIC_IDS
from bot.noodgeval import MAY_HIDE_AN_EMERGENCY

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from scripts.evaluate import load_agent  # noqa: E402

BIN = Path(sys.executable).parent
EMERGENCY = "noodgeval"
OUT_OF_SCOPE = "buiten_bereik"
THRESHOLDS = (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4)
MAX_ANSWERS_LOST = 0.03
RESULTS = ROOT / "results" / "noodgeval-drempel.json"
Result = Tuple[str, str, float, str]  # true intent, classifier's top intent, emergency score, text


def to_112(top: str, confidence: float, threshold: float) -> bool:
    """As NoodgevalVoorrang decides."""
    return top == EMERGENCY or (top in MAY_HIDE_AN_EMERGENCY and confidence >= threshold)


def examples_of(block: dict) -> List[str]:
    return [line[2:].strip() for line in block["examples"].splitlines() if line.startswith("- ")]


def fold_of(text: str, folds: int) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest(), 16) % folds


def write_without_fold(data: dict, fold: int, folds: int, path: Path) -> List[Tuple[str, str]]:
    """Writes the training part; returns the (text, intent) pairs held back."""
    kept, held = [], []
    for block in data["nlu"]:
        if "intent" not in block:
            kept.append(block)
            continue
        train = [t for t in examples_of(block) if fold_of(t, folds) != fold]
        held += [(t, block["intent"]) for t in examples_of(block) if fold_of(t, folds) == fold]
        if train:
            kept.append({**block, "examples": "".join(f"- {t}\n" for t in train)})
    path.write_text(yaml.safe_dump({"version": data["version"], "nlu": kept},
                                   allow_unicode=True, sort_keys=False), encoding="utf-8")
    return held


async def emergency_scores(model: Path, texts: List[str]) -> List[Tuple[str, float]]:
    agent = load_agent(model)
    scores = []
    for text in texts:
        parsed = await agent.parse_message(text)
        ranking = {r["name"]: r["confidence"] for r in parsed.get("intent_ranking", [])}
        # Trained without NoodgevalVoorrang: this is the intent it would see.
        scores.append((parsed["intent"]["name"], ranking.get(EMERGENCY, 0.0)))
    return scores


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--nlu", type=Path, default=ROOT / "bot/data/nlu.yml")
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
        results = [tuple(r) for r in json.loads(args.results.read_text())]
    else:
        results = cross_validate(args)
        args.results.parent.mkdir(exist_ok=True)
        args.results.write_text(json.dumps(results))
    report(results, args.folds, args.show_missed)
    return 0


def cross_validate(args: argparse.Namespace) -> List[Result]:
    data = yaml.safe_load(args.nlu.read_text(encoding="utf-8"))
    results: List[Result] = []
    with tempfile.TemporaryDirectory() as tmp:
        config = yaml.safe_load(args.config.read_text(encoding="utf-8"))
        config["pipeline"] = [c for c in config["pipeline"]
                              if c["name"] != "bot.noodgeval.NoodgevalVoorrang"]
        config_file = Path(tmp) / "config.yml"
        config_file.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
        for fold in range(args.folds):
            train_file = Path(tmp) / f"train-{fold}.yml"
            held = write_without_fold(data, fold, args.folds, train_file)
            subprocess.run([BIN / "rasa", "train", "nlu", "--nlu", train_file, "--config", config_file,
                            "--out", tmp,
                            "--fixed-model-name", f"fold-{fold}"], check=True, cwd=ROOT,
                           stdout=subprocess.DEVNULL)
            scored = asyncio.run(emergency_scores(Path(tmp) / f"fold-{fold}.tar.gz",
                                                  [t for t, _ in held]))
            results += [(intent, top, conf, text)
                        for (text, intent), (top, conf) in zip(held, scored)]

    return results


def report(results: List[Result], folds: int, show_missed: bool) -> None:
    emergencies = [r for r in results if r[0] == EMERGENCY]
    others = [r for r in results if r[0] != EMERGENCY]
    # The classifier alone, to compare pipelines on the same folds.
    topics = [r for r in others if r[0] in TOPIC_IDS]
    out_of_scope = [r for r in others if r[0] == OUT_OF_SCOPE]
    right = sum(r[1] == r[0] for r in topics)
    print(f"onderwerp goed: {right}/{len(topics)} ({right / len(topics):.1%}); "
          f"buiten bereik als onderwerp: {sum(r[1] in TOPIC_IDS for r in out_of_scope)}"
          f"/{len(out_of_scope)}")
    print(f"\n{len(emergencies)} noodgevallen en {len(others)} andere berichten, {folds} folds")
    print("drempel | 112 bij noodgeval | antwoord kwijt | antwoord na onnodige 112")
    chosen = None
    for threshold in (1.01,) + THRESHOLDS[::-1]:  # 1.01: the classifier alone
        caught = sum(to_112(top, c, threshold) for _, top, c, _ in emergencies)
        wrong = [top for _, top, c, _ in others if to_112(top, c, threshold)]
        lost = sum(top not in TOPIC_IDS for top in wrong)
        if lost <= MAX_ANSWERS_LOST * len(others):
            chosen = threshold
        label = "geen" if threshold > 1 else f"{threshold:.2f}"
        print(f"{label:>7} | {caught}/{len(emergencies)} | {lost} ({lost / len(others):.1%}) "
              f"| {len(wrong) - lost}")
    print(f"regel (hoogstens {MAX_ANSWERS_LOST:.0%} antwoorden kwijt): drempel {chosen}")
    if show_missed and chosen is not None:
        print(f"\nbij drempel {chosen}: gemist")
        for _, top, c, text in emergencies:
            if not to_112(top, c, chosen):
                print(f"  {c:.2f} {top:20} {text}")
        print("onterecht 112")
        for intent, top, c, text in others:
            if to_112(top, c, chosen):
                print(f"  {c:.2f} {intent:20} {text}")


if __name__ == "__main__":
    sys.exit(main())

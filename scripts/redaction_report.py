"""Precision and recall of wijkveiligheid.redaction on tests/redaction_corpus.yml.

Per example, the placeholders in the expected text and in redact()'s output are
compared as multisets, per kind: true positives are the placeholders in both,
false positives the extra ones produced, false negatives the expected ones that
are missing. Examples whose output equals the expected text exactly are counted
too (that also catches a placeholder put in the wrong place).

Run from the repository root: .venv/bin/python scripts/redaction_report.py
With --blind-v2 it reports tests/redaction_heldout_v2.yml instead, per category (a blind
corpus: measure it once, at the end, and never tune on what it shows).
"""
from __future__ import annotations

import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from wijkveiligheid.redaction import PLACEHOLDERS, redact  # noqa: E402

CORPUS = ROOT / "tests" / "redaction_corpus.yml"
DEV_V2 = ROOT / "tests" / "redaction_dev_v2.yml"  # new kinds; the developer tuned on these
PLACEHOLDER_RE = re.compile("|".join(re.escape(p) for p in PLACEHOLDERS))


def ratio(part: int, whole: int) -> str:
    return f"{part / whole:6.1%}" if whole else "     -"


HELDOUT = ROOT / "tests" / "redaction_heldout.yml"  # written apart from the code; never tuned on


HELDOUT_V2 = ROOT / "tests" / "redaction_heldout_v2.yml"  # blind; measured once


def main() -> int:
    if "--blind-v2" in sys.argv[1:]:
        return report_by_category(HELDOUT_V2)
    for corpus in (CORPUS, HELDOUT, DEV_V2):
        print(f"== {corpus.relative_to(ROOT)}")
        report(corpus)
        print()
    return 0


def report(corpus: Path) -> int:
    cases = yaml.safe_load(corpus.read_text(encoding="utf-8"))
    tp, fp, fn = Counter(), Counter(), Counter()
    wrong = []
    for case in cases:
        produced = redact(case["text"])
        want = Counter(PLACEHOLDER_RE.findall(case["expected"]))
        got = Counter(PLACEHOLDER_RE.findall(produced))
        for kind in PLACEHOLDERS:
            tp[kind] += min(want[kind], got[kind])
            fp[kind] += max(got[kind] - want[kind], 0)
            fn[kind] += max(want[kind] - got[kind], 0)
        if produced != case["expected"]:
            wrong.append((case, produced))

    print(f"{'kind':18} {'TP':>4} {'FP':>4} {'FN':>4}  precision  recall")
    for kind in PLACEHOLDERS + ("overall",):
        t, p, n = ((sum(tp.values()), sum(fp.values()), sum(fn.values())) if kind == "overall"
                   else (tp[kind], fp[kind], fn[kind]))
        print(f"{kind:18} {t:4} {p:4} {n:4}  {ratio(t, t + p):>9}  {ratio(t, t + n):>6}")
    negatives = sum(case["text"] == case["expected"] for case in cases)
    exact = len(cases) - len(wrong)
    print(f"\nexamples exactly right: {exact}/{len(cases)} ({ratio(exact, len(cases)).strip()}); "
          f"{negatives} of the examples are negatives (nothing to redact)")
    long_text = "\n".join(case["text"] for case in cases) * 10
    start = time.perf_counter()
    redact(long_text)
    print(f"speed: {len(long_text):,} characters of the corpus in "
          f"{(time.perf_counter() - start) * 1000:.0f} ms")
    for case, produced in wrong:
        print(f"\n  text:     {case['text']}\n  expected: {case['expected']}\n  produced: {produced}")
    return 0


def counts(cases):
    tp = fp = fn = 0
    for case in cases:
        want = Counter(PLACEHOLDER_RE.findall(case["expected"]))
        got = Counter(PLACEHOLDER_RE.findall(redact(case["text"])))
        for kind in PLACEHOLDERS:
            tp += min(want[kind], got[kind])
            fp += max(got[kind] - want[kind], 0)
            fn += max(want[kind] - got[kind], 0)
    exact = sum(redact(case["text"]) == case["expected"] for case in cases)
    return tp, fp, fn, exact


def report_by_category(corpus: Path) -> int:
    cases = yaml.safe_load(corpus.read_text(encoding="utf-8"))
    by_category = {}
    for case in cases:
        by_category.setdefault(case.get("categorie", "?"), []).append(case)
    print(f"== {corpus.relative_to(ROOT)}: {len(cases)} items")
    print(f"{'categorie':22} {'items':>5} {'TP':>4} {'FP':>4} {'FN':>4}  precision  recall  exact")
    rows = list(by_category.items()) + [("in scope (geen negatief)",
                                         [c for c in cases if c.get("categorie") != "negatief"]),
                                        ("alles", cases)]
    for name, group in rows:
        tp, fp, fn, exact = counts(group)
        print(f"{name:22} {len(group):5} {tp:4} {fp:4} {fn:4}  {ratio(tp, tp + fp):>9}  "
              f"{ratio(tp, tp + fn):>6}  {exact:3}/{len(group)}")
    negatives = by_category.get("negatief", [])
    untouched = sum(redact(c["text"]) == c["text"] for c in negatives)
    print(f"\nnegatives left untouched: {untouched}/{len(negatives)}")
    for case in cases:
        produced = redact(case["text"])
        if produced != case["expected"]:
            print(f"\n  [{case.get('categorie')}]\n  text:     {case['text']}\n"
                  f"  expected: {case['expected']}\n  produced: {produced}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

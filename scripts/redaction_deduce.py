"""Measures the library `deduce` (Dutch de-identification) on our redaction corpora.

deduce 3.0.3 wants rapidfuzz < 3, the project pins rapidfuzz 3.14.5 (wijk matching), so
this runs in a throwaway venv, not in the project's:

    python3.10 -m venv /tmp/deduce-venv && /tmp/deduce-venv/bin/pip install deduce==3.0.3 pyyaml
    /tmp/deduce-venv/bin/python scripts/redaction_deduce.py tests/redaction_corpus.yml ...

deduce's tags are mapped to our placeholders (persoon -> [naam], locatie -> [adres], ...);
tags we have no placeholder for (datum outside a birth date, ziekenhuis, instelling,
leeftijd, url, id) count as "[anders]": every one of them is a false positive, because our
corpora keep dates, ages, hospitals and organisations. Figures as scripts/redaction_report.py.
"""
from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

import yaml
from deduce import Deduce

OURS = ("[e-mailadres]", "[telefoonnummer]", "[iban]", "[bsn]", "[adres]", "[kenteken]",
        "[naam]", "[geboortedatum]")
OTHER = "[anders]"
TAGS = {"persoon": "[naam]", "patient": "[naam]", "locatie": "[adres]",
        "telefoonnummer": "[telefoonnummer]", "emailadres": "[e-mailadres]", "bsn": "[bsn]",
        "iban": "[iban]"}
BIRTH_WORDS = re.compile(r"geb(?:oren|\.|oortedatum)", re.IGNORECASE)
FOUND = re.compile("|".join(re.escape(p) for p in OURS + (OTHER,)))


def deduce_redact(model: Deduce, text: str) -> str:
    annotations = sorted(model.deidentify(text).annotations, key=lambda a: -a.start_char)
    for annotation in annotations:
        tag = TAGS.get(annotation.tag, OTHER)
        if annotation.tag == "datum" and BIRTH_WORDS.search(
                text[max(0, annotation.start_char - 25):annotation.start_char]):
            tag = "[geboortedatum]"
        text = text[:annotation.start_char] + tag + text[annotation.end_char:]
    return text


def main(paths) -> int:
    model = Deduce()
    for path in paths:
        cases = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        tp, fp, fn = Counter(), Counter(), Counter()
        for case in cases:
            want = Counter(FOUND.findall(case["expected"]))
            got = Counter(FOUND.findall(deduce_redact(model, case["text"])))
            for kind in OURS + (OTHER,):
                tp[kind] += min(want[kind], got[kind])
                fp[kind] += max(got[kind] - want[kind], 0)
                fn[kind] += max(want[kind] - got[kind], 0)
        print(f"== {path} (deduce 3.0.3)")
        for kind in OURS + (OTHER, "overall"):
            t, p, n = ((sum(tp.values()), sum(fp.values()), sum(fn.values()))
                       if kind == "overall" else (tp[kind], fp[kind], fn[kind]))
            precision = f"{t / (t + p):6.1%}" if t + p else "     -"
            recall = f"{t / (t + n):6.1%}" if t + n else "     -"
            print(f"{kind:18} {t:4} {p:4} {n:4}  {precision:>9}  {recall:>6}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

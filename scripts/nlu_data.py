"""The one reader and writer of NLU YAML for the scripts, and the one fold scheme.

`read` gives the (text, intent, kind) examples of a Rasa 3 NLU file, such as
bot/data/nlu.yml or a held-out set in tests/heldout, as Rasa's own loader reads them
(tests/unit/test_nlu_data.py compares the two on every file), without loading Rasa: the
kind is the block's `metadata: vraagsoort`, or "" when the block has none.

Folds: an example is in fold `fold_of(text, folds)`, the SHA-256 of its text as written,
modulo the number of folds. It depends on the text alone, so a fold keeps its messages
when examples are added or moved, and one text written under two intents is never in
two folds. scripts/noodgeval_drempel.py has used this scheme since its first run, so
its figures in docs/nlu-data.md and config.yml stay reproducible.
"""
from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path
from typing import Iterable, List, NamedTuple, Optional, Sequence, Tuple

import yaml

ROOT = Path(__file__).resolve().parent.parent
NLU = ROOT / "bot" / "data" / "nlu.yml"
HELDOUT = ROOT / "tests" / "heldout"


class Example(NamedTuple):
    text: str
    intent: str
    kind: str = ""  # vraagsoort from the block's metadata, "" when none


def parse(source: str) -> List[Example]:
    """The examples of NLU YAML text, in file order; exact repeats once, as Rasa does."""
    found: List[Example] = []
    for block in (yaml.safe_load(source) or {}).get("nlu") or []:
        if "intent" not in block:
            continue  # synonyms, regexes and lookup tables hold no examples
        kind = str((block.get("metadata") or {}).get("vraagsoort") or "")
        for line in (block.get("examples") or "").splitlines():
            line = line.strip()
            if line.startswith("-") and line[1:].strip():
                found.append(Example(line[1:].strip(), str(block["intent"]), kind))
    return list(dict.fromkeys(found))


def read(path: Path) -> List[Example]:
    return parse(Path(path).read_text(encoding="utf-8"))


def read_revision(revision: Optional[str], path: Path = NLU) -> List[Example]:
    """The examples of `path` as it was at a git revision (None: the file as it is now)."""
    if not revision:
        return read(path)
    relative = Path(path).resolve().relative_to(ROOT).as_posix()
    shown = subprocess.run(["git", "show", f"{revision}:{relative}"], cwd=ROOT, check=True,
                           capture_output=True, text=True)
    return parse(shown.stdout)


def dump(examples: Iterable[Example]) -> str:
    """NLU YAML for Rasa: one block per run of examples with the same intent and kind, so
    the examples keep their order (training order can change what a model learns)."""
    lines = ['version: "3.1"', "nlu:"]
    current: Optional[Tuple[str, str]] = None
    for example in examples:
        if (example.intent, example.kind) != current:
            current = (example.intent, example.kind)
            lines.append(f"- intent: {example.intent}")
            if example.kind:
                lines += ["  metadata:", f"    vraagsoort: {example.kind}"]
            lines.append("  examples: |")
        lines.append(f"    - {example.text}")
    return "\n".join(lines) + "\n"


def write(path: Path, examples: Iterable[Example]) -> None:
    Path(path).write_text(dump(examples), encoding="utf-8")


def fold_of(text: str, folds: int) -> int:
    return int(hashlib.sha256(text.encode("utf-8")).hexdigest(), 16) % folds


def split(examples: Sequence[Example], fold: int, folds: int,
          reference: Optional[Sequence[Example]] = None
          ) -> Tuple[List[Example], List[Example]]:
    """(train, test) for one fold.

    The test examples are those of `reference` (default: `examples`) in `fold`; the
    training examples are all of `examples` whose text, ignoring case, is no test text.
    With a reference revision the test set stays the same while examples are added to
    the training file, so before and after compare like with like."""
    if not 0 <= fold < folds:
        raise ValueError(f"fold {fold} bestaat niet bij {folds} folds")
    test = [e for e in (examples if reference is None else reference)
            if fold_of(e.text, folds) == fold]
    test_texts = {e.text.lower() for e in test}
    train = [e for e in examples if e.text.lower() not in test_texts]
    return train, test

"""Privacy redaction of residents' descriptions (wijkveiligheid/redaction.py)."""
from __future__ import annotations

import random
from pathlib import Path
from typing import Dict, List

import pytest
import yaml

from wijkveiligheid.redaction import PLACEHOLDERS, redact

CORPUS: List[Dict[str, str]] = [
    case for name in ("redaction_corpus.yml", "redaction_dev_v2.yml")
    for case in yaml.safe_load((Path(__file__).parents[1] / name).read_text(encoding="utf-8"))]


def test_corpus_is_large_and_varied() -> None:
    negatives = [case for case in CORPUS if case["text"] == case["expected"]]
    assert len(CORPUS) >= 70
    assert len(negatives) >= 25
    used = {p for case in CORPUS for p in PLACEHOLDERS if p in case["expected"]}
    assert used == set(PLACEHOLDERS)


@pytest.mark.parametrize("case", CORPUS, ids=[case["text"][:50] for case in CORPUS])
def test_corpus(case: Dict[str, str]) -> None:
    assert redact(case["text"]) == case["expected"]


@pytest.mark.parametrize("case", CORPUS, ids=[case["text"][:50] for case in CORPUS])
def test_idempotent_on_corpus(case: Dict[str, str]) -> None:
    once = redact(case["text"])
    assert redact(once) == once


@pytest.mark.parametrize("placeholder", PLACEHOLDERS)
def test_placeholders_are_left_alone(placeholder: str) -> None:
    text = f"{placeholder} {placeholder}{placeholder}, ({placeholder})."
    assert redact(text) == text


@pytest.mark.parametrize("text", [
    "112", "Bel 112!", "14 010", "14010", "bel 14 010.", "0900-8844", "0900 8844",
    "0800-7000", "088-1234567", "2024", "22:30", "€ 50", "€50,-", "12-03-2024",
    "12/03/2024 om 22:30", "06-06-2024 22:30", "flat 3", "15 jaar", "3 jongens",
    "in de Zwart Janstraat", "https://www.rotterdam.nl/14010?wijk=3071AB&id=123456789",
])
def test_not_personal_stays(text: str) -> None:
    assert redact(text) == text


@pytest.mark.parametrize("text", [
    "😀🚓🚨👮‍♀️🏳️‍🌈 💥💥 !!!",
    "\u200f\u200e\u202eRTL\u202c \u200b\u200d\ufeff zero-width",
    "مرحبا، هناك إزعاج في الشارع كل ليلة",
    "晚上很吵 。有人在街上喊叫",
    "Zoë, Çà, naïve, ﬁets, e\u0301e\u0301n, ẞ, İstanbul, Ǆ",
    "<div class=\"melding\"><b>Overlast</b> &amp; <i>afval</i></div><br/>",
    "'; DROP TABLE meldingen; -- SELECT * FROM users WHERE id = 1 OR 1=1;",
    "{\"melding\": [1, 2, 3], \"wijk\": null}",
    "\t\n\r  \x00\x1b[31m rood \x1b[0m",
    "",
])
def test_odd_text_without_personal_data_is_untouched(text: str) -> None:
    assert redact(text) == text


def test_odd_text_around_personal_data() -> None:
    text = "<p>🚨 Bel\u200f 06-12345678\u200f!</p>'; DROP TABLE x; -- Putselaan 12 😡"
    assert redact(text) == "<p>🚨 Bel\u200f [telefoonnummer]\u200f!</p>'; DROP TABLE x; -- [adres] 😡"


def test_long_input_is_correct() -> None:
    """The whole corpus, repeated to over 10,000 characters: dense with personal data."""
    texts = "\n".join(case["text"] for case in CORPUS)
    expected = "\n".join(case["expected"] for case in CORPUS)
    reps = 10_000 // len(texts) + 1
    text, want = "\n".join([texts] * reps), "\n".join([expected] * reps)
    assert len(text) >= 10_000
    # Tests assert behaviour, not time: scripts/redaction_report.py measures speed.
    assert redact(text) == want


def test_long_plain_and_degenerate_input() -> None:
    for text in ("Overlast in de wijk. " * 600, "a" * 20_000, "1" * 20_000, "1 " * 10_000,
                 "@" * 10_000, "Zwart Janstraat " * 1_000, "😀" * 10_000):
        assert redact(text) == text


def _random_texts(count: int, seed: int = 20240312) -> List[str]:
    rng = random.Random(seed)
    alphabet = ("0123456789 0123456789 -.,:/()+@€ ABNLKXabenrstz'’\n\t"
                "😀🚨\u200f\u200b\ufeffëéçßİ٠٦０６－\ud800")
    words = ["Putselaan", "Zwart", "Janstraat", "Laan", "op", "Zuid", "laan", "nr", "12", "3a", "-B",
             "06", "010", "+31", "0031", "(0)", "NL91", "ABNA", "0417", "1643", "00", "3071", "AB",
             "ab", "123", "456", "789", "112", "14", "0900", "8844", "12-ABC-3", "AB123C",
             "jan@example.nl", "www.", "https://www.rotterdam.nl/x?id=", "€", "jongens", "De", "In",
             "2024", "22:30", "12-03-2024", "[adres]", "[telefoonnummer]"]
    texts = []
    for i in range(count):
        if i % 2:
            texts.append("".join(rng.choice(alphabet) for _ in range(rng.randint(0, 80))))
        else:
            texts.append("".join(rng.choice(words) + rng.choice(["", " ", " ", "-", ".", ", ", "/"])
                                 for _ in range(rng.randint(0, 15))))
    return texts


def test_random_text_never_raises_and_is_idempotent() -> None:
    for text in _random_texts(3_000):
        once = redact(text)
        assert isinstance(once, str)
        assert redact(once) == once, text


def test_random_text_keeps_text_without_digits_at_sign_or_capitals() -> None:
    """Every kind of personal data has a digit, an '@' or (a name) a capital letter;
    text without them stays."""
    for text in _random_texts(3_000, seed=7):
        plain = "".join(c for c in text if not c.isdigit() and c != "@" and not c.isupper())
        assert redact(plain) == plain


def test_not_a_string() -> None:
    assert redact(None) == ""  # type: ignore[arg-type]
    assert redact(612345678) == "[bsn]"  # type: ignore[arg-type]

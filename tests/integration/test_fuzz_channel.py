"""Hostile and odd input against the running servers: a generated corpus of more than
1,000 requests plus Hypothesis-generated text. No 5xx, no crash, no stack trace in a
reply, never an empty reply, and afterwards a normal question is answered correctly."""
from __future__ import annotations

import json
import random
from concurrent.futures import ThreadPoolExecutor
from typing import Iterator, List, Tuple

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import Chat

pytestmark = pytest.mark.e2e

Request = Tuple[bytes, str]  # body, content type
JSON = "application/json"

NASTY_TEXTS = [
    "", " ", "   ", "\t", "\n", "\r\n", "\u00a0", "\u200b", "\ufeff", "\u3000",
    "a" * 100_000, "wat doet een stadsmarinier " * 4000, "é" * 1001, "🙂" * 1000,
    "\x00", "\x00hallo", "hal\x00lo", "\x07\x08\x1b[31mrood\x1b[0m", "\x7f", "\u0085",
    "🙂", "🙂🙂🙂", "👨‍👩‍👧‍👦", "🏳️‍🌈", "\U0010ffff", "\ud800", "\udfff",
    "مرحبا، هل يمكنني الإبلاغ عن إزعاج؟", "שלום", "\u202ewoonoverlast\u202c", "\u200fhallo",
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<b>vet</b>",
    "javascript:alert(1)", "[klik](javascript:alert(1))", "{{7*7}}", "${7*7}", "%s%s%n",
    "'; DROP TABLE signalen; --", "\" OR 1=1 --", "1; SELECT * FROM events", "' UNION SELECT",
    '{"sender": "x", "message": "hallo"}', '{"intent": "greet"}', "[1, 2, 3]", "null",
    "/signaal_doorgeven", '/horeca{"vraagsoort": "uitleg"}', "/restart", "/session_start",
    '/greet{"onderwerp": "<script>"}', '/signaal_doorgeven{"signaal_wijk": "\'; DROP"}',
    "/nonexistent_intent", "/", "//", '/horeca{"vraagsoort":', "/action_restart",
    "../../etc/passwd", "C:\\Windows\\System32", "http://127.0.0.1:5005/status",
    "0", "-1", "1e309", "NaN", "Infinity", "true", "None",
    "ik wil een signaal doorgeven", "stop", "ja", "nee", "Spangen",
]

WRAPPERS = ["{}", "hallo {}", "{} waar meld ik dat", "{}" * 3]


def message(sender: str, text, **extra) -> Request:
    return json.dumps({"sender": sender, "message": text, **extra}).encode(), JSON


def raw_requests() -> Iterator[Request]:
    """Bodies that are not what the channel expects."""
    yield b"", JSON
    yield b"\xff\xfe\xfd", JSON
    yield b'{"sender": "fuzz-raw", "message": "\xc3\x28"}', JSON
    yield b'{"sender": "fuzz-raw", "message": "\xed\xa0\x80"}', JSON
    yield b"{", JSON
    yield b'{"sender": "fuzz-raw", "message": "hallo"', JSON
    yield b'{"sender": "fuzz-raw" "message": "hallo"}', JSON
    yield b"{'sender': 'fuzz-raw', 'message': 'hallo'}", JSON
    yield b"[" * 10_000 + b"]" * 10_000, JSON
    yield b'{"a":' * 5_000 + b"1" + b"}" * 5_000, JSON
    yield b"sender=fuzz-raw&message=hallo", "application/x-www-form-urlencoded"
    yield b"--x\r\nContent-Disposition: form-data; name=message\r\n\r\nhallo\r\n--x--", \
        "multipart/form-data; boundary=x"
    yield b"<sender>fuzz-raw</sender>", "application/xml"
    yield json.dumps({"sender": "fuzz-raw", "message": "hallo"}).encode(), "text/plain"
    yield json.dumps({"sender": "fuzz-raw", "message": "hallo"}).encode("utf-16"), JSON
    yield json.dumps({"sender": "fuzz-raw", "message": "hallo"}).encode(), ""
    yield json.dumps({"message": "hallo"}).encode(), JSON  # missing sender
    yield json.dumps({"sender": "fuzz-raw"}).encode(), JSON  # missing message
    yield json.dumps({"sender": "s" * 100_000, "message": "hallo"}).encode(), JSON
    yield json.dumps({"sender": "\x00", "message": "hallo"}).encode(), JSON
    yield json.dumps({"sender": "../../admin", "message": "hallo"}).encode(), JSON
    yield json.dumps({"sender": "a/b?token=x#y", "message": "hallo"}).encode(), JSON
    for odd in [None, 1, 1.5, True, [], ["hallo"], {}, {"text": "hallo"}, -1e308]:
        yield json.dumps({"sender": "fuzz-raw", "message": odd}).encode(), JSON
        yield json.dumps({"sender": odd, "message": "hallo"}).encode(), JSON
        yield json.dumps(odd).encode(), JSON
    yield json.dumps({"sender": "fuzz-raw", "message": "hallo", "metadata": "x" * 50_000,
                      "input_channel": "admin", "extra": {"a": [1, 2]}}).encode(), JSON
    yield json.dumps({"sender": "fuzz-raw", "message": "hallo", "sender ": "y",
                      "Message": "z", "__proto__": {"admin": True}}).encode(), JSON


def conversations() -> List[List[Request]]:
    """Each nasty text bare and wrapped, as an answer inside the signal form, and in random
    mixtures, plus the raw bodies: more than 1,000 requests, always the same. Requests in
    one list share a conversation and are sent in order."""
    rng = random.Random(6)
    result: List[List[Request]] = [[request] for request in raw_requests()]
    for i, text in enumerate(NASTY_TEXTS):
        result.append([message(f"fuzz-{i}", wrapper.replace("{}", text))
                       for wrapper in WRAPPERS])
        # In the middle of the signal form: the action server validates the answer.
        result.append([message(f"fuzz-form-{i}", answer) for answer in (
            "ik wil een signaal doorgeven", "Overlast op straat", "Spangen", text)])
    for k in range(20):
        result.append([message(f"fuzz-mix-{k}", "".join(
            rng.choice(NASTY_TEXTS)[:300] for _ in range(rng.randint(1, 4))))
            for _ in range(20)])
    return result


def check(response: requests.Response, what) -> None:
    assert response.status_code < 500, (what, response.status_code, response.text[:300])
    for trace in ("Traceback", 'File "', "Exception", "Error:"):
        assert trace not in response.text, (what, response.text[:300])
    if response.status_code == 200:
        replies = response.json()
        assert isinstance(replies, list) and replies, (what, "empty reply")
        assert all(isinstance(r.get("text", ""), str) for r in replies)


def post(session: requests.Session, url: str, request: Request) -> requests.Response:
    body, content_type = request
    return session.post(url, data=body, headers={"Content-Type": content_type}, timeout=120)


def assert_still_answers_normally(servers) -> None:
    assert all(s.process.poll() is None for s in servers.values()), "a server crashed"
    answer = Chat(servers["rasa"]).text("wat doet een stadsmarinier")
    assert "Stadsmariniers" in answer


def test_the_corpus_has_more_than_a_thousand_requests():
    assert sum(len(c) for c in conversations()) >= 1000


def test_the_generated_corpus_breaks_nothing(servers):
    url = servers["rasa"].public_url

    def send(conversation: List[Request]) -> None:
        with requests.Session() as session:
            for request in conversation:
                check(post(session, url, request), request[0][:120])

    # A few conversations at a time, as several visitors would; each one in order.
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(send, conversations()))
    assert_still_answers_normally(servers)


FUZZ_SETTINGS = dict(deadline=None, database=None, derandomize=True,
                     suppress_health_check=[HealthCheck.function_scoped_fixture,
                                            HealthCheck.too_slow])


@settings(max_examples=300, **FUZZ_SETTINGS)
@given(text=st.text(max_size=1200),
       sender=st.sampled_from([f"fuzz-hypothesis-{i}" for i in range(30)]))
def test_arbitrary_text_breaks_nothing(servers, text, sender):
    with requests.Session() as session:
        check(post(session, servers["rasa"].public_url, message(sender, text)), text)


@settings(max_examples=100, **FUZZ_SETTINGS)
@given(sender=st.text(max_size=200))
def test_arbitrary_senders_break_nothing(servers, sender):
    with requests.Session() as session:
        check(post(session, servers["rasa"].public_url, message(sender, "hallo")), sender)


@settings(max_examples=200, **FUZZ_SETTINGS)
@given(body=st.binary(max_size=2000) | st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=50),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner,
                                                               max_size=5),
    max_leaves=20).map(lambda value: json.dumps(value).encode()))
def test_arbitrary_bodies_break_nothing(servers, body):
    with requests.Session() as session:
        check(post(session, servers["rasa"].public_url, (body, JSON)), body[:120])


def test_afterwards_a_normal_question_is_answered(servers):
    assert_still_answers_normally(servers)

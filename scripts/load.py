"""Load test: whole conversations at 1, 10 and 50 at a time, against the production set-up.

Starts everything itself on localhost (free ports): a throwaway PostgreSQL and Redis,
the action server with the signals database on PostgreSQL, and Rasa server(s) with
endpoints.production.yml. Each simulated person runs whole conversations one after the
other with a fresh sender id: topic questions with a follow-up, and signal forms through
to the stored signal. Bounded in people (--levels) and in time (--seconds per level).

Prints per level: conversations, messages, throughput, p50/p95/p99 latency, errors,
empty replies, and for signals: confirmed to the person versus stored in PostgreSQL
(each confirmed signal must be there exactly once). First, in the same run, it times
the bare NLU parse of the same messages in this process, so that the server's latency
can be read as a multiple of it.

    .venv/bin/python scripts/load.py                       # make load
    .venv/bin/python scripts/load.py --levels 1,10 --seconds 30 --instances 2 --workers 1
"""
from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import re
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from servers.production_stack import PRODUCTION_ENDPOINTS, production_stack  # noqa: E402
from servers.runner import action_server, free_port, rasa_server, running  # noqa: E402
from wijkveiligheid.storage import hash_conversation  # noqa: E402

TOPIC_CONVERSATIONS = [
    ["hoe werkt cameratoezicht eigenlijk?", "en mogen wij daar iets over zeggen?"],
    ["er wordt elke avond gedeald bij het speeltuintje", "waar kan ik dat melden?"],
    ["wat doet een stadsmarinier", "hebben wij als wijkraad daar invloed op?"],
    ["mijn bovenburen maken elke nacht herrie, waar meld ik dat?", "bedankt"],
]
SIGNAL_CONVERSATION = [
    "ik wil een signaal doorgeven", "Overlast op straat", "carnise",
    "Elke avond schreeuwen jongeren bij het winkelcentrum", "bewoner", "nee", "ja",
]
REFERENCE = re.compile(r"SIG-\d{4}-\d{6}")


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(fraction * len(sorted_values)))]


@dataclass
class Level:
    people: int
    latencies: List[float] = field(default_factory=list)
    topic_latencies: List[float] = field(default_factory=list)  # topic questions
    form_latencies: List[float] = field(default_factory=list)  # messages in a signal form
    errors: Counter = field(default_factory=Counter)
    empty: int = 0
    conversations: int = 0
    signal_conversations: List[str] = field(default_factory=list)  # their sender ids
    confirmed: Dict[str, str] = field(default_factory=dict)        # sender id -> reference
    queued: int = 0
    elapsed: float = 0.0


async def send(session: aiohttp.ClientSession, url: str, sender: str, text: str,
               level: Level, in_form: bool) -> Optional[str]:
    """One message; returns the joined reply text, or None after an error."""
    start = time.perf_counter()
    try:
        async with session.post(url, json={"sender": sender, "message": text}) as response:
            body = await response.json(content_type=None)
            status = response.status
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
        level.errors[type(error).__name__] += 1
        return None
    level.latencies.append((time.perf_counter() - start) * 1000)
    (level.form_latencies if in_form else level.topic_latencies).append(level.latencies[-1])
    if status != 200:
        level.errors[f"HTTP {status}"] += 1
        return None
    if not body:
        level.empty += 1
    return "\n".join(m.get("text", "") for m in body)


async def person(number: int, urls: List[str], deadline: float, level: Level,
                 session: aiohttp.ClientSession, think: float) -> None:
    """Whole conversations until the deadline; every third one passes on a signal.
    Messages go to the Rasa servers in turn, as a round-robin proxy would send them."""
    for turn in itertools.count(number):
        if time.monotonic() >= deadline:
            return
        sender = f"load-{uuid.uuid4()}"
        is_signal = turn % 3 == 2
        messages = SIGNAL_CONVERSATION if is_signal else \
            TOPIC_CONVERSATIONS[turn % len(TOPIC_CONVERSATIONS)]
        if is_signal:
            level.signal_conversations.append(sender)
        reply = None
        for i, text in enumerate(messages):
            reply = await send(session, urls[(number + i) % len(urls)], sender, text, level,
                               in_form=is_signal)
            if reply is None:
                break
            await asyncio.sleep(think)  # reading the answer and typing the next message
        level.conversations += 1
        if is_signal and reply:
            found = REFERENCE.search(reply)
            if found:
                level.confirmed[sender] = found.group()
            elif "wachtrij" in reply:
                level.queued += 1


async def run_level(urls: List[str], people: int, seconds: float, think: float) -> Level:
    level = Level(people)
    timeout = aiohttp.ClientTimeout(total=120)
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        start = time.monotonic()
        await asyncio.gather(*(person(i, urls, start + seconds, level, session, think)
                               for i in range(people)))
        level.elapsed = time.monotonic() - start
    return level


def check_stored(stack, level: Level) -> Dict[str, int]:
    """Confirmed signals against rows in PostgreSQL, by conversation hash."""
    rows = {sender: stack.count("SELECT count(*) FROM signalen WHERE gesprek_hash = :h",
                                h=hash_conversation(sender))
            for sender in level.signal_conversations}
    matching = sum(
        stack.count("SELECT count(*) FROM signalen WHERE gesprek_hash = :h AND "
                    "referentie = :r", h=hash_conversation(sender), r=reference) == 1
        for sender, reference in level.confirmed.items())
    return {
        "stored": sum(rows.values()),
        "confirmed_stored_once": matching,
        "duplicates": sum(n - 1 for n in rows.values() if n > 1),
        "stored_unconfirmed": sum(1 for s, n in rows.items() if n and s not in level.confirmed),
    }


def report(level: Level, stored: Dict[str, int], parse_p50: float, think: float) -> None:
    values = sorted(level.latencies)
    p50, p95, p99 = (percentile(values, f) for f in (0.50, 0.95, 0.99))
    errors = sum(level.errors.values())
    print(f"\n== {level.people} at a time, {level.elapsed:.0f} s, think time {think:g} s ==")
    print(f"conversations {level.conversations}, messages {len(values) + errors}, "
          f"throughput {len(values) / level.elapsed:.1f} messages/s")
    print(f"latency p50 {p50:.0f} ms, p95 {p95:.0f} ms, p99 {p99:.0f} ms, max {values[-1]:.0f} ms"
          f" (p50 = {p50 / parse_p50:.0f}x the bare NLU parse)" if values else "no replies")
    for name, part in [("topic questions", level.topic_latencies),
                       ("signal-form messages (action server, database)", level.form_latencies)]:
        part = sorted(part)
        print(f"  {name}: p50 {percentile(part, 0.5):.0f} ms, "
              f"p95 {percentile(part, 0.95):.0f} ms")
    print(f"errors {errors} {dict(level.errors) if errors else ''}, empty replies {level.empty}")
    print(f"signals: conversations {len(level.signal_conversations)}, confirmed "
          f"{len(level.confirmed)}, queued {level.queued}, stored {stored['stored']}, "
          f"confirmed and stored exactly once {stored['confirmed_stored_once']}, "
          f"duplicates {stored['duplicates']}, stored without confirmation "
          f"{stored['stored_unconfirmed']}")


def time_nlu_parse(model: Path, rounds: int) -> float:
    """Median in-process NLU parse time (ms) of every message the load test sends."""
    from scripts.evaluate import load_agent

    agent = load_agent(model)
    messages = sorted({m for c in TOPIC_CONVERSATIONS for m in c} | set(SIGNAL_CONVERSATION))

    async def parse_all() -> List[float]:
        for text in messages:  # warm-up
            await agent.parse_message(text)
        timings = []
        for _ in range(rounds):
            for text in messages:
                start = time.perf_counter()
                await agent.parse_message(text)
                timings.append((time.perf_counter() - start) * 1000)
        return sorted(timings)

    timings = asyncio.run(parse_all())
    print(f"bare NLU parse in-process: {len(timings)} parses, p50 "
          f"{percentile(timings, 0.5):.1f} ms, p95 {percentile(timings, 0.95):.1f} ms, "
          f"p99 {percentile(timings, 0.99):.1f} ms")
    return percentile(timings, 0.5)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "veiligheid.tar.gz")
    parser.add_argument("--levels", default="1,10,50",
                        help="people at a time, comma-separated (at most 100)")
    parser.add_argument("--seconds", type=float, default=60, help="per level (at most 600)")
    parser.add_argument("--instances", type=int, default=1, help="Rasa servers (1-3)")
    parser.add_argument("--workers", type=int, default=1, help="SANIC_WORKERS per Rasa server")
    parser.add_argument("--think", type=float, default=0,
                        help="seconds a person waits before the next message (0: none)")
    parser.add_argument("--parse-rounds", type=int, default=20)
    args = parser.parse_args()
    levels = [int(n) for n in args.levels.split(",")]
    if not all(1 <= n <= 100 for n in levels) or not 1 <= args.seconds <= 600 \
            or not 0 <= args.think <= 60 \
            or not 1 <= args.instances <= 3 or not 1 <= args.workers <= 4:
        parser.error("bounded: levels 1-100, seconds 1-600, think 0-60, instances 1-3, workers 1-4")

    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start")
    parse_p50 = time_nlu_parse(args.model, args.parse_rounds)

    logs = ROOT / "results" / "load-logs"
    with production_stack() as stack:
        action_port = free_port()
        actions = action_server(action_port, env=stack.action_env(logs / "outbox"))
        rasas = []
        for i in range(args.instances):
            rasa = rasa_server(args.model, port=free_port(), work_dir=logs,
                               endpoints=PRODUCTION_ENDPOINTS,
                               env={**stack.rasa_env(action_port),
                                    "SANIC_WORKERS": str(args.workers)})
            rasa.name = f"rasa-{i + 1}"
            rasas.append(rasa)
        with running([actions, *rasas], logs, timeout=300):
            urls = [r.public_url for r in rasas]
            print(f"servers up: {args.instances} Rasa server(s) x {args.workers} worker(s), "
                  f"PostgreSQL tracker store and signals, Redis lock store")
            asyncio.run(run_level(urls, 2, 5, 0))  # warm-up, not reported
            for people in levels:
                level = asyncio.run(run_level(urls, people, args.seconds, args.think))
                report(level, check_stored(stack, level), parse_p50, args.think)
            print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

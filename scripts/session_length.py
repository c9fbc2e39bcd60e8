"""Cost of a message as one conversation session grows: turn 1 against turn 400.

Starts the real action server and Rasa server on free localhost ports (with the
conversation store of endpoints.yml, in a temporary folder) and sends TURNS messages in
ONE conversation, one after the other. Prints the median round-trip time around turns
1, 100, 200, 300 and 400, once with the session cap off (CONVERSATION_MAX_MESSAGES
very high: the cost grew with every turn) and once with the product's cap (default
100: a Dutch notice, then a fresh session). Localhost only; figures only, no test.

    .venv/bin/python scripts/session_length.py [--turns 400] [--cap 100]
"""
from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Dict, List, Tuple

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from servers.runner import action_server, free_port, rasa_server, running  # noqa: E402

MESSAGES = ["hallo", "wat doet een stadsmarinier", "mijn bovenburen maken elke nacht herrie",
            "waar heeft de wijkraad invloed op?", "bedankt", "wie beslist over camera's?"]
WINDOW = 5  # turns on each side of a checkpoint


def events_read(database: Path, sender: str) -> int:
    """How many events Rasa reads for the last message: those of the latest session
    (the deterministic part of the cost; timings on a shared machine are noisy)."""
    with sqlite3.connect(database) as connection:
        start = connection.execute(
            "SELECT MAX(timestamp) FROM events WHERE sender_id = ? AND type_name = ?",
            (sender, "session_started")).fetchone()[0] or 0
        return connection.execute(
            "SELECT COUNT(*) FROM events WHERE sender_id = ? AND timestamp >= ?",
            (sender, start)).fetchone()[0]


def one_session(model: Path, turns: int, cap: int) -> Tuple[List[float], int]:
    with tempfile.TemporaryDirectory(prefix="sessie-") as folder:
        action_port, rasa_port = free_port(), free_port()
        actions = action_server(action_port, env={"DATABASE_URL": f"sqlite:///{folder}/s.db"})
        rasa = rasa_server(model, rasa_port, action_port, work_dir=Path(folder),
                           env={"CONVERSATION_MAX_MESSAGES": str(cap),
                                "DATABASE_URL": f"sqlite:///{folder}/s.db"})
        sender, times = f"sessie-{uuid.uuid4()}", []
        with running([actions, rasa], Path(folder) / "logs"):
            for turn in range(turns):
                start = time.perf_counter()
                response = requests.post(rasa.public_url, timeout=120, json={
                    "sender": sender, "message": MESSAGES[turn % len(MESSAGES)]})
                times.append((time.perf_counter() - start) * 1000)
                response.raise_for_status()
        return times, events_read(Path(folder) / f"tracker-{action_port}.db", sender)


def around(times: List[float], turn: int) -> float:
    lo, hi = max(0, turn - 1 - WINDOW), min(len(times), turn - 1 + WINDOW + 1)
    return statistics.median(times[lo:hi])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "veiligheid.tar.gz")
    parser.add_argument("--turns", type=int, default=400)
    parser.add_argument("--cap", type=int, default=100)
    args = parser.parse_args()
    results: Dict[str, List[float]] = {}
    events: Dict[str, int] = {}
    for label, cap in (("zonder limiet", 1_000_000), (f"limiet {args.cap}", args.cap)):
        results[label], events[label] = one_session(args.model, args.turns, cap)
    checkpoints = [1, 50, 90] + list(range(200, args.turns + 1, 100))
    print(f"mediane rondreistijd (ms) rond beurt, {args.turns} berichten in één gesprek:")
    print(f"{'':16}" + "".join(f"{f'beurt {c}':>11}" for c in checkpoints) + f"{'slechtste':>11}")
    for label, times in results.items():
        worst = max(around(times, c) for c in range(1, len(times) + 1))
        print(f"{label:16}" + "".join(f"{around(times, c):11.0f}" for c in checkpoints)
              + f"{worst:11.0f}")
    print("gebeurtenissen die Rasa bij het laatste bericht inleest (de vaste kostenpost):")
    for label, count in events.items():
        print(f"{label:16}{count:11}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

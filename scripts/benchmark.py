"""Latency of one message round trip through the REST channel, and the server's memory.

Starts the real action server and Rasa server on free localhost ports, sends
200 messages (realistic questions, one conversation per message) one after the other
and prints the median and p95 round-trip time, plus the resident memory (RSS) of the
Rasa server process and its children. Localhost only; bounded in count and time.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from servers.runner import action_server, free_port, rasa_server, running  # noqa: E402

MESSAGES = [
    "mogen wij als wijkraad meebeslissen over camera's?",
    "er wordt elke avond gedeald bij het speeltuintje",
    "wat doet een stadsmarinier",
    "mijn bovenburen maken elke nacht herrie",
    "er is bij de buren ingebroken",
    "hoe vraag ik een parkeervergunning aan",
    "hebben wij inspraak bij demonstraties",
    "ik wil doorgeven dat er een kapper is waar nooit klanten komen",
    "hallo",
    "waar heeft de wijkraad invloed op?",
]


def rss_mib(pid: int) -> float:
    """Resident memory of a process and its children, from /proc (Linux)."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(next(line for line in status.splitlines() if line.startswith("VmRSS")).split()[1])
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
            todo.extend(int(c) for c in children)
        except (OSError, StopIteration):
            continue
    return total / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "veiligheid.tar.gz")
    parser.add_argument("--messages", type=int, default=200)
    args = parser.parse_args()

    action_port, rasa_port = free_port(), free_port()
    actions, rasa = action_server(action_port), rasa_server(args.model, rasa_port, action_port)
    logs = ROOT / "results" / "benchmark-logs"
    with running([actions, rasa], logs):
        for text in MESSAGES:  # warm-up, not measured
            requests.post(rasa.public_url, json={"sender": "warmup", "message": text}, timeout=60)
        timings, empty = [], 0
        for i in range(args.messages):
            body = {"sender": f"bench-{uuid.uuid4()}", "message": MESSAGES[i % len(MESSAGES)]}
            start = time.perf_counter()
            reply = requests.post(rasa.public_url, json=body, timeout=60)
            timings.append((time.perf_counter() - start) * 1000)
            empty += not reply.json()
        timings.sort()
        p95 = timings[int(0.95 * (len(timings) - 1))]
        print(f"round trips: {len(timings)}, empty replies: {empty}")
        print(f"latency median: {statistics.median(timings):.1f} ms, p95: {p95:.1f} ms, "
              f"max: {timings[-1]:.1f} ms")
        print(f"Rasa server resident memory: {rss_mib(rasa.process.pid):.0f} MiB; "
              f"action server: {rss_mib(actions.process.pid):.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

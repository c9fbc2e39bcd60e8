"""Does the assistant answer the question that was asked? Measured through the real servers.

Runs the held-out sets of ``tests/heldout/antwoorden/`` (written by blind writers, never
trained or tuned on) against a Rasa server and action server started here, over HTTP as
the widget talks to them, and prints totals:

- fact in the answer: every fact of a question (each a list of alternatives) is in the reply;
- the same for introduction questions (the brochure's introduction, intent wijkakkoord);
- topic and kind of question right (slots `onderwerp` and `vraagsoort`; an introduction
  question is right when the reply was built from the introduction or an overview of it);
- emergencies: 112 first where it must come; needless 112 where it must not (single
  messages and turns in conversations apart);
- whole conversations right: every turn's topic, kind, 112, signal form and facts (on a
  turn that starts the signal form or is an emergency, topic and kind are not judged);
- words per reply (median, p90), not counting buttons.

    .venv/bin/python scripts/evaluate_antwoorden.py [--model models/veiligheid.tar.gz]
        [--show-misses]      # print the missed questions and turns (not for a blind set's
                             # one measurement: that is totals only)
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import requests  # noqa: E402
import yaml  # noqa: E402

from bot.antwoorden import words  # noqa: E402
from servers.runner import Server, action_server, free_port, rasa_server, running  # noqa: E402
from wijkveiligheid.knowledge import INTRODUCTION_INTENT  # noqa: E402

SETS = ROOT / "tests" / "heldout" / "antwoorden"
INTRODUCTION = "inleiding"
NONE = "geen"


def has_fact(reply: str, alternatives: List[str]) -> bool:
    flat = " ".join(reply.lower().split())
    return any(" ".join(str(a).lower().split()) in flat for a in alternatives)


@dataclass
class Conversation:
    rasa: Server
    sender: str = field(default_factory=lambda: f"eval-{uuid.uuid4()}")

    @property
    def base(self) -> str:
        return self.rasa.health_url.split("/webhooks")[0]

    def say(self, text: str) -> Dict:
        before = len(self.events())
        replies = requests.post(self.rasa.public_url, json={"sender": self.sender, "message": text},
                                timeout=120).json()
        tracker = requests.get(f"{self.base}/conversations/{self.sender}/tracker",
                               params={"token": self.rasa.api_token}, timeout=60).json()
        new = tracker["events"][before:]
        actions = [e["name"] for e in new if e["event"] == "action"]
        answered = [(e.get("metadata") or {}).get("beantwoord") or {} for e in new
                    if e["event"] == "bot"]
        return {
            "text": "\n".join(r.get("text", "") for r in replies),
            "emergency": "utter_noodgeval" in actions,
            "form": any(e["event"] == "active_loop" and e.get("name") == "signaal_form"
                        for e in new),
            "topic": tracker["slots"].get("onderwerp"),
            "kind": tracker["slots"].get("vraagsoort"),
            "intent": (tracker.get("latest_message") or {}).get("intent", {}).get("name"),
            # What the reply was built from: the introduction, or an overview answering it.
            "introduction": any(a.get("onderwerp") == INTRODUCTION_INTENT for a in answered)
            or any(action in INTRODUCTION_RESPONSES for action in actions),
        }

    def events(self) -> List[Dict]:
        return requests.get(f"{self.base}/conversations/{self.sender}/tracker",
                            params={"token": self.rasa.api_token}, timeout=60).json()["events"]


# Introduction questions are about no single topic: the wijkakkoord's own answer, or the
# general overviews of influence and of what can be asked, are the right kind of answer.
INTRODUCTION_INTENTS = (INTRODUCTION_INTENT, "overzicht_invloed", "wat_kan_ik_vragen")
INTRODUCTION_RESPONSES = ("utter_overzicht_invloed", "utter_wat_kan_ik_vragen")


def topic_right(expected: str, got: Dict) -> bool:
    if expected == INTRODUCTION:
        return got["intent"] in INTRODUCTION_INTENTS or got["introduction"]
    return got["topic"] == expected and got["intent"] not in INTRODUCTION_INTENTS \
        and not got["introduction"]


def ratio(part: int, whole: int) -> str:
    return f"{part / whole:6.1%} ({part}/{whole})" if whole else "     -"


def questions(rasa: Server, sets: Path, show: bool) -> List[int]:
    items = yaml.safe_load((sets / "vragen_v1.yml").read_text(encoding="utf-8"))["vragen"]
    if not items:
        return []
    fact = intro_fact = intro = topic = kind = needless = 0
    lengths = []
    for item in items:
        got = Conversation(rasa).say(item["vraag"])
        facts = all(has_fact(got["text"], f) for f in item.get("feiten") or [])
        is_intro = item["onderwerp"] == INTRODUCTION
        fact += facts
        intro += is_intro
        intro_fact += facts and is_intro
        topic += topic_right(item["onderwerp"], got)
        kind += got["kind"] == item["vraagsoort"] or (is_intro and topic_right(INTRODUCTION, got))
        needless += got["emergency"]
        lengths.append(words(got["text"]))
        if show and not (facts and topic_right(item["onderwerp"], got)):
            print(f"  MIS {item['onderwerp']}/{item['vraagsoort']}: {item['vraag']}\n"
                  f"      feiten {item.get('feiten')} -> {got['intent']} {got['topic']} "
                  f"{got['kind']}\n      {got['text'][:300]!r}")
    n = len(items)
    print(f"specific questions: {n}")
    print(f"  fact in the answer       {ratio(fact, n)}")
    print(f"  introduction questions   {ratio(intro_fact, intro)}")
    print(f"  topic right              {ratio(topic, n)}")
    print(f"  kind right               {ratio(kind, n)}")
    print(f"  needless 112             {ratio(needless, n)}")
    print(f"  words per reply          median {statistics.median(lengths):.0f}, "
          f"p90 {statistics.quantiles(lengths, n=10)[-1]:.0f}")
    return lengths


def conversations(rasa: Server, path: Path, show: bool) -> List[int]:
    talks = yaml.safe_load(path.read_text(encoding="utf-8"))["gesprekken"]
    whole = turns = turns_right = emergencies = caught = calm = needless = 0
    lengths = []
    for talk in talks:
        chat = Conversation(rasa)
        all_right = True
        for turn in talk["beurten"]:
            got = chat.say(turn["bericht"])
            lengths.append(words(got["text"]))
            checks = {
                "noodgeval": got["emergency"] == bool(turn.get("noodgeval")),
                "formulier": got["form"] == bool(turn.get("formulier")),
                "feiten": all(has_fact(got["text"], f) for f in turn.get("feiten") or []),
            }
            # On an emergency turn what counts is 112 first; the topic is not judged there.
            judged = not turn.get("formulier") and not turn.get("noodgeval")
            if turn.get("onderwerp", NONE) != NONE and judged:
                checks["onderwerp"] = topic_right(turn["onderwerp"], got)
            if turn.get("vraagsoort", NONE) != NONE and judged \
                    and turn.get("onderwerp") != INTRODUCTION:
                checks["vraagsoort"] = got["kind"] == turn["vraagsoort"]
            ok = all(checks.values())
            turns += 1
            turns_right += ok
            if turn.get("noodgeval"):
                emergencies += 1
                caught += got["emergency"]
            else:
                calm += 1
                needless += got["emergency"]
            if show and not ok:
                failed = [name for name, good in checks.items() if not good]
                print(f"  MIS [{talk['naam']}] {turn['bericht']!r}: {failed}\n"
                      f"      -> {got['intent']} {got['topic']} {got['kind']} "
                      f"112={got['emergency']} form={got['form']}\n      {got['text'][:300]!r}")
            all_right &= ok
        whole += all_right
    print(f"conversations: {len(talks)} ({turns} turns)")
    print(f"  whole conversations right {ratio(whole, len(talks))}")
    print(f"  turns right              {ratio(turns_right, turns)}")
    print(f"  emergencies 112 first    {ratio(caught, emergencies)}")
    print(f"  needless 112 (turns)     {ratio(needless, calm)}")
    return lengths


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "veiligheid.tar.gz")
    parser.add_argument("--show-misses", action="store_true")
    parser.add_argument("--conversations", type=Path,
                        help="another conversation file (default: gesprekken_v1.yml in --sets)")
    parser.add_argument("--sets", type=Path, default=SETS,
                        help="a folder with vragen_v1.yml and gesprekken_v1.yml (default: the "
                             "held-out sets)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="evaluate-antwoorden-"))
    database = f"sqlite:///{work / 'signalen.db'}"
    token = uuid.uuid4().hex
    actions = action_server(free_port(), env={"DATABASE_URL": database,
                                              "SIGNAL_OUTBOX": str(work / "outbox"),
                                              "ACTION_SERVER_TOKEN": token})
    port = int(actions.health_url.rsplit(":", 1)[1].split("/")[0])
    rasa = rasa_server(args.model, port=free_port(), action_port=port, work_dir=work,
                       action_token=token)
    os.environ["DATABASE_URL"] = database
    from alembic import command
    from alembic.config import Config
    command.upgrade(Config(str(ROOT / "alembic.ini")), "head")
    with running([actions, rasa], work / "logs"):
        single = [] if args.conversations else questions(rasa, args.sets, args.show_misses)
        talked = conversations(rasa, args.conversations or args.sets / "gesprekken_v1.yml",
                               args.show_misses)
    every = single + talked
    print(f"all replies: words median {statistics.median(every):.0f}, "
          f"p90 {statistics.quantiles(every, n=10)[-1]:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

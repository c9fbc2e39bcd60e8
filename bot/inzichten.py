"""Counts a chat question for the wijkakkoord insights, on the Rasa server, once per turn.

The channel (bot/channel.py) calls `count_question` after Rasa processed a message. It
reads the conversation's latest NLU result from the tracker store, decides with
wijkveiligheid.inzichten what to count, and adds one to that count in the signals
database (DATABASE_URL) in a worker thread. The reply waits for that at most
`COUNT_WAIT` seconds (a slow database must not hold up the chat; the count then still
lands later). Any failure is logged without text and swallowed: counting must never
break the chat.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any, List, Optional, Tuple

from rasa.shared.core.events import ActiveLoop, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from wijkveiligheid import inzichten
from wijkveiligheid.settings import settings
from wijkveiligheid.storage import engine_for

logger = logging.getLogger(__name__)

COUNT_WAIT = 2.0  # seconds


def user_turns(tracker: DialogueStateTracker) -> Tuple[List[str], bool]:
    """The user messages so far, and whether a form was active when the last one came."""
    texts: List[str] = []
    loop: Optional[str] = None
    in_form = False
    for event in tracker.events:
        if isinstance(event, ActiveLoop):
            loop = event.name
        elif isinstance(event, UserUttered):
            texts.append(event.text or "")
            in_form = loop is not None
    return texts, in_form


def question_of(tracker: DialogueStateTracker) -> Optional[inzichten.Question]:
    parsed = tracker.latest_message.parse_data if tracker.latest_message else {}
    texts, in_form = user_turns(tracker)
    return inzichten.question_in_turn(
        (parsed.get("intent") or {}).get("name"), parsed.get("entities") or [], texts,
        topic_slot=tracker.get_slot("onderwerp"), in_form=in_form)


def store(question: inzichten.Question) -> None:
    try:
        inzichten.add(engine_for(settings().database_url), question)
    except Exception as error:  # the chat goes on; only the kind of error is logged
        logger.warning("Een vraag kon niet worden geteld (%s)", type(error).__name__)


async def count_question(app: Any, sender: str) -> None:
    """Counts the turn Rasa just processed for `sender`; never raises."""
    try:
        tracker = await app.ctx.agent.tracker_store.retrieve(sender)
        question = question_of(tracker) if tracker is not None else None
        if question is not None:
            await asyncio.wait_for(asyncio.get_running_loop().run_in_executor(
                None, store, question), timeout=COUNT_WAIT)
    except Exception as error:
        logger.warning("Een vraag kon niet worden geteld (%s)", type(error).__name__)

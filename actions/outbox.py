"""The outbox is emptied when the action server starts and every few minutes after, not
only when the next signal arrives (a queued signal must not wait for a quiet evening)."""
from __future__ import annotations

import asyncio
import logging

from sanic import Sanic

from wijkveiligheid.settings import settings
from wijkveiligheid.storage import SignalStore

logger = logging.getLogger(__name__)


def flush_once() -> int:
    """Stores what waits in the outbox; never raises (the next round tries again)."""
    try:
        stored = SignalStore().flush_outbox()
    except Exception as error:  # a database error: no values in the log
        logger.warning("Emptying the outbox failed: %s", type(error).__name__)
        return 0
    if stored:
        logger.info("Stored %d signal(s) from the outbox", stored)
    return stored


async def flush_forever(interval: float) -> None:
    while True:
        await asyncio.to_thread(flush_once)
        await asyncio.sleep(interval)


def start_outbox_flusher(app: Sanic) -> None:
    """Runs flush_forever beside the action server (first round at start)."""
    interval = settings().outbox_flush_seconds

    @app.listener("after_server_start")
    async def start_flushing(app: Sanic, _loop: object) -> None:
        app.add_task(flush_forever(interval))

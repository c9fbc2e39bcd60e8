"""What the action server does at start, before it takes calls (rasa_sdk_plugins calls
``prepare``): check the settings (production without its secrets stops here), keep the
logs at LOG_LEVEL, answer errors without echoing the request, check Rasa's token, and
keep the outbox moving."""
from __future__ import annotations

import logging

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from actions.auth import require_token
from actions.outbox import start_outbox_flusher
from wijkveiligheid.logs import quiet_loggers
from wijkveiligheid.settings import settings_or_exit

logger = logging.getLogger("actions.errors")


def action_name(request: Request) -> str:
    """The called action's name (ours, never personal); nothing else of the request."""
    try:
        name = (request.json or {}).get("next_action")
    except Exception:
        return "?"
    return name if isinstance(name, str) and name.isidentifier() else "?"


async def private_error(request: Request, exception: Exception) -> HTTPResponse:
    """Replaces rasa-sdk's handler, which logs the exception with its values and sends the
    whole request (tracker, slots, messages) back, which Rasa then writes in its log."""
    logger.error("Action %s failed: %s", action_name(request), type(exception).__name__)
    return response.json({"error": "action failed"}, status=500)  # for Rasa, not a person


def prepare(app: Sanic) -> None:
    current = settings_or_exit()
    quiet_loggers(current)
    app.error_handler.add(Exception, private_error)
    require_token(app)
    start_outbox_flusher(app)

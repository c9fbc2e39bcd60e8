"""The public chat channel: Rasa's REST channel with limits and without silence.

Registered in ``credentials.yml`` under its module path; its name stays ``rest`` so the
website widget keeps posting to ``/webhooks/rest/webhook``. On top of Rasa's RestInput:

- a request is checked before Rasa sees it: a JSON object with a ``sender`` (printable
  text, at most 128 characters) and a ``message`` (text); anything else gets a 400 with a
  Dutch explanation instead of a server error;
- a message longer than ``MAX_MESSAGE_CHARS`` (the one limit, from the core settings) is
  answered in Dutch and not processed, and request bodies larger than ``MAX_BODY_BYTES`` are refused by Sanic (413);
- when Rasa produces no reply at all (action server down or failing, tracker store
  unreachable), the person gets a Dutch "something went wrong" with the emergency
  number from ``wijkveiligheid/kennis/contactpunten.yml`` instead of an empty list;
- ``GET /webhooks/rest/instellingen`` tells a widget on any page that limit
  (``{"max_lengte": N}``), so the widget never needs its own copy;
- client-supplied ``metadata``, ``input_channel`` and ``stream`` are ignored: they would
  be stored in the conversation or bypass the checks above;
- a message that starts with "/" (Rasa reads it as an intent with entities, skipping the
  NLU) is passed on only when it is a button payload the assistant offered in this
  session or on ``ALLOWED_COMMANDS``; any other is read as plain text without the slash;
- after ``conversation_max_messages`` messages in one session a fresh session starts,
  with a Dutch notice, so the cost of a message stays flat (docs/performance.md);
- after a message is processed, the question is counted for the wijkakkoord insights
  (``bot/inzichten.py``): counts only, and a failing count never touches the reply.
"""
from __future__ import annotations

import json
import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.inzichten import count_question
from wijkveiligheid.knowledge import knowledge
from wijkveiligheid.logs import quiet_loggers
from wijkveiligheid.settings import MAX_MESSAGE_CHARS, settings, settings_or_exit

logger = logging.getLogger(__name__)

MAX_SENDER_CHARS = 128
# Room for a message of MAX_MESSAGE_CHARS even when every character is JSON-escaped,
# and for a 100,000-character message to still get the Dutch "too long" reply.
MAX_BODY_BYTES = 1024 * 1024


# What the channel says itself (wijkveiligheid/kennis/teksten.yml, section `kanaal`).
def too_long_text() -> str:
    kb = knowledge()
    return kb.say(kb.teksten.kanaal.te_lang, max_lengte=MAX_MESSAGE_CHARS)


def unreadable_text() -> str:
    kb = knowledge()
    return kb.say(kb.teksten.kanaal.onleesbaar)


def failure_text() -> str:
    """Said when the assistant itself fails; the contact facts come from the knowledge."""
    kb = knowledge()
    return kb.say(kb.teksten.kanaal.storing)


def session_restarted_text() -> str:
    kb = knowledge()
    return kb.say(kb.teksten.kanaal.opnieuw_begonnen)


# Intent messages that are fine without a button: starting over, and the signal form's
# own button (its payload is offered in answers, this also covers an old page).
ALLOWED_COMMANDS = frozenset({"/restart", "/session_start", "/signaal_doorgeven"})
SESSION_START = "/session_start"


def conversation_store(agent: Any) -> Any:
    """The tracker store itself, also when Rasa wrapped it (FailSafeTrackerStore)."""
    store = getattr(agent, "tracker_store", None)
    return getattr(store, "_tracker_store", store)


async def checked_command(text: str, store: Any, sender: str) -> str:
    """`text` when it may be read as an intent, else the same text without the slash."""
    stripped = text.strip()
    if not stripped.startswith("/") or stripped in ALLOWED_COMMANDS:
        return text
    offered = getattr(store, "offered_payloads", None)
    if offered is not None:
        try:
            if stripped in await offered(sender):
                return text
        except Exception:
            logger.warning("Could not read the offered buttons; the message is read as text")
    return stripped.lstrip("/")


async def session_is_full(store: Any, sender: str) -> bool:
    count = getattr(store, "user_messages_in_session", None)
    if count is None:
        return False
    try:
        return await count(sender) >= settings().conversation_max_messages
    except Exception:
        logger.warning("Could not count the messages of a session")
        return False


def bot_reply(recipient: Optional[str], text: str) -> List[Dict[str, Any]]:
    return [{"recipient_id": recipient, "text": text}]


# Control characters have no meaning in a chat message, and PostgreSQL refuses NUL in text.
CONTROL_CHARACTERS = dict.fromkeys(c for c in range(32) if chr(c) not in "\t\n\r")


def is_utf8(text: str) -> bool:
    try:  # JSON can carry lone surrogates (\ud800), which no database can store
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def parse_request(request: Request) -> Optional[Dict[str, Any]]:
    """The request's JSON object if it has a valid sender and message, else None."""
    try:
        body = json.loads(request.body or b"")
    except (ValueError, RecursionError):  # also bad UTF-8 and absurdly deep nesting
        return None
    if not isinstance(body, dict):
        return None
    sender, message = body.get("sender"), body.get("message")
    if not (isinstance(sender, str) and 0 < len(sender) <= MAX_SENDER_CHARS
            and sender.isprintable()):
        return None
    if not (isinstance(message, str) and is_utf8(sender) and is_utf8(message)):
        return None
    return {"sender": sender, "message": message.translate(CONTROL_CHARACTERS)}


class SafeRestInput(RestInput):
    """Rasa's REST channel, checked and limited (see the module docstring)."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        current = settings_or_exit()  # Rasa builds its channels at start: stop there
        if current.is_production:  # Rasa logs message texts at DEBUG (`--debug`)
            quiet_loggers(current)
        webhook = Blueprint("safe_rest_webhook", __name__)

        @webhook.listener("before_server_start")
        async def limit_body_size(app: Sanic, _loop: Any) -> None:
            # Sanic reads the limit per connection; a smaller one set by the operator stays.
            app.config.REQUEST_MAX_SIZE = min(app.config.REQUEST_MAX_SIZE, MAX_BODY_BYTES)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/instellingen", methods=["GET"])
        async def widget_settings(_: Request) -> HTTPResponse:
            return response.json({"max_lengte": MAX_MESSAGE_CHARS})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            body = parse_request(request)
            if body is None:
                return response.json(bot_reply(None, unreadable_text()), status=400)
            sender, text = body["sender"], body["message"]
            if len(text) > MAX_MESSAGE_CHARS:
                return response.json(bot_reply(sender, too_long_text()))

            store = conversation_store(getattr(request.app.ctx, "agent", None))
            collector = CollectingOutputChannel()
            notice: List[Dict[str, Any]] = []
            try:
                text = await checked_command(text, store, sender)
                if await session_is_full(store, sender):
                    await on_new_message(UserMessage(SESSION_START, CollectingOutputChannel(),
                                                     sender, input_channel=self.name()))
                    notice = bot_reply(sender, session_restarted_text())
                await on_new_message(
                    UserMessage(text, collector, sender, input_channel=self.name()))
            except Exception as error:
                # No message text and no traceback in the log: both may hold personal data.
                logger.error("Handling a message failed: %s", type(error).__name__)
            else:
                await count_question(request.app, sender)
            if not collector.messages:
                return response.json(notice + bot_reply(sender, failure_text()))
            return response.json(notice + collector.messages)

        return webhook

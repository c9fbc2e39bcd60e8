"""The action server accepts only calls from our Rasa server: a shared token.

Rasa sends ``Authorization: Bearer <token>`` with every action call (the ``headers`` of
``action_endpoint`` in the endpoints file); a Sanic request middleware, attached through
rasa-sdk's plugin hook (``rasa_sdk_plugins``), refuses any other call with 401. The health
check stays open so process managers and load balancers can use it.

Production sets ``ACTION_SERVER_TOKEN`` (the same value in Rasa's endpoints file).
Without it, the token written in the development ``endpoints.yml`` is used, and then only
from this machine (loopback), so that well-known value never opens the server to others.
"""
from __future__ import annotations

import hmac
import ipaddress
import logging
from typing import Optional

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from wijkveiligheid.settings import settings
from wijkveiligheid.tokens import bearer, development_header

logger = logging.getLogger(__name__)

TOKEN_ENV = "ACTION_SERVER_TOKEN"
OPEN_PATHS = {"/health"}


def is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def refusal(request: Request, expected: str, loopback_only: bool) -> Optional[HTTPResponse]:
    """A 401 response unless the request carries the token (and, in development, is local)."""
    if request.path in OPEN_PATHS:
        return None
    given = request.headers.get("Authorization", "")
    allowed = hmac.compare_digest(given.encode(), expected.encode())
    if loopback_only and not is_loopback(request.ip):
        allowed = False
    if allowed:
        return None
    logger.warning("Refused an action call without a valid token from %s", request.ip)
    return response.json({"error": "unauthorized"}, status=401)


def require_token(app: Sanic) -> None:
    """Attaches the token check to rasa-sdk's Sanic app."""
    token = settings().action_server_token
    expected = bearer(token) if token else development_header()
    loopback_only = not token
    if loopback_only:
        logger.warning("%s is not set: using the development token, local calls only",
                       TOKEN_ENV)

    @app.middleware("request")
    async def check_token(request: Request) -> Optional[HTTPResponse]:
        return refusal(request, expected, loopback_only)

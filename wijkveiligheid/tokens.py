"""The shared token between Rasa and the action server, as both sides write it.

Rasa sends ``Authorization: Bearer <token>`` with every action call (the ``headers`` of
``action_endpoint``); the action server (``actions.auth``) checks it. Production sets
``ACTION_SERVER_TOKEN``; development falls back to the header in ``endpoints.yml``.
"""
from __future__ import annotations

import yaml

from wijkveiligheid.settings import ROOT

DEV_ENDPOINTS = ROOT / "endpoints.yml"


def bearer(token: str) -> str:
    return f"Bearer {token}"


def development_header() -> str:
    """The Authorization header the development endpoints.yml makes Rasa send."""
    endpoints = yaml.safe_load(DEV_ENDPOINTS.read_text(encoding="utf-8"))
    return endpoints["action_endpoint"]["headers"]["Authorization"]

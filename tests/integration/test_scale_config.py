"""endpoints.production.yml takes every setting from the environment, as Rasa reads it."""
from __future__ import annotations

import pytest
from rasa.core.utils import AvailableEndpoints
from rasa.shared.exceptions import RasaException

from servers.production_stack import PRODUCTION_ENDPOINTS

SETTINGS = {
    "ACTION_SERVER_URL": "http://10.0.1.20:5055/webhook",
    "ACTION_SERVER_TOKEN": "t0k3n",
    "TRACKER_DB_HOST": "10.0.1.30", "TRACKER_DB_PORT": "5432", "TRACKER_DB_NAME": "tracker",
    "TRACKER_DB_USER": "rasa", "TRACKER_DB_PASSWORD": "p#ss: w0rd",
    "TRACKER_DB_SSLMODE": "verify-full",
    "REDIS_HOST": "10.0.1.20", "REDIS_PORT": "6379", "REDIS_DB": "1",
    "REDIS_PASSWORD": "r3dis",
}


def test_every_setting_comes_from_the_environment(monkeypatch):
    for name, value in SETTINGS.items():
        monkeypatch.setenv(name, value)
    endpoints = AvailableEndpoints.read_endpoints(str(PRODUCTION_ENDPOINTS))
    assert endpoints.action.url == SETTINGS["ACTION_SERVER_URL"]
    assert endpoints.action.headers == {"Authorization": "Bearer t0k3n"}
    store = endpoints.tracker_store
    assert (store.type, store.url, store.kwargs["dialect"]) == (
        "bot.tracker_store.PrivateSQLTrackerStore", "10.0.1.30", "postgresql")
    assert store.kwargs["password"] == "p#ss: w0rd"  # taken as it is, never parsed as YAML
    assert store.kwargs["query"]["sslmode"] == "verify-full"
    assert "login_db" not in store.kwargs  # it would drop Rasa's pool settings
    lock = endpoints.lock_store
    assert (lock.type, lock.url, lock.kwargs["port"], lock.kwargs["password"]) == (
        "redis", "10.0.1.20", "6379", "r3dis")


def test_a_missing_setting_stops_rasa_instead_of_a_silent_default(monkeypatch):
    for name, value in SETTINGS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("TRACKER_DB_PASSWORD")
    with pytest.raises(RasaException, match="TRACKER_DB_PASSWORD"):
        AvailableEndpoints.read_endpoints(str(PRODUCTION_ENDPOINTS))

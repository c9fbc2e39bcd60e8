"""Every process checks the settings at start; production stops with the reason."""
from __future__ import annotations

import logging

import pytest

from wijkveiligheid.logs import TALKATIVE, quiet_loggers, rotating_copy
from wijkveiligheid.settings import SettingsError, settings, settings_or_exit

SECRETS = {"CONVERSATION_HASH_SALT": "zout", "STAFF_SECRET_KEY": "sleutel",
           "ACTION_SERVER_TOKEN": "actie", "RASA_API_TOKEN": "api"}


@pytest.fixture
def production(monkeypatch):
    monkeypatch.setenv("APP_ENV", "productie")
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    return monkeypatch


def test_production_without_a_secret_stops_with_a_dutch_message(production, capsys):
    production.delenv("ACTION_SERVER_TOKEN")
    with pytest.raises(SystemExit) as stopped:
        settings_or_exit()
    assert stopped.value.code == 2
    assert "ACTION_SERVER_TOKEN" in capsys.readouterr().err


def test_debug_logging_is_refused_in_production(production):
    production.setenv("LOG_LEVEL", "debug")
    with pytest.raises(SettingsError, match="LOG_LEVEL"):
        settings()
    production.setenv("LOG_LEVEL", "warning")
    assert settings().log_level == "WARNING"


def test_conversation_settings_have_safe_defaults(monkeypatch):
    for name in ("CONVERSATION_RETENTION_DAYS", "CONVERSATION_MAX_MESSAGES", "LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)
    current = settings()
    assert current.conversation_retention_days == 30
    assert current.conversation_max_messages == 100
    assert current.log_level == "INFO"
    monkeypatch.setenv("CONVERSATION_MAX_MESSAGES", "3")
    with pytest.raises(SettingsError, match="CONVERSATION_MAX_MESSAGES"):
        settings()


def test_talkative_loggers_are_kept_at_the_level(monkeypatch):
    monkeypatch.setenv("LOG_LEVEL", "WARNING")
    logging.getLogger("rasa_sdk").setLevel(logging.DEBUG)
    quiet_loggers()
    for name in TALKATIVE:
        assert logging.getLogger(name).getEffectiveLevel() == logging.WARNING


def test_a_child_process_log_rotates_by_size(monkeypatch, tmp_path):
    import subprocess
    import sys

    monkeypatch.setenv("LOG_MAX_BYTES", "2048")
    monkeypatch.setenv("LOG_BACKUPS", "2")
    child = subprocess.Popen([sys.executable, "-c", "for i in range(500): print('regel', i)"],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    rotating_copy(child.stdout, tmp_path / "actions.log").join(timeout=30)
    child.wait()
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["actions.log", "actions.log.1", "actions.log.2"]
    assert all(p.stat().st_size <= 2048 for p in tmp_path.iterdir())
    assert "regel 499" in (tmp_path / "actions.log").read_text()

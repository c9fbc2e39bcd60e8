"""Every setting of the product, read from the environment in this one place.

Each process (Rasa's channel, the action server, the staff page, the runner, the purge
command) asks `settings()` and gets a typed object. Development needs nothing set: the
defaults keep data under ``var/``. With ``APP_ENV=productie`` a missing secret stops the
start with a Dutch message that names it, instead of a silent development default
(an empty salt or a guessable staff key would quietly weaken the AVG controls).

The values are read again at each call, so a test can change the environment; reading
them costs microseconds.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from pydantic import BaseSettings, Field, ValidationError, validator

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"

# The one length limit for a chat message: the channel refuses longer ones, the signal
# form's description can never be longer, and the widget's input gets it from the server.
MAX_MESSAGE_CHARS = 1000

PRODUCTION = "productie"
# Secrets that production must set; development has its own safe stand-ins.
SECRETS = ("conversation_hash_salt", "staff_secret_key", "action_server_token", "rasa_api_token")


class SettingsError(RuntimeError):
    """The environment is not a valid configuration; the message is for the operator."""


class Settings(BaseSettings):
    app_env: str = Field("ontwikkeling", env="APP_ENV")

    # Signals
    database_url: str = Field(f"sqlite:///{VAR / 'signalen.db'}", env="DATABASE_URL")
    database_pool_size: int = Field(3, env="DATABASE_POOL_SIZE", ge=1)
    database_max_overflow: int = Field(2, env="DATABASE_MAX_OVERFLOW", ge=0)
    signal_outbox: Path = Field(VAR / "outbox", env="SIGNAL_OUTBOX")
    # The action server also empties the outbox at start and every this many seconds.
    outbox_flush_seconds: float = Field(180, env="OUTBOX_FLUSH_SECONDS", gt=0)
    conversation_hash_salt: Optional[str] = Field(None, env="CONVERSATION_HASH_SALT")

    # Retention (AVG)
    retention_days: int = Field(365, env="RETENTION_DAYS", ge=1)
    tracker_database_url: str = Field(f"sqlite:///{VAR / 'tracker.db'}",
                                      env="TRACKER_DATABASE_URL")
    # Conversations (redacted, bot/tracker_store.py) are kept shorter than signals: they
    # are only needed to carry a conversation on and to look into a complaint.
    conversation_retention_days: int = Field(30, env="CONVERSATION_RETENTION_DAYS", ge=1)
    # After this many messages in one session a fresh session starts (bot/channel.py), so
    # one client cannot make its own messages ever more expensive.
    conversation_max_messages: int = Field(100, env="CONVERSATION_MAX_MESSAGES", ge=10)

    # Logs: our own log files rotate by size (wijkveiligheid/logs.py); production logs at
    # INFO or higher, never DEBUG, because rasa-sdk and Rasa log message texts at DEBUG.
    log_level: str = Field("INFO", env="LOG_LEVEL")
    log_max_bytes: int = Field(10 * 1024 * 1024, env="LOG_MAX_BYTES", ge=1024)
    log_backups: int = Field(5, env="LOG_BACKUPS", ge=1)

    # Servers and tokens
    action_server_token: Optional[str] = Field(None, env="ACTION_SERVER_TOKEN")
    rasa_api_token: Optional[str] = Field(None, env="RASA_API_TOKEN")
    rasa_url: str = Field("http://localhost:5005", env="RASA_URL")
    # Web pages that may embed the chat widget (Rasa's CORS list), comma-separated.
    # The demo website answers at both names of this machine.
    widget_origins: str = Field("http://localhost:8000,http://127.0.0.1:8000",
                                env="WIDGET_ORIGINS")

    # Staff page
    staff_secret_key: Optional[str] = Field(None, env="STAFF_SECRET_KEY")
    staff_idle_minutes: int = Field(30, env="STAFF_IDLE_MINUTES", ge=1)
    staff_https: bool = Field(False, env="STAFF_HTTPS")
    staff_behind_proxy: bool = Field(False, env="STAFF_BEHIND_PROXY")
    # Where e-mails link to (the staff page as staff reach it).
    staff_base_url: str = Field("http://localhost:8001", env="STAFF_BASE_URL")

    # Triage: a new signal's deadline, in working days (Monday to Friday) after arrival.
    deadline_working_days: int = Field(5, env="DEADLINE_WORKING_DAYS", ge=1, le=60)

    # Notifications of new signals by e-mail. No SMTP_HOST: nothing is sent (and nothing
    # is lost: the signals wait, marked unsent, until a host is set).
    smtp_host: Optional[str] = Field(None, env="SMTP_HOST")
    smtp_port: int = Field(25, env="SMTP_PORT", ge=1, le=65535)
    smtp_from: str = Field("signalen@localhost", env="SMTP_FROM")
    smtp_user: Optional[str] = Field(None, env="SMTP_USER")
    smtp_password: Optional[str] = Field(None, env="SMTP_PASSWORD")
    smtp_starttls: bool = Field(False, env="SMTP_STARTTLS")
    smtp_timeout_seconds: float = Field(10, env="SMTP_TIMEOUT_SECONDS", gt=0)
    # One central address, and/or per gebied as JSON: {"Charlois": "charlois@example.nl"}.
    # A gebied without its own address goes to the central one.
    notify_address: Optional[str] = Field(None, env="NOTIFY_ADDRESS")
    notify_gebied_addresses: Dict[str, str] = Field(default_factory=dict,
                                                    env="NOTIFY_GEBIED_ADDRESSES")
    notify_interval_seconds: int = Field(60, env="NOTIFY_INTERVAL_SECONDS", ge=5)

    class Config:
        case_sensitive = False

    @validator("app_env")
    def known_environment(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in ("ontwikkeling", "test", PRODUCTION):
            raise ValueError("kies ontwikkeling, test of productie")
        return value

    @validator("log_level")
    def known_log_level(cls, value: str, values: dict) -> str:
        value = value.strip().upper()
        if value not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise ValueError("kies DEBUG, INFO, WARNING of ERROR")
        if value == "DEBUG" and values.get("app_env") == PRODUCTION:
            raise ValueError("DEBUG schrijft berichten van inwoners in het log; "
                             "niet toegestaan in productie")
        return value

    @validator("widget_origins")
    def origins_are_web_origins(cls, value: str) -> str:
        for origin in (part.strip() for part in value.split(",") if part.strip()):
            if not re.fullmatch(r"https?://[A-Za-z0-9.\-\[\]:]+", origin):
                raise ValueError(f"{origin!r} is geen herkomst als https://www.voorbeeld.nl")
        return value

    @property
    def widget_origin_list(self) -> List[str]:
        """The origins of WIDGET_ORIGINS, in order, without empty parts."""
        return [part.strip() for part in self.widget_origins.split(",") if part.strip()]

    @property
    def is_production(self) -> bool:
        return self.app_env == PRODUCTION

    @property
    def hash_salt(self) -> str:
        # The development stand-in only groups test conversations; production sets its own.
        return self.conversation_hash_salt or "rotterdam-veiligheid"

    def missing_secrets(self) -> Tuple[str, ...]:
        return tuple(name.upper() for name in SECRETS if not getattr(self, name))


def settings() -> Settings:
    """The settings as the environment gives them now; raises SettingsError when invalid."""
    try:
        current = Settings()
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])).upper()}: {e['msg']}"
                             for e in error.errors())
        raise SettingsError(f"Ongeldige instelling: {problems}") from None
    if current.is_production and current.missing_secrets():
        raise SettingsError(
            "APP_ENV=productie, maar deze geheimen ontbreken: "
            + ", ".join(current.missing_secrets())
            + ". Zet ze in de omgeving (docs/deploy.md); er is geen standaardwaarde.")
    return current


def settings_or_exit() -> Settings:
    """For a process at start: the settings, or stop with the Dutch message (exit code 2).

    Every process calls this first (the Rasa channel and tracker store, the action server
    through rasa_sdk_plugins, the staff page, the runner, the purge command), so
    production never runs on a development default."""
    try:
        return settings()
    except SettingsError as error:
        print(f"Starten gestopt. {error}", file=sys.stderr, flush=True)
        raise SystemExit(2) from None

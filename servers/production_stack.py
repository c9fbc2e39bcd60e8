"""The production set-up on one machine: PostgreSQL, Redis and the environment that
endpoints.production.yml and the action server read (docs/deploy.md).

Used by the scale test and by scripts/load.py. Everything is throwaway: a temporary
PostgreSQL 15 (servers/postgres.py) and Redis (servers/redis_server.py) on free ports.
"""
from __future__ import annotations

import os
import secrets
import subprocess
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator

from sqlalchemy import create_engine, text

from servers.postgres import PostgresServer, postgres_server
from servers.redis_server import RedisServer, redis_server
from wijkveiligheid.settings import ROOT

PRODUCTION_ENDPOINTS = ROOT / "endpoints.production.yml"


@dataclass
class ProductionStack:
    postgres: PostgresServer
    redis: RedisServer
    action_token: str

    def database_url(self, name: str) -> str:
        return self.postgres.url.rsplit("/", 1)[0] + f"/{name}"

    @property
    def signals_url(self) -> str:
        return self.database_url("signalen")

    def rasa_env(self, action_port: int) -> Dict[str, str]:
        """What a Rasa server with endpoints.production.yml needs."""
        return {
            "ACTION_SERVER_URL": f"http://127.0.0.1:{action_port}/webhook",
            "ACTION_SERVER_TOKEN": self.action_token,
            "TRACKER_DB_HOST": "127.0.0.1",
            "TRACKER_DB_PORT": str(self.postgres.port),
            "TRACKER_DB_NAME": "tracker",
            "TRACKER_DB_USER": "postgres",
            "TRACKER_DB_PASSWORD": "",
            "TRACKER_DB_SSLMODE": "disable",  # localhost; production uses verify-full
            "SQL_POOL_SIZE": "3",
            "SQL_MAX_OVERFLOW": "2",
            "REDIS_HOST": "127.0.0.1",
            "REDIS_PORT": str(self.redis.port),
            "REDIS_DB": "1",
            "REDIS_PASSWORD": self.redis.password,
            # the channel counts questions for the staff page's insights there
            "DATABASE_URL": self.signals_url,
            "DATABASE_POOL_SIZE": "3",
            "DATABASE_MAX_OVERFLOW": "2",
        }

    def action_env(self, outbox: Path) -> Dict[str, str]:
        """What the action server needs: the signals database on PostgreSQL."""
        return {
            "ACTION_SERVER_TOKEN": self.action_token,
            "DATABASE_URL": self.signals_url,
            "DATABASE_POOL_SIZE": "3",
            "DATABASE_MAX_OVERFLOW": "2",
            "SIGNAL_OUTBOX": str(outbox),
        }

    def count(self, sql: str, **params) -> int:
        engine = create_engine(self.signals_url, future=True)
        try:
            with engine.connect() as connection:
                return connection.execute(text(sql), params).scalar_one()
        finally:
            engine.dispose()


@contextmanager
def production_stack() -> Iterator[ProductionStack]:
    """PostgreSQL with the `tracker` and `signalen` databases (signals migrated) and Redis."""
    with postgres_server() as postgres, redis_server() as redis:
        admin = create_engine(postgres.url, isolation_level="AUTOCOMMIT", future=True)
        with admin.connect() as connection:
            for name in ("tracker", "signalen"):
                connection.execute(text(f"CREATE DATABASE {name}"))
        admin.dispose()
        stack = ProductionStack(postgres, redis, secrets.token_hex(16))
        subprocess.run([str(Path(sys.executable).parent / "alembic"), "upgrade", "head"],
                       cwd=ROOT, env={**os.environ, "DATABASE_URL": stack.signals_url},
                       check=True, capture_output=True)
        yield stack

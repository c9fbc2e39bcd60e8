"""Database sessions for the staff side: one per request on the page, one per command.

The page keeps a session in ``g`` for the length of a request and closes it on teardown
(flaskr's pattern); the command line opens its own. Both go through `sessions_for`, so
they share the engine (and its pool) of ``wijkveiligheid.storage``.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator, Optional

from flask import Flask, current_app, g
from sqlalchemy.orm import Session, sessionmaker

from wijkveiligheid.storage import database_url, engine_for


def sessions_for(url: Optional[str] = None) -> sessionmaker:
    return sessionmaker(engine_for(url or database_url()), future=True,
                        expire_on_commit=False)


def init_app(app: Flask) -> None:
    app.extensions["staff_sessions"] = sessions_for(app.config["DATABASE_URL"])
    app.teardown_appcontext(close_db)


def new_session() -> Session:
    """A session outside the request's own (the login manager's short look-ups)."""
    return current_app.extensions["staff_sessions"]()


def get_db() -> Session:
    if "db" not in g:
        g.db = new_session()
    return g.db


def close_db(_error=None) -> None:
    database = g.pop("db", None)
    if database is not None:
        database.close()


@contextmanager
def transaction(database: Session) -> Iterator[Session]:
    """Commits what the block did, or undoes all of it."""
    try:
        yield database
        database.commit()
    except Exception:
        database.rollback()
        raise

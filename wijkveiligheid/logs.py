"""Logs without personal data, rotating by size.

Rasa and rasa-sdk write message texts and whole trackers at DEBUG; ``quiet_loggers``
keeps every logger of a process at ``LOG_LEVEL`` (INFO by default, DEBUG refused in
production by the settings). ``rotating_copy`` is for the process runner, which catches
each server's output: it writes the lines to ``logs/<name>.log`` and starts a new file
after ``LOG_MAX_BYTES``, keeping ``LOG_BACKUPS`` old ones.
"""
from __future__ import annotations

import logging
import logging.handlers
import threading
from pathlib import Path
from typing import IO, Optional

from wijkveiligheid.settings import Settings, settings

# Loggers that log request bodies, trackers or message texts at DEBUG.
TALKATIVE = ("rasa_sdk", "rasa", "sanic", "sanic.access", "urllib3", "aiohttp")


def quiet_loggers(current: Optional[Settings] = None) -> None:
    """Sets the root logger and the talkative ones to LOG_LEVEL (never DEBUG in production)."""
    level = getattr(logging, (current or settings()).log_level)
    logging.getLogger().setLevel(level)
    for name in TALKATIVE:
        logging.getLogger(name).setLevel(level)


def rotating_handler(path: Path, current: Optional[Settings] = None) -> logging.Handler:
    current = current or settings()
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=current.log_max_bytes, backupCount=current.log_backups,
        encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(message)s"))
    return handler


def rotating_copy(stream: IO[bytes], path: Path,
                  current: Optional[Settings] = None) -> threading.Thread:
    """Copies a child process's output to `path`, rotating by size; returns the thread.

    Use it with ``subprocess.Popen(..., stdout=subprocess.PIPE, stderr=subprocess.STDOUT)``
    and pass ``process.stdout``; the thread ends when the process closes its output."""
    handler = rotating_handler(path, current)

    def copy() -> None:
        try:
            for line in iter(stream.readline, b""):
                record = logging.LogRecord(path.stem, logging.INFO, "", 0,
                                           line.decode("utf-8", "replace").rstrip("\n"),
                                           None, None)
                handler.emit(record)
        finally:
            handler.close()

    thread = threading.Thread(target=copy, name=f"log-{path.stem}", daemon=True)
    thread.start()
    return thread

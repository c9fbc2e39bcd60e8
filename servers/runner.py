"""Starts the product's processes and waits until they answer: used by `make run` and tests.

Each server is an ordinary child process; `run_all` stops them all together on Ctrl-C
or when one of them dies, so nothing is left running in the background.
"""
from __future__ import annotations

import argparse
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List, Optional

from wijkveiligheid.settings import ROOT, settings_or_exit
from wijkveiligheid.tokens import bearer, development_header

BIN = Path(sys.executable).parent

# Rasa sends usage events and crash reports to its makers unless told not to; a
# municipal service shares nothing unasked (an operator may still set it to true).
NO_TELEMETRY = {"RASA_TELEMETRY_ENABLED": "false"}


@dataclass
class Server:
    name: str
    command: List[str]
    health_url: str
    public_url: str
    env: Dict[str, str] = field(default_factory=dict)
    api_token: Optional[str] = None  # Rasa's HTTP API wants it as `?token=`
    process: Optional[subprocess.Popen] = None

    def start(self, log_dir: Path) -> None:
        log_dir.mkdir(parents=True, exist_ok=True)
        log = open(log_dir / f"{self.name}.log", "ab")
        self.process = subprocess.Popen(
            self.command,
            cwd=ROOT,
            env={**NO_TELEMETRY, **os.environ, **self.env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C in the terminal reaches us, not them
        )

    def is_up(self) -> bool:
        try:
            with urllib.request.urlopen(self.health_url, timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    def wait_until_up(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process and self.process.poll() is not None:
                raise RuntimeError(f"{self.name} stopped with code {self.process.returncode}")
            if self.is_up():
                return
            time.sleep(0.5)
        raise TimeoutError(f"{self.name} did not answer at {self.health_url} in {timeout:.0f} s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


# Sanic closes an idle keep-alive connection after 5 s; Rasa's HTTP client keeps them
# 15 s. Under load Rasa then reuses a connection the action server is closing, the call
# fails ("Cannot write to closing transport") and the user gets no answer. The server
# must keep connections longer than the client does (docs/performance.md).
ACTION_SERVER_ENV = {"SANIC_KEEP_ALIVE_TIMEOUT": "75"}


def action_server(port: int = 5055, env: Optional[Dict[str, str]] = None) -> Server:
    """The action server; it checks Rasa's token (actions/auth.py): ACTION_SERVER_TOKEN
    in `env`, else the development token of endpoints.yml."""
    return Server(
        name="actions",
        command=[str(BIN / "rasa"), "run", "actions", "--port", str(port),
                 "--actions", "actions"],
        health_url=f"http://127.0.0.1:{port}/health",
        public_url=f"http://127.0.0.1:{port}/webhook",
        # rasa-sdk listens on 0.0.0.0 otherwise
        env={"SANIC_HOST": "127.0.0.1", **ACTION_SERVER_ENV, **(env or {})},
    )


def endpoints_file(action_port: int, directory: Path, action_token: Optional[str] = None) -> Path:
    """The shipped endpoints.yml for an action server on another port (and token) and its
    own tracker database in `directory` (tests and benchmarks run beside `make run`)."""
    text = (ROOT / "endpoints.yml").read_text(encoding="utf-8")
    text = text.replace("localhost:5055", f"localhost:{action_port}")
    text = text.replace("var/tracker.db", str(directory / f"tracker-{action_port}.db"))
    if action_token:
        text = text.replace(development_header(), bearer(action_token))
    path = directory / f"endpoints-{action_port}.yml"
    directory.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# The website that embeds the chat widget (`make run` serves a demo page there).
WIDGET_ORIGIN = "http://localhost:8000"


def rasa_server(model: Path, port: int = 5005, action_port: int = 5055,
                work_dir: Path = ROOT / "var", cors: str = WIDGET_ORIGIN,
                action_token: Optional[str] = None,
                endpoints: Optional[Path] = None,
                env: Optional[Dict[str, str]] = None) -> Server:
    """The Rasa server. Its HTTP API listens on localhost only and wants a token:
    RASA_API_TOKEN, or a random one kept in `Server.api_token`. `endpoints` and `env`
    run it with another endpoints file, such as endpoints.production.yml with its
    settings in `env`."""
    work_dir.mkdir(parents=True, exist_ok=True)  # the SQLite tracker store lives here
    if endpoints is None:
        endpoints = ROOT / "endpoints.yml"
        if action_port != 5055 or action_token:
            endpoints = endpoints_file(action_port, work_dir, action_token)
    api_token = (env or {}).get("RASA_API_TOKEN") or os.environ.get("RASA_API_TOKEN") \
        or secrets.token_urlsafe(32)
    return Server(
        name="rasa",
        command=[str(BIN / "rasa"), "run", "--model", str(model), "--port", str(port),
                 "--interface", "127.0.0.1", "--enable-api",
                 f"--auth-token={api_token}",  # one word: a token may start with "-"
                 "--cors", cors, "--credentials", str(ROOT / "credentials.yml"),
                 "--endpoints", str(endpoints)],
        health_url=f"http://127.0.0.1:{port}/webhooks/rest/",  # answers once the model is loaded
        public_url=f"http://127.0.0.1:{port}/webhooks/rest/webhook",
        api_token=api_token,
        env=env or {},
    )


def staff_server(port: int = 8001, env: Optional[Dict[str, str]] = None) -> Server:
    """The staff page (python -m staff start), on the signals database."""
    return Server(
        name="staff",
        command=[str(BIN / "python"), "-m", "staff", "start", "--port", str(port)],
        health_url=f"http://127.0.0.1:{port}/gezond",
        public_url=f"http://localhost:{port}/",
        env=env or {},
    )


def widget_server(port: int = 8000, rasa_url: str = "http://localhost:5005") -> Server:
    """The demo website with the chat widget (servers/website.py); it sends chats to rasa_url."""
    return Server(
        name="widget",
        command=[str(BIN / "python"), "-m", "servers.website", "--port", str(port),
                 "--rasa-url", rasa_url],
        health_url=f"http://127.0.0.1:{port}/health",
        public_url=f"http://localhost:{port}/",
    )


def free_port() -> int:
    """A free TCP port on localhost, for servers started beside `make run`."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running(servers: List[Server], log_dir: Path, timeout: float = 240) -> Iterator[None]:
    """Starts the servers, waits until each answers, and always stops them all."""
    try:
        for server in servers:
            server.start(log_dir)
        for server in servers:
            server.wait_until_up(timeout)
        yield
    finally:
        for server in reversed(servers):
            server.stop()


def run_all(servers: List[Server], log_dir: Path, timeout: float = 180) -> int:
    try:
        with running(servers, log_dir, timeout):
            for server in servers:
                print(f"{server.name}: {server.public_url}", flush=True)
            print("De HTTP-API van Rasa vraagt een token: zet RASA_API_TOKEN om die zelf "
                  "te kiezen.", flush=True)
            print("Alles draait. Chat op de demopagina (widget-URL hierboven), met POST naar "
                  "de rasa-URL of met `.venv/bin/rasa shell`. Medewerkers: de staff-URL "
                  "(eerste account: make staff-user). Stoppen: Ctrl-C.", flush=True)
            while all(s.process.poll() is None for s in servers):
                time.sleep(1)
            return 1
    except KeyboardInterrupt:
        return 0


def main() -> int:
    parser = argparse.ArgumentParser(description="Start the assistant's servers.")
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "veiligheid.tar.gz")
    parser.add_argument("--logs", type=Path, default=ROOT / "logs")
    args = parser.parse_args()
    settings_or_exit()  # production without its secrets stops here, before any server
    # The servers run in their own sessions; on SIGTERM or SIGHUP exit through
    # run_all's `finally`, so they are stopped too instead of left running.
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, lambda *_: sys.exit(0))
    return run_all([action_server(), rasa_server(args.model), widget_server(), staff_server()],
                   args.logs)


if __name__ == "__main__":
    sys.exit(main())

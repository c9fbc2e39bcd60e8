"""Starts the product's processes and waits until they answer: used by `make run` and tests.

Each server is an ordinary child process; `run_all` stops them all together on Ctrl-C
or when one of them dies, so nothing is left running in the background.
"""
from __future__ import annotations

import argparse
import os
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

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


@dataclass
class Server:
    name: str
    command: List[str]
    health_url: str
    public_url: str
    env: Dict[str, str] = field(default_factory=dict)
    process: Optional[subprocess.Popen] = None

    def start(self, log_dir: Path) -> None:
        log_dir.mkdir(parents=True, exist_ok=True)
        log = open(log_dir / f"{self.name}.log", "ab")
        self.process = subprocess.Popen(
            self.command,
            cwd=ROOT,
            env={**os.environ, **self.env},
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
    return Server(
        name="actions",
        command=[str(BIN / "rasa"), "run", "actions", "--port", str(port),
                 "--actions", "actions"],
        health_url=f"http://127.0.0.1:{port}/health",
        public_url=f"http://127.0.0.1:{port}/webhook",
        env={**ACTION_SERVER_ENV, **(env or {})},
    )


def endpoints_file(action_port: int, directory: Path) -> Path:
    """The shipped endpoints.yml for an action server on another port and its own
    tracker database in `directory` (tests and benchmarks run beside `make run`)."""
    text = (ROOT / "endpoints.yml").read_text(encoding="utf-8")
    text = text.replace("localhost:5055", f"localhost:{action_port}")
    text = text.replace("var/tracker.db", str(directory / f"tracker-{action_port}.db"))
    path = directory / f"endpoints-{action_port}.yml"
    directory.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# The website that embeds the chat widget (`make run` serves a demo page there).
WIDGET_ORIGIN = "http://localhost:8000"


def rasa_server(model: Path, port: int = 5005, action_port: int = 5055,
                work_dir: Path = ROOT / "var", cors: str = WIDGET_ORIGIN,
                endpoints: Optional[Path] = None,
                env: Optional[Dict[str, str]] = None) -> Server:
    """`endpoints` and `env` run it with another endpoints file, such as
    endpoints.production.yml with its settings in `env`."""
    work_dir.mkdir(parents=True, exist_ok=True)  # the SQLite tracker store lives here
    if endpoints is None:
        endpoints = ROOT / "endpoints.yml"
        if action_port != 5055:
            endpoints = endpoints_file(action_port, work_dir)
    return Server(
        name="rasa",
        command=[str(BIN / "rasa"), "run", "--model", str(model), "--port", str(port),
                 "--interface", "127.0.0.1", "--enable-api", "--cors", cors,
                 "--credentials", str(ROOT / "credentials.yml"),
                 "--endpoints", str(endpoints)],
        health_url=f"http://127.0.0.1:{port}/webhooks/rest/",  # answers once the model is loaded
        public_url=f"http://127.0.0.1:{port}/webhooks/rest/webhook",
        env=env or {},
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
            print("Alles draait. Chat via POST naar de rasa-URL hierboven, of met "
                  "`.venv/bin/rasa shell`. Stoppen: Ctrl-C.", flush=True)
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
    # The servers run in their own sessions; on SIGTERM or SIGHUP exit through
    # run_all's `finally`, so they are stopped too instead of left running.
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, lambda *_: sys.exit(0))
    return run_all([action_server(), rasa_server(args.model)], args.logs)


if __name__ == "__main__":
    sys.exit(main())

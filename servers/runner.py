"""Starts the product's processes and waits until they answer: used by `make run` and tests.

Each server is an ordinary child process in a session of its own; `run_all` stops them
all together on Ctrl-C, SIGTERM or SIGHUP, or when one of them dies. Three things make
sure no server outlives the runner, also when a process manager sends SIGTERM to the
whole `make run` group (make passes it on, so the runner gets it twice):

- the first stop signal starts the cleanup and every later one is ignored, so a
  repeated signal cannot cut the cleanup short;
- signals are blocked while a child is being started, so none is left half-registered;
- on Linux each child asks the kernel for SIGKILL when the runner dies (PR_SET_PDEATHSIG),
  so even a runner killed with SIGKILL takes its servers with it.

`serve` (used by `python -m servers`) also sets the umask to 0077, so everything under
var/ and logs/ is readable by this user only, and gives each start its own action token.
"""
from __future__ import annotations

import argparse
import ctypes
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Optional, Sequence, Union

from wijkveiligheid.logs import rotating_copy
from wijkveiligheid.settings import ROOT, settings, settings_or_exit
from wijkveiligheid.tokens import bearer, development_header

BIN = Path(sys.executable).parent

# Rasa sends usage events and crash reports to its makers unless told not to; a
# municipal service shares nothing unasked (an operator may still set it to true).
NO_TELEMETRY = {"RASA_TELEMETRY_ENABLED": "false"}

STOP_SIGNALS = {signal.SIGTERM, signal.SIGHUP, signal.SIGINT}
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None


class StopRequested(BaseException):
    """A stop signal arrived. A BaseException, like KeyboardInterrupt, so that no
    `except Exception` on the way swallows it."""


_stop_handlers_installed = False


def _on_stop_signal(signum: int, _frame: object) -> None:
    ignore_stop_signals()  # from now on: one cleanup, never cut short by a second signal
    raise StopRequested(signum)


def install_stop_handlers() -> None:
    """SIGTERM, SIGHUP and SIGINT (Ctrl-C) raise StopRequested once, then are ignored."""
    global _stop_handlers_installed
    for signum in STOP_SIGNALS:
        signal.signal(signum, _on_stop_signal)
    _stop_handlers_installed = True


def ignore_stop_signals() -> None:
    """Once stopping has begun, later signals change nothing (only in the runner itself:
    a test process keeps its own Ctrl-C)."""
    if _stop_handlers_installed and threading.current_thread() is threading.main_thread():
        for signum in STOP_SIGNALS:
            signal.signal(signum, signal.SIG_IGN)


def _child_setup(parent: int) -> Callable[[], None]:
    """Runs in the new child before exec: die with the runner, take the signals back."""
    def setup() -> None:
        if LIBC is not None:
            LIBC.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
            if os.getppid() != parent:  # the runner died before prctl took effect
                os._exit(1)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    return setup


@dataclass
class Server:
    name: str
    command: List[str]
    health_url: str
    public_url: str
    env: Dict[str, str] = field(default_factory=dict)
    api_token: Optional[str] = None  # Rasa's HTTP API wants it as `?token=`
    process: Optional[subprocess.Popen] = None
    log_copy: Optional[threading.Thread] = None  # copies the output into the rotated log

    def start(self, log_dir: Path) -> None:
        log_dir.mkdir(parents=True, exist_ok=True)
        # A stop signal now would leave a started child that `stop` does not know.
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        try:
            self.process = subprocess.Popen(
                self.command,
                cwd=ROOT,
                env={**NO_TELEMETRY, **os.environ, **self.env},
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C in the terminal reaches us, not them
                preexec_fn=_child_setup(os.getpid()),
            )
            # The output goes to logs/<name>.log, rotated by size (LOG_MAX_BYTES,
            # LOG_BACKUPS). Started while stop signals are blocked, so the copying thread
            # inherits the block and the main thread alone handles them.
            self.log_copy = rotating_copy(self.process.stdout, log_dir / f"{self.name}.log")
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)

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

    def terminate(self) -> None:
        """Asks the server (and anything it started) to stop; does not wait."""
        if self.process and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    def stop(self, timeout: float = 20) -> None:
        """Stops the server and waits for it; SIGKILL when it takes longer than `timeout`."""
        self.terminate()
        if self.process and self.process.poll() is None:
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(self.process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.process.wait()


def stop_all(servers: Sequence[Server]) -> None:
    """Stops every server, all at once; a stop signal that arrives meanwhile (only the
    first one can: the handler then ignores the rest) starts the round again instead of
    ending it."""
    while True:
        try:
            ignore_stop_signals()
            for server in servers:
                server.terminate()
            for server in reversed(servers):
                server.stop()
            return
        except StopRequested:
            continue


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


def endpoints_file(action_port: int, directory: Path, action_token: Optional[str] = None,
                   tracker: Optional[Path] = None, name: Optional[str] = None) -> Path:
    """The shipped endpoints.yml for an action server on another port (and token) and its
    own tracker database in `directory` (tests and benchmarks run beside `make run`), or
    `tracker`. The file may hold a token: only this user can read it (0600)."""
    text = (ROOT / "endpoints.yml").read_text(encoding="utf-8")
    text = text.replace("localhost:5055", f"localhost:{action_port}")
    text = text.replace("var/tracker.db", str(tracker or directory / f"tracker-{action_port}.db"))
    if action_token:
        text = text.replace(development_header(), bearer(action_token))
    path = directory / (name or f"endpoints-{action_port}.yml")
    directory.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # also when an older file was readable by others
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    return path


# The website that embeds the chat widget (`make run` serves a demo page there; Rasa
# allows every origin of WIDGET_ORIGINS, this one included).
WIDGET_ORIGIN = "http://localhost:8000"


# `rasa` with less memory and the same answers (servers/lean_rasa.py).
RASA = [str(BIN / "python"), "-m", "servers.lean_rasa"]


def rasa_server(model: Path, port: int = 5005, action_port: int = 5055,
                work_dir: Path = ROOT / "var",
                cors: Union[str, Sequence[str], None] = None,
                action_token: Optional[str] = None,
                endpoints: Optional[Path] = None,
                env: Optional[Dict[str, str]] = None) -> Server:
    """The Rasa server. Its HTTP API listens on localhost only and wants a token:
    RASA_API_TOKEN, or a random one kept in `Server.api_token`. `cors` is the origin (or
    origins) of the pages with the widget, by default WIDGET_ORIGINS. `endpoints` and
    `env` run it with another endpoints file, such as endpoints.production.yml with its
    settings in `env`."""
    if cors is None:
        cors = settings().widget_origin_list
    origins = [cors] if isinstance(cors, str) else list(cors)
    work_dir.mkdir(parents=True, exist_ok=True)  # the SQLite tracker store lives here
    if endpoints is None:
        endpoints = ROOT / "endpoints.yml"
        if action_port != 5055 or action_token:
            endpoints = endpoints_file(action_port, work_dir, action_token)
    api_token = (env or {}).get("RASA_API_TOKEN") or os.environ.get("RASA_API_TOKEN") \
        or secrets.token_urlsafe(32)
    return Server(
        name="rasa",
        command=[*RASA, "run", "--model", str(model), "--port", str(port),
                 "--interface", "127.0.0.1", "--enable-api",
                 f"--auth-token={api_token}",  # one word: a token may start with "-"
                 "--cors", *origins, "--credentials", str(ROOT / "credentials.yml"),
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
        stop_all(servers)


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
    except (KeyboardInterrupt, StopRequested):
        return 0


def private_files(*folders: Path) -> None:
    """From here on every file this process and its children create is for this user
    only (0600, folders 0700), and what an earlier run or `make migrate` left in
    `folders` is made so too. Symbolic links are left alone."""
    os.umask(0o077)
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
        for path in [folder, *folder.rglob("*")]:
            if path.is_symlink():
                continue
            try:
                path.chmod(0o700 if path.is_dir() else 0o600)
            except PermissionError:  # another user's file: not ours to change
                print(f"Kan de rechten van {path} niet aanpassen.", file=sys.stderr)


def serve(servers: Callable[[], List[Server]], log_dir: Path, var_dir: Path) -> int:
    """What `make run` does: private files, stop signals handled once, the servers that
    `servers()` builds (after the umask is set, so their files are private too)."""
    install_stop_handlers()
    try:
        private_files(var_dir, log_dir)
        return run_all(servers(), log_dir)
    except StopRequested:
        return 0


def development_servers(model: Path, var_dir: Path = ROOT / "var",
                        ports: Optional[Dict[str, int]] = None,
                        action_token: Optional[str] = None) -> List[Server]:
    """The four servers of `make run`. Rasa and the action server share a token that is
    new at every start (ACTION_SERVER_TOKEN when the operator set one): the development
    token in endpoints.yml is public, so `make run` does not use it."""
    ports = {"actions": 5055, "rasa": 5005, "widget": 8000, "staff": 8001, **(ports or {})}
    token = action_token or settings().action_server_token or secrets.token_urlsafe(32)
    endpoints = endpoints_file(ports["actions"], var_dir, token, tracker=var_dir / "tracker.db",
                               name="endpoints-lokaal.yml")
    return [
        action_server(ports["actions"], env={"ACTION_SERVER_TOKEN": token}),
        rasa_server(model, port=ports["rasa"], action_port=ports["actions"], work_dir=var_dir,
                    endpoints=endpoints),
        widget_server(ports["widget"], rasa_url=f"http://localhost:{ports['rasa']}"),
        staff_server(ports["staff"]),
    ]


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Start the assistant's servers.")
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "veiligheid.tar.gz")
    parser.add_argument("--logs", type=Path, default=ROOT / "logs")
    parser.add_argument("--var", type=Path, default=ROOT / "var",
                        help="map voor gesprekken en het endpoints-bestand met het token")
    for name, port in (("actions", 5055), ("rasa", 5005), ("widget", 8000), ("staff", 8001)):
        parser.add_argument(f"--{name}-port", type=int, default=port)
    args = parser.parse_args(argv)
    settings_or_exit()  # production without its secrets stops here, before any server
    ports = {name: getattr(args, f"{name}_port") for name in ("actions", "rasa", "widget", "staff")}
    return serve(lambda: development_servers(args.model, args.var, ports), args.logs, args.var)


if __name__ == "__main__":
    sys.exit(main())

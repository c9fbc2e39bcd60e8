"""The process runner (servers/runner.py) as a real process, started the way `make run` starts
it: stop signals to the whole process group, a runner killed outright, private files and a
fresh action token at each start.

Most tests give the runner a small command list of stand-in servers (no model needed); the
last one runs `python -m servers` with the real four servers."""
from __future__ import annotations

import os
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator, List

import pytest
import requests

from servers.runner import development_servers, free_port
from tests.conftest import MODEL, migrate
from wijkveiligheid.tokens import development_header

ROOT = Path(__file__).resolve().parents[2]

# A stand-in server: answers every GET, writes a file in var/, and takes a while to stop,
# as real servers do, so a second signal can arrive during the cleanup.
FAKE_SERVER = """
import os, signal, sys, time
from http.server import BaseHTTPRequestHandler, HTTPServer
name, port, var = sys.argv[1], int(sys.argv[2]), sys.argv[3]
os.makedirs(os.path.join(var, "nep"), exist_ok=True)
with open(os.path.join(var, "nep", name + ".db"), "w") as handle:
    handle.write("gegevens")
class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")
    def log_message(self, *args):
        pass
def slow_stop(*_):
    open(os.path.join(var, "nep", name + ".stopt"), "w").close()
    time.sleep(1.5)
    os._exit(0)
signal.signal(signal.SIGTERM, slow_stop)
HTTPServer(("127.0.0.1", port), Handler).serve_forever()
"""

# The runner's own `serve`, with the stand-ins instead of the four real servers.
FAKE_RUNNER = """
import sys
from pathlib import Path
from servers.runner import Server, serve
fake, var, logs, ports = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4:]
def servers():
    return [Server(name=f"nep{i}", command=[sys.executable, fake, f"nep{i}", port, str(var)],
                   health_url=f"http://127.0.0.1:{port}/", public_url=f"http://127.0.0.1:{port}/")
            for i, port in enumerate(ports)]
sys.exit(serve(servers, logs, var))
"""

WAIT = 120  # s: generous for a busy machine; no test measures time


STARTED: List[int] = []  # every stand-in seen, so a failing test leaves none running


@pytest.fixture(autouse=True)
def no_leftovers() -> Iterator[None]:
    yield
    for pid in STARTED:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)
    STARTED.clear()


class Run:
    """A runner started in a process group of its own, through make or directly."""

    def __init__(self, tmp: Path, through_make: bool = True, count: int = 3) -> None:
        self.var, self.logs = tmp / "var", tmp / "logs"
        self.ports = [free_port() for _ in range(count)]
        (tmp / "nep_server.py").write_text(FAKE_SERVER)
        (tmp / "nep_runner.py").write_text(FAKE_RUNNER)
        command = [sys.executable, str(tmp / "nep_runner.py"), str(tmp / "nep_server.py"),
                   str(self.var), str(self.logs), *map(str, self.ports)]
        if through_make:  # make passes SIGTERM on to the runner: it gets it twice
            (tmp / "Makefile").write_text("run:\n\t" + " ".join(command) + "\n")
            command = ["make", "--no-print-directory", "-f", str(tmp / "Makefile"), "run"]
        self.process = subprocess.Popen(command, cwd=ROOT, start_new_session=True,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def wait_until_up(self) -> List[int]:
        """Waits until every stand-in answers; returns their process ids."""
        deadline = time.monotonic() + WAIT
        while not all(answers(port) for port in self.ports):
            assert self.process.poll() is None, "the runner stopped by itself"
            assert time.monotonic() < deadline, "the stand-in servers did not start"
            time.sleep(0.2)
        pids = [pid_on_port(port) for port in self.ports]
        STARTED.extend(pids)
        return pids

    def signal_group(self, signum: int = signal.SIGTERM) -> None:
        os.killpg(self.process.pid, signum)  # as `kill -TERM -- -PGID` does

    def cleanup_started(self) -> bool:
        return any((self.var / "nep").glob("*.stopt"))


def answers(port: int) -> bool:
    try:
        return requests.get(f"http://127.0.0.1:{port}/", timeout=2).status_code == 200
    except requests.RequestException:
        return False


def listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def pid_on_port(port: int) -> int:
    """The process listening on a port, from /proc (Linux)."""
    inode = None
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "0A":  # LISTEN
                inode = fields[9]
    assert inode, f"nothing listens on port {port}"
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            links = [os.readlink(fd) for fd in (proc / "fd").iterdir()]
        except OSError:
            continue
        if f"socket:[{inode}]" in links:
            return int(proc.name)
    raise AssertionError(f"no process found for port {port}")


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has stopped; only its exit status is left


def wait_until_gone(pids: List[int]) -> List[int]:
    deadline = time.monotonic() + WAIT
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    return [pid for pid in pids if alive(pid)]


def wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


@pytest.mark.parametrize("again", [False, True], ids=["once", "again-during-cleanup"])
def test_sigterm_to_the_make_run_group_stops_every_server(tmp_path, again):
    run = Run(tmp_path)
    pids = run.wait_until_up()
    run.signal_group()
    if again:  # a process manager that insists, while the runner is stopping
        wait_for(run.cleanup_started, "the runner did not start stopping")
        run.signal_group()
        run.signal_group(signal.SIGHUP)
    run.process.wait(timeout=WAIT)
    assert wait_until_gone(pids) == []
    assert not any(listening(port) for port in run.ports)
    # Every stand-in was stopped by the runner (SIGTERM), none left to the watchdog.
    assert len(list((run.var / "nep").glob("*.stopt"))) == len(run.ports)


def test_a_signal_while_the_servers_start_stops_those_already_started(tmp_path):
    run = Run(tmp_path, count=4)
    wait_for(lambda: any(listening(port) for port in run.ports), "no stand-in started")
    started = [pid_on_port(port) for port in run.ports if listening(port)]
    STARTED.extend(started)
    run.signal_group()
    run.process.wait(timeout=WAIT)
    assert wait_until_gone(started) == []
    assert not any(listening(port) for port in run.ports)


def test_no_server_outlives_a_runner_killed_outright(tmp_path):
    run = Run(tmp_path, through_make=False)
    pids = run.wait_until_up()
    os.kill(run.process.pid, signal.SIGKILL)  # no cleanup at all: the kernel's watchdog
    run.process.wait(timeout=WAIT)
    assert wait_until_gone(pids) == []


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def test_files_under_var_and_logs_are_for_this_user_only(tmp_path):
    (tmp_path / "var").mkdir(mode=0o755)
    old = tmp_path / "var" / "signalen.db"  # as `make migrate` leaves it before the runner
    old.write_text("oud")
    old.chmod(0o644)
    run = Run(tmp_path)
    run.wait_until_up()
    run.signal_group()
    run.process.wait(timeout=WAIT)
    made = [run.var, run.logs, old, *run.var.rglob("*"), *run.logs.rglob("*")]
    assert len(made) > 2 + 3 + 3  # the folders, the stand-ins' files and their logs
    loose = {str(path): oct(mode(path)) for path in made
             if mode(path) != (0o700 if path.is_dir() else 0o600)}
    assert loose == {}


def test_make_run_gives_each_start_its_own_action_token(tmp_path):
    tokens = []
    for _ in range(2):
        actions, rasa, *_ = development_servers(MODEL, var_dir=tmp_path)
        token = actions.env["ACTION_SERVER_TOKEN"]
        endpoints = Path(rasa.command[rasa.command.index("--endpoints") + 1])
        text = endpoints.read_text()
        assert f"Bearer {token}" in text and development_header() not in text
        assert mode(endpoints) == 0o600
        assert str(tmp_path / "tracker.db") in text  # the conversations stay where they were
        tokens.append(token)
    assert tokens[0] != tokens[1] and len(tokens[0]) >= 40


@pytest.mark.e2e
def test_the_real_runner_stops_all_four_servers_on_sigterm_to_its_group(tmp_path):
    if not MODEL.exists():
        pytest.fail(f"No trained model at {MODEL}: run `make test`, which trains first.")
    signals = f"sqlite:///{tmp_path / 'signalen.db'}"
    migrate(signals)
    ports = {name: free_port() for name in ("actions", "rasa", "widget", "staff")}
    env = {**os.environ, "DATABASE_URL": signals, "SIGNAL_OUTBOX": str(tmp_path / "outbox"),
           "STAFF_SECRET_KEY": "test-sleutel"}
    env.pop("ACTION_SERVER_TOKEN", None)
    command = [sys.executable, "-m", "servers", "--model", str(MODEL), "--var",
               str(tmp_path / "var"), "--logs", str(tmp_path / "logs"),
               *[arg for name, port in ports.items() for arg in (f"--{name}-port", str(port))]]
    output = open(tmp_path / "runner.log", "wb")
    runner = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True,
                              stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 300
        while not answers_rest(ports["rasa"]) or not all(map(listening, ports.values())):
            assert runner.poll() is None, (tmp_path / "runner.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "the servers did not start"
            time.sleep(0.5)
        pids = [pid_on_port(port) for port in ports.values()]
        STARTED.extend(pids)
        # Rasa reaches the action server with this start's token; the public development
        # token no longer opens it.
        reply = requests.post(f"http://127.0.0.1:{ports['rasa']}/webhooks/rest/webhook",
                              json={"sender": "runner-test", "message": "ik wil een signaal doorgeven"},
                              timeout=120).json()
        assert reply and "er ging bij mij iets mis" not in " ".join(m.get("text", "") for m in reply)
        refused = requests.post(f"http://127.0.0.1:{ports['actions']}/webhook",
                                headers={"Authorization": development_header()},
                                json={"next_action": "action_listen"}, timeout=30)
        assert refused.status_code == 401
        os.killpg(runner.pid, signal.SIGTERM)
        runner.wait(timeout=WAIT)
        assert wait_until_gone(pids) == []
        assert not any(map(listening, ports.values()))
    finally:
        if runner.poll() is None:
            os.killpg(runner.pid, signal.SIGKILL)


def answers_rest(port: int) -> bool:
    try:
        return requests.get(f"http://127.0.0.1:{port}/webhooks/rest/", timeout=2).ok
    except requests.RequestException:
        return False


def test_a_servers_log_rotates_by_size(tmp_path, monkeypatch):
    """Each server's output goes to logs/<name>.log, which starts anew after LOG_MAX_BYTES."""
    from servers.runner import Server

    monkeypatch.setenv("LOG_MAX_BYTES", "2000")
    monkeypatch.setenv("LOG_BACKUPS", "2")
    chatty = Server(name="praatgraag", health_url="http://127.0.0.1:9/", public_url="",
                    command=[sys.executable, "-c", "for i in range(500): print('regel', i)"])
    chatty.start(tmp_path)
    chatty.process.wait(timeout=60)
    chatty.log_copy.join(timeout=30)
    logs = sorted(tmp_path.glob("praatgraag.log*"))
    assert [p.name for p in logs] == ["praatgraag.log", "praatgraag.log.1", "praatgraag.log.2"]
    assert all(p.stat().st_size <= 2000 for p in logs)
    assert "regel 499" in (tmp_path / "praatgraag.log").read_text()

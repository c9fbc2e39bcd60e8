"""servers.runner builds command lines that Rasa's own argument parser reads as meant."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from rasa.__main__ import create_argument_parser

from servers.runner import Server, rasa_server


@pytest.mark.parametrize("token", ["-begint-met-streepje", "--ook-dit", "gewoon_token"])
def test_any_api_token_reaches_rasa_as_the_token(monkeypatch, tmp_path, token):
    # secrets.token_urlsafe can start with "-", which argparse would take for an option.
    monkeypatch.setenv("RASA_API_TOKEN", token)
    server = rasa_server(Path("models/veiligheid.tar.gz"), port=5999, work_dir=tmp_path)
    args = create_argument_parser().parse_args(server.command[1:])
    assert args.auth_token == token == server.api_token
    assert args.enable_api and args.interface == "127.0.0.1"


def test_servers_send_no_telemetry_to_rasa(monkeypatch, tmp_path):
    monkeypatch.delenv("RASA_TELEMETRY_ENABLED", raising=False)
    probe = Server(name="probe", health_url="", public_url="", command=[
        sys.executable, "-c", "import os; print(os.environ.get('RASA_TELEMETRY_ENABLED'))"])
    probe.start(tmp_path)
    probe.process.wait(timeout=30)
    assert (tmp_path / "probe.log").read_text().strip() == "false"
